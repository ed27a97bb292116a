// A draft owns its prep: every change after Prepare is made to the same session (PrepManager with
// the draft's id), on loop-mounted ext4 drives (temp folders where loop devices are missing). A
// renamed job or another storage account copies nothing and only rewrites the headers; an added
// file is the only one copied; a removed one leaves the drive and the manifest; a drive that
// filled since the confirmed plan is refused at Start with the difference; a change that no longer
// fits says so with numbers. After each, every source file is in the drives' manifests exactly
// once, and the bytes written onto the drives (their file systems' used space) stay within 5 % of
// the dataset.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statfsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FILE, parseDriveHeader } from '../../shared/formats/driveManifest';
import type { PrepSessionInfo } from '../../shared/prep/session';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { PrepManager, PrepRefused } from '../../main/core/prep/app/manager';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-draft-session-'));
let drives: TestDrives;
let src: string;
let hashes: Map<string, string>;
let m: PrepManager;
const DRAFT = 'draft-owns-its-prep';

beforeAll(() => {
  drives = makeDrives(work, 2, 48);
  src = mkdtempSync(join(work, 'src-'));
  // 9 × 5 MiB and 40 small files: about 46 MiB, more than one drive takes
  hashes = makeSource(src, 9, 5 * 1024 * 1024, 40);
  m = new PrepManager({
    dataDir: mkdtempSync(join(work, 'data-')),
    onProgress: () => undefined,
    onSession: () => undefined,
    keepAwake: noKeepAwake,
  });
});
afterAll(async () => {
  await m?.dispose();
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const spec = (jobName: string, exclude: string[] = []) => ({
  jobName,
  sources: { kind: 'picked' as const, paths: [src], destination: 'media/' },
  targets: drives.mounts.map((path) => ({ path, ...(drives.allowFolders ? { allowFolder: true } : {}) })),
  exclude,
  verify: true,
});

const datasetBytes = () => [...hashes.keys()].reduce((n, rel) => n + statSync(join(src, rel)).size, 0);
/** Bytes in use on the drives' file systems (what a copy writes shows here). */
const usedOnDrives = () =>
  drives.mounts.reduce((n, d) => {
    const s = statfsSync(d);
    return n + (s.blocks - s.bfree) * s.bsize;
  }, 0);

/** Every blob of the session in the drives' manifests, with the MD5 of its file on the drive. */
function manifestBlobs(sessionId: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const d of drives.mounts)
    for (const b of readManifest(d)?.blobs ?? []) {
      if (!b.filePath.startsWith(`${sessionId}/`)) continue;
      const md5 = createHash('md5')
        .update(readFileSync(join(d, b.filePath)))
        .digest('hex');
      found.set(b.blobPath.slice('media/'.length), [...(found.get(b.blobPath.slice('media/'.length)) ?? []), md5]);
    }
  return found;
}

/** Each source file exactly once on the drives, byte for byte, and nothing else of the session. */
function expectEachOnce(sessionId: string): void {
  const found = manifestBlobs(sessionId);
  expect([...found.keys()].sort()).toEqual([...hashes.keys()].sort());
  for (const [rel, md5] of hashes) expect(found.get(rel), rel).toEqual([md5]);
}

async function run(jobName: string, exclude: string[] = []): Promise<PrepSessionInfo> {
  const plan = await m.plan(spec(jobName, exclude), DRAFT);
  expect(plan.ready, plan.message).toBe(true);
  const started = await m.start(
    spec(jobName, exclude),
    plan.targets.map((t) => t.driveId),
    DRAFT,
  );
  await m.whenEnded(started.sessionId);
  const info = (await m.list()).find((s) => s.sessionId === started.sessionId)!;
  expect(info.result?.ok, info.result?.message).toBe(true);
  return info;
}

describe('a draft owns its prep', () => {
  let sessionId: string;

  it('prepares once', async () => {
    const first = await run('draft-job');
    sessionId = first.sessionId;
    expect(first.result!.bytesCopied).toBe(datasetBytes());
    expectEachOnce(sessionId);
  }, 120_000);

  it('a renamed job and another storage account copy nothing: the same session, only the headers name the new job', async () => {
    const before = usedOnDrives();
    const mtimes = [...manifestBlobs(sessionId).keys()].map((rel) => rel);
    const again = await run('draft-job-renamed');
    expect(again.sessionId).toBe(sessionId);
    expect(again.result!.bytesCopied).toBe(0);
    expect(again.result!.filesSkipped).toBe(hashes.size);
    expect(Math.abs(usedOnDrives() - before)).toBeLessThanOrEqual(0.05 * datasetBytes());
    for (const d of drives.mounts)
      expect(parseDriveHeader(readFileSync(join(d, HEADER_FILE), 'utf8')).jobName).toBe('draft-job-renamed');
    expect([...manifestBlobs(sessionId).keys()]).toEqual(mtimes);
    expectEachOnce(sessionId);
  }, 120_000);

  it('an added file is the only one copied', async () => {
    const data = randomBytes(1024 * 1024);
    writeFileSync(join(src, 'added.bin'), data);
    hashes.set('added.bin', createHash('md5').update(data).digest('hex'));
    const before = usedOnDrives();
    const plan = await m.plan(spec('draft-job-renamed'), DRAFT);
    expect(plan.plan!.drives.reduce((n, d) => n + d.plannedFiles, 0)).toBe(1);
    expect(plan.plan!.drives.reduce((n, d) => n + (d.keptFiles ?? 0), 0)).toBe(hashes.size - 1);
    const info = await run('draft-job-renamed');
    expect(info.result!.filesCopied).toBe(1);
    expect(info.result!.bytesCopied).toBe(data.length);
    const written = usedOnDrives() - before;
    expect(written).toBeLessThanOrEqual(0.05 * datasetBytes());
    expectEachOnce(sessionId);
  }, 120_000);

  it('a removed file leaves the drive and the manifest; the rest stay where they are', async () => {
    const gone = [...hashes.keys()].find((rel) => rel.startsWith('videos/'))!;
    const goneOnDrive = drives.mounts
      .map((d) => join(d, sessionId, 'media', gone))
      .find((p) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      })!;
    const kept = [...hashes.keys()].find((rel) => rel !== gone && rel.startsWith('videos/'))!;
    const keptOnDrive = drives.mounts
      .map((d) => join(d, sessionId, 'media', kept))
      .find((p) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      })!;
    const keptBefore = statSync(keptOnDrive);
    unlinkSync(join(src, gone));
    hashes.delete(gone);
    const plan = await m.plan(spec('draft-job-renamed'), DRAFT);
    expect(plan.plan!.removedFiles).toBe(1);
    const info = await run('draft-job-renamed');
    expect(info.result!.filesCopied).toBe(0);
    expect(() => statSync(goneOnDrive)).toThrow();
    const keptAfter = statSync(keptOnDrive);
    expect([keptAfter.ino, keptAfter.mtimeMs]).toEqual([keptBefore.ino, keptBefore.mtimeMs]);
    expectEachOnce(sessionId);
  }, 120_000);

  it('a drive that filled since the plan was confirmed is refused at Start with the difference; nothing is written', async () => {
    const data = randomBytes(512 * 1024);
    writeFileSync(join(src, 'late.bin'), data);
    const confirmed = await m.plan(spec('draft-job-renamed'), DRAFT);
    const ids = confirmed.targets.map((t) => t.driveId);
    // Someone writes 8 MiB onto the second drive after the person confirmed the plan.
    const filler = join(drives.mounts[1]!, 'someone-else.bin');
    writeFileSync(filler, randomBytes(8 * 1024 * 1024));
    const before = usedOnDrives();
    const confirmedPlan = {
      drives: confirmed.plan!.drives.map((d) => ({
        driveId: d.driveId,
        free: d.free,
        plannedFiles: d.plannedFiles,
        plannedBytes: d.plannedBytes,
      })),
    };
    const refusal = await m.start(spec('draft-job-renamed'), ids, DRAFT, confirmedPlan).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(PrepRefused);
    expect((refusal as PrepRefused).code).toBe('plan-changed');
    expect((refusal as PrepRefused).message).toMatch(new RegExp(`${ids[1]} has .* free now \\(was .*\\)`));
    expect(usedOnDrives()).toBe(before);
    unlinkSync(filler);
    unlinkSync(join(src, 'late.bin'));
  }, 120_000);

  it('a change that no longer fits says so with numbers, and nothing is written', async () => {
    writeFileSync(join(src, 'too-much.bin'), randomBytes(40 * 1024 * 1024));
    const before = usedOnDrives();
    const plan = await m.plan(spec('draft-job-renamed'), DRAFT);
    expect(plan.ready).toBe(false);
    const problem = plan.problems.find((p) => p.source === join(src, 'too-much.bin'));
    expect(problem?.message).toMatch(/does not fit in the free space of the largest drive \(\d+(\.\d+)? MB/);
    const refusal = await m
      .start(
        spec('draft-job-renamed'),
        plan.targets.map((t) => t.driveId),
        DRAFT,
      )
      .catch((e: unknown) => e);
    expect((refusal as PrepRefused).code).toBe('not-ready');
    expect(usedOnDrives()).toBe(before);
    unlinkSync(join(src, 'too-much.bin'));
    expectEachOnce(sessionId);
  }, 120_000);
});
