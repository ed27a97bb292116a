// The job's path for its diagram: the job states Haul observed, plus Transferring when Haul
// missed it (it polls) but a drive was copied, which makes the job Transferring (J8) on its way to
// Packaging (J9). The diagram fills other gaps from the table itself.
import type { JobView } from '../../../../shared/jobs/schemas';

const COPIED = ['Transferring', 'Completed', 'CompletedMoreInfo'];

export function jobPath(job: Pick<JobView, 'timeline' | 'drives' | 'cancelRequested'>): string[] {
  const states = job.timeline.filter((t) => t.subject === 'job').map((t) => t.state);
  const copied =
    !job.cancelRequested &&
    (job.drives.some((d) => COPIED.includes(d.state)) ||
      job.timeline.some((t) => t.subject === 'drive' && COPIED.includes(t.state)));
  if (!copied || states.includes('Transferring')) return states;
  const i = states.indexOf('Received');
  const next = states[i + 1];
  if (i >= 0 && next !== undefined && ['Packaging', 'Completed', 'Closed'].includes(next))
    return [...states.slice(0, i + 1), 'Transferring', ...states.slice(i + 1)];
  return states;
}
