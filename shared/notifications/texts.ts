// The words of every notification: what happened (title) and what to do (body), the same on the
// desktop, in the browser and in the centre. One function per kind of event.
import type { DriveState, JobState } from '../lifecycle/types';
import { dayOf } from '../lifecycle/derive';
import { askAboutThePackage, CANCEL_SKIPS_COPY, KEEP_THE_LOGS } from '../lifecycle/guidance';
import type { NoticeKind } from './schemas';
import type { ObservedVerdict } from './snapshot';

export interface NoticeText {
  kind: NoticeKind;
  title: string;
  body: string;
  rule?: string;
  driveId?: string;
}

const day = (at: number) => dayOf(new Date(at).toISOString());

/** At most `max` characters, cut at a word with an ellipsis (a notice's title and body are bounded). */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

/** The verdict's headline, then what to do next, as one body. */
function verdictBody(v: ObservedVerdict, tail: string): string {
  const next = v.next ? ` Next: ${v.next.replace(/\.?$/, '.')}` : '';
  return clip(`${v.headline}${next} ${tail}`, 1000);
}

/** Whether the verdict says something other than "all is well" (so a notice must say it). */
const notClean = (v: ObservedVerdict | undefined): v is ObservedVerdict =>
  v !== undefined && v.kind !== 'imported' && v.kind !== 'cancelled';

interface JobStep {
  job: string;
  cancelled: boolean;
  verdict?: ObservedVerdict;
}

/** What a job's new state says, and what to do, by state (Faulted and its end are told before). */
const JOB_STATE_TEXTS: Record<Exclude<JobState, 'Faulted'>, (s: JobStep) => NoticeText> = {
  Creating: ({ job }) => {
    return {
      kind: 'jobState',
      title: `Job ${job} is Creating`,
      body: 'Ship the drives, then enter the carrier and tracking number to set it to Shipping.',
    };
  },
  Shipping: ({ job }) => {
    return {
      kind: 'jobState',
      rule: 'J4',
      title: `Job ${job} is Shipping`,
      body: 'The service knows your package is on its way. Haul tells you when the data center receives it.',
    };
  },
  Received: ({ job, cancelled }) => {
    return {
      kind: 'jobState',
      rule: 'J7',
      title: `Job ${job}: the data center received your drives`,
      body: cancelled
        ? `The job was cancelled. ${CANCEL_SKIPS_COPY}`
        : 'Nothing to do: the copy starts soon (rule J7).',
    };
  },
  Transferring: ({ job }) => {
    return {
      kind: 'jobState',
      rule: 'J8',
      title: `Job ${job}: copying data`,
      body: 'The data center has begun copying your drives (rule J8). Nothing to do.',
    };
  },
  Packaging: ({ job, cancelled, verdict }) => {
    if (!cancelled && notClean(verdict))
      return {
        kind: 'jobState',
        rule: 'J9',
        title: clip(`Job ${job}: copy finished, ${verdict.label.toLowerCase()}`, 300),
        body: verdictBody(verdict, 'The drives are packed to ship back to you next (rule J9).'),
      };
    return {
      kind: 'jobState',
      rule: 'J9',
      title: `Job ${job}: drives processed, being packed`,
      body: cancelled
        ? 'The job was cancelled, so nothing was copied; the drives are packed to ship back to you (rules J9, J14). Nothing to do.'
        : 'Every drive is processed (rule J9); they are shipped back to your return address next. Nothing to do.',
    };
  },
  Completed: ({ job, cancelled, verdict }) => {
    if (cancelled)
      return {
        kind: 'jobState',
        rule: 'J14',
        title: `Job ${job} is Completed (cancelled)`,
        body: 'Nothing was imported: the job was cancelled, so its copy was skipped. Any drives it had are on their way back (rule J14). It is deleted 90 days from now (rule J12).',
      };
    if (notClean(verdict))
      return {
        kind: 'jobState',
        rule: 'J10',
        title: clip(`Job ${job} is Completed: ${verdict.label.toLowerCase()}`, 300),
        body: verdictBody(verdict, KEEP_THE_LOGS),
      };
    return {
      kind: 'jobState',
      rule: 'J10',
      title: `Job ${job} is Completed`,
      body: `All drives were shipped back and the job finished without errors (rule J10). ${KEEP_THE_LOGS}`,
    };
  },
  Closed: ({ job, verdict }) => {
    if (notClean(verdict))
      return {
        kind: 'jobState',
        rule: 'J11',
        title: clip(`Job ${job} is Closed: ${verdict.label.toLowerCase()}`, 300),
        body: verdictBody(verdict, `The job ended with errors (rule J11). ${KEEP_THE_LOGS}`),
      };
    return {
      kind: 'jobState',
      rule: 'J11',
      title: `Job ${job} is Closed, with errors`,
      body: `The job ended with errors (rule J11). Open it and read the drive error logs: they name what was not copied. ${KEEP_THE_LOGS}`,
    };
  },
};

export function jobStateText(
  job: string,
  from: JobState,
  to: JobState,
  cancelled: boolean,
  verdict?: ObservedVerdict,
): NoticeText {
  if (to === 'Faulted')
    return {
      kind: 'faulted',
      rule: 'F1',
      title: `Job ${job} is Faulted`,
      body: 'It stopped progressing normally at the data center (rule F1). The operators will contact you by email or phone; nothing to do until then.',
    };
  if (from === 'Faulted')
    return {
      kind: 'resolved',
      rule: 'F2',
      title: `Job ${job}: the fault is resolved`,
      body: `The job is ${to} again (rule F2). Nothing to do.`,
    };
  return JOB_STATE_TEXTS[to]({ job, cancelled, ...(verdict ? { verdict } : {}) });
}

/** The verdict became known after the job's last step was told (its error logs were read later). */
export function verdictText(job: string, verdict: ObservedVerdict): NoticeText {
  return {
    kind: 'jobState',
    title: clip(`Job ${job}: ${verdict.label.toLowerCase()}`, 300),
    body: verdictBody(verdict, ''),
  };
}

interface DriveStep {
  /** "Drive X of job Y" */
  who: string;
  driveId: string;
  from: DriveState;
  ctx: { jobState: JobState; errors?: number; copyStatus?: string };
}

/** What a drive's new state says, and what to do, by state (Faulted and its end are told before). */
const DRIVE_STATE_TEXTS: Record<Exclude<DriveState, 'Faulted'>, (s: DriveStep) => NoticeText> = {
  Received: ({ who, driveId, from }) => {
    return from === 'NeverReceived'
      ? {
          kind: 'receivedAgain',
          rule: 'DE1',
          driveId,
          title: `${who} arrived after all`,
          body: 'It came in another shipment and is Received now (rule DE1). Nothing to do.',
        }
      : {
          kind: 'driveState',
          rule: 'D3',
          driveId,
          title: `${who} was received`,
          body: 'The data center has it. Nothing to do.',
        };
  },
  NeverReceived: ({ who, driveId, ctx }) => {
    if (ctx.jobState === 'Completed' || ctx.jobState === 'Closed')
      return {
        kind: 'neverReceived',
        rule: 'D4',
        driveId,
        title: `${who} never arrived`,
        body: 'It never reached the data center (rule D4), so none of its files were imported, and the job is over. Send those files again, in a new job.',
      };
    return ctx.jobState === 'Shipping'
      ? {
          kind: 'neverReceived',
          rule: 'D4',
          driveId,
          title: `${who} never arrived`,
          body: '14 days have passed since you shipped it and the package has not arrived (rule D4). Ask your carrier about the tracking number; update it in Haul if it changed. If the drive turns up, it is received then (rule DE1).',
        }
      : {
          kind: 'neverReceived',
          rule: 'D4',
          driveId,
          title: `${who} never arrived`,
          body: 'The package arrived without it (rule D4). Find the drive and ship it to the data center; it is received when it arrives (rule DE1). Until then it counts as an error of the job (rule J11).',
        };
  },
  Transferring: ({ who, driveId }) => {
    return {
      kind: 'driveState',
      rule: 'D5',
      driveId,
      title: `${who}: copy started`,
      body: 'The data center is copying this drive. Nothing to do.',
    };
  },
  Completed: ({ who, driveId }) => {
    return {
      kind: 'driveState',
      rule: 'D6',
      driveId,
      title: `${who} copied without errors`,
      body: 'All its data was transferred (rule D6). Nothing to do.',
    };
  },
  CompletedMoreInfo: ({ who, driveId, ctx }) => {
    const n = ctx.errors;
    const title =
      n === undefined
        ? `${who} finished with issues`
        : n > 0
          ? `${who} finished with ${n} error${n === 1 ? '' : 's'}`
          : `${who} finished with warnings`;
    const body =
      n !== undefined && n > 0
        ? "Open the job and read the drive's error log (rule D7): it names each blob that was not copied. Copy those again, with a new job or straight to the storage account."
        : "Open the job and read the drive's log (rule D7): it lists the blobs that were renamed, skipped or overwritten. Check that this is what you wanted.";
    return { kind: 'completedMoreInfo', rule: 'D7', driveId, title, body };
  },
  ShippedBack: ({ who, driveId }) => {
    return {
      kind: 'driveState',
      rule: 'D8',
      driveId,
      title: `${who} shipped back`,
      body: 'It is on its way to your return address. The job shows the carrier and tracking number.',
    };
  },
  Specified: ({ who, driveId }) => {
    return {
      kind: 'driveState',
      rule: 'D1',
      driveId,
      title: `${who} is Specified`,
      body: 'The service waits for the drive. Nothing to do.',
    };
  },
};

export function driveStateText(
  job: string,
  driveId: string,
  from: DriveState,
  to: DriveState,
  ctx: { jobState: JobState; errors?: number; copyStatus?: string },
): NoticeText {
  const who = `Drive ${driveId} of job ${job}`;
  if (to === 'Faulted')
    return {
      kind: 'faulted',
      rule: 'F1',
      driveId,
      title: `${who} is Faulted`,
      body: `${ctx.copyStatus ? `${ctx.copyStatus.replace(/\.?$/, '.')} ` : ''}The operators will contact you by email or phone (rule F1); nothing to do until then.`,
    };
  if (from === 'Faulted')
    return {
      kind: 'resolved',
      rule: 'F2',
      driveId,
      title: `${who}: the fault is resolved`,
      body: `The drive is ${to} again (rule F2). Nothing to do.`,
    };
  return DRIVE_STATE_TEXTS[to]({ who, driveId, from, ctx });
}

/** A G2 milestone; 100 % is said only of a job whose every file was copied (see diff.ts). */
export function milestoneText(job: string, percent: number): NoticeText {
  return percent >= 100
    ? {
        kind: 'progress',
        rule: 'G2',
        title: `Job ${job}: all data copied (100%)`,
        body: 'The data center copied every drive. Nothing to do; the drives are shipped back next.',
      }
    : {
        kind: 'progress',
        rule: 'G2',
        title: `Job ${job} is ${percent}% copied`,
        body: 'The copy is under way. Nothing to do.',
      };
}

export function operatorsAlertedText(job: string): NoticeText {
  return {
    kind: 'operatorsAlerted',
    rule: 'J6',
    title: `Job ${job}: package not received after 14 days`,
    body: `The operators were alerted (rule J6). ${askAboutThePackage('your carrier')}`,
  };
}

export function goneText(job: string, rule: string): NoticeText {
  switch (rule) {
    case 'J2':
      return {
        kind: 'jobGone',
        rule,
        title: `Job ${job} was deleted: 14 days in Creating`,
        body: 'It was never set to Shipping, so the service deleted it (rule J2). If you still want to send the drives, create a new job.',
      };
    case 'J12':
      return {
        kind: 'jobGone',
        rule,
        title: `Job ${job} was deleted, 90 days after it finished`,
        body: 'The service deletes finished jobs after 90 days (rule J12); its logs are no longer available from the job. Nothing else to do.',
      };
    case 'A1':
      return {
        kind: 'jobGone',
        rule,
        title: `Job ${job} was deleted`,
        body: 'Someone deleted it (rule A1); the service no longer has it. Nothing to do unless that was a mistake: then create the job again.',
      };
    default:
      return {
        kind: 'jobGone',
        title: `Job ${job} is gone`,
        body: 'The service no longer knows this job. Check the connected resource group; Haul stops following it.',
      };
  }
}

export function creatingReminderText(job: string, expiresAt: number): NoticeText {
  return {
    kind: 'deadline',
    rule: 'J2',
    title: `Job ${job} expires in 2 days`,
    body: `A job left in Creating is deleted after 14 days (rule J2), on ${day(expiresAt)}. Ship the drives and enter the carrier and tracking number before then; any update of the job also restarts the 14 days (rule J3).`,
  };
}

export function deleteReminderText(job: string, deletedAt: number): NoticeText {
  return {
    kind: 'deadline',
    rule: 'J12',
    title: `Job ${job} is deleted in 7 days`,
    body: `Finished jobs are deleted 90 days after they end (rule J12), this one on ${day(deletedAt)}. Download the drive logs now if you want to keep them.`,
  };
}
