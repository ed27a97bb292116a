// The job's path for its diagram: the job states Haul observed, plus Transferring when Haul
// missed it (it polls) but a drive was copied (shared/lifecycle/copied.ts), which makes the job
// Transferring (J8) on its way to Packaging (J9). The diagram fills other gaps from the table itself.
import type { JobView } from '../../../../shared/jobs/schemas';
import { COPIED_DRIVE_STATES, wasCopied } from '../../../../shared/lifecycle/copied';

export function jobPath(job: Pick<JobView, 'timeline' | 'drives' | 'cancelRequested'>): string[] {
  const states = job.timeline.filter((t) => t.subject === 'job').map((t) => t.state);
  const copied =
    !job.cancelRequested &&
    (job.drives.some(wasCopied) ||
      job.timeline.some((t) => t.subject === 'drive' && (COPIED_DRIVE_STATES as readonly string[]).includes(t.state)));
  if (!copied || states.includes('Transferring')) return states;
  const i = states.indexOf('Received');
  const next = states[i + 1];
  if (i >= 0 && next !== undefined && ['Packaging', 'Completed', 'Closed'].includes(next))
    return [...states.slice(0, i + 1), 'Transferring', ...states.slice(i + 1)];
  return states;
}
