// Diff → notices: from the state of a job seen last (persisted) and the Get Job answer seen now,
// the next state to remember and the notices to send, in the order things happened. Pure: the
// tracker persists `next` (with the notices) before any of them is shown, which is what makes
// every notice appear exactly once across polls and restarts.
import type { DriveState, JobState } from '../lifecycle/types';
import { CREATING_REMINDER_MS, DAY_MS, DELETE_REMINDER_MS } from './estimates';
import type { NoticeDraft } from './schemas';
import { errorCount, type JobSnapshot, type ObservedDrive, type ObservedJob } from './snapshot';
import { driveSteps, jobRank, jobSteps } from './steps';
import {
  creatingReminderText,
  deleteReminderText,
  driveStateText,
  goneText,
  jobStateText,
  milestoneText,
  operatorsAlertedText,
  verdictText,
  type NoticeText,
} from './texts';

export const MILESTONES = [25, 50, 75, 100] as const;

/** What one poll saw: the job, or "not found". */
export type Observation = { found: true; job: ObservedJob } | { found: false; name: string };

export interface DiffResult {
  next: JobSnapshot;
  notices: NoticeDraft[];
}

export interface DiffOptions {
  /**
   * A job seen for the first time is news: it ended after Haul began following the connection
   * (its first list is taken), so a job first seen already over tells how it ended. Without it, a
   * first sighting tells only the alerts in force (the first list of a connection: no old news).
   */
  firstSightingIsNews?: boolean;
}

// Where a notice falls in the life cycle: phases follow the job states (Creating 0 … Completed/
// Closed 5); inside a phase, the drives' steps (the cause) come before the job's (the effect).
// A fault resolved comes first, a new fault and the reminders last.
const RESOLVED = -1;
const FAULT = 8;
const REMINDERS = 9;
function drivePhase(to: DriveState, jobState: JobState): number {
  switch (to) {
    case 'Specified':
      return 0;
    case 'NeverReceived':
      return jobState === 'Shipping' ? 1 : 2;
    case 'Received':
      return 2;
    case 'Transferring':
      return 3;
    case 'Completed':
    case 'CompletedMoreInfo':
      return 4;
    case 'ShippedBack':
      return 5;
    case 'Faulted':
      return FAULT;
  }
}

interface Ordered {
  phase: number;
  sub: number;
  text: NoticeText;
}

/** Every file of the job copied, as far as its verdict says (none yet: nothing says otherwise). */
function allCopied(job: ObservedJob): boolean {
  return job.verdict === undefined || job.verdict.kind === 'imported';
}

function highestMilestone(percent: number): number {
  let m = 0;
  for (const x of MILESTONES) if (percent >= x) m = x;
  return m;
}

/** Which rule explains a job that Get Job no longer finds, from the last state seen and the time. */
export function goneRule(last: JobSnapshot, now: number): string {
  // A day of slack: the deadlines are estimates; a customer's own Delete (A1) comes earlier.
  const due = (at: number | undefined) => at !== undefined && now >= at - DAY_MS;
  if (last.state === 'Creating') return due(last.deadlines.J2) ? 'J2' : 'A1';
  if (last.state === 'Completed' || last.state === 'Closed') return due(last.deadlines.J12) ? 'J12' : 'A1';
  return 'unknown';
}

function snapshotOf(job: ObservedJob, now: number, prev?: JobSnapshot): JobSnapshot {
  return {
    name: job.name,
    type: job.type,
    state: job.state,
    cancelRequested: job.cancelRequested,
    percent: job.percent,
    milestone: prev?.milestone ?? highestMilestone(job.percent),
    drives: job.drives.map((d) => ({ driveId: d.driveId, state: d.state })),
    deadlines: job.deadlines,
    firstSeenAt: prev?.firstSeenAt ?? now,
    stateSeenAt: prev && prev.state === job.state ? prev.stateSeenAt : now,
    alerted: prev?.alerted ?? false,
    reminded: prev?.reminded ?? {},
    ...(prev?.faultedFrom ? { faultedFrom: prev.faultedFrom } : {}),
    seq: prev?.seq ?? 0,
    ...(job.verdict ? { verdict: job.verdict.kind } : {}),
  };
}

/**
 * The alerts a job is in now, by id: a drive never received (D4), a drive whose copy left files
 * not imported (D7), a job or drive Faulted (F1). Each is told once while it lasts.
 */
export function activeAlerts(job: ObservedJob): string[] {
  const ids: string[] = [];
  if (job.state === 'Faulted') ids.push('F1');
  for (const d of job.drives) {
    if (d.state === 'NeverReceived') ids.push(`D4:${d.driveId}`);
    else if (d.state === 'Faulted') ids.push(`F1:${d.driveId}`);
    else if (d.verdict === 'importedWithErrors' || d.verdict === 'notImported') ids.push(`D7:${d.driveId}`);
  }
  return ids;
}

/** What a snapshot of an older version (without `notified`) had told: the alerts its states show. */
function toldBefore(prev: JobSnapshot): string[] {
  if (prev.notified) return prev.notified;
  const ids: string[] = prev.state === 'Faulted' ? ['F1'] : [];
  for (const d of prev.drives) {
    if (d.state === 'NeverReceived') ids.push(`D4:${d.driveId}`);
    else if (d.state === 'Faulted') ids.push(`F1:${d.driveId}`);
    else if (d.state === 'CompletedMoreInfo' || d.state === 'ShippedBack') ids.push(`D7:${d.driveId}`);
  }
  return ids;
}

/** The alert a notice tells, if it tells one. */
function alertOf(text: NoticeText): string | undefined {
  const at = text.driveId ? `:${text.driveId}` : '';
  if (text.kind === 'neverReceived') return `D4${at}`;
  if (text.kind === 'completedMoreInfo') return `D7${at}`;
  if (text.kind === 'faulted') return `F1${at}`;
  return undefined;
}

/**
 * What changed since the last look: the job's steps and each known drive's, an outcome learnt
 * later, the J6 alert and the G2 milestone; `next.alerted` is set once J6 is told.
 */
function changeNotices(prev: JobSnapshot, job: ObservedJob, next: JobSnapshot, now: number): Ordered[] {
  const out: Ordered[] = [];
  // The job's own steps, through the states the table says it passed.
  const steps = jobSteps(prev.state, job.state, job.drives, job.cancelRequested, prev.faultedFrom);
  for (const step of steps) {
    const phase = step.to === 'Faulted' ? FAULT : step.from === 'Faulted' ? RESOLVED : jobRank(step.to);
    out.push({
      phase,
      sub: 2,
      text: jobStateText(job.name, step.from, step.to, job.cancelRequested, job.verdict),
    });
  }
  // The outcome became known after its step was told (Haul read the error logs later).
  if (
    steps.length === 0 &&
    prev.verdict === 'checking' &&
    job.verdict &&
    job.verdict.kind !== 'checking' &&
    (job.state === 'Completed' || job.state === 'Closed' || job.state === 'Packaging')
  ) {
    out.push({ phase: jobRank(job.state), sub: 2, text: verdictText(job.name, job.verdict) });
  }
  // Each drive's steps. A drive Haul had not seen yet (an export drive, an extra one) is news
  // only from its next step on.
  const before = new Map(prev.drives.map((d) => [d.driveId, d.state]));
  for (const d of job.drives) {
    const was = before.get(d.driveId);
    if (was === undefined) continue;
    for (const step of driveSteps(was, d)) {
      const phase = step.to === 'Faulted' ? FAULT : step.from === 'Faulted' ? RESOLVED : drivePhase(step.to, job.state);
      out.push({
        phase,
        sub: 1,
        text: driveStateText(job.name, d.driveId, step.from, step.to, driveContext(job, d)),
      });
    }
  }
  // J6: 14 days in Shipping without the package (the service marks the drives NeverReceived then).
  if (job.state === 'Shipping' && !next.alerted) {
    const due = job.deadlines.J6;
    if (due !== undefined && now >= due) {
      out.push({ phase: 1, sub: 0, text: operatorsAlertedText(job.name) });
      next.alerted = true;
    }
  }
  // G2 milestones while the copy runs: the highest one passed since the last poll. "All data
  // copied" only when every file was (the verdict); otherwise the step's notice says what was not.
  const m = highestMilestone(job.percent);
  if (
    m > next.milestone &&
    (m < 100 || allCopied(job)) &&
    !job.cancelRequested &&
    (job.state === 'Transferring' || job.state === 'Packaging')
  ) {
    out.push({ phase: m >= 100 ? 4 : 3, sub: 3, text: milestoneText(job.name, m) });
  }
  return out;
}

/** Reminders of the J2 and J12 deadlines coming, once per deadline; recorded in `next.reminded`. */
function deadlineReminders(job: ObservedJob, next: JobSnapshot, now: number): Ordered[] {
  const out: Ordered[] = [];
  // Deadlines coming, from the estimates: once per deadline (an update that moves it reminds again).
  // The view's estimates move a little with each look (times Haul observed), so a reminder is for
  // a deadline give or take a day; one that moves further (J3: an update) reminds again.
  const remindedFor = (rule: 'J2' | 'J12', at: number) =>
    next.reminded[rule] !== undefined && Math.abs(next.reminded[rule]! - at) < DAY_MS;
  const j2 = job.state === 'Creating' ? job.deadlines.J2 : undefined;
  if (j2 !== undefined && now >= j2 - CREATING_REMINDER_MS && now < j2 && !remindedFor('J2', j2)) {
    out.push({ phase: REMINDERS, sub: 0, text: creatingReminderText(job.name, j2) });
    next.reminded = { ...next.reminded, J2: j2 };
  }
  const j12 = job.state === 'Completed' || job.state === 'Closed' ? job.deadlines.J12 : undefined;
  if (j12 !== undefined && now >= j12 - DELETE_REMINDER_MS && now < j12 && !remindedFor('J12', j12)) {
    out.push({ phase: REMINDERS, sub: 1, text: deleteReminderText(job.name, j12) });
    next.reminded = { ...next.reminded, J12: j12 };
  }
  return out;
}

/**
 * The ending of a job first seen already over (Completed or Closed): the notice a job followed
 * all along got when it took its last step, with the verdict it ended with.
 */
function endingNotice(job: ObservedJob): Ordered | undefined {
  if (job.state !== 'Completed' && job.state !== 'Closed') return undefined;
  const last = jobSteps('Creating', job.state, job.drives, job.cancelRequested).at(-1);
  const from = last?.from ?? 'Packaging';
  return {
    phase: jobRank(job.state),
    sub: 2,
    text: jobStateText(job.name, from, job.state, job.cancelRequested, job.verdict),
  };
}

/**
 * `now` is the service's clock (the deadlines are reckoned on it; the local sandbox's moves with
 * `ops advance`); `at` is Haul's own, for when things were seen.
 */
export function diffJob(
  prev: JobSnapshot | undefined,
  seen: Observation,
  now: number,
  at = now,
  opts: DiffOptions = {},
): DiffResult | undefined {
  if (!seen.found) {
    if (!prev || prev.gone) return undefined;
    const rule = goneRule(prev, now);
    const next: JobSnapshot = { ...prev, gone: { at, rule } };
    return { next, notices: number(next, [{ phase: 0, sub: 0, text: goneText(prev.name, rule) }], at) };
  }
  const job = seen.job;
  // A name used again after its job was deleted is a new job: a fresh start, ids counting on.
  const last = prev?.gone ? undefined : prev;
  const next = snapshotOf(job, at, last);
  next.seq = prev?.seq ?? 0;
  const out: Ordered[] = [];

  if (prev && last) out.push(...changeNotices(prev, job, next, now));
  // A job first seen already over, once the connection's first list is taken: how it ended.
  else if (opts.firstSightingIsNews) {
    const ending = endingNotice(job);
    if (ending) out.push(ending);
  }

  // Alerts in force that were never told: at a job's first sighting (a job made in the portal,
  // seen first with a drive missing), or once its error logs were read. Told once while they last.
  const told = new Set([...(last ? toldBefore(last) : []), ...out.flatMap((o) => alertOf(o.text) ?? [])]);
  const active = activeAlerts(job);
  for (const id of active) {
    if (told.has(id)) continue;
    const [rule, driveId] = id.split(':') as [string, string | undefined];
    const d = driveId ? job.drives.find((x) => x.driveId === driveId) : undefined;
    if (rule === 'F1' && !d) {
      out.push({ phase: FAULT, sub: 2, text: jobStateText(job.name, last?.state ?? job.state, 'Faulted', false) });
    } else if (d) {
      const to: DriveState = rule === 'D4' ? 'NeverReceived' : rule === 'F1' ? 'Faulted' : 'CompletedMoreInfo';
      out.push({
        phase: rule === 'F1' ? FAULT : drivePhase(to, job.state),
        sub: 1,
        text: driveStateText(job.name, d.driveId, d.state === to ? 'Specified' : d.state, to, driveContext(job, d)),
      });
    }
  }
  // A copy with issues told before its error log was read stays told while the drive is finished.
  const finished = new Set(
    job.drives
      .filter((d) => d.state === 'CompletedMoreInfo' || d.state === 'ShippedBack')
      .map((d) => `D7:${d.driveId}`),
  );
  next.notified = [...new Set([...active, ...[...told].filter((id) => finished.has(id))])];
  // 100 % counts as passed only once it could be told (every file copied): a poll that saw 100 %
  // while the verdict was still being made must leave "all data copied" to the next one.
  const reached = highestMilestone(job.percent);
  next.milestone = Math.max(next.milestone, reached >= 100 && !allCopied(job) ? 75 : reached);
  if (job.state !== 'Shipping') next.alerted = false;
  if (job.state === 'Faulted') next.faultedFrom = last?.state === 'Faulted' ? last.faultedFrom : last?.state;
  else delete next.faultedFrom;

  out.push(...deadlineReminders(job, next, now));

  // Stable sort: same phase and sub keep the order they were made in (table order, drive order).
  out.sort((a, b) => a.phase - b.phase || a.sub - b.sub);
  return { next, notices: number(next, out, at) };
}

function driveContext(
  job: ObservedJob,
  d: ObservedDrive,
): { jobState: JobState; errors?: number; copyStatus?: string } {
  const errors = d.failedFiles ?? errorCount(d.copyStatus);
  return {
    jobState: job.state,
    ...(errors !== undefined ? { errors } : {}),
    ...(d.copyStatus !== undefined ? { copyStatus: d.copyStatus } : {}),
  };
}

/** Gives each notice its id (`<job>#<n>`), counting on from the snapshot's seq. */
function number(next: JobSnapshot, ordered: Ordered[], now: number): NoticeDraft[] {
  return ordered.map(({ text }) => {
    next.seq += 1;
    return {
      id: `${next.name}#${next.seq}`,
      kind: text.kind,
      jobName: next.name,
      title: text.title,
      body: text.body,
      at: now,
      ...(text.rule ? { rule: text.rule } : {}),
      ...(text.driveId ? { driveId: text.driveId } : {}),
    };
  });
}
