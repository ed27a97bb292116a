// Every example of the Microsoft.ImportExport REST API reference (fixtures/arm-examples, copied
// unchanged from Azure's REST API specs), replayed against the sandbox: each request sent as
// written, each response compared with the documented one — its status, and every property the
// example shows. Each example runs on a sandbox of its own holding what the example presumes
// (the job it reads, updates or deletes, in the state it shows).
//
// Where the sandbox must differ from Azure, and why (also in fixtures/arm-examples/README.md):
// - the subscription: the examples' placeholder `xxxxxxxx-…` becomes the sandbox's own (a sandbox
//   serves one subscription; another is 403), in paths and in the ids inside bodies;
// - the locations: Azure's regions become the sandbox's data centers (West US → Sandbox West,
//   East US 2 → Sandbox East); a job's `shippingInformation` and the locations' addresses and
//   carriers are the sandbox's, so only their fields are compared, not their values;
// - the storage accounts: the sandbox is started with the examples' accounts (test, xtprodtestwu,
//   xtprodtestarmos2), so their ids compare as written;
// - values the server makes: `systemData` (times, and "string" where the example has a
//   placeholder) and resource ids (GetJob's and GetExportJob's `id` even names another job than
//   their `name`) are compared in form only;
// - ListJobsInSubscription's second job is Transferring at 6 % with its only drive already
//   CompletedMoreInfo and its copy "InProgress": the sandbox's life cycle cannot hold that (a job
//   whose every drive finished is Packaging, rule J9); the sandbox shows it Transferring with its
//   drive Transferring, and the drive's state, copy status, percentages and log URIs are not compared.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestService, type TestService } from './helpers';

const DIR = fileURLToPath(new URL('./fixtures/arm-examples/', import.meta.url));
const PLACEHOLDER_SUBSCRIPTION = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
const LOCATIONS: Record<string, string> = { 'West US': 'Sandbox West', 'East US 2': 'Sandbox East' };
const ACCOUNTS = ['test', 'xtprodtestwu', 'xtprodtestarmos2'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
interface Example {
  parameters: Obj & { 'api-version': string };
  responses: Record<string, { body?: Json }>;
}

const load = (file: string): Example => JSON.parse(readFileSync(`${DIR}${file}`, 'utf8')) as Example;
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The example with the sandbox's subscription and locations in place of Azure's (see the header). */
function sandboxed<T extends Json>(v: T, subscriptionId: string, key?: string): T {
  if (typeof v === 'string') {
    if ((key === 'location' || key === 'locationName') && LOCATIONS[v]) return LOCATIONS[v] as T;
    return v.split(PLACEHOLDER_SUBSCRIPTION).join(subscriptionId) as T;
  }
  if (Array.isArray(v)) return v.map((x) => sandboxed(x, subscriptionId)) as T;
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sandboxed(x, subscriptionId, k)])) as T;
  return v;
}

// ---- comparing a response with the example's --------------------------------------------------

/** How a property may differ from the example, and why; keyed by a path pattern (`*` = any list index or key). */
type Allowance = 'form' | 'fields' | 'skip';
const SERVER_MADE: Record<string, Allowance> = {
  id: 'form',
  ...Object.fromEntries(
    ['', 'value.*.'].flatMap((list) => [
      ...['createdBy', 'createdAt', 'lastModifiedBy', 'lastModifiedAt'].map((k) => [`${list}systemData.${k}`, 'form']),
      [`${list}properties.shippingInformation`, 'fields'],
    ]),
  ),
};

function allowanceOf(path: string, allowances: Record<string, Allowance>): Allowance | undefined {
  for (const [pattern, a] of Object.entries(allowances)) {
    const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^.]+')}$`);
    if (re.test(path)) return a;
  }
  return undefined;
}

/** Every property the example shows, in the response: equal, or as an allowance says. Returns the differences. */
function differences(
  actual: Json | undefined,
  expected: Json,
  allowances: Record<string, Allowance>,
  path = '',
): string[] {
  const allowance = path ? allowanceOf(path, allowances) : undefined;
  if (allowance === 'skip') return [];
  if (allowance === 'form') {
    return typeof actual === typeof expected && actual !== '' && actual !== undefined
      ? []
      : [`${path}: expected a ${typeof expected}, got ${JSON.stringify(actual)}`];
  }
  if (allowance === 'fields') {
    if (!isObj(expected) || !isObj(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.keys(expected)
      .filter((k) => typeof actual[k] !== typeof expected[k])
      .map((k) => `${path}.${k}: expected a ${typeof expected[k]}, got ${JSON.stringify(actual[k])}`);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return [`${path}: expected ${expected.length} item(s), got ${JSON.stringify(actual)?.slice(0, 200)}`];
    // Named items (jobs, drives, locations) are matched by name; others by position.
    const keyOf = (x: Json | undefined) =>
      isObj(x)
        ? typeof x.name === 'string'
          ? x.name
          : typeof x.driveId === 'string'
            ? x.driveId
            : undefined
        : undefined;
    return expected.flatMap((e, i) => {
      const k = keyOf(e);
      const a = k === undefined ? actual[i] : actual.find((x) => keyOf(x) === k);
      return differences(a, e, allowances, `${path ? `${path}.` : ''}${i}`);
    });
  }
  if (isObj(expected)) {
    if (!isObj(actual)) return [`${path || 'body'}: expected an object, got ${JSON.stringify(actual)?.slice(0, 200)}`];
    return Object.entries(expected).flatMap(([k, e]) =>
      differences(actual[k], e, allowances, path ? `${path}.${k}` : k),
    );
  }
  return actual === expected ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Paths where the BitLocker keys would be, anywhere in a response. */
function keysIn(v: Json | undefined, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keysIn(x, `${path}.${i}`));
  if (!isObj(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => (k === 'bitLockerKey' ? [`${path}.${k}`] : keysIn(x, `${path}.${k}`)));
}

// ---- the requests of the examples -------------------------------------------------------------

const JOB =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ImportExport/jobs/{jobName}';
const OPERATIONS: Record<string, { method: string; path: string }> = {
  'CreateJob.json': { method: 'PUT', path: JOB },
  'CreateExportJob.json': { method: 'PUT', path: JOB },
  'GetJob.json': { method: 'GET', path: JOB },
  'GetExportJob.json': { method: 'GET', path: JOB },
  'UpdateJob.json': { method: 'PATCH', path: JOB },
  'UpdateExportJob.json': { method: 'PATCH', path: JOB },
  'DeleteJob.json': { method: 'DELETE', path: JOB },
  'ListBitLockerKeys.json': { method: 'POST', path: `${JOB}/listBitLockerKeys` },
  'ListJobsInResourceGroup.json': {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ImportExport/jobs',
  },
  'ListJobsInSubscription.json': {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.ImportExport/jobs',
  },
  'ListLocations.json': { method: 'GET', path: '/providers/Microsoft.ImportExport/locations' },
  'GetLocation.json': { method: 'GET', path: '/providers/Microsoft.ImportExport/locations/{locationName}' },
  'ListOperations.json': { method: 'GET', path: '/providers/Microsoft.ImportExport/operations' },
};

function send(t: TestService, file: string, ex: Example) {
  const op = OPERATIONS[file];
  if (!op) throw new Error(`${file}: no operation known for this example; add it to OPERATIONS`);
  const p = sandboxed(ex.parameters, t.svc.connection.subscriptionId);
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = p[name];
    if (typeof v !== 'string') throw new Error(`${file}: no parameter ${name}`);
    return encodeURIComponent(v);
  });
  return t.raw(op.method, `${path}?api-version=${p['api-version']}`, p.body ?? undefined);
}

// ---- what the sandbox holds before an example's request ------------------------------------

/** A job as an example's response shows it, made in the sandbox: created, then brought to its state. */
async function given(t: TestService, resourceGroup: string, shown: Json): Promise<void> {
  if (!isObj(shown) || !isObj(shown.properties) || typeof shown.name !== 'string') throw new Error('not a job');
  const job = sandboxed(shown, t.svc.connection.subscriptionId);
  const props = job.properties as Obj;
  const state = String(props.state ?? 'Creating');
  const drives = Array.isArray(props.driveList) ? (props.driveList as Obj[]) : [];
  // An import job has at least one drive (rule D1); ListJobsInResourceGroup's shows none.
  const driveList = props.jobType === 'Import' && drives.length === 0 ? [{ driveId: 'EXAMPLEDRIVE1' }] : drives;
  const path = `/subscriptions/${t.svc.connection.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ImportExport/jobs/${shown.name}?api-version=2020-08-01`;
  // The job as read, PUT back (service-owned fields are ignored), without the state it reached later.
  const { state: _s, deliveryPackage, ...rest } = props;
  const put = await t.raw('PUT', path, { ...job, properties: { ...rest, driveList } });
  if (put.status !== 201) throw new Error(`setting up ${shown.name}: ${put.status} ${put.text}`);
  if (state === 'Creating') return;
  const ship = await t.raw('PATCH', path, { properties: { state: 'Shipping', deliveryPackage } });
  if (ship.status !== 200) throw new Error(`shipping ${shown.name}: ${ship.text}`);
  if (state === 'Shipping') return;
  const ops = (action: string, body: unknown) =>
    t.raw('POST', `/haul/ops/jobs/${resourceGroup}/${shown.name}/${action}`, body).then((r) => {
      if (r.status !== 200) throw new Error(`${action} on ${shown.name}: ${r.text}`);
    });
  await ops('package-arrived', { drives: driveList.map((d) => ({ driveId: d.driveId })) });
  if (state === 'Received') return;
  if (state !== 'Transferring') throw new Error(`no set-up for a job ${state}`);
  // A drive starts processing (rule J8): faulted and resolved to Transferring, without a real copy.
  const first = String(driveList[0]?.driveId);
  await ops('fault', { driveId: first, reason: 'set-up of the example' });
  await ops('resolve', { driveId: first, state: 'Transferring' });
}

const body = (file: string, status = '200') => load(file).responses[status]?.body ?? null;
const jobsOf = (file: string) => {
  const b = body(file);
  return isObj(b) && Array.isArray(b.value) ? b.value : [];
};
const rgOf = (shown: Json) => (isObj(shown) && typeof shown.id === 'string' ? (shown.id.split('/')[4] ?? '') : '');

interface Replay {
  /** What the sandbox holds before the request. */
  given?: (t: TestService) => Promise<void>;
  /** Allowed differences beyond the server-made values (each is explained in the file's header). */
  allow?: Record<string, Allowance>;
  /** A list of the sandbox's own items (its locations): each item compared with the example's first. */
  eachLike?: true;
  /** After the documented request: what else the example implies. */
  then?: (t: TestService, ex: Example) => Promise<void>;
}

/** Replays another example's request (the job an example works on is the one CreateJob makes). */
const replayRequest = (file: string, edit?: (ex: Example) => void) => async (t: TestService) => {
  const ex = load(file);
  edit?.(ex);
  const r = await send(t, file, ex);
  if (r.status !== 201) throw new Error(`${file} as set-up: ${r.status} ${r.text}`);
};

const REPLAYS: Record<string, Replay> = {
  'CreateJob.json': {
    // The example documents 201 (created) and 200 (the same PUT on the job that now exists).
    then: async (t, ex) => {
      const again = await send(t, 'CreateJob.json', ex);
      expect(again.status).toBe(200);
      expect(
        differences(
          again.json as Json,
          sandboxed(body('CreateJob.json', '200'), t.svc.connection.subscriptionId),
          SERVER_MADE,
        ),
      ).toEqual([]);
    },
  },
  'CreateExportJob.json': {
    then: async (t, ex) => {
      const again = await send(t, 'CreateExportJob.json', ex);
      expect(again.status).toBe(200);
      expect(
        differences(
          again.json as Json,
          sandboxed(body('CreateExportJob.json', '200'), t.svc.connection.subscriptionId),
          SERVER_MADE,
        ),
      ).toEqual([]);
    },
  },
  'GetJob.json': { given: (t) => given(t, 'myResourceGroup', body('GetJob.json')) },
  'GetExportJob.json': { given: (t) => given(t, 'myResourceGroup', body('GetExportJob.json')) },
  'UpdateJob.json': { given: replayRequest('CreateJob.json') },
  'UpdateExportJob.json': { given: replayRequest('CreateExportJob.json') },
  'DeleteJob.json': {
    given: replayRequest('CreateJob.json'),
    then: async (t, ex) => {
      const get = await t.raw(
        'GET',
        `${OPERATIONS['GetJob.json']!.path}`.replace(/\{(\w+)\}/g, (_, n: string) =>
          String(sandboxed(ex.parameters, t.svc.connection.subscriptionId)[n]),
        ) + '?api-version=2020-08-01',
      );
      expect(get.status).toBe(404);
    },
  },
  'ListBitLockerKeys.json': {
    // The job CreateJob makes, holding the key this example lists for its drive.
    given: replayRequest('CreateJob.json', (create) => {
      const keys = body('ListBitLockerKeys.json') as { value: { driveId: string; bitLockerKey: string }[] };
      const drives = ((create.parameters.body as Obj).properties as Obj).driveList as Obj[];
      for (const d of drives) d.bitLockerKey = keys.value.find((k) => k.driveId === d.driveId)?.bitLockerKey ?? null;
    }),
  },
  'ListJobsInResourceGroup.json': {
    given: async (t) => {
      for (const j of jobsOf('ListJobsInResourceGroup.json')) await given(t, rgOf(j), j);
    },
  },
  'ListJobsInSubscription.json': {
    given: async (t) => {
      for (const j of jobsOf('ListJobsInSubscription.json')) await given(t, rgOf(j), j);
    },
    allow: {
      // The second job's snapshot cannot happen in the sandbox (rule J9; see the header).
      'value.1.properties.percentComplete': 'skip',
      'value.1.properties.driveList.0.state': 'skip',
      'value.1.properties.driveList.0.copyStatus': 'skip',
      'value.1.properties.driveList.0.verboseLogUri': 'skip',
      'value.1.properties.driveList.0.errorLogUri': 'skip',
      'value.1.properties.driveList.0.manifestUri': 'skip',
    },
  },
  'ListLocations.json': {
    // The sandbox's own data centers: each with every field a location shows, not Azure's values.
    eachLike: true,
    allow: { 'value.*.id': 'form', 'value.*.name': 'form', 'value.*.properties': 'fields' },
  },
  'GetLocation.json': { allow: { id: 'form', name: 'form', properties: 'fields' } },
  'ListOperations.json': {},
};

let current: TestService | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe('the examples of the REST API reference, replayed against the sandbox', () => {
  it('every example in the folder has a replay', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(13);
    expect(Object.keys(REPLAYS).sort()).toEqual(files);
  });

  for (const [file, replay] of Object.entries(REPLAYS)) {
    it(file, async () => {
      const t = (current = await startTestService({ storageAccounts: ACCOUNTS }));
      await replay.given?.(t);
      const ex = load(file);
      const r = await send(t, file, ex);
      const statuses = Object.keys(ex.responses);
      // Creating examples document 201 (new) and 200 (existing); the first request creates.
      const status = statuses.includes('201') ? '201' : (statuses[0] ?? '200');
      expect(r.status, r.text).toBe(Number(status));
      const documented = ex.responses[status]?.body;
      if (documented !== undefined) {
        let expected = sandboxed(documented, t.svc.connection.subscriptionId);
        if (replay.eachLike && isObj(expected) && Array.isArray(expected.value)) {
          const like = expected.value[0] ?? null;
          const got = (r.json as Obj).value;
          expect(Array.isArray(got) && got.length > 0).toBe(true);
          // Matched by name: each sandbox location against the example's first one.
          expected = {
            ...expected,
            value: (got as Json[]).map((g) => (isObj(like) && isObj(g) ? { ...like, name: g.name ?? null } : like)),
          };
        }
        // Lists: exactly the items the example shows.
        if (isObj(expected) && Array.isArray(expected.value))
          expect((r.json as Obj).value as Json[]).toHaveLength(expected.value.length);
        expect(differences(r.json as Json, expected, { ...SERVER_MADE, ...(replay.allow ?? {}) })).toEqual([]);
      }
      // Keys only through listBitLockerKeys: no other response of the reference holds one.
      if (file !== 'ListBitLockerKeys.json') expect(keysIn(r.json as Json)).toEqual([]);
      await replay.then?.(t, ex);
    });
  }
});
