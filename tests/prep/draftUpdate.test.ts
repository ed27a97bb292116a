// An Update of a prepared draft (PrepManager with the draft's id), on loop-mounted ext4 drives
// (temp folders where loop devices are missing), as a customer with 10 TB needs it:
// - its verify reads back what the run wrote and the manifests, not what an earlier run verified
//   (bytes read after a one-file change are that file's size, not the dataset's), unless a full
//   verify is asked for; a file no verify read since it was written is read, whatever run wrote it;
// - a drive not attached that holds files of a removed source says so in the plan, keeps its place
//   in the job's drive list, and the job cannot be created with its manifest until it is attached;
// - a drive whose files have all left the job leaves it: its header, manifest and session folder
//   go, the customer's own files stay, and the job's drive list no longer holds it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_FILE, MANIFEST_FILE } from '../../shared/formats/driveManifest';
import type { PrepSessionInfo } from '../../shared/prep/session';
import type { PrepEvent } from '../../shared/prep/types';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { PrepManager } from '../../main/core/prep/app/manager';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-draft-update-'));
let drives: TestDrives;
let src: string;
let hashes: Map<string, string>;
let m: PrepManager;
const events: PrepEvent[] = [];
const DRAFT = 'draft-update';
let sessionId = '';
let exclude: string[] = [];

beforeAll(() => {
  drives = makeDrives(work, 2, 48);
  src = mkdtempSync(join(work, 'src-'));
  hashes = makeSource(src, 9, 5 * 1024 * 1024, 40);
  m = new PrepManager({
    dataDir: mkdtempSync(join(work, 'data-')),
    onProgress: (p) => events.push(p.event),
    onSession: () => undefined,
    keepAwake: noKeepAwake,
  });
});
afterAll(async () => {
  await m?.dispose();
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const spec = (targets = drives.mounts, verify = true) => ({
  jobName: 'draft-update',
  sources: { kind: 'picked' as const, paths: [src], destination: 'media/' },
  targets: targets.map((path) => ({ path, ...(drives.allowFolders ? { allowFolder: true } : {}) })),
  exclude,
  verify,
});

const bytesOf = (rels: Iterable<string>) => [...rels].reduce((n, rel) => n + readFileSync(join(src, rel)).length, 0);

/** Plans, starts and waits; the events of this run only. */
async function run(targets = drives.mounts, verify = true): Promise<{ info: PrepSessionInfo; seen: PrepEvent[] }> {
  const plan = await m.plan(spec(targets, verify), DRAFT);
  expect(plan.ready, plan.message).toBe(true);
  const from = events.length;
  const started = await m.start(
    spec(targets, verify),
    plan.targets.map((t) => t.driveId),
    DRAFT,
  );
  sessionId = started.sessionId;
  await m.whenEnded(started.sessionId);
  const info = (await m.list()).find((s) => s.sessionId === started.sessionId)!;
  return { info, seen: events.slice(from) };
}

const verifyResults = (seen: PrepEvent[]) =>
  seen.filter((e): e is Extract<PrepEvent, { type: 'verify-result' }> => e.type === 'verify-result');
const bytesVerified = (seen: PrepEvent[]) => verifyResults(seen).reduce((n, e) => n + e.bytes, 0);

/** The source files (relative) whose copy the drive's manifest lists. */
function filesOn(drive: string): string[] {
  return (readManifest(drive)?.blobs ?? [])
    .filter((b) => b.filePath.startsWith(`${sessionId}/`))
    .map((b) => b.blobPath.slice('media/'.length));
}

/** Each file of the job exactly once over the drives' manifests, byte for byte. */
function expectEachOnce(): void {
  const found = new Map<string, string[]>();
  for (const d of drives.mounts)
    for (const b of readManifest(d)?.blobs ?? []) {
      if (!b.filePath.startsWith(`${sessionId}/`)) continue;
      const md5 = createHash('md5')
        .update(readFileSync(join(d, b.filePath)))
        .digest('hex');
      const rel = b.blobPath.slice('media/'.length);
      found.set(rel, [...(found.get(rel) ?? []), md5]);
    }
  expect([...found.keys()].sort()).toEqual([...hashes.keys()].sort());
  for (const [rel, md5] of hashes) expect(found.get(rel), rel).toEqual([md5]);
}

function addFile(rel: string, size: number): void {
  const data = randomBytes(size);
  writeFileSync(join(src, rel), data);
  hashes.set(rel, createHash('md5').update(data).digest('hex'));
}

describe('an Update verifies what it wrote', () => {
  it('the first prepare reads every block back', async () => {
    const { info, seen } = await run();
    expect(info.result?.ok, info.result?.message).toBe(true);
    expect(bytesVerified(seen)).toBe(bytesOf(hashes.keys()));
    expect(verifyResults(seen).every((e) => !e.earlierFiles)).toBe(true);
    expectEachOnce();
  }, 120_000);

  it('after a one-file change the verify reads about that file, not the dataset, and says what it did not read', async () => {
    addFile('added.bin', 1024 * 1024);
    const { info, seen } = await run();
    expect(info.result?.ok, info.result?.message).toBe(true);
    const read = bytesVerified(seen);
    console.log(`verify after a one-file change read ${read} bytes of a ${bytesOf(hashes.keys())}-byte dataset`);
    expect(read).toBe(1024 * 1024);
    // the progress of the verify counted that much too, not the dataset
    const lastVerify = seen.filter((e) => e.type === 'progress' && e.phase === 'verify').pop();
    expect(lastVerify?.type === 'progress' && lastVerify.bytesTotal).toBe(1024 * 1024);
    const earlier = verifyResults(seen).reduce((n, e) => n + (e.earlierFiles ?? 0), 0);
    expect(earlier).toBe(hashes.size - 1);
    expect(info.result!.drives.reduce((n, d) => n + (d.verifiedEarlier?.files ?? 0), 0)).toBe(hashes.size - 1);
    expect(info.result!.message).toMatch(/not read again/);
    // each drive's read speed, as a verify measured it, for how long a full verify would take
    for (const d of info.result!.drives) expect(d.readSpeed).toBeGreaterThan(0);
    expectEachOnce();
  }, 120_000);

  it('a file copied by a run that did not verify is read by the next verify', async () => {
    addFile('unverified.bin', 512 * 1024);
    const first = await run(drives.mounts, false);
    expect(first.info.result?.ok, first.info.result?.message).toBe(true);
    expect(verifyResults(first.seen)).toHaveLength(0);
    const { info, seen } = await run();
    expect(info.result?.filesCopied).toBe(0);
    expect(bytesVerified(seen)).toBe(512 * 1024);
    expect(info.result?.drives.every((d) => d.verified)).toBe(true);
  }, 120_000);

  it('a full verify reads every block, and a drive it passed is not read again by the next Update', async () => {
    const reports = await m.verify({ sessionId });
    expect(reports.every((r) => r.ok)).toBe(true);
    expect(reports.reduce((n, r) => n + r.bytes, 0)).toBe(bytesOf(hashes.keys()));
    const { seen } = await run();
    expect(bytesVerified(seen)).toBe(0);
  }, 120_000);
});

describe('a drive not attached that holds files of a removed source', () => {
  let absentId = '';
  let gone: string[] = [];

  it('is named in the plan with its count; the Update goes on, and the job cannot be created with its manifest', async () => {
    const second = drives.mounts[1]!;
    const onSecond = filesOn(second);
    expect(onSecond.length).toBeGreaterThan(2);
    gone = onSecond.filter((rel) => rel.startsWith('docs/')).slice(0, 2);
    if (gone.length < 2) gone = onSecond.slice(0, 2);
    absentId = readManifest(second)!.driveId;
    exclude = gone.map((rel) => join(src, rel));
    for (const rel of gone) hashes.delete(rel);

    const plan = await m.plan(spec([drives.mounts[0]!]), DRAFT);
    expect(plan.ready, `${plan.message} ${JSON.stringify(plan.problems.slice(0, 2))}`).toBe(true);
    const absent = plan.plan!.absentDrives?.find((a) => a.driveId === absentId);
    expect(absent).toMatchObject({ extraFiles: 2, files: onSecond.length - 2, changedFiles: 0 });
    expect(plan.message).toContain(`${absentId} (${second}) is not attached`);
    expect(plan.message).toMatch(/2 files .* the job no longer holds are still on it .*; attach it to remove them/);
    // the files are named, by their source path
    for (const rel of gone) expect(plan.message).toContain(join(src, rel));

    const { info } = await run([drives.mounts[0]!]);
    expect(info.result?.ok).toBe(false);
    expect(info.result?.filesCopied).toBe(0);
    const carried = info.result!.drives.find((d) => d.driveId === absentId);
    expect(carried).toMatchObject({ notAttached: true, outOfDate: { files: 2 } });
    // its manifest on the drive still lists them: that manifest is refused for a job
    expect(filesOn(second)).toEqual(expect.arrayContaining(gone));
    expect(carried!.manifestHash).toBe(
      createHash('md5')
        .update(readFileSync(join(second, MANIFEST_FILE)))
        .digest('hex')
        .toUpperCase(),
    );
    expect(m.staleManifest([{ driveId: absentId, manifestHash: carried!.manifestHash }])).toMatch(
      new RegExp(`manifest of drive ${absentId} lists 2 files .* attach the drive`),
    );
  }, 120_000);

  it('attached again, the Update removes them from it and its manifest; the job can be created', async () => {
    const { info } = await run();
    expect(info.result?.ok, info.result?.message).toBe(true);
    for (const rel of gone) expect(filesOn(drives.mounts[1]!)).not.toContain(rel);
    const d = info.result!.drives.find((x) => x.driveId === absentId)!;
    expect(d.notAttached).toBeUndefined();
    expect(m.staleManifest(info.result!.drives)).toBeUndefined();
    expectEachOnce();
  }, 120_000);
});

describe('a drive whose files all left the job', () => {
  it('leaves it: the plan says so, its header, manifest and session folder go, the customer’s own files stay', async () => {
    const second = drives.mounts[1]!;
    writeFileSync(join(second, 'mine.txt'), 'the customer’s own file');
    const onSecond = filesOn(second);
    const leavingId = readManifest(second)!.driveId;
    exclude = [...exclude, ...onSecond.map((rel) => join(src, rel))];
    for (const rel of onSecond) hashes.delete(rel);

    const plan = await m.plan(spec(), DRAFT);
    expect(plan.ready, plan.message).toBe(true);
    expect(plan.plan!.drives.find((d) => d.driveId === leavingId)).toMatchObject({ leaves: true, plannedFiles: 0 });
    expect(plan.message).toMatch(
      new RegExp(`${leavingId} \\(${second}\\) holds no file of the job any more and leaves it`),
    );

    const { info } = await run();
    expect(info.result?.ok, info.result?.message).toBe(true);
    expect(info.result!.drives.map((d) => d.driveId)).not.toContain(leavingId);
    expect(existsSync(join(second, HEADER_FILE))).toBe(false);
    expect(existsSync(join(second, MANIFEST_FILE))).toBe(false);
    expect(existsSync(join(second, sessionId))).toBe(false);
    expect(readFileSync(join(second, 'mine.txt'), 'utf8')).toBe('the customer’s own file');
    expect(info.result!.message).toContain(`No longer one of the job's drives`);
    expectEachOnce();
  }, 120_000);
});
