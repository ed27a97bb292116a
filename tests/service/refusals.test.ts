// Every refusal of the API: a 4xx in the ARM error shape with a message that says what to do,
// and the stored job unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API,
  DELIVERY,
  RETURN_ADDRESS,
  importJobBody,
  jobPath,
  ops,
  rawCall,
  startTestService,
  type TestService,
} from './helpers';
import { ArmErrorSchema } from '../../shared/arm/schemas';
import { REFUSAL_CODES } from '../../shared/lifecycle';
import { refusalStatus } from '../../service/errors';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await t?.cleanup();
});

function armError(r: { json: unknown }) {
  const e = ArmErrorSchema.safeParse(r.json);
  if (!e.success) throw new Error(`not an ARM error: ${JSON.stringify(r.json)}`);
  return e.data.error;
}

async function create(
  name: string,
  body: unknown = importJobBody(t.storageAccountId(), [
    { driveId: `D${name}`, bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
  ]),
) {
  const r = await t.raw('PUT', `${jobPath(t, name)}${API}`, body);
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${r.text}`);
  return r;
}

async function snapshot(name: string): Promise<string> {
  return (await t.raw('GET', `${jobPath(t, name)}${API}`)).text;
}

describe('refusals', () => {
  it('J5: Shipping without delivery package and return address is refused with 400 and the rule sentence; the job stays Creating', async () => {
    const body = importJobBody(t.storageAccountId(), [
      { driveId: 'J5DRIVE', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
    ]);
    const { returnAddress: _ra, ...props } = body.properties;
    await create('j5job', { ...body, properties: props });
    const before = await snapshot('j5job');
    const r = await t.raw('PATCH', `${jobPath(t, 'j5job')}${API}`, { properties: { state: 'Shipping' } });
    expect(r.status).toBe(400);
    const e = armError(r);
    expect(e.code).toBe('ShippingInfoMissing');
    expect(e.message).toMatch(/J5/);
    expect(e.message).toMatch(/delivery package|deliveryPackage/i);
    expect(e.message).toMatch(/return address|returnAddress/i);
    expect(await snapshot('j5job')).toBe(before);
    // with both in the same request it is accepted (as ARM allows)
    const ok = await t.raw('PATCH', `${jobPath(t, 'j5job')}${API}`, {
      properties: { state: 'Shipping', deliveryPackage: DELIVERY, returnAddress: RETURN_ADDRESS },
    });
    expect(ok.status).toBe(200);
    expect((ok.json as { properties: { state: string } }).properties.state).toBe('Shipping');
  });

  it('J13: cancel is accepted while Shipping and refused from Received on, naming the state', async () => {
    await create('j13job');
    const ship = await t.raw('PATCH', `${jobPath(t, 'j13job')}${API}`, {
      properties: { state: 'Shipping', deliveryPackage: DELIVERY },
    });
    expect(ship.status).toBe(200);
    const arrived = await ops(t, 'j13job', 'package-arrived', { drives: [{ driveId: 'Dj13job' }] });
    expect(arrived.status).toBe(200);
    const before = await snapshot('j13job');
    const r = await t.raw('PATCH', `${jobPath(t, 'j13job')}${API}`, { properties: { cancelRequested: true } });
    expect(r.status).toBe(409);
    const e = armError(r);
    expect(e.code).toBe('CancelNotAllowed');
    expect(e.message).toMatch(/J13/);
    expect(e.message).toMatch(/Received/);
    expect(await snapshot('j13job')).toBe(before);

    await create('j13ok');
    await t.raw('PATCH', `${jobPath(t, 'j13ok')}${API}`, {
      properties: { state: 'Shipping', deliveryPackage: DELIVERY },
    });
    const c = await t.raw('PATCH', `${jobPath(t, 'j13ok')}${API}`, { properties: { cancelRequested: true } });
    expect(c.status).toBe(200);
    expect((c.json as { properties: { cancelRequested: boolean; state: string } }).properties).toMatchObject({
      cancelRequested: true,
      state: 'Shipping',
    });
  });

  it('A1: delete is refused for a job in Shipping (409, rule named) and the job is kept', async () => {
    await create('a1job');
    await t.raw('PATCH', `${jobPath(t, 'a1job')}${API}`, {
      properties: { state: 'Shipping', deliveryPackage: DELIVERY },
    });
    const before = await snapshot('a1job');
    const r = await t.raw('DELETE', `${jobPath(t, 'a1job')}${API}`);
    expect(r.status).toBe(409);
    const e = armError(r);
    expect(e.code).toBe('DeleteNotAllowed');
    expect(e.message).toMatch(/A1/);
    expect(e.message).toMatch(/Shipping/);
    expect(await snapshot('a1job')).toBe(before);
  });

  it('malformed JSON is refused with 400 InvalidRequestContent and the parser position', async () => {
    const r = await t.raw('PUT', `${jobPath(t, 'badjson')}${API}`, '{"location": "Sandbox West", "properties": {');
    expect(r.status).toBe(400);
    expect(armError(r).code).toBe('InvalidRequestContent');
    expect(armError(r).message).toMatch(/not valid JSON/);
    expect((await t.raw('GET', `${jobPath(t, 'badjson')}${API}`)).status).toBe(404);
  });

  it('wrong types are refused with 400 naming each field path', async () => {
    const body = importJobBody(t.storageAccountId());
    const r = await t.raw('PUT', `${jobPath(t, 'badtypes')}${API}`, {
      ...body,
      properties: {
        ...body.properties,
        backupDriveManifest: 'yes',
        driveList: [{ driveId: 42 }],
        returnAddress: { ...RETURN_ADDRESS, email: 'not-an-email' },
      },
    });
    expect(r.status).toBe(400);
    const e = armError(r);
    const targets = e.details?.map((d) => d.target);
    expect(targets).toEqual(
      expect.arrayContaining([
        'properties.backupDriveManifest',
        'properties.driveList.0.driveId',
        'properties.returnAddress.email',
      ]),
    );
    const arr = await t.raw('PATCH', `${jobPath(t, 'j5job')}${API}`, [1, 2]);
    expect(arr.status).toBe(400);
  });

  it('an unknown or missing api-version is refused with 400 listing the supported versions', async () => {
    const bad = await t.raw('GET', `${jobPath(t, 'j5job')}?api-version=2016-11-01`);
    expect(bad.status).toBe(400);
    expect(armError(bad)).toMatchObject({ code: 'InvalidApiVersionParameter', target: 'api-version' });
    expect(armError(bad).message).toMatch(/2020-08-01, 2021-01-01/);
    const none = await t.raw('GET', jobPath(t, 'j5job'));
    expect(none.status).toBe(400);
    expect(armError(none).code).toBe('MissingApiVersionParameter');
  });

  it('an oversize body is refused with 413 before it is read, and the service keeps serving', async () => {
    const body = importJobBody(t.storageAccountId());
    const big = {
      ...body,
      tags: { pad: 'x'.repeat(200) },
      properties: {
        ...body.properties,
        export: { blobPath: Array.from({ length: 2000 }, (_, i) => `/c/${'b'.repeat(40)}${i}`) },
      },
    };
    const r = await t.raw('PUT', `${jobPath(t, 'bigjob')}${API}`, big);
    expect(r.status).toBe(413);
    expect(armError(r).code).toBe('RequestEntityTooLarge');
    expect(armError(r).message).toMatch(/at most 65536 bytes/);
    expect((await t.raw('GET', `${jobPath(t, 'bigjob')}${API}`)).status).toBe(404);
  });

  it('invalid job and resource group names (ARM rules) are refused with 400', async () => {
    const longName = 'a'.repeat(65);
    for (const name of [longName, '-leadinghyphen', 'has.dot', 'x']) {
      const r = await t.raw(
        'PUT',
        `${jobPath(t, encodeURIComponent(name))}${API}`,
        importJobBody(t.storageAccountId()),
      );
      expect(r.status, name).toBe(400);
      expect(armError(r).code).toBe('InvalidJobName');
    }
    const rg = await t.raw('PUT', `${jobPath(t, 'okname', 'bad%20group.')}${API}`, importJobBody(t.storageAccountId()));
    expect(rg.status).toBe(400);
    expect(armError(rg).code).toBe('InvalidResourceGroupName');
  });

  it('a job of another subscription is refused with 403 naming the served subscription', async () => {
    const other = '00000000-0000-0000-0000-000000000001';
    const r = await t.raw('GET', `${jobPath(t, 'j5job', t.svc.connection.resourceGroup, other)}${API}`);
    expect(r.status).toBe(403);
    expect(armError(r).code).toBe('AuthorizationFailed');
    expect(armError(r).message).toContain(t.svc.connection.subscriptionId);
    const put = await t.raw(
      'PUT',
      `${jobPath(t, 'subjob', t.svc.connection.resourceGroup, other)}${API}`,
      importJobBody(t.storageAccountId()),
    );
    expect(put.status).toBe(403);
  });

  it('a missing or wrong token is refused with 401 and changes nothing', async () => {
    const before = await snapshot('j5job');
    const none = await rawCall(t.svc.connection.endpoint, t.ca, undefined, 'DELETE', `${jobPath(t, 'j5job')}${API}`);
    expect(none.status).toBe(401);
    expect(armError(none).code).toBe('AuthenticationFailed');
    const wrong = await rawCall(
      t.svc.connection.endpoint,
      t.ca,
      'not-the-token',
      'PATCH',
      `${jobPath(t, 'j5job')}${API}`,
      { properties: { cancelRequested: true } },
    );
    expect(wrong.status).toBe(401);
    expect(armError(wrong).code).toBe('InvalidAuthenticationToken');
    const ops401 = await rawCall(t.svc.connection.endpoint, t.ca, 'nope', 'POST', '/haul/ops/clock/advance', {
      days: 100,
    });
    expect(ops401.status).toBe(401);
    expect(await snapshot('j5job')).toBe(before);
  });

  it('a storage account the sandbox does not have is refused with 400 listing the available ones', async () => {
    const r = await t.raw('PUT', `${jobPath(t, 'noacct')}${API}`, importJobBody(t.storageAccountId('nosuchaccount')));
    expect(r.status).toBe(400);
    expect(armError(r).code).toBe('StorageAccountNotFound');
    expect(armError(r).message).toMatch(/nosuchaccount/);
    expect(armError(r).message).toMatch(/Available storage accounts: haulsandbox/);
  });

  it('an unknown location or an unsupported carrier is refused with the list of valid ones', async () => {
    const loc = await t.raw('PUT', `${jobPath(t, 'noloc')}${API}`, {
      ...importJobBody(t.storageAccountId()),
      location: 'West US',
    });
    expect(loc.status).toBe(400);
    expect(armError(loc).message).toMatch(/Sandbox West/);
    const carrier = await t.raw('PATCH', `${jobPath(t, 'j13ok')}${API}`, {
      properties: { deliveryPackage: { carrierName: 'Pigeon Post', trackingNumber: '1' } },
    });
    expect(carrier.status).toBe(400);
    expect(armError(carrier).message).toMatch(/FedEx, UPS, DHL/);
  });

  it('an import job without drives, or with more than ten, is refused (D1)', async () => {
    const body = importJobBody(t.storageAccountId());
    const none = await t.raw('PUT', `${jobPath(t, 'nodrives')}${API}`, {
      ...body,
      properties: { ...body.properties, driveList: [] },
    });
    expect(none.status).toBe(400);
    expect(armError(none).message).toMatch(/D1/);
    const many = await t.raw('PUT', `${jobPath(t, 'manydrives')}${API}`, {
      ...body,
      properties: { ...body.properties, driveList: Array.from({ length: 11 }, (_, i) => ({ driveId: `M${i}` })) },
    });
    expect(many.status).toBe(400);
  });

  it('unknown routes answer 404 and wrong methods 405, in the ARM error shape', async () => {
    const r = await t.raw(
      'GET',
      `/subscriptions/${t.svc.connection.subscriptionId}/providers/Microsoft.Nope/things${API}`,
    );
    expect(r.status).toBe(404);
    expect(armError(r).code).toBe('NotFound');
    const m = await t.raw('POST', `${jobPath(t, 'j5job')}${API}`, {});
    expect(m.status).toBe(405);
  });

  it('a bad $top, $filter or $skiptoken is refused with 400 saying what is supported', async () => {
    const base = `/subscriptions/${t.svc.connection.subscriptionId}/providers/Microsoft.ImportExport/jobs${API}`;
    expect((await t.raw('GET', `${base}&$top=101`)).status).toBe(400);
    const f = await t.raw('GET', `${base}&$filter=${encodeURIComponent("name eq 'x'")}`);
    expect(f.status).toBe(400);
    expect(armError(f).message).toMatch(/state eq 'Shipping'/);
    expect((await t.raw('GET', `${base}&$skiptoken=garbage`)).status).toBe(400);
  });
});

describe('life-cycle refusals as HTTP', () => {
  it('maps refusal codes to HTTP statuses: bad input 400, unknown drive 404, wrong state 409', () => {
    expect(REFUSAL_CODES.map((c) => [c, refusalStatus(c)])).toEqual([
      ['ShippingInfoMissing', 400],
      ['CancelNotAllowed', 409],
      ['DeleteNotAllowed', 409],
      ['UpdateNotAllowed', 409],
      ['InvalidTransition', 409],
      ['JobCancelled', 409],
      ['ReturnAddressInvalid', 409],
      ['UnknownDrive', 404],
      ['InvalidInput', 400],
    ]);
  });
});
