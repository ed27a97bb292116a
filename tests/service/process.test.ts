// `haul service` as a process: one JSON line on stdout when ready, logs on stderr, SIGTERM stops
// it and its Azurite; kill -9 in the middle of writes loses no acknowledged change and leaves no
// half-written file.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceConnectionSchema, type ServiceConnection } from '../../shared/service/connection';
import { API, importJobBody, rawCall, startTestService } from './helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  conn: ServiceConnection;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', 'service', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`haul service exited early (${child.exitCode}): ${err}`);
    if (Date.now() > deadline) throw new Error(`haul service did not get ready: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const conn = ServiceConnectionSchema.parse(JSON.parse(out.split('\n')[0] ?? ''));
  return { child, conn, stdout: () => out, stderr: () => err, exited };
}

/** Process ids whose command line mentions `needle` (Linux /proc). */
async function pidsMentioning(needle: string): Promise<number[]> {
  const out: number[] = [];
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = (await readFile(`/proc/${p}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('haul service process', () => {
  it('prints exactly one JSON line when ready, serves with its CA, and SIGTERM stops it and its Azurite cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-cli-'));
    dirs.push(dir);
    const s = await startCli(['--data-dir', dir, '--token', 'a-token-that-is-long-enough']);
    expect(s.conn.token).toBe('a-token-that-is-long-enough');
    expect(s.conn.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(s.conn.ca, 'utf8');
    const ping = await rawCall(
      s.conn.endpoint,
      ca,
      s.conn.token,
      'GET',
      `/providers/Microsoft.ImportExport/locations${API}`,
    );
    expect(ping.status).toBe(200);
    const azurite = await pidsMentioning(join(dir, 'azurite'));
    expect(azurite.length).toBeGreaterThan(0);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stdout().trim().split('\n')).toHaveLength(1);
    expect(s.stderr()).toMatch(/SIGTERM received/);
    expect(s.stderr()).not.toContain(s.conn.token);
    expect(await pidsMentioning(join(dir, 'azurite'))).toEqual([]);
  });

  it('refuses bad options with a usage message and status 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/cli/haul.ts', 'service', '--port', 'abc', '--data-dir', '/tmp/x'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--port "abc" is not a port number/);
  });

  it('kill -9 during a stream of writes loses no acknowledged change and leaves no half-written file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-kill-'));
    dirs.push(dir);
    const s = await startCli(['--data-dir', dir, '--no-storage']);
    const ca = await readFile(s.conn.ca, 'utf8');
    const call = (method: string, path: string, body?: unknown) =>
      rawCall(s.conn.endpoint, ca, s.conn.token, method, path, body);
    const base = `/subscriptions/${s.conn.subscriptionId}/resourceGroups/${s.conn.resourceGroup}/providers/Microsoft.ImportExport/jobs`;
    const acctId = `/subscriptions/${s.conn.subscriptionId}/resourceGroups/${s.conn.resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`;

    const ackedCreate = new Set<string>();
    const ackedTag = new Map<string, number>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const name = `kill${w}x${Math.floor(i / 5)}`;
        try {
          if (i % 5 === 0) {
            const r = await call(
              'PUT',
              `${base}/${name}${API}`,
              importJobBody(acctId, [
                { driveId: `K${w}X${i}`, bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
              ]),
            );
            if (r.status === 201) ackedCreate.add(name);
          } else {
            const r = await call('PATCH', `${base}/${name}${API}`, { tags: { n: String(i) } });
            if (r.status === 200) ackedTag.set(name, i);
          }
        } catch {
          return;
        } // connection cut by the kill
      }
    };
    const writers = Array.from({ length: 4 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
    s.child.kill('SIGKILL');
    stop = true;
    await s.exited;
    await Promise.all(writers);
    expect(ackedCreate.size).toBeGreaterThan(5);

    const t = await startTestService({}, dir);
    try {
      for (const name of ackedCreate) {
        const r = await t.raw('GET', `${base}/${name}${API}`);
        expect(r.status, name).toBe(200);
        const acked = ackedTag.get(name);
        if (acked !== undefined) {
          const n = Number((r.json as { tags?: { n?: string } }).tags?.n);
          expect(n, name).toBeGreaterThanOrEqual(acked);
        }
      }
      expect(existsSync(join(dir, 'jobs', 'damaged'))).toBe(false);
      const left = (await readdir(join(dir, 'jobs'))).filter((f) => !f.endsWith('.json'));
      expect(left).toEqual([]);
      console.log(
        `kill -9 test: ${ackedCreate.size} acknowledged creates and ${ackedTag.size} acknowledged updates survived`,
      );
    } finally {
      await t.cleanup();
    }
  });

  it('a data folder made beforehand with 0755 is made private: folders 0700, files 0600, the job with its BitLocker key included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-wide-'));
    dirs.push(dir);
    await chmod(dir, 0o755);
    const s = await startCli(['--data-dir', dir, '--no-storage']);
    const ca = await readFile(s.conn.ca, 'utf8');
    const acct = `/subscriptions/${s.conn.subscriptionId}/resourceGroups/${s.conn.resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`;
    const put = await rawCall(
      s.conn.endpoint,
      ca,
      s.conn.token,
      'PUT',
      `/subscriptions/${s.conn.subscriptionId}/resourceGroups/${s.conn.resourceGroup}/providers/Microsoft.ImportExport/jobs/widejob${API}`,
      importJobBody(acct),
    );
    expect(put.status).toBe(201);
    s.child.kill('SIGTERM');
    await s.exited;
    const wide: string[] = [];
    const walk = async (p: string): Promise<void> => {
      const st = await lstat(p);
      if ((st.mode & 0o077) !== 0) wide.push(`${p} ${(st.mode & 0o777).toString(8)}`);
      if (st.isDirectory()) for (const n of await readdir(p)) await walk(join(p, n));
    };
    await walk(dir);
    expect(wide).toEqual([]);
    expect((await readdir(join(dir, 'jobs'))).length).toBeGreaterThan(0);

    // Widened again by hand (a copy with cp -r, a bad umask): the next start narrows it all back.
    const widen = async (p: string): Promise<void> => {
      const st = await lstat(p);
      await chmod(p, st.isDirectory() ? 0o755 : 0o644);
      if (st.isDirectory()) for (const n of await readdir(p)) await widen(join(p, n));
    };
    await widen(dir);
    const again = await startCli(['--data-dir', dir, '--no-storage']);
    again.child.kill('SIGTERM');
    await again.exited;
    wide.length = 0;
    await walk(dir);
    expect(wide).toEqual([]);
  });

  it('refuses a wide-open data folder that holds other files, says why and what to do, and changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-shared-'));
    dirs.push(dir);
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'notes.txt'), "not the service's", { mode: 0o644 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', 'service', '--data-dir', dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    expect(code).toBe(1);
    expect(err).toContain(dir);
    expect(err).toMatch(/other users/);
    expect(err).toMatch(/chmod 700/);
    expect(err).not.toMatch(/^haul: /m);
    expect((await lstat(dir)).mode & 0o777).toBe(0o755);
    expect((await lstat(join(dir, 'notes.txt'))).mode & 0o777).toBe(0o644);
  });
});
