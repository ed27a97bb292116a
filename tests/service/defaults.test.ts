// Requests as clients generated from the swagger send them: every property of the typed model,
// with the swagger's default where the program set nothing (cancelRequested false,
// backupDriveManifest false, state "Creating", a drive's state "Specified", kekType
// "MicrosoftManaged"), null for what is unset, empty strings, and properties the service does not
// know. Each must mean exactly what its absence means (the table in service/README.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompositeMapper, Mapper } from '@azure/core-client';
import type { JobDetails, JobResponse, PutJobParameters, UpdateJobParameters } from '@azure/arm-storageimportexport';
// The SDK's own models: each property's swagger default, as generated into the official client.
import * as Mappers from '@azure/arm-storageimportexport/dist-esm/src/models/mappers.js';
import { API, DELIVERY, RETURN_ADDRESS, jobPath, ops, startTestService, type TestService } from './helpers';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.cleanup();
});

// ---- the SDK's models with every optional property at its swagger default ----------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapperOf(className: string): CompositeMapper {
  const m = (Mappers as unknown as Record<string, CompositeMapper>)[className];
  if (!m) throw new Error(`no SDK model ${className}`);
  return m;
}

/**
 * A copy of `value` (an SDK model of class `className`) with every writable property the program
 * left unset given its swagger default, in nested models and in every element of a list. A nested
 * model left unset is created when it has defaults (encryptionKey: { kekType }).
 */
function withSdkDefaults(className: string, value: Obj | undefined): Obj | undefined {
  const out: Obj = { ...(value ?? {}) };
  let added = false;
  for (const [k, pm] of Object.entries(mapperOf(className).type.modelProperties ?? {}) as [string, Mapper][]) {
    if (pm.readOnly || pm.isConstant) continue;
    const cur = out[k];
    if (pm.type.name === 'Composite' && 'className' in pm.type && pm.type.className) {
      const nested = withSdkDefaults(pm.type.className, isObj(cur) ? cur : undefined);
      if (nested) out[k] = nested;
      added ||= nested !== undefined && cur === undefined;
    } else if (pm.type.name === 'Sequence' && Array.isArray(cur)) {
      const el = 'element' in pm.type ? pm.type.element : undefined;
      const cls = el?.type.name === 'Composite' && 'className' in el.type ? el.type.className : undefined;
      if (cls) out[k] = cur.map((x: unknown) => withSdkDefaults(cls, isObj(x) ? x : {}));
    } else if (cur === undefined && pm.defaultValue !== undefined) {
      out[k] = pm.defaultValue;
      added = true;
    }
  }
  return value === undefined && !added ? undefined : out;
}

const updateWithDefaults = (u: UpdateJobParameters) =>
  withSdkDefaults('UpdateJobParameters', { ...u }) as UpdateJobParameters;
const putWithDefaults = (p: PutJobParameters) => withSdkDefaults('PutJobParameters', { ...p }) as PutJobParameters;

// ---- jobs and what a request did to them ------------------------------------------------------

const rg = () => t.svc.connection.resourceGroup;

function importJob(driveId: string): PutJobParameters {
  return {
    location: 'Sandbox West',
    tags: { team: 'data' },
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      logLevel: 'Verbose',
      backupDriveManifest: true,
      driveList: [
        {
          driveId,
          bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: '109B21108597EF36D5785F08303F3638',
        },
      ],
    },
  };
}

/** The job as a customer sees it, without what differs between two jobs by name or time. */
function comparable(j: JobResponse | unknown): unknown {
  const { id: _id, name: _name, systemData: _s, ...rest } = j as JobResponse;
  return JSON.parse(JSON.stringify(rest));
}

type Outcome = { ok: unknown } | { status: number | undefined; code: string | undefined };
async function outcome(p: Promise<JobResponse>): Promise<Outcome> {
  try {
    return { ok: comparable(await p) };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string };
    return { status: err.statusCode, code: err.code };
  }
}

let seq = 0;
/** The drive of a job made by twins(). */
const driveOf = (name: string) => `DRV${name.replace(/^twin(\d+)[ab]$/, '$1')}`;
/** Two jobs made alike (same drive id), with the same steps before the update under test. */
async function twins(prepare?: (name: string) => Promise<void>): Promise<[string, string]> {
  const c = t.client();
  const names: [string, string] = [`twin${++seq}a`, `twin${seq}b`];
  for (const n of names) {
    await c.jobs.create(n, rg(), importJob(`DRV${seq}`));
    await prepare?.(n);
  }
  return names;
}

describe('Update Job from the SDK models with every optional property at its swagger default', () => {
  it('the defaults the swagger declares are the ones the client sends', () => {
    expect(updateWithDefaults({ logLevel: 'Verbose' })).toEqual({
      logLevel: 'Verbose',
      cancelRequested: false,
      backupDriveManifest: false,
    });
    const put = putWithDefaults(importJob('X'));
    expect(put.properties).toMatchObject({ backupDriveManifest: true, state: 'Creating', cancelRequested: false });
    expect(put.properties?.encryptionKey).toEqual({ kekType: 'MicrosoftManaged' });
    expect(put.properties?.driveList?.[0]?.state).toBe('Specified');
  });

  const ship = async (n: string) => {
    await t.client().jobs.update(n, rg(), { state: 'Shipping', deliveryPackage: DELIVERY });
  };
  const cases: { what: string; update: UpdateJobParameters; prepare?: (n: string) => Promise<void> }[] = [
    { what: 'nothing (an empty update)', update: {} },
    { what: 'the log level (J3)', update: { logLevel: 'Error' } },
    { what: 'backupDriveManifest on', update: { backupDriveManifest: true } },
    { what: 'the tags', update: { tags: { team: 'ops' } } },
    { what: 'the return address', update: { returnAddress: { ...RETURN_ADDRESS, city: 'Elsewhere' } } },
    {
      what: 'a drive of the list',
      update: { driveList: [{ driveId: 'PLACEHOLDER', manifestHash: 'ABCDEF', driveHeaderHash: 'HDR' }] },
    },
    { what: 'shipping the drives (J4)', update: { state: 'Shipping', deliveryPackage: DELIVERY } },
    { what: 'a cancel while Shipping (J13)', update: { cancelRequested: true }, prepare: ship },
    {
      what: 'the delivery package while Shipping',
      update: { deliveryPackage: { ...DELIVERY, trackingNumber: 'T2' } },
      prepare: ship,
    },
    // Refused alike: Shipping without a delivery package (J4), a cancel once Received (J13).
    { what: 'Shipping without a delivery package (refused)', update: { state: 'Shipping' } },
    {
      what: 'a cancel once the package arrived (refused)',
      update: { cancelRequested: true },
      prepare: async (n) => {
        await ship(n);
        const r = await ops(t, n, 'package-arrived', { drives: [{ driveId: driveOf(n) }] });
        if (r.status !== 200) throw new Error(r.text);
      },
    },
  ];

  for (const k of cases) {
    it(`${k.what}: the same job with the defaults sent as without them`, async () => {
      const [a, b] = await twins(k.prepare);
      const forJob = (n: string): UpdateJobParameters =>
        k.update.driveList
          ? { ...k.update, driveList: k.update.driveList.map((d) => ({ ...d, driveId: driveOf(n) })) }
          : k.update;
      const sent = updateWithDefaults(forJob(b));
      expect(sent.cancelRequested).toBe(k.update.cancelRequested ?? false);
      expect(sent.backupDriveManifest).toBe(k.update.backupDriveManifest ?? false);

      const plain = await outcome(t.client().jobs.update(a, rg(), forJob(a)));
      const withDefaults = await outcome(t.client().jobs.update(b, rg(), sent));
      expect(withDefaults).toEqual(plain);
      if (k.what.endsWith('(refused)')) expect(plain).not.toHaveProperty('ok');
      else expect(plain).toHaveProperty('ok');
      // And what is stored afterwards is the same too.
      expect(comparable(await t.client().jobs.get(b, rg()))).toEqual(comparable(await t.client().jobs.get(a, rg())));
    });
  }
});

describe('Put Job from the SDK models with every optional property at its swagger default', () => {
  it('creates the same import job as without them', async () => {
    const c = t.client();
    seq++;
    const plain = await c.jobs.create(`put${seq}a`, rg(), importJob('PUTDRIVE'));
    const withDefaults = await c.jobs.create(`put${seq}b`, rg(), putWithDefaults(importJob('PUTDRIVE')));
    expect(comparable(withDefaults)).toEqual(comparable(plain));
  });

  it('creates the same export job as without them', async () => {
    const c = t.client();
    const body: PutJobParameters = {
      location: 'Sandbox East',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Export',
        returnAddress: RETURN_ADDRESS,
        returnShipping: { carrierName: 'DHL', carrierAccountNumber: '42' },
        export: { blobPathPrefix: ['/photos/'] },
      },
    };
    seq++;
    const plain = await c.jobs.create(`putx${seq}a`, rg(), body);
    const withDefaults = await c.jobs.create(`putx${seq}b`, rg(), putWithDefaults(body));
    expect(comparable(withDefaults)).toEqual(comparable(plain));
  });

  it('a PUT on an existing job with the defaults changes nothing a PUT without them keeps', async () => {
    const [a, b] = await twins();
    const again = (n: string): PutJobParameters => {
      const p = importJob(driveOf(n));
      return { ...p, properties: { ...p.properties, logLevel: 'Error' } as JobDetails };
    };
    const plain = await outcome(t.client().jobs.create(a, rg(), again(a)));
    const withDefaults = await outcome(t.client().jobs.create(b, rg(), putWithDefaults(again(b))));
    expect((plain as { ok: JobResponse }).ok.properties?.logLevel).toBe('Error');
    expect(plain).toHaveProperty('ok');
    expect(withDefaults).toEqual(plain);
  });
});

describe('null, empty and unknown properties on the wire', () => {
  const put = (name: string, body: unknown) => t.raw('PUT', `${jobPath(t, name)}${API}`, body);
  const patch = (name: string, body: unknown) => t.raw('PATCH', `${jobPath(t, name)}${API}`, body);
  const view = (r: { json: unknown }) => comparable(r.json);

  it('the reference UpdateJob example: an empty state is no change of state (200, still Creating)', async () => {
    const [a] = await twins();
    const r = await patch(a, { properties: { state: '', logLevel: 'Verbose', backupDriveManifest: true } });
    expect(r.status).toBe(200);
    expect((r.json as JobResponse).properties?.state).toBe('Creating');
  });

  it('cancelRequested false, the default, is no cancel: not a 400', async () => {
    const [a] = await twins();
    const r = await patch(a, { properties: { cancelRequested: false, logLevel: 'Error' } });
    expect(r.status).toBe(200);
    expect((r.json as JobResponse).properties).toMatchObject({
      cancelRequested: false,
      logLevel: 'Error',
      state: 'Creating',
    });
  });

  it('backupDriveManifest false, the default, leaves it as it is (a generated client sends it on every update)', async () => {
    const [a] = await twins();
    const r = await patch(a, { properties: { backupDriveManifest: false } });
    expect(r.status).toBe(200);
    expect((r.json as JobResponse).properties?.backupDriveManifest).toBe(true);
  });

  it('Put Job with every optional property null creates the job Put Job without them creates', async () => {
    seq++;
    const base = importJob('NULLS') as unknown as { properties: Obj } & Obj;
    const nulls = {
      ...base,
      tags: null,
      identity: null,
      id: null,
      name: null,
      type: null,
      systemData: null,
      properties: {
        ...base.properties,
        returnShipping: null,
        shippingInformation: null,
        deliveryPackage: null,
        returnPackage: null,
        diagnosticsPath: null,
        logLevel: null,
        backupDriveManifest: null,
        state: null,
        cancelRequested: null,
        percentComplete: null,
        incompleteBlobListUri: null,
        export: null,
        provisioningState: null,
        encryptionKey: null,
        returnAddress: { ...RETURN_ADDRESS, streetAddress2: null, stateOrProvince: null },
        driveList: [
          {
            ...(base.properties.driveList as Obj[])[0],
            driveHeaderHash: null,
            state: null,
            copyStatus: null,
            percentComplete: null,
            verboseLogUri: null,
            errorLogUri: null,
            manifestUri: null,
            bytesSucceeded: null,
          },
        ],
      },
    };
    const { tags: _t, ...untagged } = base;
    const { streetAddress2: _s2, stateOrProvince: _sp, ...shortAddress } = RETURN_ADDRESS;
    const absent = {
      ...untagged,
      properties: {
        ...base.properties,
        returnShipping: undefined,
        logLevel: undefined,
        backupDriveManifest: undefined,
        returnAddress: shortAddress,
      },
    };
    const a = await put(`null${seq}a`, absent);
    const b = await put(`null${seq}b`, nulls);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(view(b)).toEqual(view(a));
    expect((b.json as JobResponse).properties).toMatchObject({
      logLevel: 'Error',
      diagnosticsPath: 'waimportexport',
      backupDriveManifest: false,
    });
  });

  it('Update Job with every property null, or an empty string where that means nothing, changes nothing', async () => {
    const [a] = await twins();
    const before = view(await t.raw('GET', `${jobPath(t, a)}${API}`));
    for (const body of [
      { tags: null, properties: null },
      {
        properties: {
          cancelRequested: null,
          state: null,
          returnAddress: null,
          returnShipping: null,
          deliveryPackage: null,
          logLevel: null,
          backupDriveManifest: null,
          driveList: null,
        },
      },
      { properties: { state: '', logLevel: '', driveList: [] } },
      {
        properties: {
          driveList: [
            {
              driveId: `DRV${seq}`,
              bitLockerKey: '',
              manifestFile: '',
              manifestHash: '',
              driveHeaderHash: '',
              state: '',
            },
          ],
        },
      },
    ]) {
      const r = await patch(a, body);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(view(r), JSON.stringify(body)).toEqual(before);
    }
  });

  it('properties the service does not know are ignored at every level, as ARM ignores them', async () => {
    seq++;
    const base = importJob('UNKNOWN') as unknown as { properties: Obj } & Obj;
    const extra = {
      ...base,
      futureTopLevel: { any: 'thing' },
      properties: {
        ...base.properties,
        futureProperty: 42,
        returnAddress: { ...RETURN_ADDRESS, futureLine: 'x' },
        driveList: [{ ...(base.properties.driveList as Obj[])[0], futureDriveField: true }],
      },
    };
    const a = await put(`unk${seq}a`, base);
    const b = await put(`unk${seq}b`, extra);
    expect(b.status).toBe(201);
    expect(view(b)).toEqual(view(a));
    const u = await patch(`unk${seq}b`, { futureTopLevel: 1, properties: { futureProperty: 'x', logLevel: 'Error' } });
    expect(u.status).toBe(200);
    expect((u.json as JobResponse).properties?.logLevel).toBe('Error');
    expect(u.text).not.toContain('future');
  });

  it('a job read with Get and PUT back as it is (service-made fields included) is accepted and unchanged', async () => {
    const [a] = await twins(async (n) => {
      await t.client().jobs.update(n, rg(), { state: 'Shipping', deliveryPackage: DELIVERY });
    });
    const got = await t.raw('GET', `${jobPath(t, a)}${API}`);
    const r = await put(a, got.json);
    expect(r.status, r.text).toBe(200);
    expect(view(r)).toEqual(view(got));
  });

  it('what is required stays required: null or empty is refused, naming the property', async () => {
    seq++;
    const base = importJob('REQ') as unknown as { properties: Obj } & Obj;
    const drive0 = (base.properties.driveList as Obj[])[0];
    const cases: [unknown, string][] = [
      [{ ...base, location: null }, 'location'],
      [{ ...base, location: '' }, 'location'],
      [{ ...base, properties: null }, 'properties'],
      [{ ...base, properties: { ...base.properties, storageAccountId: null } }, 'properties.storageAccountId'],
      [{ ...base, properties: { ...base.properties, storageAccountId: '' } }, 'properties.storageAccountId'],
      [{ ...base, properties: { ...base.properties, jobType: null } }, 'properties.jobType'],
      [{ ...base, properties: { ...base.properties, jobType: '' } }, 'properties.jobType'],
      [{ ...base, properties: { ...base.properties, driveList: [] } }, 'properties.driveList'],
      [{ ...base, properties: { ...base.properties, driveList: null } }, 'properties.driveList'],
      [
        { ...base, properties: { ...base.properties, driveList: [{ ...drive0, driveId: null }] } },
        'properties.driveList.0.driveId',
      ],
      [
        { ...base, properties: { ...base.properties, returnAddress: { ...RETURN_ADDRESS, city: null } } },
        'properties.returnAddress.city',
      ],
      [
        { ...base, properties: { ...base.properties, returnAddress: { ...RETURN_ADDRESS, city: '' } } },
        'properties.returnAddress.city',
      ],
    ];
    for (const [body, target] of cases) {
      const r = await put(`req${seq}`, body);
      expect(r.status, `${target}: ${r.text}`).toBe(400);
      expect(r.text, target).toContain(target);
    }
    const [a] = await twins();
    for (const [body, target] of [
      [{ properties: { state: 'Received' } }, 'properties.state'],
      [{ properties: { deliveryPackage: { ...DELIVERY, carrierName: '' } } }, 'properties.deliveryPackage.carrierName'],
      [{ properties: { returnAddress: { ...RETURN_ADDRESS, email: null } } }, 'properties.returnAddress.email'],
    ] as [unknown, string][]) {
      const r = await patch(a, body);
      expect(r.status, `${target}: ${r.text}`).toBe(400);
      expect(r.text, target).toContain(target);
    }
  });
});
