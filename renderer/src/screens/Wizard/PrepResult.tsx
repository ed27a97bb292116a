// The end of a copy: verified or not, what was copied now and before, the files that were not
// copied (and what to do), each drive's files and what its verify read, a full verify offered
// with the time it would take, and the drives that did not verify.
import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { formatBytes } from '../../../../shared/prep/names';
import type { PreparedDrive, PrepSessionResult } from '../../../../shared/prep/session';
import { formatCount, plural } from '../../format';
import { useHaul } from '../../store';
import { aboutDuration, fullVerifyOf } from '../../wizard/verify';
import { Section, useStepStyles } from './parts';

/** What one drive's line says after the run: its files, and how far it is verified. */
function DriveLine({ d }: { d: PreparedDrive }) {
  const styles = useStepStyles();
  const red = { color: tokens.colorPaletteRedForeground1 };
  return (
    <li data-testid="prep-result-drive" data-drive-id={d.driveId}>
      <span className={styles.mono}>{d.driveId}</span>: {plural(d.files, 'file')}, {formatBytes(d.bytes)} —{' '}
      {d.outOfDate ? (
        <strong style={red}>
          not attached: its manifest lists {plural(d.outOfDate.files, 'file')} the job no longer holds. Attach it (it
          was at {d.target}) and update the preparation.
        </strong>
      ) : d.notAttached ? (
        `not attached: prepared by an earlier run, it stays one of the job's drives (it was at ${d.target})`
      ) : d.verified === true ? (
        d.verifiedEarlier ? (
          `verified: the manifest and what this run wrote (${plural(d.verifiedEarlier.files, 'file')} verified before were not read again)`
        ) : (
          'every block verified'
        )
      ) : d.verified === false ? (
        <strong style={red}>verify failed</strong>
      ) : (
        'not verified yet'
      )}
    </li>
  );
}

/** After an Update: what the verify did not read again, and a full verify with the time it takes. */
function FullVerifyOffer({ drives, busy, onVerify }: { drives: PreparedDrive[]; busy: boolean; onVerify(): void }) {
  const full = fullVerifyOf(drives);
  if (!full || full.earlierFiles === 0) return null;
  const fastest = Math.max(...drives.filter((d) => !d.notAttached).map((d) => d.readSpeed ?? 0));
  return (
    <MessageBar intent="info" layout="multiline" data-testid="full-verify-offer">
      <MessageBarBody>
        <MessageBarTitle>The verify read what this run wrote</MessageBarTitle>
        Every manifest and every file this run wrote were read back and matched. {plural(full.earlierFiles, 'file')} (
        {formatBytes(full.earlierBytes)}) verified by an earlier run, and not written since, were not read again. A full
        verify reads all {formatBytes(full.bytes)}:{' '}
        {full.seconds !== undefined
          ? `${aboutDuration(full.seconds)} at the drives' measured read speed (up to ${formatBytes(fastest)}/s).`
          : 'how long it takes is not known until the drives have been read once.'}
      </MessageBarBody>
      <MessageBarActions>
        <Button disabled={busy} onClick={onVerify} data-testid="full-verify">
          Verify every block
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

export function PrepResult({
  result,
  done,
  busy,
  onFullVerify,
}: {
  result: PrepSessionResult;
  done: boolean;
  busy: boolean;
  onFullVerify(): void;
}) {
  const styles = useStepStyles();
  const reports = useHaul((s) => s.wizard.verifyReports);
  return (
    <Section title="Result">
      <MessageBar intent={done ? 'success' : result.ok ? 'info' : 'error'} data-testid="prep-result">
        <MessageBarBody>
          <MessageBarTitle>
            {done ? 'Every drive is prepared and verified' : result.outcome === 'stopped' ? 'Stopped' : 'Not finished'}
          </MessageBarTitle>
          {result.message}
        </MessageBarBody>
      </MessageBar>
      {result.filesSkipped > 0 && (
        <Body1 data-testid="prep-resumed">
          All {plural(result.filesCopied + result.filesSkipped, 'file')} are on the drives:{' '}
          {formatCount(result.filesCopied)} copied in this run, {formatCount(result.filesSkipped)} already there from an
          earlier run (not copied again).
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
          <Caption1>Fix them (permissions, a file in use) and Resume, or go back to Data and exclude them.</Caption1>
        </>
      )}
      <ul className={styles.list} aria-label="Prepared drives">
        {result.drives.map((d) => (
          <DriveLine key={d.driveId} d={d} />
        ))}
      </ul>
      {done && <FullVerifyOffer drives={result.drives} busy={busy} onVerify={onFullVerify} />}
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
  );
}
