// The copy as it runs: overall bytes, files, speed and time left, and a bar per drive.
import { Badge, Caption1, ProgressBar, Subtitle2, tokens } from '@fluentui/react-components';
import { formatBytes, formatDuration } from '../../../../shared/prep/names';
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

export function PrepProgress({
  progress,
  running,
  done,
}: {
  progress: ProgressEvent;
  running: boolean;
  done: boolean;
}) {
  const styles = useStepStyles();
  return (
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
          {running &&
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
  );
}
