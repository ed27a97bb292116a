// The ARM routes of Microsoft.ImportExport (swagger 2020-08-01; also served as 2021-01-01).
import { RawJson, route, type Route } from './http';
import type { JobService } from './jobs';
import { SANDBOX_LOCATIONS, OPERATIONS, findLocation, locationNames } from './locations';
import { notFound } from './errors';

const JOBS_RG =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ImportExport/jobs';

export function armRoutes(jobs: JobService): Route[] {
  return [
    route('GET', '/providers/Microsoft.ImportExport/operations', () => ({ status: 200, body: { value: OPERATIONS } })),
    route('GET', '/providers/Microsoft.ImportExport/locations', () => ({
      status: 200,
      body: { value: SANDBOX_LOCATIONS },
    })),
    route('GET', '/providers/Microsoft.ImportExport/locations/{locationName}', ({ params }) => {
      const name = params.locationName ?? '';
      const loc = findLocation(name);
      if (!loc)
        throw notFound(
          'LocationNotFound',
          `The location '${name}' is not a data center of this sandbox. Available locations: ${locationNames()}.`,
          'locationName',
        );
      return { status: 200, body: loc };
    }),
    route('GET', '/subscriptions/{subscriptionId}/providers/Microsoft.ImportExport/jobs', ({ params, url }) => ({
      status: 200,
      body: new RawJson(jobs.listJson(params.subscriptionId ?? '', undefined, url)),
    })),
    route('GET', JOBS_RG, ({ params, url }) => ({
      status: 200,
      body: new RawJson(jobs.listJson(params.subscriptionId ?? '', params.resourceGroupName ?? '', url)),
    })),
    route('GET', `${JOBS_RG}/{jobName}`, ({ params }) => ({
      status: 200,
      body: new RawJson(
        jobs.getJson(params.subscriptionId ?? '', params.resourceGroupName ?? '', params.jobName ?? ''),
      ),
    })),
    route('PUT', `${JOBS_RG}/{jobName}`, async ({ params, body }) => {
      const r = await jobs.createOrReplace(
        params.subscriptionId ?? '',
        params.resourceGroupName ?? '',
        params.jobName ?? '',
        body,
      );
      return { status: r.status, body: r.job };
    }),
    route('PATCH', `${JOBS_RG}/{jobName}`, async ({ params, body }) => ({
      status: 200,
      body: await jobs.update(params.subscriptionId ?? '', params.resourceGroupName ?? '', params.jobName ?? '', body),
    })),
    route('DELETE', `${JOBS_RG}/{jobName}`, async ({ params }) => {
      await jobs.remove(params.subscriptionId ?? '', params.resourceGroupName ?? '', params.jobName ?? '');
      return { status: 200 };
    }),
    route('POST', `${JOBS_RG}/{jobName}/listBitLockerKeys`, ({ params }) => ({
      status: 200,
      body: jobs.bitLockerKeys(params.subscriptionId ?? '', params.resourceGroupName ?? '', params.jobName ?? ''),
    })),
  ];
}
