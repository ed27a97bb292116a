// A copy in progress when the service stops: it is stopped cleanly, the drive ends Faulted (F1)
// saying why, and after the restart the operators resolve it (F2) and copy it again.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API,
  DELIVERY,
  bytes,
  importJobBody,
  jobPath,
  ops,
  prepareDrive,
  startTestService,
  type TestService,
} from './helpers';

const dirs: string[] = [];
const services: TestService[] = [];
afterAll(async () => {
  for (const s of services) await s.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface View {
  lifecycle: { state: string; drives: { state: string; faultReason?: string; bytesSucceeded: number }[] };
}

describe('interrupted copy', () => {
  it('F1 F2 D5: stopping the service during a copy faults the drive; after a restart it is resolved and copied again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-interrupt-'));
    dirs.push(dir);
    const data = bytes(48 * 1024 * 1024, 5);
    const drive = join(dir, 'bay', 'INT1');
    const hash = await prepareDrive(drive, 'INT1', [{ blobPath: 'slow/big.bin', data }]);
    let t = await startTestService({ storage: true, progressIntervalMs: 0 }, join(dir, 'svc'));
    services.push(t);
    const body = importJobBody(t.storageAccountId(), [
      { driveId: 'INT1', bitLockerKey: 'k', manifestFile: '\\DriveManifest.xml', manifestHash: hash },
    ]);
    expect((await t.raw('PUT', `${jobPath(t, 'intjob')}${API}`, body)).status).toBe(201);
    expect(
      (
        await t.raw('PATCH', `${jobPath(t, 'intjob')}${API}`, {
          properties: { state: 'Shipping', deliveryPackage: DELIVERY },
        })
      ).status,
    ).toBe(200);
    expect((await ops(t, 'intjob', 'package-arrived', { drives: [{ driveId: 'INT1', path: drive }] })).status).toBe(
      200,
    );
    const started = await ops(t, 'intjob', 'start-drive', { driveId: 'INT1', wait: false });
    expect(started.status).toBe(200);
    expect((started.json as View).lifecycle.drives[0]?.state).toBe('Transferring');
    await t.stop();

    t = await startTestService({ storage: true, progressIntervalMs: 0 }, join(dir, 'svc'));
    services.push(t);
    const view = async () =>
      (await t.raw('GET', `/haul/ops/jobs/${t.svc.connection.resourceGroup}/intjob`)).json as View;
    const v = await view();
    expect(v.lifecycle.drives[0]?.state).toBe('Faulted');
    expect(v.lifecycle.drives[0]?.faultReason).toMatch(/stop/);
    const resolved = await ops(t, 'intjob', 'resolve', { driveId: 'INT1' }); // back to Transferring (F2)
    expect(resolved.status, resolved.text).toBe(200);
    expect((await ops(t, 'intjob', 'start-drive', { driveId: 'INT1' })).status).toBe(200);
    const done = await view();
    expect(done.lifecycle.drives[0]).toMatchObject({ state: 'Completed', bytesSucceeded: data.length });
    expect(done.lifecycle.state).toBe('Packaging');
  });
});
