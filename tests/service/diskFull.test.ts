// The service on a disk that fills up: a change that cannot be saved is answered in words (what,
// where, what to do), is not applied — not even in memory until the next restart — and works again
// once there is room. The disk is a 1 MiB tmpfs mounted for the test (root on Linux).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API, importJobBody, startTestService, type TestService } from './helpers';

const canMount = process.platform === 'linux' && process.getuid?.() === 0;
if (!canMount) console.log('diskFull.test.ts: skipped, mounting a small tmpfs needs root on Linux');

describe.runIf(canMount)('the service on a full disk', () => {
  let dir: string;
  let t: TestService;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haul-service-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    t = await startTestService({}, dir);
  });
  afterAll(async () => {
    await t?.stop();
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 507 naming the full disk and what to do, applies nothing, and accepts the change once there is room', async () => {
    const job = (name: string) =>
      `/subscriptions/${t.svc.connection.subscriptionId}/resourceGroups/${t.svc.connection.resourceGroup}/providers/Microsoft.ImportExport/jobs/${name}${API}`;
    const filler = join(dir, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const refused = await t.raw('PUT', job('fulldisk'), importJobBody(t.storageAccountId()));
    expect(refused.status).toBe(507);
    const error = (refused.json as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('InsufficientStorage');
    expect(error.message).toContain(join(dir, 'jobs'));
    expect(error.message).toMatch(/is full/);
    expect(error.message).toMatch(/Free some space/);
    expect(error.message).not.toMatch(/unexpected/);
    // Not applied: the job does not exist, in memory either.
    expect((await t.raw('GET', job('fulldisk'))).status).toBe(404);

    rmSync(filler);
    expect((await t.raw('PUT', job('fulldisk'), importJobBody(t.storageAccountId()))).status).toBe(201);
    expect((await t.raw('GET', job('fulldisk'))).status).toBe(200);
  });
});
