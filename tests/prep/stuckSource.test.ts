// A source that stops answering (a FUSE file system whose reads of one file never come back, as a
// network mount that hangs): the stuck file is named once the read has been quiet too long, the
// drive's other files go on, and the run ends by itself; and a second Ctrl-C quits at once, where
// it used to wait for the stuck thread for good. The threshold is shortened for the first test
// (HAUL_STUCK_READ_MS); it is a minute otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrepEvent } from '../../shared/prep/types';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const canFuse = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/dev/fuse');
if (!canFuse) console.log('stuckSource.test.ts: skipped, a FUSE source needs root and /dev/fuse');
const work = mkdtempSync(join(tmpdir(), 'haul-stuck-source-'));
const mnt = join(work, 'mnt');
let fuse: ChildProcess | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!canFuse) return;
  mkdirSync(mnt);
  fuse = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./fixtures/stuckFuse.ts', import.meta.url)), mnt],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve) => readline.createInterface({ input: fuse!.stdout! }).once('line', resolve));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(async () => {
  if (fuse && fuse.exitCode === null) {
    fuse.kill('SIGTERM');
    await new Promise((r) => fuse!.once('close', r));
  }
  rmSync(work, { recursive: true, force: true });
});

function prep(target: string, env: NodeJS.ProcessEnv = {}) {
  mkdirSync(target);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/cli/haul.ts', 'prep', '--journal', `${target}.jrn`, '--session', 's1'].concat([
      '--source',
      mnt,
      '--dest',
      'docs/',
      '--target',
      target,
      '--allow-folder',
      '--json',
    ]),
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  children.push(child);
  const events: PrepEvent[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.trim()) events.push(JSON.parse(l) as PrepEvent);
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, events, ended, stderr: () => stderr };
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms)),
  ]);

describe.runIf(canFuse)('a source that stops answering', () => {
  it("is named once its read has been quiet too long; the drive's other files go on and the run ends by itself", async () => {
    const target = join(work, 'drive1');
    const run = prep(target, { HAUL_STUCK_READ_MS: '2000' });
    const end = await within(run.ended, 90_000, 'the run did not end by itself');
    const stuck = run.events.find((e) => e.type === 'file-error' && e.code === 'ESTUCK');
    expect(stuck?.type === 'file-error' && stuck.source).toBe(join(mnt, 'stuck.bin'));
    expect(stuck?.type === 'file-error' && stuck.message).toMatch(/has not answered for over 2 s/);
    const done = run.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.filesCopied).toBe(2);
    expect(readFileSync(join(target, 's1', 'docs', 'a.txt'), 'utf8')).toBe('first file\n');
    expect(readFileSync(join(target, 's1', 'docs', 'z.txt'), 'utf8')).toBe('last file\n');
    expect(readFileSync(join(target, 'DriveManifest.xml'), 'utf8')).toContain('z.txt');
    expect(run.stderr()).toMatch(/a read of a source still hangs/);
    expect(end.signal).toBe('SIGKILL');
  }, 120_000);

  it('the second Ctrl-C quits at once while a read hangs', async () => {
    const target = join(work, 'drive2');
    writeFileSync(join(work, 'marker'), '');
    const run = prep(target);
    await within(
      new Promise<void>((resolve) => {
        const t = setInterval(() => {
          if (run.events.some((e) => e.type === 'progress')) {
            clearInterval(t);
            resolve();
          }
        }, 50);
      }),
      60_000,
      'the copy did not start',
    );
    await new Promise((r) => setTimeout(r, 1500)); // the stuck read is under way
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill('SIGINT');
    const end = await within(run.ended, 10_000, 'the second Ctrl-C did not quit');
    expect(end.signal ?? end.code).toMatch(/^(SIGINT|130)$/);
    expect(run.stderr()).toMatch(/Quitting now/);
  }, 120_000);
});
