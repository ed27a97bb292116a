// Benchmark of the local service: 1,000 jobs created through the official client, then Get Job
// p50/p99 and the time to list all jobs (following nextLink), each printed as a ratio against an
// empty authenticated GET on the same server, in the same run, through the same client pipeline.
// Goals: Get Job p99 < 20 ms, listing 1,000 jobs < 200 ms.
//
//   node --import tsx bench/service/run.ts [--jobs 1000] [--gets 2000]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:https';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { ServiceConnectionSchema } from '../../shared/service/connection';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000' }, gets: { type: 'string', default: '2000' } },
});
const JOBS = Number(values.jobs);
const GETS = Number(values.gets);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

const dir = await mkdtemp(join(tmpdir(), 'haul-bench-service-'));
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'main/cli/haul.ts', 'service', '--data-dir', dir, '--no-storage'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (c) => reject(new Error(`service exited (${c})`)));
  });
  const conn = ServiceConnectionSchema.parse(JSON.parse(line));
  const ca = await readFile(conn.ca, 'utf8');
  const client = new StorageImportExport(
    { getToken: async () => ({ token: conn.token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    conn.subscriptionId,
    {
      endpoint: conn.endpoint,
      tlsOptions: { ca },
      retryOptions: { maxRetries: 0 },
    },
  );
  const rg = conn.resourceGroup;
  const account = `/subscriptions/${conn.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/haulsandbox`;

  const t0 = performance.now();
  const names = Array.from({ length: JOBS }, (_, i) => `bench${String(i).padStart(5, '0')}`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < names.length) {
        const name = names[next++] ?? '';
        await client.jobs.create(name, rg, {
          location: 'Sandbox West',
          properties: {
            storageAccountId: account,
            jobType: 'Import',
            returnAddress: {
              recipientName: 'Bench',
              streetAddress1: '1 Road',
              city: 'Town',
              postalCode: '1',
              countryOrRegion: 'Sandboxia',
              phone: '1',
              email: 'b@example.com',
            },
            driveList: [
              { driveId: `B${name}`, bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
            ],
          },
        });
      }
    }),
  );
  const createMs = performance.now() - t0;

  // Warm up both paths, then interleave baseline and Get Job so both see the same machine load.
  const baseline: number[] = [];
  const gets: number[] = [];
  const empty = () => client.sendRequest(createPipelineRequest({ url: `${conn.endpoint}/haul/ping`, method: 'GET' }));
  for (let i = 0; i < 50; i++) {
    await empty();
    await client.jobs.get(names[i % names.length] ?? '', rg);
  }
  for (let i = 0; i < GETS; i++) {
    let s = performance.now();
    await empty();
    baseline.push(performance.now() - s);
    s = performance.now();
    await client.jobs.get(names[Math.floor(Math.random() * names.length)] ?? '', rg);
    gets.push(performance.now() - s);
  }
  const lists: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    let n = 0;
    for await (const _ of client.jobs.listBySubscription()) n++;
    lists.push(performance.now() - s);
    if (n !== JOBS) throw new Error(`listed ${n} jobs, expected ${JOBS}`);
  }
  // The same listing without the client's deserialization: HTTPS + JSON.parse only (keep-alive).
  const agent = new Agent({ keepAlive: true, ca });
  const fetchJson = (url: string) =>
    new Promise<{ nextLink?: string }>((resolve, reject) => {
      request(url, { agent, headers: { authorization: `Bearer ${conn.token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { nextLink?: string }));
      })
        .on('error', reject)
        .end();
    });
  const rawLists: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    let url: string | undefined =
      `${conn.endpoint}/subscriptions/${conn.subscriptionId}/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01`;
    while (url) url = (await fetchJson(url)).nextLink;
    rawLists.push(performance.now() - s);
  }
  agent.destroy();
  const rawList = pct(rawLists, 50);
  const b50 = pct(baseline, 50);
  const b99 = pct(baseline, 99);
  const g50 = pct(gets, 50);
  const g99 = pct(gets, 99);
  const list = pct(lists, 50);
  console.log(
    `jobs created through the official client: ${JOBS} in ${ms(createMs)} (${(JOBS / (createMs / 1000)).toFixed(0)}/s)`,
  );
  console.log(`baseline (empty authenticated GET): p50 ${ms(b50)}, p99 ${ms(b99)}`);
  console.log(
    `Get Job: p50 ${ms(g50)} = ${(g50 / b50).toFixed(2)}x baseline p50; p99 ${ms(g99)} = ${(g99 / b99).toFixed(2)}x baseline p99 (goal < 20 ms: ${g99 < 20 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `list all ${JOBS} jobs through the official client (${Math.ceil(JOBS / 100)} pages, median of 5): ${ms(list)} = ${(list / b50).toFixed(1)}x baseline p50 (goal < 200 ms: ${list < 200 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `list all ${JOBS} jobs, HTTPS + JSON.parse only (median of 5): ${ms(rawList)} = ${(rawList / b50).toFixed(1)}x baseline p50; the rest of the client's time is its model deserialization`,
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
