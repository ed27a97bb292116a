// One drive, one writer: two `haul prep` runs on the same drive at once (different journals and
// sessions, one job) — the second is refused naming the first, and the first reports the manifest
// hash the drive holds. A run killed with -9 leaves a lock that goes stale within seconds, as the
// journal's does, so the next run takes the drive over and, again, reports what the drive holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDriveHeader } from '../../shared/formats/driveManifest';
import type { PrepEvent } from '../../shared/prep/types';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-drive-lock-'));
const src = join(work, 'src');
const children: ChildProcess[] = [];

beforeAll(() => {
  mkdirSync(src);
  for (let i = 0; i < 12; i++) writeFileSync(join(src, `f${i}.bin`), randomBytes(1024 * 1024));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  events: PrepEvent[];
  stderr: () => string;
  exit: Promise<number | null>;
}

function prep(journal: string, session: string, target: string, extra: string[] = []): Run {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'main/cli/haul.ts',
      'prep',
      '--journal',
      join(work, journal),
      '--session',
      session,
      '--job',
      'job1',
      '--source',
      src,
      '--dest',
      'media/',
      '--target',
      target,
      '--allow-folder',
      '--json',
      ...extra,
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  const events: PrepEvent[] = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l) as PrepEvent);
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, events, stderr: () => err, exit };
}

const copying = async (r: Run) => {
  const until = Date.now() + 60_000;
  while (!r.events.some((e) => e.type === 'progress' && e.bytesDone > 0)) {
    if (Date.now() > until || r.child.exitCode !== null)
      throw new Error(`the run did not start copying: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 50));
  }
};
const md5 = (file: string) => createHash('md5').update(readFileSync(file)).digest('hex').toUpperCase();

/** What a run reported per drive, and what the drive holds. */
function reportedAndHeld(r: Run, target: string) {
  const reported = r.events
    .filter((e) => e.type === 'drive-done')
    .map((e) => e.type === 'drive-done' && e.manifestHash);
  return {
    reported,
    manifest: md5(join(target, 'DriveManifest.xml')),
    header: parseDriveHeader(readFileSync(join(target, 'HaulDrive.json'), 'utf8')).manifestHash,
  };
}

describe('one drive, one writer', () => {
  it('a second run on a drive another run is writing is refused naming the first; the first reports what the drive holds', async () => {
    const target = join(work, 'drive-a');
    mkdirSync(target);
    const first = prep('a.jrn', 's1', target, ['--max-rate', '0.6MB']);
    await copying(first);
    const second = prep('b.jrn', 's2', target);
    expect(await second.exit).toBe(2);
    expect(second.stderr()).toMatch(
      new RegExp(
        `The drive ${target} is being written by another preparation: session s1 of job job1 \\(journal ${join(work, 'a.jrn')}, process ${first.child.pid} on `,
      ),
    );
    expect(second.events.some((e) => e.type === 'drive-done')).toBe(false);
    expect(await first.exit).toBe(0);
    const { reported, manifest, header } = reportedAndHeld(first, target);
    expect(reported).toEqual([manifest]);
    expect(header).toBe(manifest);
    // Nothing of the lock is left once the run ended.
    expect(existsSync(join(target, '.haul-run.lock'))).toBe(false);
    expect(existsSync(join(target, '.haul-run.json'))).toBe(false);
  }, 120_000);

  it("after a kill -9 the lock goes stale as the journal's does: the next run takes the drive and reports what it holds", async () => {
    const target = join(work, 'drive-b');
    mkdirSync(target);
    const killed = prep('c.jrn', 's1', target, ['--max-rate', '3MB']);
    await copying(killed);
    killed.child.kill('SIGKILL');
    await killed.exit;
    const next = prep('d.jrn', 's2', target);
    expect(await next.exit, next.stderr()).toBe(0);
    const { reported, manifest, header } = reportedAndHeld(next, target);
    expect(reported).toEqual([manifest]);
    expect(header).toBe(manifest);
  }, 120_000);
});
