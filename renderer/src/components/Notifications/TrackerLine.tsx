// One line on how fresh the jobs are: "Updated just now", "Last updated 12 min ago — offline",
// with a button that asks the service now (tracker.refresh).
import { Button, Caption1, makeStyles, tokens, Tooltip } from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useHaul } from '../../store';
import { ago } from './time';

const useStyles = makeStyles({
  line: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, minHeight: '32px' },
  text: { flexGrow: 1, color: tokens.colorNeutralForeground2 },
  offline: { color: tokens.colorPaletteRedForeground1 },
});

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function TrackerLine() {
  const styles = useStyles();
  const status = useHaul((s) => s.notifications.tracker);
  const refreshing = useHaul((s) => s.notifications.refreshing);
  const refresh = useHaul((s) => s.notifications.refresh);
  const now = useNow(30_000);
  let text: string;
  if (!status || status.state === 'idle') text = 'Not checked yet';
  else if (status.state === 'disconnected') text = 'Not connected to a service yet';
  else if (status.state === 'offline')
    text = status.lastSuccessAt
      ? `Last updated ${ago(status.lastSuccessAt, now)} — offline`
      : 'Offline: the service has not answered yet';
  else
    text = `Updated ${ago(status.lastSuccessAt ?? status.at, now)} · ${status.jobs} job${status.jobs === 1 ? '' : 's'} followed`;
  return (
    <div className={styles.line}>
      <Tooltip
        content={status?.message ?? 'Haul asks the service about your jobs by itself, often while data moves.'}
        relationship="description"
      >
        <Caption1 className={status?.state === 'offline' ? styles.offline : styles.text} data-testid="tracker-status">
          {text}
        </Caption1>
      </Tooltip>
      <Button
        size="small"
        appearance="subtle"
        icon={<ArrowClockwiseRegular />}
        disabled={refreshing}
        onClick={() => void refresh()}
      >
        {refreshing ? 'Checking…' : 'Check now'}
      </Button>
    </div>
  );
}
