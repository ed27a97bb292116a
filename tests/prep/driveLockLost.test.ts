// A drive's lock is lost two ways: the drive is pulled out (the lock goes with it) or another run
// takes it over. Only the second is "another preparation took over the drive"; the first is the
// copy's "the drive was removed", for that drive alone, while the other drives go on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVE_LOCK, DRIVE_RUN_FILE, lockDrive } from '../../main/core/prep/journal/lock';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const drive = () => {
  const d = mkdtempSync(join(tmpdir(), 'haul-lock-lost-'));
  made.push(d);
  return d;
};
const run = { session: 's1', jobName: 'job-1', journal: '/j.jrn' };
const settle = () => new Promise((r) => setTimeout(r, 2500));

describe('a lost drive lock', () => {
  it('is not called a takeover when the drive went away with its lock', async () => {
    const d = drive();
    const lost: Error[] = [];
    const release = await lockDrive(d, run, (e) => lost.push(e));
    // what a pulled drive leaves at its mount point: nothing
    rmSync(join(d, DRIVE_LOCK), { recursive: true, force: true });
    rmSync(join(d, DRIVE_RUN_FILE), { force: true });
    await settle();
    expect(lost).toEqual([]);
    await release();
  });

  it('is a takeover when another run is named beside the lock', async () => {
    const d = drive();
    const lost: Error[] = [];
    const release = await lockDrive(d, run, (e) => lost.push(e));
    rmSync(join(d, DRIVE_LOCK), { recursive: true, force: true });
    writeFileSync(
      join(d, DRIVE_RUN_FILE),
      JSON.stringify({ ...run, session: 's2', host: 'other-pc', pid: 4242, startedAt: Date.now() }),
    );
    await settle();
    expect(lost.length).toBe(1);
    await release();
  });
});
