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
  Spinner,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, Play20Regular, Stop20Regular } from '@fluentui/react-icons';
import type { PrepSessionInfo } from '../../../../shared/prep/session';
import { useHaul } from '../../store';
import { Section, useStepStyles } from './parts';
import type { StepProps } from './step';
import { PrepProgress } from './PrepProgress';
import { PrepResult } from './PrepResult';
import { dedupe, noteText } from './prepNotes';

export { noteText };

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
  const verify = useHaul((s) => s.wizard.verifyPrep);
  const busy = useHaul((s) => s.wizard.prepBusy);
  const prepError = useHaul((s) => s.wizard.prepError);

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

  return (
    <div className={styles.step}>
      <PrepControls session={session} done={done} running={running} />
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
        <PrepProgress
          progress={progress}
          running={running}
          done={done}
          ended={session.state === 'stopped' || session.state === 'interrupted' ? 'stopped' : 'ended'}
        />
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

      {result && <PrepResult result={result} done={done} busy={busy} onFullVerify={() => void verify()} />}
    </div>
  );
}

/** The copy's state as a badge, and Cancel, Resume or Verify again as the state allows. */
function PrepControls({ session, done, running }: { session: PrepSessionInfo; done: boolean; running: boolean }) {
  const styles = useStepStyles();
  const cancel = useHaul((s) => s.wizard.cancelPrep);
  const resume = useHaul((s) => s.wizard.resumePrep);
  const verify = useHaul((s) => s.wizard.verifyPrep);
  const busy = useHaul((s) => s.wizard.prepBusy);
  const result = session.result;
  return (
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
        <Button icon={<Stop20Regular />} disabled={busy || session.state === 'stopping'} onClick={() => void cancel()}>
          Cancel
        </Button>
      )}
      {!running && session.resumable && (
        <Button appearance="primary" icon={<Play20Regular />} disabled={busy} onClick={() => void resume()}>
          Resume
        </Button>
      )}
      {/* after a verified Update the result offers it, with the time it takes */}
      {!running && session.state === 'finished' && !(done && result?.drives.some((d) => d.verifiedEarlier)) && (
        <Button icon={<ArrowClockwise20Regular />} disabled={busy} onClick={() => void verify()}>
          Verify every block again
        </Button>
      )}
      <Caption1 className={styles.muted}>
        The copy runs in Haul&apos;s main process: closing this window does not stop it.
      </Caption1>
    </div>
  );
}
