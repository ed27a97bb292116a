// Property-based tests: random sequences of customer, data-center and clock events, applied to
// random import and export jobs. Whatever the order, the life cycle keeps its promises.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  REFUSAL_CODES,
  allowed,
  apply,
  consistencyProblems,
  createJob,
  driveTransitions,
  jobTransitions,
  parseJob,
  serializeJob,
  tick,
  type DriveState,
  type JobState,
  type LifecycleEvent,
  type LifecycleJob,
} from '../../shared/lifecycle';
import { T0, address, delivery, returned } from './helpers';

const IDS = ['A', 'B', 'C', 'X'] as const;
const driveId = fc.constantFrom(...IDS);
const issues = fc.record({
  errors: fc.constantFrom(0, 0, 1),
  warnings: fc.constantFrom(0, 0, 2),
  overwrites: fc.constantFrom(0, 0, 3),
});

/** Events, weighted towards the ones that move a job forward. Each comes with a time step. */
const event: fc.Arbitrary<LifecycleEvent> = fc.oneof(
  {
    arbitrary: fc.constant<LifecycleEvent>({ type: 'SetShipping', deliveryPackage: delivery, returnAddress: address }),
    weight: 4,
  },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'SetShipping' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'UpdateProperties', returnAddress: address }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'UpdateProperties', deliveryPackage: delivery }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'Cancel' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'Delete' }), weight: 1 },
  {
    arbitrary: fc
      .subarray([...IDS], { minLength: 1 })
      .map((driveIds): LifecycleEvent => ({ type: 'PackageArrived', driveIds })),
    weight: 5,
  },
  { arbitrary: driveId.map((id): LifecycleEvent => ({ type: 'DriveMissing', driveId: id })), weight: 1 },
  { arbitrary: driveId.map((id): LifecycleEvent => ({ type: 'ExtraDriveFound', driveId: id })), weight: 1 },
  {
    arbitrary: driveId.map((id): LifecycleEvent => ({ type: 'DriveProcessingStarted', driveId: id, bytesTotal: 1000 })),
    weight: 6,
  },
  {
    arbitrary: fc
      .tuple(driveId, fc.integer({ min: 0, max: 1000 }))
      .map(([id, n]): LifecycleEvent => ({ type: 'BytesProgressed', driveId: id, bytesSucceeded: n })),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(driveId, issues)
      .map(([id, i]): LifecycleEvent => ({ type: 'DriveFinished', driveId: id, issues: i })),
    weight: 6,
  },
  {
    arbitrary: driveId.map((id): LifecycleEvent => ({ type: 'DriveFaulted', driveId: id, reason: 'read errors' })),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(
        driveId,
        fc.option(
          fc.constantFrom<DriveState>('Received', 'Transferring', 'Completed', 'CompletedMoreInfo', 'Specified'),
          { nil: undefined },
        ),
      )
      .map(
        ([id, state]): LifecycleEvent =>
          state ? { type: 'DriveResolved', driveId: id, state } : { type: 'DriveResolved', driveId: id },
      ),
    weight: 2,
  },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'JobFaulted', reason: 'operator hold' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'JobResolved' }), weight: 2 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'ReturnAddressWrong', reason: 'no such street' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'ReturnAddressCorrected' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'CustomerUnreachable' }), weight: 1 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'DrivesShippedBack', returnPackage: returned }), weight: 4 },
  { arbitrary: fc.constant<LifecycleEvent>({ type: 'Tick' }), weight: 2 },
);

/** Time steps: mostly minutes, sometimes days, sometimes months (so every timer fires). */
const step = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3_600_000 }), weight: 20 },
  { arbitrary: fc.integer({ min: 1, max: 20 }).map((d) => d * DAY), weight: 2 },
  { arbitrary: fc.integer({ min: 20, max: 120 }).map((d) => d * DAY + 1), weight: 1 },
);

const jobInput = fc.oneof(
  fc.subarray(['A', 'B', 'C'], { minLength: 1 }).map((ids) => ({
    name: 'prop-import',
    type: 'Import' as const,
    drives: ids.map((driveId) => ({ driveId, bytesTotal: 1000 })),
  })),
  fc.constant({ name: 'prop-export', type: 'Export' as const }),
);

const scenario = fc.record({
  input: jobInput,
  steps: fc.array(fc.tuple(event, step), { minLength: 1, maxLength: 80, size: 'max' }),
});

const jobEdges = new Set(jobTransitions.edges.map((e) => `${e.from}>${e.to}>${e.event}`));
const driveEdges = new Set(driveTransitions.edges.map((e) => `${e.from}>${e.to}>${e.event}`));

interface Visit {
  before: LifecycleJob;
  after: LifecycleJob;
  event: LifecycleEvent;
  now: number;
}

/** Run a scenario, handing every accepted step to `check`; refusals must keep the job as it was. */
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(sc: Scenario, check: (v: Visit) => void): void {
  let now = T0;
  let job = createJob(sc.input, now);
  for (const [ev, dt] of sc.steps) {
    if (job.deletedAt !== undefined) return;
    now += dt;
    const frozen = serializeJob(job);
    const r = apply(job, ev, now);
    expect(serializeJob(job), 'apply must not mutate its input').toBe(frozen);
    if (!r.ok) {
      expect(REFUSAL_CODES).toContain(r.code);
      expect(r.message).toMatch(/\(rules? [A-Z]+\d+[^)]*\)/);
      continue;
    }
    check({ before: job, after: r.job, event: ev, now });
    job = r.job;
  }
}

const RUNS = { numRuns: 400 };

describe('life-cycle properties', () => {
  it('random event sequences never produce a transition that is not in the exported tables', () => {
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ before, after }) => {
          for (const h of after.history.slice(before.history.length)) {
            if (h.from === null) {
              expect(h.subject).toBe('drive');
              expect(driveTransitions.initial).toContain(h.to);
              continue;
            }
            const key = `${h.from}>${h.to}>${h.event}`;
            if (h.subject === 'job') expect(jobEdges.has(key), `job edge ${key}`).toBe(true);
            else expect(driveEdges.has(key), `drive edge ${key}`).toBe(true);
          }
        }),
      ),
      RUNS,
    );
  });

  it('the job state always agrees with the states of its drives (J7-J11)', () => {
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ after }) => {
          if (after.deletedAt === undefined) expect(consistencyProblems(after)).toEqual([]);
        }),
      ),
      RUNS,
    );
  });

  it('a job never leaves Completed or Closed except by deletion (J12, A1)', () => {
    const terminal: JobState[] = ['Completed', 'Closed'];
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ before, after }) => {
          if (terminal.includes(before.state)) {
            expect(after.state).toBe(before.state);
            expect(after.drives.map((d) => d.state)).toEqual(before.drives.map((d) => d.state));
          }
        }),
      ),
      RUNS,
    );
  });

  it("a cancelled job's drives never enter Transferring (J14)", () => {
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ after }) => {
          if (!after.cancelRequested) return;
          const since = after.cancelRequestedAt ?? 0;
          expect(
            after.history.filter((h) => h.subject === 'drive' && h.to === 'Transferring' && h.at >= since),
          ).toEqual([]);
          expect(after.drives.filter((d) => d.state === 'Transferring')).toEqual([]);
        }),
      ),
      RUNS,
    );
  });

  it('serialise -> parse is the identity, and timers survive it', () => {
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ after, now }) => {
          const back = parseJob(serializeJob(after));
          expect(back).toStrictEqual(after);
          expect(serializeJob(back)).toBe(serializeJob(after));
          // The restored job reacts to time exactly as the original.
          const later = now + 100 * DAY;
          expect(tick(back, later)).toStrictEqual(tick(after, later));
        }),
      ),
      { numRuns: 150 },
    );
  });

  it('allowed() agrees with apply(): a button enabled is an action accepted, a reason shown is the refusal (J5, J13, A1)', () => {
    fc.assert(
      fc.property(scenario, (sc) =>
        run(sc, ({ after, now }) => {
          if (after.deletedAt !== undefined) return;
          const can = allowed(after);
          const del = apply(after, { type: 'Delete' }, now);
          expect(del.ok).toBe(can.delete.ok);
          if (!can.delete.ok) expect(del).toEqual(can.delete);
          const cancel = apply(after, { type: 'Cancel' }, now);
          if (can.cancel.ok) expect(cancel.ok).toBe(true);
          else if (!after.cancelRequested) expect(cancel).toEqual(can.cancel);
          const update = apply(after, { type: 'UpdateProperties' }, now);
          expect(update.ok).toBe(can.update.ok);
          if (can.setShipping.ok) expect(apply(after, { type: 'SetShipping' }, now).ok).toBe(true);
        }),
      ),
      { numRuns: 150 },
    );
  });

  it('ticking twice at the same time fires nothing the second time', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 200 }), (sc, days) =>
        run(sc, ({ after, now }) => {
          const at = now + days * DAY;
          const once = tick(after, at);
          const twice = tick(once.job, at);
          expect(twice.effects).toEqual([]);
          expect(twice.job.history).toEqual(once.job.history);
          expect(twice.job.deadlines).toEqual(once.job.deadlines);
        }),
      ),
      { numRuns: 150 },
    );
  });
});

describe('the tables and the behaviour match both ways', () => {
  it('every state-changing edge of the tables is actually taken by some event sequence (no dead edges)', () => {
    const seen = new Set<string>();
    const record = (job: LifecycleJob) => {
      for (const h of job.history) if (h.from !== null) seen.add(`${h.subject}:${h.from}>${h.to}>${h.event}`);
    };
    for (const sc of fc.sample(scenario, { numRuns: 2500, seed: 20260105 })) {
      let now = T0;
      let job = createJob(sc.input, now);
      for (const [ev, dt] of sc.steps) {
        if (job.deletedAt !== undefined) break;
        now += dt;
        const r = apply(job, ev, now);
        if (r.ok) job = r.job;
      }
      record(job);
    }
    // Two long, specific paths that random sequences rarely find: scripted.
    const scripted: [LifecycleEvent, number][][] = [
      [
        [{ type: 'SetShipping', deliveryPackage: delivery, returnAddress: address }, 0],
        [{ type: 'PackageArrived', driveIds: ['A', 'B'] }, 0],
        [{ type: 'DriveProcessingStarted', driveId: 'A' }, 0],
        [{ type: 'DriveFaulted', driveId: 'A', reason: 'read errors' }, 0],
        [{ type: 'DriveProcessingStarted', driveId: 'B' }, 0],
        [{ type: 'DriveFinished', driveId: 'B', issues: { errors: 0, warnings: 0, overwrites: 0 } }, 0],
        [{ type: 'DriveResolved', driveId: 'A', state: 'Completed' }, 0],
      ],
      [
        [{ type: 'SetShipping', deliveryPackage: delivery, returnAddress: address }, 0],
        [{ type: 'PackageArrived', driveIds: ['A', 'B'] }, 0],
        [{ type: 'ReturnAddressWrong', reason: 'no such street' }, 0],
        [{ type: 'CustomerUnreachable' }, 0],
        [{ type: 'DriveProcessingStarted', driveId: 'A' }, 0],
        [{ type: 'DriveFinished', driveId: 'A', issues: { errors: 0, warnings: 0, overwrites: 0 } }, 0],
        [{ type: 'DriveProcessingStarted', driveId: 'B' }, 0],
        [{ type: 'DriveFinished', driveId: 'B', issues: { errors: 0, warnings: 0, overwrites: 0 } }, 0],
        [{ type: 'Tick' }, 91 * DAY],
      ],
    ];
    for (const steps of scripted) {
      let now = T0;
      let job = createJob({ name: 'scripted', type: 'Import', drives: [{ driveId: 'A' }, { driveId: 'B' }] }, now);
      for (const [ev, dt] of steps) {
        now += dt + 1;
        const r = apply(job, ev, now);
        if (!r.ok) throw new Error(`${ev.type}: ${r.message}`);
        job = r.job;
      }
      record(job);
    }
    const all = [
      ...jobTransitions.edges.map((e) => ({ ...e, subject: 'job' })),
      ...driveTransitions.edges.map((e) => ({ ...e, subject: 'drive' })),
    ]
      .filter((e) => e.from !== e.to)
      .map((e) => `${e.subject}:${e.from}>${e.to}>${e.event}`);
    expect(all.filter((k) => !seen.has(k))).toEqual([]);
  });
});
