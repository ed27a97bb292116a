// What each deadline does when it falls due (J2, J6/D4/JE2, JE1, JE4, J12), one handler per kind.
// tick() fires due deadlines in time order, each at its own time (tx.at).
import { NINETY_DAYS, THIRTY_DAYS, AT_DATACENTER_DRIVE, isTerminal } from './derive';
import type { DeadlineKind } from './types';
import type { Tx } from './transaction';

export const DEADLINE_HANDLERS: Readonly<Record<DeadlineKind, (tx: Tx) => void>> = {
  creatingExpires: (tx) => {
    const job = tx.job;
    if (job.state === 'Creating')
      tx.deleteJob(
        'J2',
        `Job ${job.name} stayed in Creating for 14 days without being set to Shipping, so it was deleted (rule J2).`,
      );
  },
  shippingOverdue: (tx) => {
    const job = tx.job;
    if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
    for (const d of job.drives)
      if (!d.extra && d.state === 'Specified')
        tx.moveDrive(
          d,
          'NeverReceived',
          'The package had not arrived 14 days after the shipping information was received (rule D4).',
        );
    tx.alert(
      'PackageOverdue',
      'J6',
      'both',
      `Operators notified: the package for job ${job.name} has not been received 14 days after it was set to Shipping (rules J6, JE2).`,
    );
    tx.notify(
      'JE2',
      `The package for job ${job.name} has not arrived after 14 days. Please check with your carrier, then update the delivery package to extend the wait or cancel the job; without an answer within 30 days the job is closed (rule JE2).`,
    );
    tx.schedule('shippingUnanswered', tx.at + THIRTY_DAYS);
  },
  shippingUnanswered: (tx) => {
    const job = tx.job;
    if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
    if (job.cancelRequested) {
      // J14: the customer had already asked to cancel; nothing arrived, nothing failed.
      tx.clearAlerts('PackageOverdue');
      tx.moveJob('Completed', 'Cancelled, and the package never arrived (rules JE2, J14).');
      return;
    }
    tx.alert(
      'ClosedWithoutAnswer',
      'JE2',
      'both',
      `Job ${job.name} was closed: its package never arrived and there was no answer within 30 days (rule JE2).`,
    );
    tx.moveJob('Closed', 'No answer within 30 days of the overdue-package notice (rule JE2).');
  },
  returnHeldDrives: (tx) => {
    const job = tx.job;
    if (job.state !== 'Creating' || !job.heldDriveIds?.length) return;
    const ids = job.heldDriveIds;
    if (job.returnAddress) {
      for (const id of ids)
        tx.effects.push({
          type: 'ReturnDrive',
          driveId: id,
          rule: 'JE1',
          reason: `Drive ${id} arrived for job ${job.name} before it was set to Shipping, and the customer did not act within 14 days.`,
        });
      tx.alert(
        'HeldDrivesReturned',
        'JE1',
        'both',
        `Drives ${ids.join(', ')} were returned: job ${job.name} was not set to Shipping within 14 days of their arrival (rule JE1).`,
      );
      tx.deleteJob('JE1', `Job ${job.name} was never set to Shipping; its drives were returned (rule JE1).`);
    } else {
      tx.alert(
        'DrivesToBeDestroyed',
        'JE1',
        'operators',
        `Drives ${ids.join(', ')} cannot be returned (no return address) and the customer did not answer; they will be securely destroyed 90 days after they arrived (rule JE1).`,
      );
      tx.schedule('destroyDrives', (job.heldSince ?? tx.at) + NINETY_DAYS);
    }
  },
  destroyDrives: (tx) => {
    const job = tx.job;
    if (job.state === 'Creating' && job.heldDriveIds?.length) {
      const ids = job.heldDriveIds;
      tx.effects.push({
        type: 'DestroyDrives',
        driveIds: ids,
        rule: 'JE1',
        reason: 'Held 90 days; could not be returned and the customer could not be reached.',
      });
      tx.alert(
        'DrivesDestroyed',
        'JE1',
        'both',
        `Drives ${ids.join(', ')} were securely destroyed after 90 days (rule JE1).`,
      );
      tx.deleteJob('JE1', `Job ${job.name} was never set to Shipping; its drives were destroyed (rule JE1).`);
      return;
    }
    if (job.returnAddressProblem === undefined || !['Received', 'Transferring', 'Packaging'].includes(job.state))
      return;
    const here = job.drives.filter((d) => AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined);
    for (const d of here) d.destroyedAt = tx.at;
    tx.effects.push({
      type: 'DestroyDrives',
      driveIds: here.map((d) => d.driveId),
      rule: 'JE4',
      reason: 'The return address stayed wrong and the customer could not be reached.',
    });
    tx.alert(
      'DrivesDestroyed',
      'JE4',
      'both',
      `The drives of job ${job.name} were securely destroyed: the return address stayed wrong and the customer could not be reached (rule JE4).`,
    );
    tx.moveJob('Closed', 'Drives destroyed: return address wrong and customer unreachable (rule JE4).');
  },
  deleteJob: (tx) => {
    const job = tx.job;
    if (isTerminal(job.state))
      tx.deleteJob('J12', `Job ${job.name} was deleted 90 days after it became ${job.state} (rule J12).`);
  },
};
