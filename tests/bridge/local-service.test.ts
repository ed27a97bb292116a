// The app's default backend: main starts the local service, learns its endpoint from the ready
// line, keeps the token to itself, and says plainly when the service fails.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLocalService } from '../../main/core/backend/local';
import type { ServiceStatus } from '../../shared/ipc/contract';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'haul-local-svc-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Process ids whose command line mentions `needle` (Linux /proc). */
function pidsMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(needle)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}
// A stand-in for `haul service`: prints the ready line, logs to stderr, waits for SIGTERM.
const fake = (line: string, extra = '') =>
  [
    process.execPath,
    '-e',
    `${extra}; console.error('svc log line'); console.log(${JSON.stringify(line)}); setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0));`,
  ] as [string, ...string[]];
const ready = JSON.stringify({
  endpoint: 'https://127.0.0.1:4431',
  ca: '/x/ca.pem',
  token: 'secret-token-0123456789',
  subscriptionId: 'sub-1',
  resourceGroup: 'haul-sandbox',
});

describe('the local sandbox service as default backend', () => {
  it('becomes ready with the endpoint from its ready line; the token is not in the status', async () => {
    const seen: ServiceStatus[] = [];
    const svc = startLocalService({ command: fake(ready), dataDir: dir(), onStatus: (s) => seen.push(s) });
    await vi.waitFor(() => expect(svc.status().state).toBe('ready'), { timeout: 10_000 });
    expect(svc.status()).toMatchObject({
      state: 'ready',
      kind: 'local',
      endpoint: 'https://127.0.0.1:4431',
      subscriptionId: 'sub-1',
      resourceGroup: 'haul-sandbox',
    });
    expect(JSON.stringify(seen)).not.toContain('secret-token');
    expect(svc.connection()?.token).toBe('secret-token-0123456789');
    await svc.stop();
    expect(svc.status().state).toBe('off');
    // Its stderr went to the service log in its data folder.
    expect(readFileSync(svc.status().logFile!, 'utf8')).toContain('svc log line');
  });

  it('says so when the service dies, pointing at its log', async () => {
    const svc = startLocalService({
      command: [process.execPath, '-e', 'console.error("port in use"); process.exit(3)'],
      dataDir: dir(),
    });
    await vi.waitFor(() => expect(svc.status().state).toBe('failed'), { timeout: 10_000 });
    expect(svc.status().message).toMatch(/stopped \(exit 3\).*service\.log/);
  });

  it('refuses a ready line that is not a connection (e.g. a service that is not on loopback)', async () => {
    const svc = startLocalService({
      command: fake(
        JSON.stringify({
          endpoint: 'https://10.0.0.8:443',
          ca: 'x',
          token: 'secret-token-0123456789',
          subscriptionId: 's',
          resourceGroup: 'r',
        }),
      ),
      dataDir: dir(),
    });
    await vi.waitFor(() => expect(svc.status().state).toBe('failed'), { timeout: 10_000 });
    expect(svc.connection()).toBeUndefined();
    await svc.stop();
  });

  it('gives up after the ready timeout', async () => {
    const svc = startLocalService({
      command: [process.execPath, '-e', 'setInterval(() => {}, 1000)'],
      dataDir: dir(),
      readyTimeoutMs: 300,
    });
    await vi.waitFor(() => expect(svc.status().state).toBe('failed'), { timeout: 10_000 });
    expect(svc.status().message).toMatch(/did not start within/);
    await svc.stop();
  });
});

describe.runIf(process.platform === 'linux')('the local service dies with the app', () => {
  it("kill -9 of the app stops its local service and the service's Azurite (none left running)", async () => {
    const data = dir();
    const host = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./fixtures/serviceHost.ts', import.meta.url)), data],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const leftovers = () => pidsMentioning(data).filter((p) => p !== host.pid);
    try {
      const first = await new Promise<string>((resolve) =>
        readline.createInterface({ input: host.stdout! }).once('line', resolve),
      );
      expect(first).toBe('ready');
      // The service and its Azurite both run from this data folder.
      expect(leftovers().length).toBeGreaterThanOrEqual(2);
      host.kill('SIGKILL');
      await vi.waitFor(() => expect(leftovers()).toEqual([]), { timeout: 20_000, interval: 200 });
    } finally {
      host.kill('SIGKILL');
      for (const pid of leftovers()) process.kill(pid, 'SIGKILL');
    }
  });
});
