// Conformance: one test per rule of docs/lifecycle.md, each named by its id. Timers are
// driven by a clock the test moves (Sim.advance), never by waiting.
import { describe, expect, it } from 'vitest';
import {
  DAY,
  allowed,
  apply,
  createJob,
  jobView,
  nextDeadline,
  parseJob,
  percentComplete,
  returnShipmentAdvice,
  serializeJob,
  tick,
  upcoming,
  LifecycleInputError,
  type LifecycleEvent,
} from '../../shared/lifecycle';
import { Sim, T0, address, delivery, returned } from './helpers';

const NO_ISSUES = { errors: 0, warnings: 0, overwrites: 0 };

describe('What Get Job returns', () => {
  it('G1: the job view reports the current job state at every step', () => {
    const s = new Sim();
    expect(jobView(s.job).state).toBe('Creating');
    s.ship();
    expect(jobView(s.job).state).toBe('Shipping');
    s.arrive();
    expect(jobView(s.job).state).toBe('Received');
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    expect(jobView(s.job).state).toBe('Transferring');
  });

  it('G2: percent complete follows the bytes copied, weighted by drive size', () => {
    const s = new Sim().ship().arrive();
    expect(percentComplete(s.job)).toBe(0);
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    s.send({ type: 'BytesProgressed', driveId: 'WD-A1', bytesSucceeded: 500 });
    expect(percentComplete(s.job)).toBe(12); // 500 of 4000 bytes
    s.send({ type: 'DriveFinished', driveId: 'WD-A1', issues: NO_ISSUES });
    expect(percentComplete(s.job)).toBe(25);
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-B2' });
    s.send({ type: 'BytesProgressed', driveId: 'WD-B2', bytesSucceeded: 2999 });
    expect(percentComplete(s.job)).toBe(99); // never 100 before the copy is over
    expect(jobView(s.job).drives.map((d) => d.percentComplete)).toEqual([100, 99]);
    s.send({ type: 'DriveFinished', driveId: 'WD-B2', issues: NO_ISSUES });
    expect(percentComplete(s.job)).toBe(100);
    // More bytes than the drive holds is refused, not clamped silently.
    const t = new Sim().ship().arrive();
    t.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    expect(t.refuse({ type: 'BytesProgressed', driveId: 'WD-A1', bytesSucceeded: 1001 }).code).toBe('InvalidInput');
  });

  it('G2: drives of unknown size count equally', () => {
    const s = new Sim({ drives: [{ driveId: 'A' }, { driveId: 'B' }] }).ship().arrive();
    s.copy('A');
    expect(percentComplete(s.job)).toBe(50);
  });

  it('G3: the job view reports the state of each drive', () => {
    const s = new Sim().ship().arrive(['WD-A1']);
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    expect(jobView(s.job).drives.map((d) => [d.driveId, d.state])).toEqual([
      ['WD-A1', 'Transferring'],
      ['WD-B2', 'NeverReceived'],
    ]);
  });

  it('G4: the error log URI is reported, and the verbose log URI only when verbose logging is on', () => {
    const logs = {
      errorLogUri: 'https://acct.blob.core.windows.net/waimportexport/WD-A1_error.xml',
      verboseLogUri: 'https://acct.blob.core.windows.net/waimportexport/WD-A1_verbose.xml',
    };
    const quiet = new Sim().ship().arrive();
    quiet.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    quiet.send({ type: 'DriveFinished', driveId: 'WD-A1', issues: NO_ISSUES, ...logs });
    expect(jobView(quiet.job).drives[0]).toMatchObject({ errorLogUri: logs.errorLogUri });
    expect(jobView(quiet.job).drives[0]?.verboseLogUri).toBeUndefined();

    const verbose = new Sim({ logLevel: 'Verbose' }).ship().arrive();
    verbose.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    verbose.send({ type: 'DriveFinished', driveId: 'WD-A1', issues: NO_ISSUES, ...logs });
    expect(jobView(verbose.job).drives[0]).toMatchObject(logs);
  });
});

describe('Job states', () => {
  it('J1: creating a job sets Creating, records why, and assumes nothing was shipped', () => {
    const s = new Sim();
    expect(s.job.state).toBe('Creating');
    expect(s.job.cancelRequested).toBe(false);
    expect(s.job.history[0]).toMatchObject({ from: null, to: 'Creating', event: 'Create', side: 'customer', at: T0 });
    expect(s.job.drives.every((d) => d.state === 'Specified')).toBe(true);
    expect(s.job.packageArrivedAt).toBeUndefined();
  });

  it('J2: a job left in Creating is deleted after 14 days, not before', () => {
    const s = new Sim();
    expect(nextDeadline(s.job)).toBe(T0 + 14 * DAY);
    s.advance(14 * DAY - 1);
    expect(s.job.deletedAt).toBeUndefined();
    expect(s.effects).toEqual([]);
    s.advance(1);
    expect(s.job.deletedAt).toBe(T0 + 14 * DAY);
    expect(s.effectsOf('DeleteJob')).toEqual([expect.objectContaining({ rule: 'J2' })]);
    const r = s.refuse({ type: 'SetShipping', deliveryPackage: delivery, returnAddress: address });
    expect(r.message).toMatch(/no longer exists.*rule J2/);
  });

  it('J2: an event arriving after the deadline meets the deleted job even without a tick in between', () => {
    const s = new Sim();
    const r = apply(s.job, { type: 'SetShipping', deliveryPackage: delivery, returnAddress: address }, T0 + 15 * DAY);
    expect(r.ok).toBe(false);
  });

  it('J2: the pending deletion is shown in words with its date', () => {
    const s = new Sim();
    expect(upcoming(s.job)).toEqual([
      {
        kind: 'creatingExpires',
        at: T0 + 14 * DAY,
        rule: 'J2',
        text: expect.stringMatching(/deleted unless it is set to Shipping/),
      },
    ]);
    s.ship();
    expect(upcoming(s.job).map((u) => [u.rule, u.at])).toEqual([['J6', s.now + 14 * DAY]]);
  });

  it('J3: updating properties while Creating keeps Creating and restarts the 14 days', () => {
    const s = new Sim();
    s.send({ type: 'UpdateProperties', returnAddress: address }, 10 * DAY);
    expect(s.job.state).toBe('Creating');
    expect(s.job.returnAddress).toEqual(address);
    expect(s.effectsOf('ScheduleDeadline')).toEqual([
      { type: 'ScheduleDeadline', kind: 'creatingExpires', at: T0 + 24 * DAY },
    ]);
    s.advanceDays(13); // day 23: would have been deleted on day 14 without the update
    expect(s.job.deletedAt).toBeUndefined();
    s.advanceDays(1);
    expect(s.job.deletedAt).toBe(T0 + 24 * DAY);
  });

  it('J4: the customer sets the job to Shipping after shipping the package', () => {
    const s = new Sim().ship();
    expect(s.job.state).toBe('Shipping');
    expect(s.job.shippingAt).toBe(s.now);
    expect(s.job.history.at(-1)).toMatchObject({
      from: 'Creating',
      to: 'Shipping',
      side: 'customer',
      event: 'SetShipping',
    });
    expect(s.job.deadlines.creatingExpires).toBeUndefined();
  });

  it('J5: Shipping is refused with a clear error until delivery package and return address are set', () => {
    const s = new Sim();
    const none = s.refuse({ type: 'SetShipping' });
    expect(none).toMatchObject({ ok: false, code: 'ShippingInfoMissing', rule: 'J5' });
    expect(none.message).toBe(
      'The job can be set to Shipping only after the delivery package (carrier and tracking number) and the return address are set; the delivery package carrier, the delivery package tracking number and the return address are missing (rule J5).',
    );
    s.send({ type: 'UpdateProperties', deliveryPackage: delivery });
    const noAddress = s.refuse({ type: 'SetShipping' });
    expect(noAddress.message).toMatch(/the return address is missing \(rule J5\)\.$/);
    expect(allowed(s.job).setShipping).toMatchObject({ ok: false, code: 'ShippingInfoMissing' });
    // A blank tracking number is not a tracking number.
    const blank = s.refuse({
      type: 'SetShipping',
      deliveryPackage: { carrierName: 'DHL', trackingNumber: '  ' },
      returnAddress: address,
    });
    expect(blank).toMatchObject({ code: 'InvalidInput', rule: 'J5' });
    expect(blank.message).toBe(
      'The request is not valid (field deliveryPackage.trackingNumber): must not be empty (rule J5).',
    );
    // Both in the same request are enough.
    s.send({ type: 'SetShipping', returnAddress: address });
    expect(s.job.state).toBe('Shipping');
  });

  it('J6: after 14 days in Shipping without the package, the operators are notified with a visible alert', () => {
    const s = new Sim().ship();
    s.advance(14 * DAY - 60_001);
    expect(s.job.alerts).toEqual([]);
    s.advanceDays(1);
    const alert = s.activeAlerts().find((a) => a.code === 'PackageOverdue');
    expect(alert).toMatchObject({ rule: 'J6', audience: 'both' });
    expect(alert?.message).toMatch(
      /^Operators notified: the package for job photos-2026 has not been received 14 days/,
    );
    expect(s.effectsOf('RaiseAlert').map((e) => e.alert.code)).toContain('PackageOverdue');
    expect(s.job.state).toBe('Shipping');
    expect(jobView(s.job).alerts.map((a) => a.code)).toContain('PackageOverdue');
  });

  it('J7: the job is Received once all its drives are received', () => {
    const s = new Sim().ship().arrive();
    expect(s.job.state).toBe('Received');
    expect(s.driveStates()).toEqual({ 'WD-A1': 'Received', 'WD-B2': 'Received' });
  });

  it('J8: the job is Transferring once one drive has begun processing', () => {
    const s = new Sim().ship().arrive();
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-B2' });
    expect(s.job.state).toBe('Transferring');
    expect(s.drive('WD-A1').state).toBe('Received');
  });

  it('J9: the job is Packaging once all drives are done, and stays so until they are shipped back', () => {
    const s = new Sim().ship().arrive().copy('WD-A1');
    expect(s.job.state).toBe('Transferring');
    s.copy('WD-B2');
    expect(s.job.state).toBe('Packaging');
    s.advanceDays(400);
    expect(s.job.state).toBe('Packaging');
    expect(s.job.deletedAt).toBeUndefined();
  });

  it('J10: all drives shipped back without errors makes the job Completed', () => {
    const s = new Sim()
      .ship()
      .arrive()
      .copy('WD-A1', { errors: 0, warnings: 2, overwrites: 1 })
      .copy('WD-B2')
      .shipBack();
    expect(s.job.state).toBe('Completed');
    expect(s.job.returnPackage).toMatchObject({ ...returned, driveCount: 2 });
  });

  it('J11: all drives shipped back after errors makes the job Closed', () => {
    const s = new Sim()
      .ship()
      .arrive()
      .copy('WD-A1', { errors: 3, warnings: 0, overwrites: 0 })
      .copy('WD-B2')
      .shipBack();
    expect(s.job.state).toBe('Closed');
  });

  it('J12: a Completed or Closed job is deleted automatically 90 days later', () => {
    for (const issues of [NO_ISSUES, { errors: 1, warnings: 0, overwrites: 0 }]) {
      const s = new Sim().ship().arrive().copy('WD-A1', issues).copy('WD-B2').shipBack();
      const finished = s.now;
      expect(s.job.deadlines.deleteJob).toBe(finished + 90 * DAY);
      s.advance(90 * DAY - 1);
      expect(s.job.deletedAt).toBeUndefined();
      s.advance(1);
      expect(s.job.deletedAt).toBe(finished + 90 * DAY);
      expect(s.effectsOf('DeleteJob')).toEqual([expect.objectContaining({ rule: 'J12' })]);
    }
  });

  it('J13: cancel is accepted while Creating or Shipping and refused, naming the state, from Received on', () => {
    const creating = new Sim();
    expect(allowed(creating.job).cancel.ok).toBe(true);
    const shipping = new Sim().ship();
    expect(allowed(shipping.job).cancel.ok).toBe(true);
    shipping.send({ type: 'Cancel' });
    expect(shipping.job.cancelRequested).toBe(true);
    expect(shipping.job.state).toBe('Shipping'); // a request, not a state
    expect(allowed(shipping.job).cancel).toMatchObject({
      ok: false,
      message: expect.stringMatching(/already requested/),
    });

    const received = new Sim().ship().arrive();
    const r = received.refuse({ type: 'Cancel' });
    expect(r).toMatchObject({ code: 'CancelNotAllowed', rule: 'J13' });
    expect(r.message).toBe(
      'Job photos-2026 can be cancelled only while it is Creating or Shipping; it is Received now, and its drives are already at the data center (rule J13).',
    );
    expect(allowed(received.job).cancel).toEqual(r);
    const done = new Sim().ship().arrive().copy('WD-A1').copy('WD-B2').shipBack();
    expect(done.refuse({ type: 'Cancel' }).message).toMatch(/it is Completed now.*\(rule J13\)\.$/);
  });

  it('J14: a job cancelled while Shipping is received, packaged and shipped back without copying, and ends Completed', () => {
    const s = new Sim().ship().send({ type: 'Cancel' }).arrive();
    expect(s.job.history.filter((h) => h.subject === 'job').map((h) => h.to)).toEqual([
      'Creating',
      'Shipping',
      'Received',
      'Packaging',
    ]);
    const r = s.refuse({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    expect(r).toMatchObject({ code: 'InvalidTransition' });
    s.shipBack();
    expect(s.job.state).toBe('Completed');
    expect(s.job.history.some((h) => h.to === 'Transferring')).toBe(false);
    expect(s.driveStates()).toEqual({ 'WD-A1': 'ShippedBack', 'WD-B2': 'ShippedBack' });
    expect(s.job.deadlines.deleteJob).toBe(s.now + 90 * DAY);
  });

  it('J14: a job cancelled while Creating moves to Completed at once and is kept 90 days', () => {
    const s = new Sim().send({ type: 'Cancel' });
    expect(s.job.state).toBe('Completed');
    expect(s.job.cancelRequested).toBe(true);
    expect(s.job.deadlines).toEqual({ deleteJob: s.now + 90 * DAY });
    s.advanceDays(90);
    expect(s.job.deletedAt).toBeDefined();
  });

  it('J14: a cancelled job that is still Received refuses to start copying with the J14 refusal', () => {
    // Faulted from Received, the drive is resolved: a cancelled job's drive may only go back to Received.
    const s = new Sim().ship().send({ type: 'Cancel' }).arrive();
    s.send({ type: 'DriveFaulted', driveId: 'WD-A1', reason: 'label unreadable' });
    const r = s.refuse({ type: 'DriveResolved', driveId: 'WD-A1', state: 'Transferring' });
    expect(r).toMatchObject({ code: 'JobCancelled', rule: 'J14' });
  });

  it('A1: Delete Job is accepted only in Creating or Completed, otherwise refused with a clear error', () => {
    const creating = new Sim();
    expect(allowed(creating.job).delete.ok).toBe(true);
    creating.send({ type: 'Delete' });
    expect(creating.job.deletedAt).toBe(creating.now);
    expect(creating.effectsOf('DeleteJob')).toEqual([expect.objectContaining({ rule: 'A1' })]);

    const shipping = new Sim().ship();
    const r = shipping.refuse({ type: 'Delete' });
    expect(r).toMatchObject({ code: 'DeleteNotAllowed', rule: 'A1' });
    expect(r.message).toBe(
      'Job photos-2026 can be deleted only while it is Creating or Completed; it is Shipping now (rule A1). Cancel it instead if you no longer want it processed.',
    );
    expect(new Sim().ship().arrive().refuse({ type: 'Delete' }).code).toBe('DeleteNotAllowed');
    const closed = new Sim()
      .ship()
      .arrive()
      .copy('WD-A1', { errors: 1, warnings: 0, overwrites: 0 })
      .copy('WD-B2')
      .shipBack();
    expect(closed.job.state).toBe('Closed');
    expect(closed.refuse({ type: 'Delete' }).message).toMatch(/it is Closed now \(rule A1\)/);
    const completed = new Sim().ship().arrive().copy('WD-A1').copy('WD-B2').shipBack();
    completed.send({ type: 'Delete' });
    expect(completed.job.deletedAt).toBeDefined();
  });
});

describe('Job error events', () => {
  it('JE1: drives that arrive while the job is Creating are held; once Shipping is set they are processed', () => {
    const s = new Sim({ deliveryPackage: delivery, returnAddress: address });
    s.arrive(['WD-A1', 'WD-B2']);
    expect(s.job.state).toBe('Creating');
    expect(s.driveStates()).toEqual({ 'WD-A1': 'Specified', 'WD-B2': 'Specified' });
    expect(s.activeAlerts().map((a) => a.code)).toEqual(['DrivesArrivedBeforeShipping']);
    expect(s.effectsOf('NotifyCustomer')[0]?.rule).toBe('JE1');
    // Not processable until Shipping:
    expect(s.refuse({ type: 'DriveProcessingStarted', driveId: 'WD-A1' }).code).toBe('InvalidTransition');
    s.send({ type: 'SetShipping' });
    expect(s.job.state).toBe('Received');
    expect(s.driveStates()).toEqual({ 'WD-A1': 'Received', 'WD-B2': 'Received' });
    expect(s.activeAlerts()).toEqual([]);
    expect(s.job.deadlines).toEqual({});
  });

  it('JE1: if the customer does not act within 14 days the drives are returned', () => {
    const s = new Sim({ returnAddress: address });
    s.arrive(['WD-A1', 'WD-B2']);
    s.advanceDays(20); // J2's own 14 days would also have run out: the held drives decide
    expect(s.effectsOf('ReturnDrive').map((e) => [e.driveId, e.rule])).toEqual([
      ['WD-A1', 'JE1'],
      ['WD-B2', 'JE1'],
    ]);
    expect(s.effectsOf('DeleteJob')).toHaveLength(1);
  });

  it('JE1: drives that cannot be returned are securely destroyed 90 days after they arrived', () => {
    const s = new Sim();
    s.arrive(['WD-A1']);
    const arrived = s.now;
    s.send({ type: 'CustomerUnreachable' }, 3 * DAY);
    s.advanceDays(14);
    expect(s.effectsOf('ReturnDrive')).toEqual([]);
    expect(s.activeAlerts().map((a) => a.code)).toContain('DrivesToBeDestroyed');
    expect(s.job.deadlines.destroyDrives).toBe(arrived + 90 * DAY);
    s.advance(arrived + 90 * DAY - s.now);
    expect(s.effectsOf('DestroyDrives')).toEqual([expect.objectContaining({ driveIds: ['WD-A1'], rule: 'JE1' })]);
    expect(s.job.deletedAt).toBe(arrived + 90 * DAY);
  });

  it('JE2: a package overdue 14 days notifies the customer; without an answer in 30 more days the job is Closed', () => {
    const s = new Sim().ship();
    const shipped = s.now;
    s.advanceDays(14);
    expect(s.effectsOf('NotifyCustomer')).toEqual([expect.objectContaining({ rule: 'JE2' })]);
    s.advance(shipped + 44 * DAY - 1 - s.now);
    expect(s.job.state).toBe('Shipping');
    s.advance(1);
    expect(s.job.state).toBe('Closed');
    expect(s.job.history.at(-1)).toMatchObject({
      from: 'Shipping',
      to: 'Closed',
      side: 'clock',
      at: shipped + 44 * DAY,
    });
    expect(s.job.deadlines.deleteJob).toBe(shipped + 134 * DAY);
  });

  it('JE2: the customer answers by updating the delivery package, and the wait is extended', () => {
    const s = new Sim().ship().advanceDays(15);
    s.send({ type: 'UpdateProperties', deliveryPackage: { carrierName: 'UPS', trackingNumber: '1Z999' } }, DAY);
    expect(s.job.deadlines.shippingUnanswered).toBeUndefined();
    expect(s.activeAlerts().map((a) => a.code)).not.toContain('PackageOverdue');
    s.advanceDays(13);
    expect(s.job.state).toBe('Shipping');
    s.arrive(['WD-A1', 'WD-B2']); // DE1: late after all
    expect(s.job.state).toBe('Received');
  });

  it('JE2: the customer answers by cancelling, and the job is Completed', () => {
    const s = new Sim().ship().advanceDays(15).send({ type: 'Cancel' });
    expect(s.job.state).toBe('Completed');
    expect(s.job.cancelRequested).toBe(true);
  });

  it('JE2: a job the customer cancelled whose package never arrives ends Completed, not Closed (J14)', () => {
    const s = new Sim().ship().send({ type: 'Cancel' });
    s.advanceDays(44);
    expect(s.job.state).toBe('Completed');
    expect(s.job.history.at(-1)).toMatchObject({ from: 'Shipping', to: 'Completed', side: 'clock' });
  });

  it('JE2: a timer that fired while the service was down fires at its own time after a restart', () => {
    const s = new Sim().ship();
    const shipped = s.now;
    const restored = parseJob(serializeJob(s.job));
    const r = tick(restored, shipped + 200 * DAY);
    expect(r.job.deletedAt).toBe(shipped + 134 * DAY); // J6 at 14, JE2 at 44, J12 at 134
    expect(r.job.history.find((h) => h.to === 'Closed')?.at).toBe(shipped + 44 * DAY);
  });

  it('JE3: a finished export job shows that and how its drives were shipped, and what to do if they never arrive', () => {
    const s = new Sim({ type: 'Export', drives: [] }).ship();
    s.arrive(['SEA-1', 'SEA-2']);
    s.copy('SEA-1').copy('SEA-2').shipBack();
    expect(s.job.state).toBe('Completed');
    const view = jobView(s.job);
    expect(view.drives.map((d) => d.state)).toEqual(['ShippedBack', 'ShippedBack']);
    expect(view.returnPackage).toMatchObject({
      carrierName: 'DHL',
      trackingNumber: returned.trackingNumber,
      driveCount: 2,
    });
    const advice = returnShipmentAdvice(s.job);
    expect(advice?.shipped).toBe(true);
    expect(advice?.steps.join(' ')).toMatch(/ask DHL about tracking number JD0149999999/);
    expect(advice?.steps.join(' ')).toMatch(/request another export job.*download the missing blobs/);
    // In words a customer reads: a plural that agrees, a day rather than a raw timestamp.
    expect(advice?.steps[0]).toMatch(/shipped 2 drives on \d{1,2} [A-Z][a-z]{2} \d{4} with DHL/);
    expect(advice?.steps.join(' ')).not.toMatch(/\(s\)|\d{4}-\d\d-\d\d/);
    // Nothing the data center does moves the job again.
    expect(s.refuse({ type: 'DrivesShippedBack', returnPackage: returned }).code).toBe('InvalidTransition');
    expect(returnShipmentAdvice(new Sim().job)).toBeUndefined();
  });

  it('JE4: a wrong return address blocks the return; correcting it lets the drives go home', () => {
    const s = new Sim().ship().arrive().copy('WD-A1');
    s.send({ type: 'ReturnAddressWrong', reason: 'postal code does not exist' });
    expect(s.effectsOf('NotifyCustomer')[0]?.rule).toBe('JE4');
    s.copy('WD-B2');
    expect(s.job.state).toBe('Packaging');
    const r = s.refuse({ type: 'DrivesShippedBack', returnPackage: returned });
    expect(r).toMatchObject({ code: 'ReturnAddressInvalid', rule: 'JE4' });
    expect(r.message).toMatch(/postal code does not exist/);
    s.send({ type: 'UpdateProperties', returnAddress: { ...address, postalCode: 'N1 9GV' } });
    expect(s.job.returnAddressProblem).toBeUndefined();
    s.shipBack();
    expect(s.job.state).toBe('Completed');
  });

  it('JE4: if the customer cannot be reached, the drives are securely destroyed within 90 days', () => {
    const s = new Sim().ship().arrive().copy('WD-A1');
    s.send({ type: 'ReturnAddressWrong', reason: 'address missing a street' });
    s.send({ type: 'CustomerUnreachable' }, 5 * DAY);
    const unreachable = s.now;
    expect(s.job.deadlines.destroyDrives).toBe(unreachable + 90 * DAY);
    s.copy('WD-B2');
    s.advance(unreachable + 90 * DAY - s.now);
    expect(s.effectsOf('DestroyDrives')).toEqual([
      expect.objectContaining({ driveIds: ['WD-A1', 'WD-B2'], rule: 'JE4' }),
    ]);
    expect(s.job.state).toBe('Closed');
    expect(s.job.drives.every((d) => d.destroyedAt === unreachable + 90 * DAY)).toBe(true);
  });

  it('JE5: a drive not in the drive list is not processed and is returned when the job completes', () => {
    for (const when of ['Creating', 'Shipping', 'Transferring'] as const) {
      const s = new Sim({ deliveryPackage: delivery, returnAddress: address });
      if (when !== 'Creating') s.ship();
      if (when === 'Transferring') s.arrive().send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
      s.send({ type: 'ExtraDriveFound', driveId: 'STRAY-9' });
      expect(s.job.state).toBe(when);
      expect(s.drive('STRAY-9')).toMatchObject({ extra: true, state: 'Received' });
    }
    const s = new Sim().ship().arrive(['WD-A1', 'WD-B2', 'STRAY-9']);
    expect(s.drive('STRAY-9').extra).toBe(true);
    const r = s.refuse({ type: 'DriveProcessingStarted', driveId: 'STRAY-9' });
    expect(r).toMatchObject({ rule: 'JE5' });
    s.copy('WD-A1').copy('WD-B2');
    expect(s.job.state).toBe('Packaging'); // the extra drive does not hold the job back
    s.shipBack();
    expect(s.drive('STRAY-9').state).toBe('ShippedBack');
    expect(s.job.returnPackage?.driveCount).toBe(3);
    expect(s.job.state).toBe('Completed');
  });
});

describe('Drive states', () => {
  it('D1: an import job starts with each drive Specified', () => {
    const s = new Sim({ drives: [{ driveId: 'A' }, { driveId: 'B' }, { driveId: 'C' }] });
    expect(Object.values(s.driveStates())).toEqual(['Specified', 'Specified', 'Specified']);
    expect(() => createJob({ name: 'x', type: 'Import', drives: [] }, T0)).toThrow(LifecycleInputError);
    expect(() => createJob({ name: 'x', type: 'Import', drives: [{ driveId: 'A' }, { driveId: 'A' }] }, T0)).toThrow(
      /drive A is listed twice/,
    );
  });

  it('D2: an export job names no drive at creation; its drives start Received when they arrive', () => {
    const s = new Sim({ type: 'Export', drives: [] });
    expect(s.job.drives).toEqual([]);
    expect(() => createJob({ name: 'x', type: 'Export', drives: [{ driveId: 'A' }] }, T0)).toThrow(/rule D2/);
    s.ship();
    expect(s.refuse({ type: 'PackageArrived', driveIds: [] }).message).toBe(
      'The request is not valid (field driveIds): a package holds at least one drive; name the drive ids found in it (rule D3).',
    );
    s.arrive(['SEA-1']);
    expect(s.drive('SEA-1')).toMatchObject({ state: 'Received', extra: false });
    expect(s.job.history.at(-2)).toMatchObject({ subject: 'drive', from: null, to: 'Received' });
    expect(s.job.state).toBe('Received');
  });

  it('D3: Specified -> Received when the operators process the drives from the carrier', () => {
    const s = new Sim().ship().arrive();
    expect(s.job.history.filter((h) => h.subject === 'drive' && h.to === 'Received')).toHaveLength(2);
    expect(s.job.history.at(-1)?.side).toBe('datacenter');
  });

  it('D4: a drive missing from the package becomes NeverReceived', () => {
    const s = new Sim().ship().arrive(['WD-A1']);
    expect(s.driveStates()).toEqual({ 'WD-A1': 'Received', 'WD-B2': 'NeverReceived' });
    expect(s.activeAlerts().find((a) => a.code === 'DriveMissingFromPackage')?.driveId).toBe('WD-B2');
    const t = new Sim().ship().send({ type: 'DriveMissing', driveId: 'WD-B2' });
    expect(t.drive('WD-B2').state).toBe('NeverReceived');
  });

  it('D4: 14 days after the shipping information without the package, the drives become NeverReceived', () => {
    const s = new Sim().ship();
    s.advance(14 * DAY - 1);
    expect(s.driveStates()).toEqual({ 'WD-A1': 'Specified', 'WD-B2': 'Specified' });
    s.advance(1);
    expect(s.driveStates()).toEqual({ 'WD-A1': 'NeverReceived', 'WD-B2': 'NeverReceived' });
    expect(s.job.history.at(-1)).toMatchObject({ side: 'clock', event: 'Tick' });
  });

  it('D5: Received -> Transferring when the copy begins; a drive not yet received cannot start', () => {
    const s = new Sim().ship().arrive(['WD-A1']);
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1', bytesTotal: 1234 });
    expect(s.drive('WD-A1')).toMatchObject({ state: 'Transferring', bytesTotal: 1234 });
    const r = s.refuse({ type: 'DriveProcessingStarted', driveId: 'WD-B2' });
    expect(r.message).toBe('Drive WD-B2 is NeverReceived; "copy started" needs it to be Received (rule D5).');
    expect(s.refuse({ type: 'DriveProcessingStarted', driveId: 'NOPE' }).code).toBe('UnknownDrive');
  });

  it('D6: Transferring -> Completed when all data was transferred with no errors', () => {
    const s = new Sim().ship().arrive().copy('WD-A1');
    expect(s.drive('WD-A1')).toMatchObject({ state: 'Completed', bytesSucceeded: 1000 });
  });

  it('D7: Transferring -> CompletedMoreInfo on errors, warnings or overwrite messages', () => {
    for (const issues of [
      { errors: 1, warnings: 0, overwrites: 0 },
      { errors: 0, warnings: 1, overwrites: 0 },
      { errors: 0, warnings: 0, overwrites: 4 },
    ]) {
      const s = new Sim().ship().arrive().copy('WD-A1', issues);
      expect(s.drive('WD-A1')).toMatchObject({ state: 'CompletedMoreInfo', issues });
    }
  });

  it('D8: -> ShippedBack when the drive leaves the data center for the return address', () => {
    const s = new Sim()
      .ship()
      .arrive()
      .copy('WD-A1')
      .copy('WD-B2', { errors: 0, warnings: 1, overwrites: 0 })
      .shipBack();
    expect(s.driveStates()).toEqual({ 'WD-A1': 'ShippedBack', 'WD-B2': 'ShippedBack' });
    expect(s.effectsOf('DriveStateChanged').map((e) => [e.from, e.to])).toEqual([
      ['Completed', 'ShippedBack'],
      ['CompletedMoreInfo', 'ShippedBack'],
    ]);
  });
});

describe('Drive error events', () => {
  it('DE1: a NeverReceived drive that arrives in another shipment moves to Received and is processed', () => {
    const s = new Sim().ship().arrive(['WD-A1']).copy('WD-A1');
    expect(s.job.state).toBe('Packaging'); // the only drive that came is done
    s.arrive(['WD-B2']);
    expect(s.drive('WD-B2').state).toBe('Received');
    expect(s.job.state).toBe('Transferring'); // one drive begun, not all done
    s.copy('WD-B2').shipBack();
    expect(s.job.state).toBe('Completed');
  });

  it("DE2: a drive of no job arriving with this job's package is marked extra and returned when this job completes", () => {
    const s = new Sim().ship().arrive().send({ type: 'ExtraDriveFound', driveId: 'ORPHAN-7' });
    expect(s.drive('ORPHAN-7')).toMatchObject({ extra: true, state: 'Received' });
    expect(percentComplete(s.job)).toBe(0);
    expect(s.refuse({ type: 'ExtraDriveFound', driveId: 'WD-A1' }).code).toBe('InvalidInput');
    s.copy('WD-A1').copy('WD-B2');
    expect(percentComplete(s.job)).toBe(100);
    s.shipBack();
    expect(s.drive('ORPHAN-7').state).toBe('ShippedBack');
  });
});

describe('Faulted', () => {
  it('F1: a job that fails to progress becomes Faulted and the customer is told the operators will call', () => {
    const s = new Sim().ship().arrive();
    s.send({ type: 'JobFaulted', reason: 'Package damaged in transit' });
    expect(s.job.state).toBe('Faulted');
    expect(s.activeAlerts()[0]?.message).toBe(
      'Job photos-2026 is Faulted: Package damaged in transit. The operators will contact you by email or phone (rule F1).',
    );
    expect(s.refuse({ type: 'DriveProcessingStarted', driveId: 'WD-A1' }).code).toBe('InvalidTransition');
    expect(allowed(s.job).cancel.ok).toBe(false);
  });

  it('F1: a drive that fails to progress becomes Faulted without moving the job backwards', () => {
    const s = new Sim().ship().arrive();
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    s.send({ type: 'DriveFaulted', driveId: 'WD-A1', reason: 'read errors' });
    expect(s.drive('WD-A1')).toMatchObject({ state: 'Faulted', faultedFrom: 'Transferring' });
    expect(s.job.state).toBe('Transferring');
  });

  it('F2: once resolved, the job and the drive leave Faulted for the appropriate state', () => {
    const s = new Sim().ship();
    s.send({ type: 'JobFaulted', reason: 'customs hold' });
    expect(s.job.deadlines.shippingOverdue).toBeUndefined();
    expect(s.refuse({ type: 'JobResolved', state: 'Received' }).message).toMatch(/only for Shipping/);
    s.send({ type: 'JobResolved' });
    expect(s.job.state).toBe('Shipping');
    expect(s.job.deadlines.shippingOverdue).toBe(s.now + 14 * DAY); // the wait starts again

    s.arrive().send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    s.send({ type: 'DriveFaulted', driveId: 'WD-A1', reason: 'read errors' });
    expect(s.refuse({ type: 'DriveResolved', driveId: 'WD-A1', state: 'Received' }).rule).toBe('F2');
    s.copy('WD-B2');
    expect(s.job.state).toBe('Transferring'); // the faulted drive still counts as begun, not done
    s.send({ type: 'DriveResolved', driveId: 'WD-A1', state: 'CompletedMoreInfo' });
    expect(s.drive('WD-A1').state).toBe('CompletedMoreInfo');
    expect(s.job.state).toBe('Packaging');
  });
});

describe('the contract around the rules', () => {
  it('apply never mutates its input, and refusals carry a stable code and a sentence naming the rule', () => {
    const s = new Sim();
    const frozen = JSON.stringify(s.job);
    apply(s.job, { type: 'SetShipping', deliveryPackage: delivery, returnAddress: address }, T0 + 1);
    apply(s.job, { type: 'Cancel' }, T0 + 1);
    expect(JSON.stringify(s.job)).toBe(frozen);
    const bad = apply(s.job, { type: 'BytesProgressed', driveId: 'WD-A1', bytesSucceeded: -5 }, T0 + 1);
    expect(bad).toMatchObject({ ok: false, code: 'InvalidInput', rule: 'D5' });
    expect(!bad.ok && bad.message).toMatch(/field bytesSucceeded.*\(rule D5\)\.$/);
    const unknown = apply(s.job, { type: 'Teleport' } as unknown as LifecycleEvent, T0 + 1);
    expect(unknown).toMatchObject({ ok: false, code: 'InvalidInput', rule: 'G1' });
    // Nothing due: the job comes back unchanged, so the caller has nothing to persist.
    expect(tick(s.job, T0 + DAY)).toEqual({ ok: true, job: s.job, effects: [] });
  });

  it('tick is idempotent: ticking twice at the same time fires nothing the second time', () => {
    const s = new Sim().ship();
    const at = s.now + 50 * DAY;
    const first = tick(s.job, at);
    expect(first.effects.length).toBeGreaterThan(0);
    const second = tick(first.job, at);
    expect(second.effects).toEqual([]);
    expect(second.job).toEqual(first.job);
  });
});
