// Benchmark of main's jobs.list (the bridge's dispatch, as a screen asks it) against the local
// service in its own process, at 1,000 and 10,000 jobs. The baseline, in the same run and at the
// same size: the bare listing through the official SDK client (listByResourceGroup, every page),
// which main's list cannot beat since it stands on it. Printed for each size:
//   - the baseline (median of 3);
//   - main's first list on a new data folder (every job a first sighting, the records written);
//   - main's list again (records on disk, views known: what each visit of the Jobs screen costs);
//   - the same while the tracker runs (the app as it is: its first poll follows every job);
//   - a job changed elsewhere, seen by a Get Job (a job page, the tracker): the time to the job.updated
//     event that carries it to the Jobs screen's row (the screen does not list again for it).
//
//   node --import tsx bench/jobs/list.ts [--jobs 1000,10000] [--no-tracker]
// (--no-tracker skips the tracker's phase: an older checkout's first poll of 10,000 jobs runs for
// more than 25 minutes.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { ServiceConnectionSchema, type ServiceConnection } from '../../shared/service/connection';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { localConnection } from '../../main/core/service/local';
import type { ConnectionSource } from '../../main/core/service/connection';
import type { JobList } from '../../shared/ipc/channels/jobs';
import { createPatternJob, seedJobFiles } from '../app/jobs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000,10000' }, 'no-tracker': { type: 'boolean', default: false } },
});
const SIZES = values.jobs.split(',').map(Number);

const note = (what: string) => process.stderr.write(`  ${what}…\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Service {
  conn: ServiceConnection;
  client: StorageImportExport;
  stop(): Promise<void>;
}

async function startService(dir: string): Promise<Service> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'main/cli/haul.ts', 'service', '--data-dir', dir, '--no-storage'],
    { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (c) => reject(new Error(`the service exited (${c}) before it was ready`)));
  });
  const conn = ServiceConnectionSchema.parse(JSON.parse(line));
  const ca = await readFile(conn.ca, 'utf8');
  const client = new StorageImportExport(
    { getToken: async () => ({ token: conn.token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    conn.subscriptionId,
    { endpoint: conn.endpoint, tlsOptions: { ca }, retryOptions: { maxRetries: 2 } },
  );
  return {
    conn,
    client,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A service whose data folder holds `n` jobs: one made with the SDK, the rest copied from its file. */
async function serviceWith(dir: string, n: number): Promise<Service> {
  const first = await startService(dir);
  await createPatternJob(first.client, first.conn);
  await first.stop();
  seedJobFiles(join(dir, 'jobs'), n);
  return startService(dir);
}

async function sdkList(s: Service): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const _ of s.client.jobs.listByResourceGroup(s.conn.resourceGroup)) n++;
  if (n === 0) throw new Error('the SDK listed no jobs');
  return performance.now() - t0;
}

async function appCore(dir: string, serviceDir: string, s: Service, tracker: boolean): Promise<Core> {
  const c = localConnection(s.conn, serviceDir);
  const connections: ConnectionSource = { current: () => c, onChange: () => () => undefined };
  return createCore({
    dataDir: dir,
    listDrives: async () => [],
    connections,
    tracker: { start: tracker },
  });
}

async function mainList(core: Core, n: number): Promise<number> {
  const t0 = performance.now();
  const r = await dispatch(core.handlers, 'jobs.list', {});
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`jobs.list failed: ${r.error.message}`);
  const got = (r.value as JobList).jobs.length;
  if (got !== n) throw new Error(`jobs.list gave ${got} jobs, expected ${n}`);
  return ms;
}

interface Result {
  jobs: number;
  sdk: number;
  first: number;
  again: number;
  tracked: number;
  update: number;
}

async function measure(n: number): Promise<Result> {
  const work = await mkdtemp(join(tmpdir(), 'haul-bench-list-'));
  const serviceDir = join(work, 'service');
  let s: Service | undefined;
  const cores: Core[] = [];
  try {
    s = await serviceWith(serviceDir, n);
    note(`${n} jobs: the SDK's list`);
    await sdkList(s); // warm the service's cache of views
    const sdk: number[] = [];
    for (let i = 0; i < 3; i++) sdk.push(await sdkList(s));

    // Main without the tracker: the list alone.
    note(`${n} jobs: main's list`);
    const quiet = await appCore(join(work, 'app-quiet'), serviceDir, s, false);
    cores.push(quiet);
    const first = await mainList(quiet, n);
    const again: number[] = [];
    for (let i = 0; i < 3; i++) again.push(await mainList(quiet, n));

    // A job changed elsewhere, then seen once by main (a Get Job): the next list shows it.
    const target = `bench-${String(Math.floor(n / 2)).padStart(4, '0')}`;
    await s.client.jobs.update(target, s.conn.resourceGroup, {
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'BENCH-1', shipDate: '2026-01-05', driveCount: 1 },
    });
    let announced: number | undefined;
    const off = quiet.events.on((event, payload) => {
      const p = payload as { kind?: string; name?: string; view?: { state?: string } };
      if (event === 'job.updated' && p.name === target && p.view?.state === 'Shipping') announced ??= performance.now();
    });
    const t0 = performance.now();
    const got = await dispatch(quiet.handlers, 'jobs.get', { name: target });
    if (!got.ok) throw new Error(`jobs.get failed: ${got.error.message}`);
    off();
    if (announced === undefined) throw new Error('no job.updated event for the change');
    const update = announced - t0;
    const listed = await dispatch(quiet.handlers, 'jobs.list', {});
    if (!listed.ok || (listed.value as JobList).jobs.find((j) => j.name === target)?.state !== 'Shipping')
      throw new Error('the list does not show the change');
    await quiet.dispose();
    cores.pop();

    // The app as it runs: the tracker started on the same records (its first poll asks about every job).
    if (values['no-tracker']) return { jobs: n, sdk: median(sdk), first, again: median(again), tracked: NaN, update };
    note(`${n} jobs: main's list, the tracker running`);
    const app = await appCore(join(work, 'app-quiet'), serviceDir, s, true);
    cores.push(app);
    const tracked: number[] = [];
    for (let i = 0; i < 3; i++) tracked.push(await mainList(app, n));
    return { jobs: n, sdk: median(sdk), first, again: median(again), tracked: median(tracked), update };
  } finally {
    for (const c of cores) await c.dispose();
    await s?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const n of SIZES) {
  process.stderr.write(`measuring ${n} jobs…\n`);
  results.push(await measure(n));
}
const x = (v: number, base: number) => (Number.isNaN(v) ? '—' : `${v.toFixed(0)} ms (${(v / base).toFixed(2)}×)`);
console.log("\nmain's jobs.list against the SDK's bare list of the same jobs (ratio: main over SDK), same run");
console.log(
  '| jobs | SDK list (baseline) | main, first list | main, list again | main, tracker running | Get Job to job.updated |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results)
  console.log(
    `| ${r.jobs.toLocaleString('en')} | ${r.sdk.toFixed(0)} ms | ${x(r.first, r.sdk)} | ${x(r.again, r.sdk)} | ${x(r.tracked, r.sdk)} | ${r.update.toFixed(0)} ms |`,
  );
