import { execFileSync } from 'node:child_process';
import { Dir, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DatasetEntry } from '../../shared/formats/dataset';
import { FileTable } from '../../main/core/prep/plan/fileTable';
import { makePlan, makePlanInTurns, DRIVE_RESERVE } from '../../main/core/prep/plan/plan';
import { scanDataset, type ScanTarget } from '../../main/core/prep/plan/scan';

const root = mkdtempSync(join(tmpdir(), 'haul-preflight-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const entry = (basePath: string, destination: string, extra: Partial<DatasetEntry> = {}): DatasetEntry => ({
  row: 2,
  basePath,
  isFolder: basePath.endsWith('/'),
  destination,
  blobType: 'BlockBlob',
  disposition: 'rename',
  ...extra,
});
const target = (free: number, caseInsensitive = false): ScanTarget => ({
  path: '/mnt/t',
  free,
  caseInsensitive,
  maxNameBytes: 255,
  maxPathBytes: 4095,
});

function tree(name: string, files: Record<string, number | string>): string {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), typeof content === 'number' ? Buffer.alloc(content, 1) : content);
  }
  return `${dir}/`;
}

describe('pre-flight', () => {
  it('ties every problem to its source path and says what to do', async () => {
    const src = tree('mixed', { 'ok.txt': 10, 'dot.': 5, 'Case.txt': 1, 'case.txt': 2, 'long/x': 1 });
    mkdirSync(join(src, 'loop'));
    symlinkSync(src, join(src, 'loop', 'back'));
    writeFileSync(join(src, `${'n'.repeat(250)}`), 'x');
    const vhd = tree('vhd', { 'disk.vhd': 1000 });
    const big = tree('big', { 'huge.bin': 5000 });
    const { problems, table } = await scanDataset(
      [
        entry(src, 'photos/'),
        entry(`${vhd}disk.vhd`, 'vhds/disk.vhd', { isFolder: false, blobType: 'PageBlob' }),
        entry(big, 'Bad_Container/'),
        entry(`${src}ok.txt`, 'photos/ok.txt', { isFolder: false }),
        entry(join(root, 'nope/'), 'photos/'),
      ],
      { sessionId: 's1', targets: [target(1e9, true)] },
    );
    const by = (code: string) => problems.filter((p) => p.code === code);
    expect(by('blob-name')[0]).toMatchObject({ source: join(src, 'dot.') });
    expect(by('case-collision')).toHaveLength(1);
    expect(by('case-collision')[0]!.message).toMatch(/differs only in case/);
    expect(by('symlink-loop')[0]).toMatchObject({ source: join(src, 'loop', 'back') });
    expect(by('page-blob-size')[0]).toMatchObject({ source: join(vhd, 'disk.vhd') });
    expect(by('container-name')[0]!.message).toMatch(/Bad_Container/);
    expect(by('duplicate-blob')[0]).toMatchObject({ source: join(src, 'ok.txt') });
    expect(by('missing-source')[0]!.source).toBe(join(root, 'nope/'));
    expect(by('path-too-long')).toHaveLength(0);
    for (const p of problems) expect(p.fix.length).toBeGreaterThan(5);
    // the good files are in the table, the bad ones flagged
    const good = [...Array(table.count).keys()]
      .filter((i) => !table.flags[i])
      .map((i) => table.blobPath(i))
      .sort();
    expect(good).toContain('photos/ok.txt');
    expect(good).not.toContain('photos/dot.');
  });

  it('flags files larger than the largest drive and names too long for the target', async () => {
    const src = tree('sizes', { 'small.bin': 100, 'large.bin': 20_000 });
    const t = { ...target(DRIVE_RESERVE + 10_000), maxNameBytes: 8 };
    const { problems } = await scanDataset([entry(src, 'data/')], { sessionId: 's1', targets: [t] });
    expect(problems.find((p) => p.code === 'too-large')?.source).toBe(join(src, 'large.bin'));
    expect(problems.find((p) => p.code === 'path-too-long')?.source).toBe(join(src, 'small.bin'));
  });
});

it('finds every file of a folder whose reads turn slow (a cold or network disk), each once', async () => {
  const files: Record<string, number> = {};
  for (let i = 0; i < 700; i++) files[`d/f${i}.bin`] = 1;
  files['top.bin'] = 1;
  const src = tree('slow', files);
  // every synchronous read takes 5 ms: after the first one in a folder, the walk awaits its reads
  const readSync = Dir.prototype.readSync;
  const syncRead = vi.spyOn(Dir.prototype, 'readSync').mockImplementation(function (this: Dir) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    return readSync.call(this);
  });
  const asyncRead = vi.spyOn(Dir.prototype, 'read');
  try {
    const { table, problemCount } = await scanDataset([entry(src, 'data/')], {
      sessionId: 's1',
      targets: [target(1e9)],
    });
    const blobs = Array.from({ length: table.count }, (_, i) => table.blobPath(i)).sort();
    expect(problemCount).toBe(0);
    expect(blobs).toHaveLength(701);
    expect(new Set(blobs).size).toBe(701);
    expect(blobs).toContain('data/d/f699.bin');
    expect(blobs).toContain('data/top.bin');
    expect(syncRead).toHaveBeenCalledTimes(2); // one a folder: slow/ and slow/d/
    expect(asyncRead).toHaveBeenCalled();
  } finally {
    vi.restoreAllMocks();
  }
});

describe('plan', () => {
  it('fills drives by free space without splitting files, and says how many more drives are needed', async () => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 10; i++) files[`f${i}.bin`] = 1_000_000;
    const src = tree('plan', files);
    const { table } = await scanDataset([entry(src, 'data/')], { sessionId: 's1', targets: [target(1e9)] });
    const drive = (id: string, free: number) => ({ driveId: id, target: `/mnt/${id}`, capacity: free, free });
    const fits = makePlan({
      table,
      drives: [drive('A', DRIVE_RESERVE + 6_100_000), drive('B', DRIVE_RESERVE + 6_100_000)],
    });
    expect(fits.fits).toBe(true);
    expect(fits.drives.map((d) => d.plannedFiles)).toEqual([6, 4]);
    expect(fits.drives[0]!.plannedBytes + fits.drives[1]!.plannedBytes).toBe(10_000_000);
    const tooSmall = makePlan({ table, drives: [drive('A', DRIVE_RESERVE + 3_100_000)] });
    expect(tooSmall.fits).toBe(false);
    expect(tooSmall.unplacedFiles).toBe(7);
    expect(tooSmall.moreDrivesNeeded).toEqual({ count: 3, size: DRIVE_RESERVE + 3_100_000 });
  });

  it('plans a large dataset in turns, so the app stays responsive, to the same plan', async () => {
    const table = new FileTable();
    const f = table.addFolder({ abs: '/src', blobPrefix: 'data/', entry: 0 });
    for (let i = 0; i < 30_000; i++) table.add(f, `f${i}.bin`, (i % 97) * 1000, 0);
    const drive = (id: string) => ({ driveId: id, target: `/mnt/${id}`, capacity: 2e9, free: DRIVE_RESERVE + 1e9 });
    const drives = [drive('A'), drive('B')];
    const whole = makePlan({ table, drives });
    const placed = [...table.drive.subarray(0, table.count)];
    table.drive.fill(0);
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    const inTurns = await makePlanInTurns({ table, drives }, 0);
    clearInterval(counting);
    expect(turns).toBeGreaterThan(0);
    expect(inTurns).toEqual(whole);
    expect(whole.drives.every((d) => d.plannedFiles > 0)).toBe(true);
    expect([...table.drive.subarray(0, table.count)]).toEqual(placed);
  });
});

describe('pre-flight refuses what the drive, the manifest or the data center cannot hold', () => {
  const codeFor = (problems: { source: string; code: string }[], source: string) =>
    problems.filter((p) => p.source === source).map((p) => p.code);

  it('names each file whose name cannot be imported, and keeps the good files', async () => {
    const bad = ['back\\slash.txt', 'a:b', 'q?', 'star*', 'lt<', 'CON', 'nul.txt', 'trail ', 'dot.', 'tab\tname'];
    const files: Record<string, number> = { 'good.txt': 3, 'dots./inner.txt': 2 };
    for (const n of bad) files[n] = 1;
    const src = tree('badnames', files);
    const { problems, table } = await scanDataset([entry(src, 'photos/')], { sessionId: 's1', targets: [target(1e9)] });
    for (const n of bad) {
      const p = problems.find((x) => x.source === join(src, n));
      expect(p, n).toMatchObject({ code: 'blob-name' });
      expect(p!.fix).toMatch(/Rename/);
    }
    expect(codeFor(problems, join(src, 'dots./inner.txt'))).toEqual(['blob-name']);
    const kept = [...Array(table.count).keys()].filter((i) => !table.flags[i]).map((i) => table.blobPath(i));
    expect(kept).toEqual(['photos/good.txt']);
  });

  it('says a name is not valid UTF-8 and shows it escaped (not "a link that points to nothing")', async () => {
    const src = tree('latin1', { 'ok.txt': 1 });
    writeFileSync(Buffer.concat([Buffer.from(join(src, 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x');
    const { problems } = await scanDataset([entry(src, 'photos/')], { sessionId: 's1', targets: [target(1e9)] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'blob-name', source: join(src, 'caf\\xE9.txt') });
    expect(problems[0]!.message).toMatch(/not valid UTF-8/);
    expect(problems[0]!.fix).toMatch(/Rename/);
  });

  it('refuses names that collide on a case-insensitive drive, file against file and file against folder', async () => {
    const a = tree('case-a', { 'Report.txt': 1, 'data/x.bin': 1 });
    const b = tree('case-b', { 'report.TXT': 1, DATA: 1 });
    // a case-sensitive target: the data center still reads the drive on Windows
    const { problems } = await scanDataset([entry(a, 'docs/'), entry(b, 'docs/')], {
      sessionId: 's1',
      targets: [target(1e9, false)],
    });
    expect(codeFor(problems, join(b, 'report.TXT'))).toEqual(['case-collision']);
    expect(codeFor(problems, join(b, 'DATA'))).toEqual(['case-collision']);
    expect(problems.find((p) => p.source === join(b, 'DATA'))!.message).toMatch(/a file and a folder with one name/);
  });

  it('calls a file too large when it fits the free space but not with the room the copy keeps', async () => {
    const src = tree('edge', { 'edge.bin': 1_000_000 });
    const { problems } = await scanDataset([entry(src, 'data/')], {
      sessionId: 's1',
      targets: [target(DRIVE_RESERVE + 1_000_000)],
    });
    expect(problems.map((p) => [p.code, p.source])).toEqual([['too-large', join(src, 'edge.bin')]]);
    expect(problems[0]!.message).toMatch(/stay free for the manifest/);
  });

  it('a file left out for another problem does not hold a name against the files that are copied', async () => {
    const big = tree('clash-big', { 'x.bin': 20_000 });
    const small = tree('clash-small', { 'x.bin/y.txt': 1 });
    const { problems } = await scanDataset(
      [entry(`${big}x.bin`, 'media/x.bin', { isFolder: false }), entry(small, 'media/')],
      { sessionId: 's1', targets: [target(DRIVE_RESERVE + 10_000)] },
    );
    expect(problems.map((p) => [p.code, p.source])).toEqual([['too-large', join(big, 'x.bin')]]);
  });

  it('refuses a named pipe as not a regular file, without opening it, and says what to do', async () => {
    const src = tree('fifo', { 'ok.txt': 1 });
    execFileSync('mkfifo', [join(src, 'pipe')]);
    const { problems, table } = await scanDataset([entry(src, 'photos/'), entry(join(src, 'pipe'), 'photos/p')], {
      sessionId: 's1',
      targets: [target(1e9)],
    });
    expect(problems.map((p) => [p.code, p.source])).toEqual([
      ['special-file', join(src, 'pipe')],
      ['special-file', join(src, 'pipe')],
    ]);
    for (const p of problems) {
      expect(p.message).toMatch(/not a regular file/);
      expect(p.fix).not.toMatch(/nothing to do/i);
      expect(p.fix).toMatch(/leave it out/i);
    }
    expect(table.count).toBe(1);
  });

  it('copies a folder given without a trailing separator as a folder, and says when a file is given a prefix', async () => {
    const src = tree('noslash', { 'a.txt': 1, 'sub/b.txt': 2 }).replace(/\/$/, '');
    const { problems, table } = await scanDataset(
      [
        entry(src, 'photos/2024', { isFolder: false }),
        entry(join(src, 'a.txt'), 'photos/', { isFolder: false, row: 3 }),
      ],
      { sessionId: 's1', targets: [target(1e9)] },
    );
    const blobs = [...Array(table.count).keys()].filter((i) => !table.flags[i]).map((i) => table.blobPath(i));
    expect(blobs.sort()).toEqual(['photos/2024/a.txt', 'photos/2024/sub/b.txt']);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(
      /Row 3: BasePath is a file, but DstBlobPathOrPrefix "photos\/" names a folder prefix/,
    );
    expect(problems[0]!.fix).toMatch(/photos\/a\.txt/);
  });
});

describe('plan on the drive as it is formatted', () => {
  it("counts each file in the drive's allocation unit (exFAT's 128 KiB clusters), so small files are not over-promised", async () => {
    const files: Record<string, number> = {};
    for (let i = 0; i < 50; i++) files[`s${i}.txt`] = 1000;
    const src = tree('clusters', files);
    const { table } = await scanDataset([entry(src, 'data/')], { sessionId: 's1', targets: [target(1e9)] });
    // room for 50 small files in 4 KiB units, but not in 128 KiB clusters
    const free = DRIVE_RESERVE + 50 * 12_000;
    const drive = (allocUnit: number) => ({ driveId: 'A', target: '/mnt/A', capacity: free, free, allocUnit });
    expect(makePlan({ table, drives: [drive(4096)] }).fits).toBe(true);
    const exfat = makePlan({ table, drives: [drive(128 * 1024)] });
    expect(exfat.fits).toBe(false);
    expect(exfat.drives[0]!.plannedFiles).toBeLessThan(50);
    expect(exfat.drives[0]!.fillPercent).toBeLessThanOrEqual(100);
  });
});
