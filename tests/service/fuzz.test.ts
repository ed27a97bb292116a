// Fuzz: random and mutated requests against every route. Whatever arrives, the service answers
// below 500, in the ARM error shape when it refuses, and a refused request changes no stored job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { API, DELIVERY, RETURN_ADDRESS, importJobBody, jobPath, startTestService, type TestService } from './helpers';
import { ArmErrorSchema } from '../../shared/arm/schemas';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ bodyLimit: 32 * 1024 });
  // A few jobs in different states for the routes to act on.
  for (const name of ['fz1', 'fz2', 'fz3']) {
    const r = await t.raw(
      'PUT',
      `${jobPath(t, name)}${API}`,
      importJobBody(t.storageAccountId(), [
        {
          driveId: `${name.toUpperCase()}D`,
          bitLockerKey: 'k',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: 'AA',
        },
      ]),
    );
    expect(r.status).toBe(201);
  }
  await t.raw('PATCH', `${jobPath(t, 'fz2')}${API}`, { properties: { state: 'Shipping', deliveryPackage: DELIVERY } });
  await t.raw('POST', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/fz3/package-arrived`, {
    drives: [{ driveId: 'FZ3D' }],
  });
});
afterAll(async () => {
  await t?.cleanup();
});

const snapshot = () =>
  JSON.stringify(
    t.svc.jobs
      .jobs()
      .map((j) => [j.resourceGroup, j.name, j.lifecycle, j.drives, j.tags, j.backupDriveManifest])
      .sort(),
  );

type Target = { method: string; path: (t: TestService) => string; arm: boolean; valid?: () => unknown };
const OPS = [
  'package-arrived',
  'register-drive',
  'drive-missing',
  'extra-drive',
  'start-drive',
  'fault',
  'resolve',
  'return-address-wrong',
  'return-address-corrected',
  'customer-unreachable',
  'ship-back',
  'export',
];
const job = (n: string) => (x: TestService) => jobPath(x, n);
const targets: Target[] = [
  { method: 'GET', path: () => '/providers/Microsoft.ImportExport/operations', arm: true },
  { method: 'GET', path: () => '/providers/Microsoft.ImportExport/locations', arm: true },
  { method: 'GET', path: () => '/providers/Microsoft.ImportExport/locations/sandboxwest', arm: true },
  {
    method: 'GET',
    path: (x) => `/subscriptions/${x.svc.connection.subscriptionId}/providers/Microsoft.ImportExport/jobs`,
    arm: true,
  },
  {
    method: 'GET',
    path: (x) =>
      `/subscriptions/${x.svc.connection.subscriptionId}/resourceGroups/${x.svc.connection.resourceGroup}/providers/Microsoft.ImportExport/jobs`,
    arm: true,
  },
  ...['fz1', 'fz2', 'fz3', 'fuzzed'].flatMap((n): Target[] => [
    { method: 'GET', path: job(n), arm: true },
    { method: 'PUT', path: job(n), arm: true, valid: () => importJobBody(t.storageAccountId()) },
    {
      method: 'PATCH',
      path: job(n),
      arm: true,
      valid: () => ({
        tags: { a: 'b' },
        properties: {
          state: 'Shipping',
          deliveryPackage: DELIVERY,
          returnAddress: RETURN_ADDRESS,
          cancelRequested: true,
          logLevel: 'Verbose',
          driveList: [{ driveId: `${n.toUpperCase()}D`, bitLockerKey: 'x' }],
        },
      }),
    },
    { method: 'DELETE', path: job(n), arm: true },
    { method: 'POST', path: (x) => `${jobPath(x, n)}/listBitLockerKeys`, arm: true },
    ...OPS.map(
      (a): Target => ({
        method: 'POST',
        path: (x) => `/haul/ops/jobs/${x.svc.connection.resourceGroup}/${n}/${a}`,
        arm: false,
        valid: () => ({
          drives: [{ driveId: `${n.toUpperCase()}D`, path: '/nonexistent' }],
          driveId: `${n.toUpperCase()}D`,
          reason: 'fuzz',
          carrierName: 'DHL',
          trackingNumber: '1',
          path: '/nonexistent',
        }),
      }),
    ),
  ]),
  { method: 'POST', path: () => '/haul/ops/clock/advance', arm: false, valid: () => ({ days: 0.001 }) },
  { method: 'POST', path: () => '/haul/ops/storage-accounts', arm: false, valid: () => ({ name: 'fuzzacct' }) },
  { method: 'GET', path: () => '/haul/ops/jobs', arm: false },
];

/** Mutates a JSON value: drop a key, replace a value with random JSON, or wrap it. */
function mutate(v: unknown, rnd: () => number, junk: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0 || rnd() < 0.2) return junk;
    const i = Math.floor(rnd() * v.length);
    return v.map((x, j) => (j === i ? mutate(x, rnd, junk) : x));
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0 || rnd() < 0.15) return junk;
    const k = keys[Math.floor(rnd() * keys.length)] ?? '';
    const o = { ...(v as Record<string, unknown>) };
    const roll = rnd();
    if (roll < 0.3) delete o[k];
    else if (roll < 0.6) o[k] = junk;
    else o[k] = mutate(o[k], rnd, junk);
    return o;
  }
  return rnd() < 0.5 ? junk : v;
}

const query = fc.oneof(
  fc.constant(API),
  fc.constant('?api-version=2020-08-01'),
  fc.constant(''),
  fc.constantFrom(
    '?api-version=2016-11-01',
    '?api-version=',
    `${API}&$top=0`,
    `${API}&$top=5`,
    `${API}&$top=abc`,
    `${API}&$filter=state%20eq%20'Creating'`,
    `${API}&$filter=%27`,
    `${API}&$skiptoken=%ZZ`,
  ),
  fc.string({ maxLength: 30 }).map((s) => `${API}&${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);

const body = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ seed: fc.integer(), junk: fc.jsonValue({ maxDepth: 3 }) })
      .map(({ seed, junk }) => ({ kind: 'mutated' as const, seed, junk })),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ kind: 'json' as const, v })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ kind: 'text' as const, s })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

function rng(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 1_000_000) / 1_000_000;
  };
}

describe('fuzz', () => {
  it('random and mutated requests on every route: no 5xx, refusals in the ARM shape, refused requests change no job', async () => {
    let cases = 0;
    let refused = 0;
    let accepted = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: targets.length - 1 }), query, body, fc.boolean(), async (ti, q, b, badPath) => {
        const target = targets[ti]!;
        let path = target.path(t);
        if (badPath)
          path = path
            .replace(/jobs\/[^/]+/, `jobs/${encodeURIComponent('bad name!')}`)
            .replace(/resourceGroups\/[^/]+/, 'resourceGroups/ok-rg');
        let payload: unknown;
        if (b.kind === 'mutated') payload = JSON.stringify(mutate(target.valid?.() ?? {}, rng(b.seed), b.junk));
        else if (b.kind === 'json') payload = JSON.stringify(b.v);
        else if (b.kind === 'text') payload = b.s;
        const before = snapshot();
        const r = await t.raw(target.method, `${path}${q}`, payload as string | undefined);
        cases++;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect(
          r.status,
          `${target.method} ${path}${q} ${String(payload).slice(0, 300)} -> ${r.text.slice(0, 300)}`,
        ).toBeLessThan(500);
        if (r.status >= 400) {
          refused++;
          expect(ArmErrorSchema.safeParse(r.json).success, r.text).toBe(true);
          expect(snapshot(), `${target.method} ${path} was refused (${r.status}) but changed a job`).toBe(before);
        } else accepted++;
      }),
      { numRuns: 700, seed: Number(process.env.FUZZ_SEED ?? 20261121), endOnFailure: true },
    );
    console.log(
      `fuzz: ${cases} requests (${accepted} accepted, ${refused} refused); statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(cases).toBe(700);
    expect(refused).toBeGreaterThan(100);
  });
});
