// The job store on disk: a damaged file is kept aside (never served, never deleted), leftovers
// of an interrupted write are removed, and the other jobs still load.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API, importJobBody, jobPath, startTestService } from './helpers';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('job store', () => {
  it('keeps a damaged job file aside with its bytes, drops unfinished temp files, and serves the other jobs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-store-'));
    dirs.push(dir);
    let t = await startTestService({}, dir);
    expect((await t.raw('PUT', `${jobPath(t, 'goodjob')}${API}`, importJobBody(t.storageAccountId()))).status).toBe(
      201,
    );
    await t.stop();
    const garbage = '{"v":1,"name":"half-writ';
    await writeFile(join(dir, 'jobs', 'deadbeef.json'), garbage);
    await writeFile(join(dir, 'jobs', '.haul-tmp-0123.json.abc'), '{"partial":');

    t = await startTestService({}, dir);
    try {
      expect((await t.raw('GET', `${jobPath(t, 'goodjob')}${API}`)).status).toBe(200);
      expect(await readFile(join(dir, 'jobs', 'damaged', 'deadbeef.json'), 'utf8')).toBe(garbage);
      expect((await readdir(join(dir, 'jobs'))).filter((f) => f.startsWith('.haul-tmp-'))).toEqual([]);
      expect(t.logs.join('\n')).toMatch(/deadbeef\.json could not be read .*moved to/);
      const list = await t.raw(
        'GET',
        `/subscriptions/${t.svc.connection.subscriptionId}/providers/Microsoft.ImportExport/jobs${API}`,
      );
      expect((list.json as { value: { name: string }[] }).value.map((j) => j.name)).toEqual(['goodjob']);
    } finally {
      await t.stop();
    }
  });

  it('refuses to start on a damaged service identity, naming the file and what to do', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'haul-service-store-'));
    dirs.push(dir);
    await writeFile(join(dir, 'service.json'), '{"subscriptionId": 12}');
    await expect(startTestService({}, dir)).rejects.toThrow(/service\.json is damaged .*subscriptionId/);
  });
});
