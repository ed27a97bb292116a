// Where a job's drives go, by the same rule the wizard shows (shared/jobs/locations.ts): the
// location's address, or its alternate's when it is closed. Asks for the service's locations once.
import { useEffect, useMemo } from 'react';
import { shipToOf, type ShipTo } from '../../../../shared/jobs/locations';
import type { JobView } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';

export function useShipTo(job: JobView): ShipTo {
  const locations = useHaul((s) => s.jobs.locations);
  const load = useHaul((s) => s.jobs.loadLocations);
  useEffect(() => {
    if (!locations) void load();
  }, [locations, load]);
  return useMemo(() => shipToOf(job.location, locations ?? []), [job.location, locations]);
}
