// A job's full view as main sends it (shared/jobs JobView), for the renderer's tests: an Import job
// in `state`, no drives, every action allowed; `extra` sets any field (its drives and percent also
// make its verdict).
import type { JobView } from '../../shared/jobs/schemas';
import { jobVerdict } from '../../shared/jobs/verdict';

export function jobView(name: string, state: JobView['state'], extra: Partial<JobView> = {}): JobView {
  return {
    verdict: jobVerdict({
      name,
      type: 'Import',
      state,
      cancelRequested: false,
      percentComplete: extra.percentComplete ?? 0,
      drives: extra.drives ?? [],
    }),
    name,
    type: 'Import',
    state,
    serviceState: state,
    cancelRequested: false,
    percentComplete: 0,
    location: { name: 'Sandbox West', supportedCarriers: [], alternateLocations: [] },
    drives: [],
    contact: { emails: [] },
    logLevel: 'Error',
    backupDriveManifest: false,
    tags: {},
    nextStep: { actor: 'datacenter', text: 'Wait' },
    actions: {
      ship: { allowed: true },
      update: { allowed: true },
      cancel: { allowed: true },
      delete: { allowed: true },
    },
    deadlines: [],
    alerts: [],
    timeline: [],
    firstSeenAt: '2026-12-01T10:00:00Z',
    observedAt: '2026-12-01T10:00:00Z',
    ...extra,
  };
}
