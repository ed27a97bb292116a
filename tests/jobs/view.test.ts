// ARM -> view: what the screens and the tracker show for a Get Job answer and what Haul observed.
import { describe, expect, it } from 'vitest';
import type { ArmJob } from '../../shared/arm/schemas';
import { JOB_STATES } from '../../shared/lifecycle';
import { buildJobView, JobView, observe, shipPermission, type JobRecord } from '../../shared/jobs';

const T0 = new Date('2026-12-01T10:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

const ADDRESS = {
  recipientName: 'Ada Example',
  streetAddress1: '1 Test Street',
  city: 'Sampleton',
  postalCode: '12345',
  countryOrRegion: 'Sandboxia',
  phone: '+00 555 0100',
  email: 'ada@example.com',
};

function job(
  state: string,
  o: {
    drives?: { driveId: string; state: string; copyStatus?: string; errorLogUri?: string; bitLockerKey?: string }[];
    cancel?: boolean;
    address?: boolean;
    delivery?: boolean;
    type?: 'Import' | 'Export';
    returnPackage?: boolean;
    modified?: Date;
    tags?: Record<string, string>;
  } = {},
): ArmJob {
  return {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/photos',
    name: 'photos',
    type: 'Microsoft.ImportExport/jobs',
    location: 'Sandbox West',
    tags: o.tags,
    properties: {
      storageAccountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/haulsandbox',
      jobType: o.type ?? 'Import',
      returnAddress: o.address === false ? undefined : ADDRESS,
      returnShipping: undefined,
      shippingInformation: {
        recipientName: 'Haul Sandbox',
        streetAddress1: '100 Placeholder Loop',
        city: 'Westfold',
        postalCode: '00001',
        countryOrRegion: 'Sandboxia',
        streetAddress2: undefined,
        stateOrProvince: undefined,
        phone: undefined,
        additionalInformation: 'Write the job name on the package.',
      },
      deliveryPackage: o.delivery
        ? { carrierName: 'FedEx', trackingNumber: 'TRK-1', driveCount: 1, shipDate: '2026-12-01' }
        : undefined,
      returnPackage: o.returnPackage
        ? { carrierName: 'DHL', trackingNumber: 'BACK-9', driveCount: 1, shipDate: '2026-12-20' }
        : undefined,
      diagnosticsPath: 'waimportexport',
      logLevel: 'Error',
      backupDriveManifest: false,
      state,
      cancelRequested: o.cancel ?? false,
      percentComplete: 0,
      incompleteBlobListUri: undefined,
      driveList: (
        o.drives ?? (o.type === 'Export' ? [] : [{ driveId: 'WD1', state: 'Specified', bitLockerKey: 'secret-key' }])
      ).map((d) => ({
        driveId: d.driveId,
        state: d.state,
        copyStatus: d.copyStatus,
        errorLogUri: d.errorLogUri,
        bitLockerKey: d.bitLockerKey,
        manifestFile: undefined,
        manifestHash: undefined,
        driveHeaderHash: undefined,
        percentComplete: 0,
        verboseLogUri: undefined,
        manifestUri: undefined,
        bytesSucceeded: 0,
      })),
      export:
        o.type === 'Export'
          ? { blobList: { blobPath: ['/music/a.mp3'], blobPathPrefix: ['/photos/'] }, blobListBlobPath: undefined }
          : undefined,
      provisioningState: 'Succeeded',
    },
    systemData: {
      createdBy: 'x',
      createdAt: T0.toISOString(),
      lastModifiedBy: 'x',
      lastModifiedAt: (o.modified ?? T0).toISOString(),
    },
  };
}

/** Haul first saw the job at T0 in `first`, then saw it in `then` at each given day. */
function seen(first: ArmJob, steps: [number, ArmJob][] = []): JobRecord {
  let r = observe(undefined, first, T0);
  for (const [d, j] of steps) r = observe(r, j, at(d));
  return r;
}

const view = (j: ArmJob, r?: JobRecord, now = T0) => {
  const v = buildJobView(j, r ?? seen(j), now);
  // Every view fits the contract the renderer and tracker rely on.
  expect(JobView.safeParse(v).success).toBe(true);
  return v;
};

describe('state, percent and drives (G1-G4)', () => {
  it.each(JOB_STATES.map((s) => [s]))('G1: a job the service reports %s is shown %s', (s) => {
    expect(view(job(s)).state).toBe(s);
  });

  it('G1: a state Haul does not know is Unknown, and every action is refused saying so', () => {
    const v = view(job('Exploded'));
    expect(v.state).toBe('Unknown');
    expect(v.serviceState).toBe('Exploded');
    for (const a of Object.values(v.actions)) expect(a).toMatchObject({ allowed: false, rule: 'G1' });
  });

  it('G3/G4: each drive shows its state, copy status and log addresses; the BitLocker key never appears', () => {
    const v = view(
      job('Completed', {
        drives: [
          {
            driveId: 'WD1',
            state: 'CompletedMoreInfo',
            copyStatus: 'CompletedWithErrors: 1 failed',
            errorLogUri: 'http://127.0.0.1:1/haulsandbox/waimportexport/WD1_error.xml',
            bitLockerKey: 'secret-key',
          },
        ],
      }),
    );
    expect(v.drives[0]).toMatchObject({
      driveId: 'WD1',
      state: 'CompletedMoreInfo',
      copyStatus: 'CompletedWithErrors: 1 failed',
      hasBitLockerKey: true,
    });
    expect(v.drives[0]?.errorLogUri).toContain('WD1_error.xml');
    expect(JSON.stringify(v)).not.toContain('secret-key');
  });

  it('as from Azure, a Get Job without keys: the keys can be asked for an import drive, and an export drive once written', () => {
    const imp = view(job('Creating', { drives: [{ driveId: 'WD1', state: 'Specified' }] }));
    expect(imp.drives[0]?.hasBitLockerKey).toBe(true);
    const exp = view(
      job('Transferring', {
        type: 'Export',
        drives: [
          { driveId: 'BLANK1', state: 'Received' },
          { driveId: 'BLANK2', state: 'Completed' },
        ],
      }),
    );
    expect(exp.drives.map((d) => [d.driveId, d.hasBitLockerKey])).toEqual([
      ['BLANK1', false],
      ['BLANK2', true],
    ]);
  });

  it('D2: an export job shows its blob paths and prefixes and no drives until the data center reports them', () => {
    const v = view(job('Creating', { type: 'Export', drives: [] }));
    expect(v.type).toBe('Export');
    expect(v.drives).toEqual([]);
    expect(v.export).toEqual({ blobPaths: ['/music/a.mp3'], blobPathPrefixes: ['/photos/'] });
  });

  it('shows the data center address from the job, and the contact from the return address plus notification emails', () => {
    const v = view(job('Creating', { tags: { haulNotify: 'ops@example.com, ada@example.com' } }));
    expect(v.location.address).toMatchObject({
      recipientName: 'Haul Sandbox',
      city: 'Westfold',
      additionalInformation: 'Write the job name on the package.',
    });
    expect(v.contact).toEqual({
      name: 'Ada Example',
      phone: '+00 555 0100',
      emails: ['ada@example.com', 'ops@example.com'],
    });
  });

  it("takes the supported carriers from the job's location when it is known", () => {
    const v = buildJobView(job('Creating'), undefined, T0, {
      location: {
        id: '/providers/Microsoft.ImportExport/locations/sandboxwest',
        name: 'Sandbox West',
        type: undefined,
        properties: { supportedCarriers: ['FedEx', 'UPS'], alternateLocations: [] } as never,
      },
    });
    expect(v.location.supportedCarriers).toEqual(['FedEx', 'UPS']);
  });
});

describe("customer actions, refused with the life cycle's sentence", () => {
  it('J4: a Creating job with a return address can be shipped (the Ship form supplies the package)', () => {
    expect(view(job('Creating')).actions.ship).toEqual({ allowed: true });
  });

  it('J5: without a return address, Ship is refused naming what is missing', () => {
    const v = view(job('Creating', { address: false }));
    expect(v.actions.ship).toMatchObject({ allowed: false, rule: 'J5', code: 'ShippingInfoMissing' });
    expect(v.actions.ship.allowed || v.actions.ship.reason).toContain('the return address is missing (rule J5)');
  });

  it('J5: the Ship form cannot submit while the tracking number is empty, and can once it is filled', () => {
    const v = view(job('Creating'));
    const empty = shipPermission(v, { carrierName: 'FedEx', trackingNumber: '' });
    expect(empty).toMatchObject({ allowed: false, rule: 'J5' });
    expect(empty.allowed || empty.reason).toContain('tracking number');
    expect(shipPermission(v, { carrierName: 'FedEx', trackingNumber: '1Z999' })).toEqual({ allowed: true });
  });

  it('J4: a job already Shipping cannot be set to Shipping again; from Received on neither', () => {
    expect(view(job('Shipping')).actions.ship).toMatchObject({ allowed: false, rule: 'J4' });
    expect(view(job('Received')).actions.ship).toMatchObject({ allowed: false, rule: 'J4' });
  });

  it('J14: a cancelled job cannot be shipped', () => {
    expect(view(job('Creating', { cancel: true })).actions.ship).toMatchObject({ allowed: false, rule: 'J14' });
  });

  it.each([['Creating'], ['Shipping']])('J13: a %s job can be cancelled', (s) => {
    expect(view(job(s)).actions.cancel).toEqual({ allowed: true });
  });

  it.each([['Received'], ['Transferring'], ['Packaging'], ['Completed'], ['Closed'], ['Faulted']])(
    'J13: a %s job cannot be cancelled, and the reason names its state',
    (s) => {
      const c = view(job(s)).actions.cancel;
      expect(c).toMatchObject({ allowed: false, rule: 'J13', code: 'CancelNotAllowed' });
      expect(c.allowed || c.reason).toContain(`it is ${s} now`);
    },
  );

  it('J13: a job whose cancellation was already requested is not offered Cancel again', () => {
    expect(view(job('Shipping', { cancel: true })).actions.cancel).toMatchObject({ allowed: false, rule: 'J13' });
  });

  it.each([['Creating'], ['Completed']])('A1: a %s job can be deleted', (s) => {
    expect(view(job(s)).actions.delete).toEqual({ allowed: true });
  });

  it.each([['Shipping'], ['Received'], ['Transferring'], ['Packaging'], ['Closed'], ['Faulted']])(
    'A1: a %s job cannot be deleted',
    (s) => {
      const d = view(job(s)).actions.delete;
      expect(d).toMatchObject({ allowed: false, rule: 'A1', code: 'DeleteNotAllowed' });
    },
  );

  it('A1/J12: the refusal to delete a Closed job says it goes by itself after 90 days', () => {
    const d = view(job('Closed')).actions.delete;
    expect(d.allowed || d.reason).toContain('rule J12');
  });

  it.each([['Creating'], ['Shipping'], ['Received'], ['Transferring'], ['Packaging'], ['Faulted']])(
    "J3: a %s job's return address and contact can be edited",
    (s) => {
      expect(view(job(s)).actions.update).toEqual({ allowed: true });
    },
  );

  it.each([['Completed'], ['Closed']])('J12: a %s job can no longer be edited', (s) => {
    expect(view(job(s)).actions.update).toMatchObject({ allowed: false, rule: 'J12', code: 'UpdateNotAllowed' });
  });
});

describe('deadlines, estimated from observed times', () => {
  it('J2: a Creating job is deleted 14 days after its last update, an estimate that says what it is reckoned from', () => {
    const v = view(job('Creating', { modified: at(2) }), undefined, at(5));
    expect(v.deadlines).toHaveLength(1);
    expect(v.deadlines[0]).toMatchObject({
      rule: 'J2',
      kind: 'creatingExpires',
      at: at(16).toISOString(),
      estimate: true,
      daysLeft: 11,
      passed: false,
    });
    expect(v.deadlines[0]?.basis).toContain('last updated 3 Dec 2026 10:00 UTC');
    expect(v.deadlines[0]?.text).toContain('rules J2, J3');
  });

  it("J3: an update made by Haul after the service's time restarts the 14 days", () => {
    const r = { ...seen(job('Creating')), updatedByHaulAt: at(4).toISOString() };
    expect(view(job('Creating'), r, at(5)).deadlines[0]?.at).toBe(at(18).toISOString());
  });

  it('J6: a Shipping job is overdue 14 days after Haul saw it Shipping; after that the view warns (JE2)', () => {
    const r = seen(job('Creating'), [[1, job('Shipping')]]);
    const before = view(job('Shipping'), r, at(10));
    expect(before.deadlines[0]).toMatchObject({ rule: 'J6', at: at(15).toISOString(), passed: false });
    expect(before.alerts.find((a) => a.rule === 'JE2')).toBeUndefined();
    const after = view(job('Shipping', { delivery: true }), r, at(16));
    expect(after.deadlines[0]).toMatchObject({ rule: 'J6', passed: true });
    const je2 = after.alerts.find((a) => a.rule === 'JE2');
    expect(je2?.text).toContain('TRK-1');
    expect(je2?.text).toContain('30 days');
    expect(after.nextStep).toMatchObject({ actor: 'customer', rule: 'JE2' });
  });

  it('J6: a job first seen already Shipping says the date may be earlier', () => {
    expect(view(job('Shipping')).deadlines[0]?.basis).toContain('may be earlier');
  });

  it.each([['Completed'], ['Closed']])('J12: a %s job is deleted 90 days after Haul saw it finish', (s) => {
    const r = seen(job('Packaging'), [[3, job(s)]]);
    expect(view(job(s), r, at(4)).deadlines[0]).toMatchObject({
      rule: 'J12',
      kind: 'deleteJob',
      at: at(93).toISOString(),
      daysLeft: 89,
    });
  });

  it.each([['Received'], ['Transferring'], ['Packaging'], ['Faulted']])(
    'no customer deadline applies while a job is %s',
    (s) => {
      expect(view(job(s)).deadlines).toEqual([]);
    },
  );
});

describe('what to do now', () => {
  it('J5/J4: the next step of a Creating job is the return address, then the tracking number', () => {
    expect(view(job('Creating', { address: false })).nextStep).toMatchObject({
      actor: 'customer',
      text: 'Enter the return address',
      action: 'update',
    });
    expect(view(job('Creating')).nextStep).toMatchObject({ actor: 'customer', action: 'ship', rule: 'J4' });
  });

  it('JE1: a Creating job with a delivery package warns that drives arriving now are held', () => {
    expect(view(job('Creating', { delivery: true })).alerts.map((a) => a.rule)).toContain('JE1');
  });

  it('D4/DE1: a NeverReceived drive tells the customer to check the package and the carrier, and that it can still arrive', () => {
    const a = view(
      job('Received', {
        drives: [
          { driveId: 'WD1', state: 'Received' },
          { driveId: 'WD2', state: 'NeverReceived' },
        ],
      }),
    ).alerts.find((x) => x.driveId === 'WD2');
    expect(a?.text).toContain('ask the carrier');
    expect(a?.text).toContain('moves back to Received');
    expect(a?.rule).toBe('DE1');
  });

  it('DE1: a drive that went from NeverReceived to Received is announced as arrived late', () => {
    const first = job('Shipping', { drives: [{ driveId: 'WD1', state: 'NeverReceived' }] });
    const then = job('Received', { drives: [{ driveId: 'WD1', state: 'Received' }] });
    const v = view(then, seen(first, [[2, then]]), at(2));
    expect(v.alerts.find((a) => a.id === 'DE1:WD1')?.severity).toBe('info');
  });

  it('JE4: a job at the data center without a return address says the drives will be destroyed', () => {
    const a = view(job('Transferring', { address: false })).alerts.find((x) => x.rule === 'JE4');
    expect(a?.text).toContain('destroyed within 90 days');
    expect(view(job('Transferring', { address: false })).nextStep).toMatchObject({
      actor: 'customer',
      action: 'update',
      rule: 'JE4',
    });
  });

  it('JE3: a finished export job says how to follow the returned drives', () => {
    const a = view(job('Completed', { type: 'Export', drives: [], returnPackage: true })).alerts.find(
      (x) => x.rule === 'JE3',
    );
    expect(a?.text).toContain('BACK-9');
  });

  it('JE5/DE2: an import drive that appears after the job was first seen is an extra drive', () => {
    const first = job('Shipping', { drives: [{ driveId: 'WD1', state: 'Specified' }] });
    const then = job('Received', {
      drives: [
        { driveId: 'WD1', state: 'Received' },
        { driveId: 'XTRA', state: 'Received' },
      ],
    });
    const v = view(then, seen(first, [[2, then]]), at(2));
    expect(v.drives.find((d) => d.driveId === 'XTRA')?.extra).toBe(true);
    expect(v.drives.find((d) => d.driveId === 'WD1')?.extra).toBe(false);
    expect(v.alerts.find((a) => a.id === 'JE5:XTRA')?.text).toContain('not processed');
  });

  it('F1: a Faulted job says the operators will get in touch; F2: once it leaves Faulted the view says it was resolved', () => {
    expect(view(job('Faulted')).alerts.find((a) => a.rule === 'F1')?.text).toContain('contact you by email or phone');
    const r = seen(job('Transferring'), [
      [1, job('Faulted')],
      [2, job('Transferring')],
    ]);
    expect(view(job('Transferring'), r, at(2)).alerts.map((a) => a.rule)).toContain('F2');
  });

  it('F1: a Faulted drive is flagged on its own', () => {
    expect(
      view(job('Transferring', { drives: [{ driveId: 'WD1', state: 'Faulted' }] })).alerts.find(
        (a) => a.id === 'F1:WD1',
      ),
    ).toBeDefined();
  });

  it('D7/J11: drives copied with issues and a Closed job point at the error logs', () => {
    const v = view(job('Completed', { drives: [{ driveId: 'WD1', state: 'CompletedMoreInfo' }] }));
    expect(v.nextStep).toMatchObject({ action: 'logs', rule: 'D7' });
    expect(view(job('Closed')).nextStep).toMatchObject({ action: 'logs', rule: 'J11' });
  });

  it('J14: a cancelled job that is still on its way says its drives come back uncopied', () => {
    expect(view(job('Shipping', { cancel: true })).alerts.find((a) => a.rule === 'J14')?.text).toContain('not copied');
  });
});

describe('timeline', () => {
  it('lists each job and drive state once, with the time it was first observed and how Haul knows', () => {
    const r = seen(job('Creating'), [
      [1, job('Shipping')],
      [1.5, job('Shipping')],
      [3, job('Received', { drives: [{ driveId: 'WD1', state: 'Received' }] })],
    ]);
    const v = view(job('Received', { drives: [{ driveId: 'WD1', state: 'Received' }] }), r, at(3));
    expect(v.timeline.map((e) => `${e.subject}:${e.state}:${e.via}`)).toEqual([
      'job:Creating:first-seen',
      'drive:Specified:first-seen',
      'job:Shipping:polled',
      'job:Received:polled',
      'drive:Received:polled',
    ]);
    expect(v.timeline[2]).toMatchObject({ at: at(1).toISOString(), from: 'Creating' });
    expect(v.drives[0]?.stateSince).toBe(at(3).toISOString());
  });
});
