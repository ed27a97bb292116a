// Copies a killed run left on a drive without journaling them (kill -9 between writing a file and
// journaling it) are removed by the next run of the session: no manifest would list them, and left
// there the drive stays "unfinished" for good while prep says every file is on the drives.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';
import { verifyTarget } from '../../main/core/prep/verify/verify';

const work = mkdtempSync(join(tmpdir(), 'haul-stale-copies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (src: string, targets: string[]) =>
  new PrepSession({
    journal: join(work, 'job.jrn'),
    session: 's1',
    jobName: 'job1',
    keepAwake: false,
    entries: pickedEntries([src], 'docs/', 'BlockBlob', 'rename'),
    targets: targets.map((path) => ({ path })),
    allowFolders: true,
    listDrives: async () => [],
  }).start();

describe('copies no journal lists', () => {
  it('are removed by the next run of the session, and the drive verifies', async () => {
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a');
    const [one, two] = [join(work, 'drive1'), join(work, 'drive2')];
    mkdirSync(one);
    mkdirSync(two);
    expect((await run(src, [one])).outcome).toBe('done');
    // What a kill -9 leaves: a copy written in its place, never journaled (its source has changed
    // name since, or the next plan puts it on the other drive).
    writeFileSync(join(src, 'b.txt'), 'b');
    const orphan = join(one, 's1', 'docs', 'ghost.txt');
    writeFileSync(orphan, 'written, never journaled');
    expect((await verifyTarget(one)).unfinished).toBeDefined();

    const next = await run(src, [two, one]);
    expect(next.outcome).toBe('done');
    expect(existsSync(orphan)).toBe(false);
    const report = await verifyTarget(one);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    // The files the journal lists stay, byte for byte.
    expect(readFileSync(join(one, 's1', 'docs', 'a.txt'), 'utf8')).toBe('a');
  });
});
