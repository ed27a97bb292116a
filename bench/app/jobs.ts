// A browser-mode station whose local service holds N jobs, made through the service's own store:
// one job is created with the official SDK, and its stored file is the pattern for the rest,
// written while the station is stopped, so 10,000 jobs take seconds rather than minutes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageImportExport } from '@azure/arm-storageimportexport';
import { startStation, stationService, type Station } from '../../tests/e2e/station';
import { jobKey, StoredJobSchema } from '../../service/store';

/** A station whose service holds `n` jobs: one made with the SDK, the rest copied from its stored file. */
export async function stationWith(n: number): Promise<{ station: Station; names: string[] }> {
  let station = await startStation();
  const svc = await stationService(station.dataDir);
  await createPatternJob(svc.client, svc.connection);
  await station.stop();
  const names = seedJobFiles(join(station.dataDir, 'service', 'jobs'), n);
  station = await station.restart();
  return { station, names };
}

/** The job every seeded one is copied from: bench-0000, an import of one drive, made with the official SDK. */
export async function createPatternJob(
  client: StorageImportExport,
  { subscriptionId, resourceGroup }: { subscriptionId: string; resourceGroup: string },
): Promise<void> {
  await client.jobs.create('bench-0000', resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Import',
      returnAddress: {
        recipientName: 'Ada Example',
        streetAddress1: '1 Test Street',
        city: 'Sampleton',
        postalCode: '12345',
        countryOrRegion: 'Sandboxia',
        phone: '+00 555 0100',
        email: 'ada@example.com',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      logLevel: 'Error',
      driveList: [
        {
          driveId: 'BENCHDRIVE0000',
          bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: '109B21108597EF36D5785F08303F3638',
        },
      ],
    },
  });
}

/**
 * Fills a stopped service's jobs folder with `n` jobs (bench-0000 …): the one job file in it is the
 * pattern, each copy with its own name, drive id and creation time. Returns the names.
 */
export function seedJobFiles(dir: string, n: number): string[] {
  const file = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!file) throw new Error(`The service wrote no job file in ${dir}`);
  const pattern = StoredJobSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const names = ['bench-0000'];
  const start = Date.now() - n * 60_000;
  for (let i = 1; i < n; i++) {
    const name = `bench-${String(i).padStart(4, '0')}`;
    const id = `BENCHDRIVE${String(i).padStart(4, '0')}`;
    const at = start + i * 60_000;
    const job = structuredClone(pattern);
    job.name = name;
    job.createdAt = at;
    job.modifiedAt = at;
    job.lifecycle.name = name;
    job.lifecycle.createdAt = at;
    job.lifecycle.updatedAt = at;
    job.lifecycle.drives = job.lifecycle.drives.map((d) => ({ ...d, driveId: id }));
    job.drives = Object.fromEntries(Object.values(job.drives).map((d) => [id, d]));
    const key = jobKey(job.resourceGroup, name);
    writeFileSync(
      join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`),
      JSON.stringify(job),
    );
    names.push(name);
  }
  return names;
}

/**
 * In the page: the time from `since()` to the frame after the first job row appeared. Installed
 * before the page's own scripts, so a page load is timed from the navigation's start.
 */
