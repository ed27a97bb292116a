// The operators' routes and CLI: each data-center action becomes a life-cycle event; what the
// life cycle refuses comes back as a 4xx naming the rule, and the job is unchanged.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { API, DELIVERY, importJobBody, jobPath, ops, startTestService, type TestService } from './helpers';
import { run as opsCli } from '../../service/opsCli';
import { ArmErrorSchema } from '../../shared/arm/schemas';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.cleanup();
});

interface View {
  lifecycle: {
    state: string;
    alerts: { code: string; rule: string }[];
    drives: { driveId: string; state: string; extra: boolean }[];
    returnAddressProblem?: string;
  };
}

async function shippedJob(name: string, drives: string[]) {
  const r = await t.raw(
    'PUT',
    `${jobPath(t, name)}${API}`,
    importJobBody(
      t.storageAccountId(),
      drives.map((driveId) => ({
        driveId,
        bitLockerKey: 'k',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: 'AA',
      })),
    ),
  );
  expect(r.status).toBe(201);
  expect(
    (
      await t.raw('PATCH', `${jobPath(t, name)}${API}`, {
        properties: { state: 'Shipping', deliveryPackage: DELIVERY },
      })
    ).status,
  ).toBe(200);
}
const view = async (name: string) =>
  (await t.raw('GET', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/${name}`)).json as View;

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const a = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => {
    out.push(x.join(' '));
  });
  const b = vi.spyOn(console, 'error').mockImplementation((...x: unknown[]) => {
    out.push(x.join(' '));
  });
  try {
    const code = await opsCli(args);
    return { code, out: out.join('\n') };
  } finally {
    a.mockRestore();
    b.mockRestore();
  }
}

describe('operator actions', () => {
  it('D3 D4 J7: the package arrives without one drive: that drive is NeverReceived, the other Received', async () => {
    await shippedJob('opsmissing', ['M1', 'M2']);
    expect((await ops(t, 'opsmissing', 'drive-missing', { driveId: 'M2' })).status).toBe(200);
    expect(
      (await ops(t, 'opsmissing', 'package-arrived', { drives: [{ driveId: 'M1', path: '/mnt/m1' }] })).status,
    ).toBe(200);
    const v = await view('opsmissing');
    expect(v.lifecycle.drives.map((d) => [d.driveId, d.state])).toEqual([
      ['M1', 'Received'],
      ['M2', 'NeverReceived'],
    ]);
    expect(v.lifecycle.state).toBe('Received');
  });

  it('JE5 DE2: a drive not in the drive list is recorded as an extra drive and never processed', async () => {
    await shippedJob('opsextra', ['X1']);
    const r = await ops(t, 'opsextra', 'package-arrived', { drives: [{ driveId: 'X1' }, { driveId: 'STRANGER' }] });
    expect(r.status).toBe(200);
    const v = await view('opsextra');
    expect(v.lifecycle.drives.find((d) => d.driveId === 'STRANGER')?.extra).toBe(true);
    const arm = (await t.raw('GET', `${jobPath(t, 'opsextra')}${API}`)).json as {
      properties: { driveList: { driveId: string }[] };
    };
    expect(arm.properties.driveList.map((d) => d.driveId)).toContain('STRANGER');
  });

  it('F1 F2: a job faults and is resolved back to the state it left; a drive likewise', async () => {
    await shippedJob('opsfault', ['F1D']);
    await ops(t, 'opsfault', 'package-arrived', { drives: [{ driveId: 'F1D' }] });
    expect((await ops(t, 'opsfault', 'fault', { reason: 'Customs hold at the dock' })).status).toBe(200);
    expect((await view('opsfault')).lifecycle.state).toBe('Faulted');
    const arm = (await t.raw('GET', `${jobPath(t, 'opsfault')}${API}`)).json as { properties: { state: string } };
    expect(arm.properties.state).toBe('Faulted');
    expect((await ops(t, 'opsfault', 'resolve', {})).status).toBe(200);
    expect((await view('opsfault')).lifecycle.state).toBe('Received');
    expect((await ops(t, 'opsfault', 'fault', { driveId: 'F1D', reason: 'Drive does not spin up' })).status).toBe(200);
    expect((await view('opsfault')).lifecycle.drives[0]?.state).toBe('Faulted');
    expect((await ops(t, 'opsfault', 'resolve', { driveId: 'F1D' })).status).toBe(200);
    expect((await view('opsfault')).lifecycle.drives[0]?.state).toBe('Received');
    const bad = await ops(t, 'opsfault', 'resolve', { driveId: 'F1D', state: 'Sideways' });
    expect(bad.status).toBe(400);
  });

  it('JE4: drives are not shipped to an address known to be wrong; once corrected they are', async () => {
    await shippedJob('opsaddr', ['A1D']);
    await ops(t, 'opsaddr', 'package-arrived', { drives: [{ driveId: 'A1D' }] });
    // No storage in this test: the drive is declared done by an operator (F1 then F2 to Completed), so the job is Packaging.
    expect((await ops(t, 'opsaddr', 'fault', { driveId: 'A1D', reason: 'copied by hand' })).status).toBe(200);
    expect((await ops(t, 'opsaddr', 'resolve', { driveId: 'A1D', state: 'Completed' })).status).toBe(200);
    expect((await view('opsaddr')).lifecycle.state).toBe('Packaging');
    expect((await ops(t, 'opsaddr', 'return-address-wrong', { reason: 'The street does not exist' })).status).toBe(200);
    expect((await view('opsaddr')).lifecycle.returnAddressProblem).toBeTruthy();
    const before = JSON.stringify(await view('opsaddr'));
    const refused = await ops(t, 'opsaddr', 'ship-back', { carrierName: 'FedEx', trackingNumber: 'R1' });
    expect(refused.status).toBe(409);
    const e = ArmErrorSchema.parse(refused.json).error;
    expect(e.message).toMatch(/JE4/);
    expect(JSON.stringify(await view('opsaddr'))).toBe(before);
    expect((await ops(t, 'opsaddr', 'customer-unreachable')).status).toBe(200);
    expect((await ops(t, 'opsaddr', 'return-address-corrected', {})).status).toBe(200);
    expect((await view('opsaddr')).lifecycle.returnAddressProblem).toBeUndefined();
    expect((await ops(t, 'opsaddr', 'ship-back', { carrierName: 'FedEx', trackingNumber: 'R1' })).status).toBe(200);
    expect((await view('opsaddr')).lifecycle.state).toBe('Completed');
  });

  it('a drive cannot start before it arrives; the refusal names the state and changes nothing', async () => {
    await shippedJob('opsearly', ['S1D']);
    const before = JSON.stringify(await view('opsearly'));
    const r = await ops(t, 'opsearly', 'start-drive', { driveId: 'S1D', path: '/mnt/x' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(JSON.stringify(await view('opsearly'))).toBe(before);
    const unknown = await ops(t, 'opsearly', 'drive-missing', { driveId: 'NOPE' });
    expect(unknown.status).toBe(404);
    const badBody = await ops(t, 'opsearly', 'ship-back', { carrierName: '' });
    expect(badBody.status).toBe(400);
    expect(ArmErrorSchema.parse(badBody.json).error.message).toMatch(/trackingNumber/);
  });

  it('JE1 F2: an alert ends when its cause does: "not Shipping yet" is gone once the job moves on, a fault alert once resolved', async () => {
    const show = async (job: string) => (await cli('show', '--data-dir', t.dataDir, '--job', job)).out;
    const r = await t.raw(
      'PUT',
      `${jobPath(t, 'opsalerts')}${API}`,
      importJobBody(t.storageAccountId(), [
        { driveId: 'AL1', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: 'AA' },
      ]),
    );
    expect(r.status).toBe(201);
    await ops(t, 'opsalerts', 'package-arrived', { drives: [{ driveId: 'AL1' }] });
    expect(await show('opsalerts')).toMatch(/alert: .*not Shipping yet/);
    expect(
      (await t.raw('PATCH', `${jobPath(t, 'opsalerts')}${API}`, { properties: { cancelRequested: true } })).status,
    ).toBe(200);
    const ended = await show('opsalerts');
    expect(ended).toMatch(/opsalerts: Completed/);
    expect(ended).not.toMatch(/alert:/);

    await shippedJob('opsalerts2', ['AL2']);
    await ops(t, 'opsalerts2', 'package-arrived', { drives: [{ driveId: 'AL2' }] });
    await ops(t, 'opsalerts2', 'fault', { reason: 'Customs hold at the dock' });
    expect(await show('opsalerts2')).toMatch(/alert: .*Faulted: Customs hold/);
    await ops(t, 'opsalerts2', 'resolve', {});
    await ops(t, 'opsalerts2', 'fault', { driveId: 'AL2', reason: 'Drive does not spin up' });
    const driveFault = await show('opsalerts2');
    expect(driveFault).not.toMatch(/Customs hold/);
    expect(driveFault).toMatch(/alert: .*Drive AL2 .*Faulted/);
    await ops(t, 'opsalerts2', 'resolve', { driveId: 'AL2' });
    expect(await show('opsalerts2')).not.toMatch(/alert:/);
  });

  it('haul ops reads the connection file, acts, and explains a missing connection or a refusal', async () => {
    await shippedJob('opscli', ['C1D']);
    const arrived = await cli('package-arrived', '--data-dir', t.dataDir, '--job', 'opscli', '--drive', 'C1D=/mnt/c1');
    expect(arrived.code).toBe(0);
    expect(arrived.out).toMatch(/job haul-sandbox\/opscli: Received/);
    expect(arrived.out).toMatch(/drive C1D: Received/);
    const show = await cli('show', '--data-dir', t.dataDir, '--job', 'opscli', '--json');
    expect(JSON.parse(show.out).drivePaths).toEqual({ C1D: '/mnt/c1' });
    const refused = await cli(
      'ship-back',
      '--data-dir',
      t.dataDir,
      '--job',
      'opscli',
      '--carrier',
      'DHL',
      '--tracking',
      'T',
    );
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/\((InvalidTransition|UpdateNotAllowed)\)/);
    const clock = await cli('clock', '--data-dir', t.dataDir);
    const before = (JSON.parse(clock.out) as { now: number }).now;
    expect((await cli('advance', '--data-dir', t.dataDir, '--days', '2')).code).toBe(0);
    const after = (JSON.parse((await cli('clock', '--data-dir', t.dataDir)).out) as { now: number }).now;
    expect(after - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    const none = await cli('list', '--data-dir', '/nonexistent/haul');
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/connection\.json does not exist/);
    const noJob = await cli('start-drive', '--data-dir', t.dataDir);
    expect(noJob.code).toBe(2);
    expect(noJob.out).toMatch(/--job NAME is required/);
  });
});
