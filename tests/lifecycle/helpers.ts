// A small harness for the life-cycle tests: a job plus a clock the test moves. Every event goes
// through apply() (or tick()) exactly as the service sends it.
import { expect } from 'vitest';
import {
  DAY,
  apply,
  createJob,
  tick,
  type CreateJobInput,
  type Effect,
  type LifecycleEvent,
  type LifecycleJob,
  type Refusal,
  type ReturnAddress,
} from '../../shared/lifecycle';

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export const address: ReturnAddress = {
  recipientName: 'Ada Lovelace',
  streetAddress1: '1 Analytical Way',
  city: 'London',
  postalCode: 'N1 9GU',
  countryOrRegion: 'GB',
  phone: '+44 20 0000 0000',
  email: 'ada@example.com',
};

export const delivery = { carrierName: 'DHL', trackingNumber: 'JD0140000001' };
export const returned = { carrierName: 'DHL', trackingNumber: 'JD0149999999' };

export class Sim {
  job: LifecycleJob;
  now: number;
  /** Effects of the last successful step. */
  effects: Effect[] = [];

  constructor(input: Partial<CreateJobInput> = {}, now = T0) {
    this.now = now;
    this.job = createJob(
      {
        name: 'photos-2026',
        type: 'Import',
        drives: [
          { driveId: 'WD-A1', bytesTotal: 1000 },
          { driveId: 'WD-B2', bytesTotal: 3000 },
        ],
        ...input,
      },
      now,
    );
  }

  /** Apply an event that must be accepted. */
  send(event: LifecycleEvent, after = 60_000): this {
    this.now += after;
    const r = apply(this.job, event, this.now);
    if (!r.ok) throw new Error(`expected ${event.type} to be accepted, got ${r.code}: ${r.message}`);
    this.job = r.job;
    this.effects = r.effects;
    return this;
  }

  /** Apply an event that must be refused; the job is left as it was. */
  refuse(event: LifecycleEvent, after = 60_000): Refusal {
    this.now += after;
    const before = JSON.stringify(this.job);
    const r = apply(this.job, event, this.now);
    if (r.ok) throw new Error(`expected ${event.type} to be refused, but the job became ${r.job.state}`);
    expect(JSON.stringify(this.job)).toBe(before);
    return r;
  }

  /** Move the clock and fire whatever is due. */
  advance(ms: number): this {
    this.now += ms;
    const r = tick(this.job, this.now);
    this.job = r.job;
    this.effects = r.effects;
    return this;
  }

  advanceDays(days: number): this {
    return this.advance(days * DAY);
  }

  drive(id: string) {
    const d = this.job.drives.find((x) => x.driveId === id);
    if (!d) throw new Error(`no drive ${id}`);
    return d;
  }

  driveStates(): Record<string, string> {
    return Object.fromEntries(this.job.drives.map((d) => [d.driveId, d.state]));
  }

  effectsOf<T extends Effect['type']>(type: T): Extract<Effect, { type: T }>[] {
    return this.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
  }

  activeAlerts() {
    return this.job.alerts.filter((a) => a.clearedAt === undefined);
  }

  // Common paths -------------------------------------------------------------------------------
  ship(): this {
    return this.send({ type: 'SetShipping', deliveryPackage: delivery, returnAddress: address });
  }

  arrive(ids = this.job.drives.filter((d) => !d.extra).map((d) => d.driveId)): this {
    return this.send({ type: 'PackageArrived', driveIds: ids });
  }

  copy(id: string, issues = { errors: 0, warnings: 0, overwrites: 0 }): this {
    this.send({ type: 'DriveProcessingStarted', driveId: id });
    return this.send({ type: 'DriveFinished', driveId: id, issues });
  }

  shipBack(): this {
    return this.send({ type: 'DrivesShippedBack', returnPackage: returned });
  }
}
