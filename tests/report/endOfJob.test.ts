// The end of an import job, through the bridge as the screens call it, against the local service
// and its Azurite: two drives prepared by the app, one with a file damaged after its MD5 went into
// the manifest (D7: not imported, Md5Mismatch), the other never arriving (D4). The completion
// report says per drive and per source file what became of each, and Azurite holds exactly what
// it says was imported; verify the import finds nothing on a clean job, then a blob deleted and
// blobs changed in Azurite, each named by its source file; the re-send draft holds exactly the
// files not imported, and preparing it copies only those.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { localConnection, sandboxAccountsFile } from '../../main/core/service/local';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import { parseDataset } from '../../shared/formats/dataset';
import { MANIFEST_FILE, parseDriveManifest } from '../../shared/formats/driveManifest';
import type { Draft } from '../../shared/prep/draft';
import type { PrepPlanResult, PrepSessionInfo } from '../../shared/prep/session';
import type { JobView } from '../../shared/jobs';
import type { JobReport, ReceivedStatus, ReportRow, VerifyImportStatus } from '../../shared/report/schemas';
import type { ReportRowsPage, ResendAnswer } from '../../shared/ipc/channels/report';
import { DELIVERY, RETURN_ADDRESS, bytes, ops, startTestService, type TestService } from '../service/helpers';

const fixed = (c: Connection | undefined): ConnectionSource => ({ current: () => c, onChange: () => () => undefined });
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const MiB = 1024 * 1024;

let t: TestService;
let work: string;
let core: Core;
const progress: VerifyImportStatus[] = [];

async function call<T>(channel: string, payload: unknown = {}) {
  return (await dispatch(core.handlers, channel, payload)) as
    | { ok: true; value: T }
    | { ok: false; error: { code: string; message: string; target?: string } };
}
async function ok<T>(channel: string, payload: unknown = {}): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** The customer's files: drive A's folder and drive B's. */
const SOURCES = {
  A: {
    'a.jpg': bytes(1000, 3),
    'big.bin': bytes(6 * MiB + 123, 5), // two blocks; damaged on the drive after its prep
    'c.txt': bytes(777, 9),
    'e.bin': bytes(5 * MiB, 13), // two blocks, imported; changed in Azurite later
  },
  B: { 'lost1.txt': bytes(2000, 17), 'sub/lost2.txt': bytes(3000, 19) },
} as const;

interface Prepared {
  driveId: string;
  manifestHash: string;
  dir: string;
}

async function prepare(jobName: string, src: string, dir: string, destination: string): Promise<Prepared> {
  mkdirSync(dir, { recursive: true });
  const spec = {
    jobName,
    sources: { kind: 'picked', paths: [src], destination },
    targets: [{ path: dir, allowFolder: true }],
    verify: false,
  };
  const plan = await ok<PrepPlanResult>('prep.plan', spec);
  expect(plan.ready, plan.message).toBe(true);
  const started = await ok<PrepSessionInfo>('prep.start', {
    ...spec,
    confirmedDriveIds: plan.targets.map((x) => x.driveId),
  });
  await core.context.prep!.whenEnded(started.sessionId);
  const info = (await ok<PrepSessionInfo[]>('prep.sessions')).find((s) => s.sessionId === started.sessionId)!;
  expect(info.result?.ok, info.result?.message).toBe(true);
  const d = info.result!.drives[0]!;
  return { driveId: d.driveId, manifestHash: d.manifestHash, dir };
}

function storage(): BlobServiceClient {
  const accounts = JSON.parse(readFileSync(sandboxAccountsFile(t.dataDir), 'utf8')) as {
    port: number;
    accounts: Record<string, string>;
  };
  return new BlobServiceClient(
    `http://127.0.0.1:${accounts.port}/haulsandbox`,
    new StorageSharedKeyCredential('haulsandbox', accounts.accounts.haulsandbox!),
  );
}

/** Every blob in the storage account but the copy logs, with its content's MD5. */
async function blobsInStorage(): Promise<Map<string, string>> {
  const s = storage();
  const out = new Map<string, string>();
  for await (const c of s.listContainers()) {
    if (c.name === 'waimportexport') continue;
    const cc = s.getContainerClient(c.name);
    for await (const b of cc.listBlobsFlat())
      out.set(`${c.name}/${b.name}`, md5(await cc.getBlobClient(b.name).downloadToBuffer()));
  }
  return out;
}

async function rowsOf(name: string, filter = 'all'): Promise<ReportRow[]> {
  return (await ok<ReportRowsPage>('report.rows', { name, filter, limit: 1000 })).rows;
}

async function verifyRun(name: string, budgetBytes: number): Promise<VerifyImportStatus> {
  const started = await ok<VerifyImportStatus>('verifyImport.start', { name, budgetBytes });
  expect(started.state).toBe('running');
  for (;;) {
    const s = await ok<VerifyImportStatus | null>('verifyImport.status', { name });
    if (s && s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const JOB = 'endjob';
let srcA: string;
let srcB: string;
let driveA: Prepared;
let driveB: Prepared;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'haul-endjob-'));
  t = await startTestService({ storage: true, progressIntervalMs: 0 });
  core = await createCore({
    dataDir: join(work, 'app'),
    listDrives: async () => [],
    connections: fixed(localConnection(t.svc.connection, t.dataDir)),
    tracker: { start: false },
  });
  core.events.on((event, payload) => {
    if (event === 'verifyImport.progress') progress.push(payload as VerifyImportStatus);
  });
  for (const [drive, files] of Object.entries(SOURCES)) {
    for (const [rel, data] of Object.entries(files)) {
      const p = join(work, 'src', drive, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, data);
    }
  }
  srcA = join(work, 'src', 'A');
  srcB = join(work, 'src', 'B');
  driveA = await prepare(JOB, srcA, join(work, 'driveA'), 'photos/');
  driveB = await prepare(JOB, srcB, join(work, 'driveB'), 'archive/');

  // big.bin is damaged on drive A after its block MD5s went into the manifest.
  const manifest = parseDriveManifest(readFileSync(join(driveA.dir, MANIFEST_FILE), 'utf8'));
  const big = manifest.blobs.find((b) => b.blobPath.endsWith('big.bin'))!;
  const file = join(driveA.dir, ...big.filePath.split('/'));
  const data = readFileSync(file);
  data[5 * MiB] = data[5 * MiB]! ^ 0xff;
  writeFileSync(file, data);

  await ok<JobView>('jobs.create', {
    name: JOB,
    type: 'Import',
    storageAccountId: t.storageAccountId(),
    location: 'Sandbox West',
    drives: [driveA, driveB].map((d) => ({
      driveId: d.driveId,
      manifestFile: '\\DriveManifest.xml',
      manifestHash: d.manifestHash,
    })),
    returnAddress: RETURN_ADDRESS,
    returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
    notificationEmails: ['ops@example.com'],
    logLevel: 'Error',
  });
  await ok<JobView>('jobs.ship', { name: JOB, ...DELIVERY, driveCount: 2 });
  // Drive B never reaches the data center (D4); drive A is copied, big.bin fails its MD5 (D7).
  expect(
    (await ops(t, JOB, 'package-arrived', { drives: [{ driveId: driveA.driveId, path: driveA.dir }] })).status,
  ).toBe(200);
  expect((await ops(t, JOB, 'start-drive', { driveId: driveA.driveId, wait: true })).status).toBe(200);
  expect((await ops(t, JOB, 'ship-back', { carrierName: 'FedEx', trackingNumber: 'RET-END-1' })).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await core?.dispose();
  await t?.cleanup();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the completion report', () => {
  it('D4, D7: per drive and per source file — imported, failed with the log’s reason, never arrived', async () => {
    const report = await ok<JobReport>('report.get', { name: JOB });
    expect(report.verdict.kind).toBe('partlyImported');
    expect(report.drives.map((d) => [d.driveId, d.verdict.kind, d.files])).toEqual([
      [driveA.driveId, 'importedWithErrors', 'journal'],
      [driveB.driveId, 'notImported', 'journal'],
    ]);
    const rows = await rowsOf(JOB);
    const line = (r: ReportRow) => [r.driveId, r.sourcePath, r.blobPath, r.outcome.kind, r.outcome.reason ?? ''];
    expect(rows.map(line)).toEqual([
      [driveA.driveId, join(srcA, 'a.jpg'), 'photos/a.jpg', 'imported', ''],
      [driveA.driveId, join(srcA, 'big.bin'), 'photos/big.bin', 'failed', 'Md5Mismatch'],
      [driveA.driveId, join(srcA, 'c.txt'), 'photos/c.txt', 'imported', ''],
      [driveA.driveId, join(srcA, 'e.bin'), 'photos/e.bin', 'imported', ''],
      [driveB.driveId, join(srcB, 'lost1.txt'), 'archive/lost1.txt', 'notReceived', 'DriveNeverReceived'],
      [driveB.driveId, join(srcB, 'sub/lost2.txt'), 'archive/sub/lost2.txt', 'notReceived', 'DriveNeverReceived'],
    ]);
    expect(rows[1]!.outcome.text).toContain('does not match the MD5 the manifest holds');
    expect(rows[4]!.outcome.text).toBe('Not imported: its drive never reached the data center.');
    expect(report.totals).toMatchObject({
      all: { files: 6 },
      imported: { files: 3, bytes: 1000 + 777 + 5 * MiB },
      failed: { files: 1, bytes: 6 * MiB + 123 },
      notReceived: { files: 2, bytes: 5000 },
      resendable: 3,
    });
    const notImported = await rowsOf(JOB, 'notImported');
    expect(notImported.map((r) => r.blobPath)).toEqual([
      'photos/big.bin',
      'archive/lost1.txt',
      'archive/sub/lost2.txt',
    ]);
  });

  it('Azurite holds exactly what the report says was imported, byte for byte', async () => {
    const imported = (await rowsOf(JOB, 'imported')).map((r) => [r.importedAs ?? r.blobPath, r.sourcePath!] as const);
    const held = await blobsInStorage();
    expect([...held.keys()].sort()).toEqual(imported.map(([b]) => b).sort());
    for (const [blob, src] of imported) expect(held.get(blob), blob).toBe(md5(readFileSync(src)));
  });

  it('as CSV: one line per file naming its source file, and only the failures on demand', async () => {
    const all = await ok<{ fileName: string; text: string; rows: number }>('report.csv', { name: JOB });
    expect(all.fileName).toBe(`${JOB}-report.csv`);
    const lines = all.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Drive,Outcome,Reason,Source file,Blob,Imported as,Path on drive,Bytes,Blob type,Disposition,Details',
    );
    expect(lines).toHaveLength(7);
    expect(lines[2]).toContain(`${driveA.driveId},Not imported,Md5Mismatch,${join(srcA, 'big.bin')},photos/big.bin,`);
    const failed = await ok<{ text: string; rows: number }>('report.csv', { name: JOB, filter: 'notImported' });
    expect(failed.rows).toBe(3);
    expect(failed.text).not.toContain('photos/a.jpg');
  });

  it('is kept in the data folder once the job is over, and built again on demand', async () => {
    // The job seen over (by the tracker's poll or a screen) is enough: nobody asks for the report.
    await ok<JobView>('jobs.get', { name: JOB });
    const reports = join(work, 'app', 'reports');
    const file = () => join(reports, readdirSync(reports)[0]!, JOB, 'report.csv');
    await vi.waitFor(() => expect(existsSync(file())).toBe(true), { timeout: 20_000 });
    const csv = readFileSync(file(), 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(7);
    expect(csv).toContain(join(srcB, 'sub/lost2.txt'));
    const again = await ok<JobReport>('report.get', { name: JOB, refresh: true });
    expect(again.totals.all.files).toBe(6);
    const r = await call('report.get', { name: 'no-such-job' });
    expect(r.ok).toBe(false);
  });
});

describe('verify the import', () => {
  it('a clean job verifies with zero mismatches: by Content-MD5 where the file has one block, else read back', async () => {
    progress.length = 0;
    const s = await verifyRun(JOB, 100 * MiB);
    expect(s).toMatchObject({
      state: 'done',
      total: { files: 3 },
      checked: { files: 3 },
      matching: 3,
      mismatchCount: 0,
      notChecked: 3,
      lengthOnly: { files: 0 },
    });
    expect(s.byReadBack).toBeGreaterThanOrEqual(1); // e.bin: two blocks, no whole-file MD5 in the manifest
    expect(s.bytesRead).toBeGreaterThanOrEqual(5 * MiB);
    expect(progress.at(-1)?.state).toBe('done');
  });

  it('the budget bounds what is read back: a file past it is checked by length only, not called a mismatch', async () => {
    const s = await verifyRun(JOB, 0);
    expect(s).toMatchObject({
      state: 'done',
      mismatchCount: 0,
      bytesRead: 0,
      lengthOnly: { files: 1, bytes: 5 * MiB },
    });
  });

  it('finds a blob deleted in Azurite and blobs changed there after the import, each named by its source file', async () => {
    const s = storage();
    const photos = s.getContainerClient('photos');
    await photos.getBlobClient('a.jpg').delete();
    const c = Buffer.from(SOURCES.A['c.txt']);
    c[0] = c[0]! ^ 1;
    await photos.getBlockBlobClient('c.txt').upload(c, c.length);
    // e.bin: the same length, one byte changed, committed from blocks (no Content-MD5): only reading it back tells.
    const e = Buffer.from(SOURCES.A['e.bin']);
    e[4 * MiB + 10] = e[4 * MiB + 10]! ^ 1;
    const eb = photos.getBlockBlobClient('e.bin');
    const ids = [0, 1].map((i) => Buffer.from(`block-${i}`).toString('base64'));
    await eb.stageBlock(ids[0]!, e.subarray(0, 4 * MiB), 4 * MiB);
    await eb.stageBlock(ids[1]!, e.subarray(4 * MiB), e.length - 4 * MiB);
    await eb.commitBlockList(ids);

    const r = await verifyRun(JOB, 100 * MiB);
    expect(r).toMatchObject({ state: 'done', checked: { files: 3 }, matching: 0, mismatchCount: 3 });
    const by = Object.fromEntries(r.mismatches.map((m) => [m.sourcePath, m]));
    expect(by[join(srcA, 'a.jpg')]).toMatchObject({ kind: 'missing', blobPath: 'photos/a.jpg' });
    expect(by[join(srcA, 'c.txt')]).toMatchObject({ kind: 'content', blobPath: 'photos/c.txt' });
    expect(by[join(srcA, 'e.bin')]).toMatchObject({ kind: 'content', blobPath: 'photos/e.bin' });
    expect(by[join(srcA, 'e.bin')]!.text).toContain('block 2');
  });
});

describe('re-send what failed', () => {
  it('builds a draft of exactly the files not imported, same blobs and settings; preparing it copies only those', async () => {
    const answer = await ok<ResendAnswer>('report.resend', { name: JOB });
    expect(answer).toMatchObject({ jobName: `${JOB}-resend`, files: 3, bytes: 6 * MiB + 123 + 5000, left: 0 });
    const draft = await ok<Draft>('drafts.get', { id: answer.draftId });
    expect(draft.step).toBe('data');
    expect(draft.values.type).toMatchObject({
      kind: 'import',
      jobName: `${JOB}-resend`,
      storageAccountId: t.storageAccountId(),
      location: 'Sandbox West',
    });
    expect(draft.values.shipping).toMatchObject({
      returnAddress: { recipientName: RETURN_ADDRESS.recipientName, email: RETURN_ADDRESS.email },
      notificationEmails: ['ops@example.com'],
      logLevel: 'Error',
    });
    const entries = parseDataset(draft.values.importData.dataset!.text);
    expect(entries.map((e) => [e.basePath, e.destination, e.blobType, e.disposition])).toEqual([
      [join(srcA, 'big.bin'), 'photos/big.bin', 'BlockBlob', 'rename'],
      [join(srcB, 'lost1.txt'), 'archive/lost1.txt', 'BlockBlob', 'rename'],
      [join(srcB, 'sub/lost2.txt'), 'archive/sub/lost2.txt', 'BlockBlob', 'rename'],
    ]);

    // Prepared as the wizard does: the draft's dataset onto a new drive.
    const dir = join(work, 'driveC');
    mkdirSync(dir);
    const spec = {
      jobName: draft.values.type.jobName,
      sources: { kind: 'dataset', dataset: draft.values.importData.dataset },
      targets: [{ path: dir, allowFolder: true }],
      verify: false,
    };
    const plan = await ok<PrepPlanResult>('prep.plan', spec);
    expect(plan.ready, plan.message).toBe(true);
    const started = await ok<PrepSessionInfo>('prep.start', {
      ...spec,
      confirmedDriveIds: plan.targets.map((x) => x.driveId),
      draftId: answer.draftId,
    });
    await core.context.prep!.whenEnded(started.sessionId);
    const manifest = parseDriveManifest(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest.blobs.map((b) => b.blobPath).sort()).toEqual([
      'archive/lost1.txt',
      'archive/sub/lost2.txt',
      'photos/big.bin',
    ]);
    expect(manifest.blobs.reduce((s, b) => s + b.length, 0)).toBe(6 * MiB + 123 + 5000);
  });
});

describe("an export job's returned drive", () => {
  const EXPORT = 'endexport';
  let target: string;

  async function runOf(kind: 'check' | 'copy', payload: Record<string, string>): Promise<ReceivedStatus> {
    const started = await ok<ReceivedStatus>(`received.${kind}`, { name: EXPORT, ...payload });
    expect(started.state).toBe('running');
    for (;;) {
      const s = await ok<ReceivedStatus | null>('received.status', { name: EXPORT });
      if (s && s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    await ok<JobView>('jobs.create', {
      name: EXPORT,
      type: 'Export',
      storageAccountId: t.storageAccountId(),
      location: 'Sandbox West',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      export: { blobPathPrefixes: ['/photos/'] },
    });
    await ok<JobView>('jobs.ship', { name: EXPORT, ...DELIVERY, driveCount: 1 });
    target = join(work, 'exported');
    expect((await ops(t, EXPORT, 'package-arrived', { drives: [{ driveId: 'BLANK1' }] })).status).toBe(200);
    expect((await ops(t, EXPORT, 'export', { drives: [{ driveId: 'BLANK1', path: target }], wait: true })).status).toBe(
      200,
    );
    expect((await ops(t, EXPORT, 'ship-back', { carrierName: 'FedEx', trackingNumber: 'RET-EXP-1' })).status).toBe(200);
  }, 120_000);

  it('is checked against the MD5s in its manifest (haul verify), and a damaged file is named', async () => {
    const good = await runOf('check', { drivePath: target });
    expect(good).toMatchObject({ kind: 'check', state: 'done', driveId: 'BLANK1', problemCount: 0, good: 2 });
    expect(good.done.bytes).toBe(good.total.bytes);

    const manifest = parseDriveManifest(readFileSync(join(target, MANIFEST_FILE), 'utf8'));
    const e = manifest.blobs.find((b) => b.blobPath === 'photos/e.bin')!;
    const file = join(target, ...e.filePath.split('/'));
    const data = readFileSync(file);
    data[100] = data[100]! ^ 0xff;
    writeFileSync(file, data);
    const bad = await runOf('check', { drivePath: target });
    expect(bad).toMatchObject({ state: 'done', good: 1, problemCount: 1 });
    expect(bad.problems[0]).toMatchObject({ filePath: e.filePath, blobPath: 'photos/e.bin' });

    const wrong = await call('received.check', { name: JOB, drivePath: target });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'not-export' } });
  });

  it('copies its files off to a folder, each block checked: the good file in place, the damaged one left out and named', async () => {
    const dest = join(work, 'copied-off');
    const r = await runOf('copy', { drivePath: target, destination: dest });
    expect(r).toMatchObject({ kind: 'copy', state: 'done', good: 1, problemCount: 1 });
    expect(r.problems[0]!.blobPath).toBe('photos/e.bin');
    expect(r.problems[0]!.text).toContain('block 1');
    expect(md5(readFileSync(join(dest, 'photos', 'c.txt')))).not.toBe(md5(SOURCES.A['c.txt'])); // changed in Azurite above
    expect(existsSync(join(dest, 'photos', 'e.bin'))).toBe(false);
    expect(readdirSync(join(dest, 'photos')).sort()).toEqual(['c.txt']);
    // Copying again checks what is there and never overwrites it.
    const again = await runOf('copy', { drivePath: target, destination: dest });
    expect(again).toMatchObject({ state: 'done', good: 1, problemCount: 1 });
    const inside = await call('received.copy', { name: EXPORT, drivePath: target, destination: join(target, 'x') });
    expect(inside).toMatchObject({ ok: false, error: { code: 'bad-folder', target: 'destination' } });
  });
});
