// The end of a copy: verified or not, what was copied now and before, the files that were not
// copied (and what to do), each drive's files, and the drives that did not verify.
import { Body1, Caption1, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { formatBytes } from '../../../../shared/prep/names';
import type { PrepSessionResult } from '../../../../shared/prep/session';
import { useHaul } from '../../store';
import { Section, useStepStyles } from './parts';

export function PrepResult({ result, done }: { result: PrepSessionResult; done: boolean }) {
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
          <Caption1>Fix them (permissions, a file in use) and Resume, or go back to Data and exclude them.</Caption1>
        </>
      )}
      <ul className={styles.list} aria-label="Prepared drives">
        {result.drives.map((d) => (
          <li key={d.driveId}>
            <span className={styles.mono}>{d.driveId}</span>: {d.files.toLocaleString()} files, {formatBytes(d.bytes)} —{' '}
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
  );
}
