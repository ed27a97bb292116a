// The copy as it runs: overall bytes, files, speed and time left, and a bar per drive.
import { Badge, Caption1, ProgressBar, Subtitle2, tokens } from '@fluentui/react-components';
import { formatBytes, formatDuration } from '../../../../shared/prep/names';
import { formatCount, plural } from '../../format';
import type { ProgressEvent } from '../../store/wizard';
import { Section, useStepStyles } from './parts';

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

const pct = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : 0);

/** The section's heading: what is happening now, or how it ended (never "Verifying" once it has). */
function headingOf(progress: ProgressEvent, running: boolean, done: boolean, ended: 'stopped' | 'ended'): string {
  if (running) return progress.phase === 'verify' ? 'Verifying' : 'Copying';
  if (done) return 'Copied and verified';
  return ended === 'stopped' ? 'Where the copy stopped' : 'Where the copy ended';
}

/**
 * What the run has done: bytes copied (or, once verifying, read back) and files copied. A run with
 * nothing to copy (an Update that changed only the job's name) says so instead of "0 B of 0 B".
 */
function overallText(progress: ProgressEvent, running: boolean): string {
  const verifying = progress.phase === 'verify';
  if (!running && progress.filesTotal === 0 && progress.bytesTotal === 0)
    return verifying
      ? 'Nothing new to copy or read back in this run: every file of the job was already on the drives, verified.'
      : 'Nothing new to copy in this run: every file of the job was already on the drives.';
  const bytes = `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)} ${verifying ? 'read back' : 'copied'}`;
  const files = `${formatCount(progress.filesDone)} of ${plural(progress.filesTotal, 'file')} copied`;
  return `${bytes} · ${files}`;
}

/** Speed and time left while it runs; no speed is said before there is one. */
function pace(progress: ProgressEvent): string {
  if (!(progress.speed > 0)) return ' · measuring the speed…';
  const left = progress.etaSeconds !== undefined ? ` · ${formatDuration(progress.etaSeconds)} left` : '';
  return ` · ${formatBytes(progress.speed)}/s${left}`;
}

export function PrepProgress({
  progress,
  running,
  done,
  ended = 'ended',
}: {
  progress: ProgressEvent;
  running: boolean;
  done: boolean;
  /** how it ended when it is not running: stopped (Resume continues) or ended */
  ended?: 'stopped' | 'ended';
}) {
  const styles = useStepStyles();
  return (
    <Section title={headingOf(progress, running, done, ended)}>
      <div data-testid="prep-overall">
        <ProgressBar
          // verified is all done, whatever the last phase counted
          value={done ? 1 : pct(progress.bytesDone, progress.bytesTotal)}
          thickness="large"
          aria-label="All drives"
          color={done ? 'success' : 'brand'}
          data-testid="prep-overall-bar"
        />
        <Caption1 data-testid="prep-overall-text">
          {overallText(progress, running)}
          {running && pace(progress)}
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
                // a drive with nothing to copy (an Update that adds nothing to it) is done, not empty
                value={d.state === 'done' && d.bytesTotal === 0 ? 1 : pct(d.bytesDone, d.bytesTotal)}
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
                {d.filesTotal === 0 && d.bytesTotal === 0
                  ? 'Nothing new to copy onto it in this run'
                  : `${formatBytes(d.bytesDone)} of ${formatBytes(d.bytesTotal)} · ${formatCount(d.filesDone)} of ${plural(d.filesTotal, 'file')}`}
              </Caption1>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
