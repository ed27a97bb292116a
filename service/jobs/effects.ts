// What the life cycle asks the service to do, written to the service log. Deadlines need no action
// here: they live in the job record itself and are fired by the scheduler.
import type { Effect } from '../../shared/lifecycle';
import type { StoredJob } from '../store';

/** Logs each effect; returns true when the life cycle says the job must be deleted. */
export function logEffects(
  log: (line: string) => void,
  job: Pick<StoredJob, 'resourceGroup' | 'name'>,
  effects: Effect[],
): boolean {
  let deleted = false;
  const who = `job ${job.resourceGroup}/${job.name}`;
  for (const e of effects) {
    switch (e.type) {
      case 'DeleteJob':
        deleted = true;
        log(`${who} deleted: ${e.reason} (rule ${e.rule})`);
        break;
      case 'RaiseAlert':
        log(`${who} alert for ${e.alert.audience}: ${e.alert.message}`);
        break;
      case 'NotifyCustomer':
        log(`${who} customer notified: ${e.message} (rule ${e.rule})`);
        break;
      case 'ReturnDrive':
        log(`${who} drive ${e.driveId} returned: ${e.reason} (rule ${e.rule})`);
        break;
      case 'DestroyDrives':
        log(`${who} drives ${e.driveIds.join(', ')} securely destroyed: ${e.reason} (rule ${e.rule})`);
        break;
      case 'JobStateChanged':
        log(`${who}: ${e.from} -> ${e.to}`);
        break;
      case 'DriveStateChanged':
        log(`${who} drive ${e.driveId}: ${e.from ?? '(new)'} -> ${e.to}`);
        break;
      default:
        break;
    }
  }
  return deleted;
}
