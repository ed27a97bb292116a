// Step 4 (import): the copy main runs. A bar per drive and overall (bytes, files, speed, time
// left), Cancel, Resume, then the verify result. Errors are said in words with the file and what
// to do. The copy goes on in main when the window closes; opening the draft again shows it.
import { useEffect } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, Play20Regular, Stop20Regular } from '@fluentui/react-icons';
import { formatBytes, formatDuration } from '../../../../shared/prep/names';
import type { PrepEvent } from '../../../../shared/prep/types';
import type { PrepSessionInfo } from '../../../../shared/prep/session';
import { useHaul } from '../../store';
import type { ProgressEvent } from '../../store/wizard';
import { Section, useStepStyles } from './parts';
import type { StepProps } from './WizardScreen';

const RUNNING = new Set<PrepSessionInfo['state']>(['planning', 'copying', 'verifying', 'stopping']);

const STATE_TEXT: Record<PrepSessionInfo['state'], string> = {
  planning: 'Planning',
  copying: 'Copying',
  verifying: 'Verifying',
  stopping: 'Stopping…',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
  finished: 'Finished',
};

const DRIVE_STATE: Record<
  ProgressEvent['drives'][number]['state'],
  { text: string; color: 'informative' | 'success' | 'warning' | 'danger' | 'subtle' }
> = {
  waiting: { text: 'waiting', color: 'subtle' },
  copying: { text: 'copying', color: 'informative' },
  verifying: { text: 'verifying', color: 'informative' },
  done: { text: 'done', color: 'success' },
  full: { text: 'full', color: 'warning' },
  removed: { text: 'pulled out', color: 'danger' },
  failed: { text: 'failed', color: 'danger' },
  stopped: { text: 'stopped', color: 'warning' },
};

/** Whether the session is done: every file copied and every drive verified. */
export function sessionVerified(s: PrepSessionInfo | undefined): boolean {
  const r = s?.result;
  return !!s && s.state === 'finished' && !!r?.ok && r.drives.length > 0 && r.drives.every((d) => d.verified === true);
}

export function PrepareStep({ setGate }: StepProps) {
  const styles = useStepStyles();
  const sessionId = useHaul((s) => s.wizard.values.prepare.sessionId);
  const session = useHaul((s) => (sessionId ? s.wizard.sessions[sessionId] : undefined));
  const log = useHaul((s) => (sessionId ? s.wizard.logs[sessionId] : undefined));
  const refreshSessions = useHaul((s) => s.wizard.refreshSessions);
  const cancel = useHaul((s) => s.wizard.cancelPrep);
  const resume = useHaul((s) => s.wizard.resumePrep);
  const verify = useHaul((s) => s.wizard.verifyPrep);
  const busy = useHaul((s) => s.wizard.prepBusy);
  const prepError = useHaul((s) => s.wizard.prepError);
  const reports = useHaul((s) => s.wizard.verifyReports);

  useEffect(() => {
    void refreshSessions();
  }, [refreshSessions]);

  const done = sessionVerified(session);
  const running = !!session && RUNNING.has(session.state);
  useEffect(() => {
    setGate({
      canNext: done,
      why: done
        ? undefined
        : running
          ? 'Wait until every drive is copied and verified.'
          : 'Every drive must be copied and verified before the job is created.',
    });
  }, [done, running, setGate]);

  if (!sessionId) {
    return <Body1>No preparation has started for this draft. Go back to Drives, choose and confirm the drives.</Body1>;
  }
  if (!session) return <Spinner label="Asking main about the copy…" />;

  const progress = log?.progress ?? (session.progress?.type === 'progress' ? session.progress : undefined);
  const result = session.result;
  const pct = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : 0);

  return (
    <div className={styles.step}>
      <div className={styles.actions}>
        <Badge
          size="large"
          appearance="filled"
          color={
            done ? 'success' : running ? 'brand' : session.state === 'finished' && !result?.ok ? 'danger' : 'warning'
          }
          data-testid="prep-state"
        >
          {done ? 'Verified' : STATE_TEXT[session.state]}
        </Badge>
        {running && (
          <Button
            icon={<Stop20Regular />}
            disabled={busy || session.state === 'stopping'}
            onClick={() => void cancel()}
          >
            Cancel
          </Button>
        )}
        {!running && session.resumable && (
          <Button appearance="primary" icon={<Play20Regular />} disabled={busy} onClick={() => void resume()}>
            Resume
          </Button>
        )}
        {!running && session.state === 'finished' && (
          <Button icon={<ArrowClockwise20Regular />} disabled={busy} onClick={() => void verify()}>
            Verify again
          </Button>
        )}
        <Caption1 className={styles.muted}>
          The copy runs in Haul&apos;s main process: closing this window does not stop it.
        </Caption1>
      </div>
      {session.notes.map((n) => (
        <MessageBar key={n} intent="warning">
          <MessageBarBody>{n}</MessageBarBody>
        </MessageBar>
      ))}
      {session.state === 'interrupted' && (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>The copy was interrupted</MessageBarTitle>
            Haul stopped while it copied (a restart or a crash). Resume continues from the journal: files already copied
            are not copied again.
          </MessageBarBody>
        </MessageBar>
      )}
      {prepError && (
        <MessageBar intent="error">
          <MessageBarBody>{prepError}</MessageBarBody>
        </MessageBar>
      )}

      {progress && (
        <Section title={progress.phase === 'verify' ? 'Verifying' : 'Copying'}>
          <div data-testid="prep-overall">
            <ProgressBar
              value={pct(progress.bytesDone, progress.bytesTotal)}
              thickness="large"
              aria-label="All drives"
              color={done ? 'success' : 'brand'}
            />
            <Caption1 data-testid="prep-overall-text">
              {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)} ·{' '}
              {progress.filesDone.toLocaleString()} of {progress.filesTotal.toLocaleString()} files
              {RUNNING.has(session.state) &&
                ` · ${formatBytes(progress.speed)}/s · ${progress.etaSeconds !== undefined ? `${formatDuration(progress.etaSeconds)} left` : 'time left unknown'}`}
            </Caption1>
            {running && progress.currentFile && (
              <Caption1 className={styles.mono} style={{ display: 'block' }}>
                {progress.currentFile}
              </Caption1>
            )}
          </div>
          <ul
            className={styles.list}
            style={{ listStyle: 'none', paddingLeft: 0, gap: tokens.spacingVerticalM }}
            aria-label="Drives"
            data-testid="prep-drives"
          >
            {progress.drives.map((d) => {
              const st = DRIVE_STATE[d.state];
              return (
                <li key={d.driveId} data-testid="prep-drive" data-drive-id={d.driveId}>
                  <div className={styles.actions}>
                    <Subtitle2 as="h4" className={styles.mono} style={{ margin: 0 }}>
                      {d.driveId}
                    </Subtitle2>
                    <Caption1 className={styles.mono}>{d.target}</Caption1>
                    <Badge appearance="tint" color={st.color}>
                      {st.text}
                    </Badge>
                  </div>
                  <ProgressBar
                    value={pct(d.bytesDone, d.bytesTotal)}
                    thickness="large"
                    aria-label={`Drive ${d.driveId}`}
                    color={
                      d.state === 'done'
                        ? 'success'
                        : d.state === 'removed' || d.state === 'failed'
                          ? 'error'
                          : d.state === 'full' || d.state === 'stopped'
                            ? 'warning'
                            : 'brand'
                    }
                  />
                  <Caption1>
                    {formatBytes(d.bytesDone)} of {formatBytes(d.bytesTotal)} · {d.filesDone.toLocaleString()} of{' '}
                    {d.filesTotal.toLocaleString()} files
                  </Caption1>
                </li>
              );
            })}
          </ul>
        </Section>
      )}

      {(log?.notes.length ?? 0) > 0 && (
        <Section title="What happened">
          <ul className={styles.list} aria-label="Preparation events" data-testid="prep-notes">
            {dedupe(log!.notes).map((e, i) => (
              <li key={i}>{noteText(e)}</li>
            ))}
          </ul>
        </Section>
      )}

      {result && (
        <Section title="Result">
          <MessageBar intent={done ? 'success' : result.ok ? 'info' : 'error'} data-testid="prep-result">
            <MessageBarBody>
              <MessageBarTitle>
                {done
                  ? 'Every drive is prepared and verified'
                  : result.outcome === 'stopped'
                    ? 'Stopped'
                    : 'Not finished'}
              </MessageBarTitle>
              {result.message}
            </MessageBarBody>
          </MessageBar>
          {result.filesSkipped > 0 && (
            <Body1 data-testid="prep-resumed">
              All {(result.filesCopied + result.filesSkipped).toLocaleString()} files are on the drives:{' '}
              {result.filesCopied.toLocaleString()} copied in this run, {result.filesSkipped.toLocaleString()} already
              copied before it stopped (not copied again).
            </Body1>
          )}
          {result.failed.length > 0 && (
            <>
              <Body1>These files were not copied (the rest were):</Body1>
              <ul className={styles.list} data-testid="prep-failed">
                {result.failed.slice(0, 50).map((f) => (
                  <li key={f.source}>
                    <span className={styles.mono}>{f.source}</span>: {f.message}
                  </li>
                ))}
              </ul>
              <Caption1>
                Fix them (permissions, a file in use) and Resume, or go back to Data and exclude them.
              </Caption1>
            </>
          )}
          <ul className={styles.list} aria-label="Prepared drives">
            {result.drives.map((d) => (
              <li key={d.driveId}>
                <span className={styles.mono}>{d.driveId}</span>: {d.files.toLocaleString()} files,{' '}
                {formatBytes(d.bytes)} —{' '}
                {d.verified === true ? (
                  'verified'
                ) : d.verified === false ? (
                  <strong style={{ color: tokens.colorPaletteRedForeground1 }}>verify failed</strong>
                ) : (
                  'not verified yet'
                )}
              </li>
            ))}
          </ul>
          {reports
            ?.filter((r) => !r.ok)
            .map((r) => (
              <MessageBar key={r.target} intent="error">
                <MessageBarBody>
                  <MessageBarTitle>{r.driveId ?? r.target} did not verify</MessageBarTitle>
                  {r.problems.slice(0, 5).join(' ')} Resume copies the bad files again.
                </MessageBarBody>
              </MessageBar>
            ))}
        </Section>
      )}
    </div>
  );
}

/** The same message a drive repeats (e.g. each file of a pulled drive) is said once. */
function dedupe(notes: PrepEvent[]): PrepEvent[] {
  const seen = new Set<string>();
  return notes.filter((e) => {
    const k = noteText(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function noteText(e: PrepEvent): string {
  switch (e.type) {
    case 'file-error':
      return `${e.source}: ${e.message}`;
    case 'drive-full':
      return `${e.driveId} is full: ${e.message}`;
    case 'drive-removed':
      return `${e.driveId} (${e.target}) was pulled out: ${e.message} Plug it back in and press Resume.`;
    case 'drive-done':
      return `${e.driveId}: ${e.files.toLocaleString()} files, ${formatBytes(e.bytes)} copied; manifest written.`;
    case 'verify-result':
      return e.ok
        ? `${e.driveId} verified: ${e.blobs.toLocaleString()} blobs, ${e.blocks.toLocaleString()} blocks read back and matched.`
        : `${e.driveId} did not verify: ${e.mismatches.slice(0, 3).join('; ')}`;
    case 'done':
      return e.message;
    case 'keep-awake':
      return e.message;
    case 'preflight':
      return `${e.problems.length} pre-flight problems.`;
    case 'plan':
      return 'Planned.';
    case 'progress':
      return '';
  }
}
