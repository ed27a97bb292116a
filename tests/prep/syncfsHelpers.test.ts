// The syncfs helper shells die with the process that started them, even killed with -9 while a
// helper is being set up, and the FIFO folders a killed process left are gone after the next start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import { afterAll, describe, expect, it, vi } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'haul-syncfs-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fixture = fileURLToPath(new URL('./fixtures/syncfsStarts.ts', import.meta.url));
const linux = process.platform === 'linux' && spawnSync('mkfifo', ['--version']).status === 0;

/** Running shells whose command line holds a FIFO under `dir` (an exited one nobody reaped does not count). */
function shells(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const state = /\) (\S)/.exec(readFileSync(`/proc/${p}/stat`, 'utf8'))?.[1];
      if (state !== 'Z' && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${dir}/haul-syncfs-`))
        out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe.runIf(linux)('syncfs helpers after kill -9', () => {
  it('leave no shell running, and the next start removes the folders a killed process left', async () => {
    const tmp = join(work, 'tmp');
    rmSync(tmp, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', tmp]);
    const env = { ...process.env, TMPDIR: tmp };
    try {
      for (let round = 0; round < 8; round++) {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, work], {
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('close', r));
      }
      await vi.waitFor(() => expect(shells(tmp)).toEqual([]), { timeout: 5000, interval: 100 });
      // One more process starts a helper: what the killed ones left is removed.
      const last = spawn(process.execPath, ['--import', 'tsx', fixture, work], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => readline.createInterface({ input: last.stdout! }).once('line', resolve));
      const left = readdirSync(tmp).filter((n) => n.startsWith('haul-syncfs-') && !n.includes(`-${last.pid}-`));
      last.kill('SIGKILL');
      await new Promise((r) => last.once('close', r));
      expect(left).toEqual([]);
    } finally {
      for (const pid of shells(tmp)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
