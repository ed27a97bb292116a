// The data center's events, one handler per event type (the same names as the rows of tables.ts):
// packages and drives arriving, the copy, faults and their resolution, the return address, and the
// drives shipped back. Each handler refuses (with the rule) or changes the draft through the Tx.
import { FOURTEEN_DAYS, NINETY_DAYS, AT_DATACENTER_DRIVE, expectedJobState, hadErrors, refusal } from './derive';
import type { DataCenterEvent, DriveState, Refusal } from './types';
import { driveMove, driveOf, type Tx } from './transaction';
import { clause } from '../text';

type Handler<T extends DataCenterEvent['type']> = (
  tx: Tx,
  ev: Extract<DataCenterEvent, { type: T }>,
) => Refusal | undefined;

export const DATACENTER_HANDLERS: { readonly [T in DataCenterEvent['type']]: Handler<T> } = {
  PackageArrived: (tx, ev) => {
    const job = tx.job;
    if (job.state === 'Creating') {
      // JE1: not Shipping yet. Hold the drives, ask the customer, return them after 14 days.
      const held = [...(job.heldDriveIds ?? [])];
      for (const id of ev.driveIds) if (!held.includes(id)) held.push(id);
      job.heldDriveIds = held;
      if (job.heldSince === undefined) {
        job.heldSince = tx.at;
        tx.clear('creatingExpires');
        tx.schedule('returnHeldDrives', tx.at + FOURTEEN_DAYS);
        tx.alert(
          'DrivesArrivedBeforeShipping',
          'JE1',
          'both',
          `Drives arrived for job ${job.name}, which is not Shipping yet. Set the job to Shipping within 14 days or the drives are returned (rule JE1).`,
        );
        tx.notify(
          'JE1',
          `Drives for job ${job.name} arrived at the data center, but the job is still Creating. Add the delivery package and return address and set it to Shipping within 14 days; otherwise the drives are returned (rule JE1).`,
        );
      }
      return undefined;
    }
    const late = ev.driveIds.filter((id) => {
      const d = job.drives.find((x) => x.driveId === id);
      return d && d.state !== 'Specified' && d.state !== 'NeverReceived';
    });
    if (late.length)
      return refusal(
        'InvalidInput',
        'D3',
        `Drive ${late.join(', ')} of job ${job.name} was already received (rule D3).`,
      );
    receivePackage(tx, ev.driveIds, 'Received from the carrier (rule D3).');
    return undefined;
  },
  DriveMissing: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    if (d.extra)
      return refusal(
        'InvalidInput',
        'D4',
        `Drive ${d.driveId} is an extra drive, not one the job is waiting for (rule D4).`,
      );
    const bad = driveMove(d, 'NeverReceived', 'DriveMissing', 'D4');
    if (bad) return bad;
    tx.moveDrive(d, 'NeverReceived', 'Missing from the package (rule D4).');
    tx.alert(
      'DriveMissingFromPackage',
      'D4',
      'both',
      `Drive ${d.driveId} was not in the package of job ${job.name} (rule D4).`,
      d.driveId,
    );
    return undefined;
  },
  ExtraDriveFound: (tx, ev) => {
    const job = tx.job;
    if (job.drives.some((x) => x.driveId === ev.driveId))
      return refusal(
        'InvalidInput',
        'JE5',
        `Drive ${ev.driveId} is already part of job ${job.name}, so it is not an extra drive (rule JE5).`,
      );
    tx.addDrive(
      ev.driveId,
      true,
      "Not in the job's drive list: an extra drive, returned with the job (rules JE5, DE2).",
    );
    tx.alert(
      'ExtraDriveFound',
      'JE5',
      'both',
      `Drive ${ev.driveId} arrived with job ${job.name} but is not in its drive list; it will not be processed and is returned when the job completes (rules JE5, DE2).`,
      ev.driveId,
    );
    return undefined;
  },
  DriveProcessingStarted: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    if (d.extra)
      return refusal(
        'InvalidTransition',
        'JE5',
        `Drive ${d.driveId} is an extra drive; it is not processed, only returned (rule JE5).`,
      );
    if (job.cancelRequested)
      return refusal('JobCancelled', 'J14', `Job ${job.name} was cancelled, so its drives are not copied (rule J14).`);
    const bad = driveMove(d, 'Transferring', 'DriveProcessingStarted', 'D5');
    if (bad) return bad;
    if (ev.bytesTotal !== undefined) d.bytesTotal = ev.bytesTotal;
    d.bytesSucceeded = 0;
    tx.moveDrive(d, 'Transferring', 'The copy between the drive and storage began (rule D5).');
    tx.settle('A drive began processing (rule J8).');
    return undefined;
  },
  BytesProgressed: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    if (d.state !== 'Transferring') return driveMove(d, 'Transferring', 'BytesProgressed', 'G2');
    const total = ev.bytesTotal ?? d.bytesTotal;
    if (total > 0 && ev.bytesSucceeded > total)
      return refusal(
        'InvalidInput',
        'G2',
        `Drive ${d.driveId}: ${ev.bytesSucceeded} bytes copied is more than its ${total} bytes (rule G2).`,
      );
    d.bytesTotal = total;
    d.bytesSucceeded = ev.bytesSucceeded;
    return undefined;
  },
  DriveFinished: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    const clean = ev.issues.errors === 0 && ev.issues.warnings === 0 && ev.issues.overwrites === 0;
    const to: DriveState = clean ? 'Completed' : 'CompletedMoreInfo';
    const bad = driveMove(d, to, 'DriveFinished', clean ? 'D6' : 'D7');
    if (bad) return bad;
    d.issues = { ...ev.issues };
    if (ev.bytesSucceeded !== undefined) d.bytesSucceeded = ev.bytesSucceeded;
    else if (ev.issues.errors === 0) d.bytesSucceeded = d.bytesTotal;
    if (ev.copyStatus !== undefined) d.copyStatus = ev.copyStatus;
    if (ev.errorLogUri !== undefined) d.errorLogUri = ev.errorLogUri; // G4
    if (ev.verboseLogUri !== undefined && job.logLevel === 'Verbose') d.verboseLogUri = ev.verboseLogUri; // G4
    tx.moveDrive(
      d,
      to,
      clean
        ? 'All data was transferred with no errors (rule D6).'
        : `The copy met issues: ${ev.issues.errors} errors, ${ev.issues.warnings} warnings, ${ev.issues.overwrites} overwritten blobs (rule D7).`,
    );
    tx.settle('All drives completed processing (rule J9).');
    return undefined;
  },
  DriveFaulted: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    const bad = driveMove(d, 'Faulted', 'DriveFaulted', 'F1');
    if (bad) return bad;
    d.faultedFrom = d.state;
    d.faultReason = ev.reason;
    tx.moveDrive(d, 'Faulted', `${clause(ev.reason)} (rule F1).`);
    tx.alert(
      'DriveFaulted',
      'F1',
      'both',
      `Drive ${d.driveId} of job ${job.name} is Faulted: ${clause(ev.reason)}. The operators will contact you by email or phone (rule F1).`,
      d.driveId,
    );
    return undefined;
  },
  DriveResolved: (tx, ev) => {
    const job = tx.job;
    const d = driveOf(job, ev.driveId);
    if ('ok' in d) return d;
    if (d.state !== 'Faulted')
      return refusal(
        'InvalidTransition',
        'F2',
        `Drive ${d.driveId} is ${d.state}, not Faulted, so there is nothing to resolve (rule F2).`,
      );
    const from = d.faultedFrom ?? 'Received';
    const to = ev.state ?? from;
    // JE5: an extra drive is never processed, so it can only go back to Received.
    const fits = d.extra
      ? ['Received']
      : from === 'Received'
        ? ['Received', 'Transferring', 'Completed', 'CompletedMoreInfo']
        : ['Transferring', 'Completed', 'CompletedMoreInfo'];
    if (!fits.includes(to) || driveMove(d, to, 'DriveResolved', 'F2'))
      return refusal(
        'InvalidInput',
        'F2',
        `Drive ${d.driveId} was ${from} when it faulted; it can leave Faulted for ${fits.join(', ')}, not ${to} (rule F2).`,
      );
    if (job.cancelRequested && to !== 'Received')
      return refusal(
        'JobCancelled',
        'J14',
        `Job ${job.name} was cancelled, so drive ${d.driveId} goes back to Received, not ${to} (rule J14).`,
      );
    delete d.faultedFrom;
    delete d.faultReason;
    tx.moveDrive(d, to, 'The fault was resolved (rule F2).');
    if (!job.drives.some((x) => x.state === 'Faulted')) tx.clearAlerts('DriveFaulted');
    tx.settle('A drive fault was resolved (rule F2).');
    return undefined;
  },
  JobFaulted: (tx, ev) => {
    const job = tx.job;
    job.faultedFrom = job.state;
    job.faultReason = ev.reason;
    tx.clear('creatingExpires', 'shippingOverdue', 'shippingUnanswered', 'returnHeldDrives', 'destroyDrives');
    tx.moveJob('Faulted', `${clause(ev.reason)} (rule F1).`);
    tx.alert(
      'JobFaulted',
      'F1',
      'both',
      `Job ${job.name} is Faulted: ${clause(ev.reason)}. The operators will contact you by email or phone (rule F1).`,
    );
    return undefined;
  },
  JobResolved: (tx, ev) => {
    const job = tx.job;
    // The appropriate state: where the job was, or what its drives call for now (F2).
    const target = expectedJobState(job);
    if (ev.state !== undefined && ev.state !== target)
      return refusal(
        'InvalidInput',
        'F2',
        `Job ${job.name} can leave Faulted only for ${target}, the state its drives call for, not ${ev.state} (rule F2).`,
      );
    delete job.faultedFrom;
    delete job.faultReason;
    tx.moveJob(target, 'The fault was resolved (rule F2).');
    tx.clearAlerts('JobFaulted');
    rearm(tx);
    return undefined;
  },
  ReturnAddressWrong: (tx, ev) => {
    const job = tx.job;
    job.returnAddressProblem = ev.reason;
    tx.alert(
      'ReturnAddressWrong',
      'JE4',
      'both',
      `The return address of job ${job.name} is wrong or missing (${clause(ev.reason)}). Please send the correct address; the operators will contact you (rule JE4).`,
    );
    tx.notify(
      'JE4',
      `The return address of job ${job.name} is wrong or missing (${clause(ev.reason)}). Please update it so your drives can be shipped back (rule JE4).`,
    );
    return undefined;
  },
  ReturnAddressCorrected: (tx, ev) => {
    const job = tx.job;
    if (job.returnAddressProblem === undefined)
      return refusal(
        'InvalidTransition',
        'JE4',
        `The return address of job ${job.name} was not reported wrong (rule JE4).`,
      );
    if (ev.returnAddress) job.returnAddress = { ...ev.returnAddress };
    correctReturnAddress(tx);
    return undefined;
  },
  CustomerUnreachable: (tx) => {
    const job = tx.job;
    job.customerUnreachableAt = tx.at;
    if (job.returnAddressProblem !== undefined && job.deadlines.destroyDrives === undefined) {
      tx.schedule('destroyDrives', tx.at + NINETY_DAYS);
      tx.alert(
        'DrivesToBeDestroyed',
        'JE4',
        'both',
        `The customer of job ${job.name} cannot be reached and the return address is wrong; the drives will be securely destroyed in 90 days unless the address is corrected (rule JE4).`,
      );
    } else {
      tx.alert(
        'CustomerUnreachable',
        job.state === 'Creating' ? 'JE1' : job.state === 'Shipping' ? 'JE2' : 'F1',
        'operators',
        `The operators could not reach the customer of job ${job.name}.`,
      );
    }
    return undefined;
  },
  DrivesShippedBack: (tx, ev) => {
    const job = tx.job;
    if (job.returnAddressProblem !== undefined)
      return refusal(
        'ReturnAddressInvalid',
        'JE4',
        `The drives of job ${job.name} cannot be shipped back: the return address is wrong (${job.returnAddressProblem}). Correct the return address first (rule JE4).`,
      );
    const faulted = job.drives.filter((d) => d.state === 'Faulted');
    if (faulted.length)
      return refusal(
        'InvalidTransition',
        'F2',
        `Drive ${faulted.map((d) => d.driveId).join(', ')} of job ${job.name} is Faulted; resolve it before shipping the drives back (rule F2).`,
      );
    const here = job.drives.filter(
      (d) => AT_DATACENTER_DRIVE.includes(d.state) && d.destroyedAt === undefined && d.returnedAt === undefined,
    );
    const ended = hadErrors(job) ? 'Closed' : 'Completed';
    job.returnPackage = {
      carrierName: ev.returnPackage.carrierName,
      trackingNumber: ev.returnPackage.trackingNumber,
      driveCount: here.length,
      shipDate: ev.returnPackage.shipDate ?? new Date(tx.at).toISOString(),
    };
    for (const d of here) {
      d.returnedAt = tx.at;
      tx.moveDrive(
        d,
        'ShippedBack',
        `Shipped back with ${ev.returnPackage.carrierName} ${ev.returnPackage.trackingNumber} (rule D8).`,
      );
    }
    tx.moveJob(
      ended,
      ended === 'Completed'
        ? 'All drives shipped back; the job had no errors (rule J10).'
        : 'All drives shipped back; there were errors (rule J11).',
    );
    return undefined;
  },
};

export function dataCenter(tx: Tx, ev: DataCenterEvent): Refusal | undefined {
  return (DATACENTER_HANDLERS[ev.type] as (tx: Tx, ev: DataCenterEvent) => Refusal | undefined)(tx, ev);
}

export function correctReturnAddress(tx: Tx): void {
  delete tx.job.returnAddressProblem;
  tx.clear('destroyDrives');
  tx.clearAlerts('ReturnAddressWrong', 'DrivesToBeDestroyed', 'CustomerUnreachable');
}

/** D3, D4, DE1, JE5, DE2, D2: the drives in a package that reached the data center. */
export function receivePackage(tx: Tx, driveIds: string[], reason: string): void {
  const job = tx.job;
  const first = job.packageArrivedAt === undefined;
  for (const id of driveIds) {
    const d = job.drives.find((x) => x.driveId === id);
    if (!d) {
      if (job.type === 'Export') {
        tx.addDrive(id, false, 'Export drive recorded on arrival (rule D2).');
      } else {
        tx.addDrive(id, true, "Not in the job's drive list: an extra drive, returned with the job (rules JE5, DE2).");
        tx.alert(
          'ExtraDriveFound',
          'JE5',
          'both',
          `Drive ${id} arrived with job ${job.name} but is not in its drive list; it will not be processed and is returned when the job completes (rule JE5).`,
          id,
        );
      }
    } else if (d.state === 'Specified' || d.state === 'NeverReceived') {
      tx.moveDrive(d, 'Received', d.state === 'NeverReceived' ? 'Arrived in a later shipment (rule DE1).' : reason);
      tx.clearAlerts('DriveMissingFromPackage');
    }
  }
  if (first) {
    for (const d of job.drives)
      if (!d.extra && d.state === 'Specified') {
        tx.moveDrive(d, 'NeverReceived', 'The package arrived without this drive (rule D4).');
        tx.alert(
          'DriveMissingFromPackage',
          'D4',
          'both',
          `Drive ${d.driveId} was not in the package of job ${job.name} (rule D4).`,
          d.driveId,
        );
      }
    job.packageArrivedAt = tx.at;
    tx.clear('shippingOverdue', 'shippingUnanswered');
    tx.clearAlerts('PackageOverdue');
    if (job.state === 'Shipping') tx.moveJob('Received', 'All drives of the package are at the data center (rule J7).');
  }
  tx.settle(
    job.cancelRequested
      ? 'The job was cancelled, so the copy is skipped (rule J14).'
      : 'Drive states changed (rules J7-J9).',
  );
}

/** F2: after a fault is resolved, the timers of the state the job is back in run again. */
function rearm(tx: Tx): void {
  const job = tx.job;
  if (job.state === 'Creating') {
    if (job.heldDriveIds?.length) tx.schedule('returnHeldDrives', tx.at + FOURTEEN_DAYS);
    else tx.schedule('creatingExpires', tx.at + FOURTEEN_DAYS);
  }
  if (job.state === 'Shipping' && job.packageArrivedAt === undefined)
    tx.schedule('shippingOverdue', tx.at + FOURTEEN_DAYS);
  if (job.returnAddressProblem !== undefined && job.customerUnreachableAt !== undefined)
    tx.schedule('destroyDrives', tx.at + NINETY_DAYS);
}
