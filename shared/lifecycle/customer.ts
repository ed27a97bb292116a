// The customer's events: Update Job Properties (J3, JE2, JE4), set Shipping (J4, J5, JE1), cancel
// (J13, J14) and delete (A1). The table has already said the event is accepted in this state.
import { FOURTEEN_DAYS, checkCancel, checkDelete, missingForShipping, refusal, shippingInfoRefusal } from './derive';
import { correctReturnAddress, receivePackage } from './datacenter';
import type { LifecycleEvent, LifecycleJob, Refusal } from './types';
import type { Tx } from './transaction';

function mergeProps(
  job: LifecycleJob,
  ev: Extract<LifecycleEvent, { type: 'UpdateProperties' | 'SetShipping' }>,
): void {
  if (ev.deliveryPackage) job.deliveryPackage = { ...ev.deliveryPackage };
  if (ev.returnAddress) job.returnAddress = { ...ev.returnAddress };
  if (ev.returnShipping) job.returnShipping = { ...ev.returnShipping };
  if (ev.type === 'UpdateProperties' && ev.logLevel) job.logLevel = ev.logLevel;
}

/** JE2: the customer answered the overdue-package notice by updating; wait another 14 days. */
function extendWait(tx: Tx): void {
  const job = tx.job;
  if (job.state !== 'Shipping' || job.packageArrivedAt !== undefined) return;
  tx.clear('shippingUnanswered');
  tx.clearAlerts('PackageOverdue');
  tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS);
}

export function updateProperties(
  tx: Tx,
  ev: Extract<LifecycleEvent, { type: 'UpdateProperties' }>,
): Refusal | undefined {
  const job = tx.job;
  if (ev.deliveryPackage && job.state !== 'Creating' && job.state !== 'Shipping' && job.state !== 'Faulted')
    return refusal(
      'UpdateNotAllowed',
      'J4',
      `The delivery package of job ${job.name} can be changed only before the package arrives; the job is ${job.state} now (rule J4).`,
    );
  if (ev.deliveryPackage && job.packageArrivedAt !== undefined)
    return refusal(
      'UpdateNotAllowed',
      'J4',
      `The package of job ${job.name} has already arrived; its delivery package can no longer be changed (rule J4).`,
    );
  mergeProps(job, ev);
  if (job.state === 'Creating' && !job.heldDriveIds?.length) tx.schedule('creatingExpires', tx.at + FOURTEEN_DAYS); // J3
  if (job.state === 'Shipping' && ev.deliveryPackage) extendWait(tx); // JE2
  if (ev.returnAddress && job.returnAddressProblem !== undefined) correctReturnAddress(tx); // JE4
  return undefined;
}

export function setShipping(tx: Tx, ev: Extract<LifecycleEvent, { type: 'SetShipping' }>): Refusal | undefined {
  const job = tx.job;
  const merged = {
    deliveryPackage: ev.deliveryPackage ?? job.deliveryPackage,
    returnAddress: ev.returnAddress ?? job.returnAddress,
  };
  const missing = missingForShipping(merged);
  if (missing.length) return shippingInfoRefusal(missing); // J5, before anything changes
  if (job.state === 'Shipping') {
    mergeProps(job, ev);
    extendWait(tx); // JE2: "the wait is extended"
    return undefined;
  }
  mergeProps(job, ev);
  job.shippingAt = tx.at;
  tx.clear('creatingExpires', 'returnHeldDrives', 'destroyDrives');
  tx.moveJob('Shipping', 'The customer shipped the package (rules J4, J5).');
  const held = job.heldDriveIds;
  if (held?.length) {
    // JE1: the drives are already here; now that the job is Shipping they can be processed.
    delete job.heldDriveIds;
    delete job.heldSince;
    tx.clearAlerts('DrivesArrivedBeforeShipping', 'DrivesToBeDestroyed');
    receivePackage(tx, held, 'The drives that arrived early were processed once the job was Shipping (rule JE1).');
  } else {
    tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS); // J6
  }
  return undefined;
}

export function cancel(tx: Tx): Refusal | undefined {
  const job = tx.job;
  const allowedNow = checkCancel(job);
  if (!allowedNow.ok) return allowedNow;
  if (job.cancelRequested) return undefined; // asking twice is harmless
  job.cancelRequested = true;
  job.cancelRequestedAt = tx.at;
  if (job.state === 'Creating') {
    for (const id of job.heldDriveIds ?? [])
      tx.effects.push({
        type: 'ReturnDrive',
        driveId: id,
        rule: 'J14',
        reason: `Job ${job.name} was cancelled before it was set to Shipping.`,
      });
    delete job.heldDriveIds;
    delete job.heldSince;
    tx.clearAlerts('DrivesArrivedBeforeShipping', 'DrivesToBeDestroyed');
    tx.moveJob('Completed', 'Cancelled before anything was shipped (rule J14).');
  } else if (job.deadlines.shippingUnanswered !== undefined) {
    // JE2: this is the customer's answer to "your package has not arrived": cancel the job.
    tx.clearAlerts('PackageOverdue');
    tx.moveJob('Completed', 'Cancelled in answer to the overdue-package notice (rules JE2, J14).');
  }
  return undefined;
}

export function del(tx: Tx): Refusal | undefined {
  const job = tx.job;
  const allowedNow = checkDelete(job);
  if (!allowedNow.ok) return allowedNow;
  for (const id of job.heldDriveIds ?? [])
    tx.effects.push({
      type: 'ReturnDrive',
      driveId: id,
      rule: 'JE1',
      reason: `Job ${job.name} was deleted while the data center held its drives.`,
    });
  tx.deleteJob('A1', `Job ${job.name} was deleted by the customer (rule A1).`);
  return undefined;
}
