// The status bar: which service Haul talks to (the local sandbox or Azure: the connection's label), whether it answers
// (online, or offline since when), and when the job list was last brought up to date.
import { useEffect } from 'react';
import { useNow } from '../hooks/useNow';
import { Badge, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { PlugConnected16Regular, PlugDisconnected16Regular } from '@fluentui/react-icons';
import { useHaul } from '../store';
import { formatDateTime, formatRelative } from '../format';
import { Truncated } from './Truncated';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalL}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground2,
    minHeight: '28px',
  },
  endpoint: { maxWidth: '32ch', minWidth: 0, color: tokens.colorNeutralForeground3 },
  end: { marginLeft: 'auto' },
});

const STATE = {
  ready: { text: 'ready', color: 'success' },
  starting: { text: 'starting…', color: 'informative' },
  failed: { text: 'not running', color: 'danger' },
  off: { text: 'off', color: 'warning' },
} as const;

export function StatusBar() {
  const styles = useStyles();
  const service = useHaul((s) => s.app.service);
  const listedAt = useHaul((s) => s.jobs.listedAt);
  const listError = useHaul((s) => s.jobs.error?.code);
  const connection = useHaul((s) => s.settings.connection);
  const loadConnection = useHaul((s) => s.settings.loadConnection);
  const now = useNow();
  // The connection (sandbox or Azure, kept fresh by connection.changed) names the backend; until it is known, the service status does.
  useEffect(() => void loadConnection(), [loadConnection]);
  const backend = connection?.label ?? (service?.kind === 'local' ? 'Local sandbox' : 'No service');
  // Online is what main's service client last saw; a failed list says the same before main's status catches up.
  const online = service?.online === false || listError === 'offline' ? false : service?.online;
  const lastOk = service?.lastOkAt ? Date.parse(service.lastOkAt) : undefined;

  return (
    <footer className={styles.bar} aria-label="Status">
      <Caption1 data-testid="status-backend">{backend}</Caption1>
      {service && (
        <Badge appearance="tint" size="small" color={STATE[service.state].color} data-testid="status-service-state">
          {STATE[service.state].text}
        </Badge>
      )}
      {online !== undefined && (
        <Badge
          appearance="tint"
          size="small"
          color={online ? 'success' : 'danger'}
          icon={online ? <PlugConnected16Regular /> : <PlugDisconnected16Regular />}
          data-testid="status-online"
        >
          {online ? 'online' : 'offline'}
        </Badge>
      )}
      {online === false && lastOk !== undefined && <Caption1>last answer {formatRelative(lastOk, now)}</Caption1>}
      {connection?.kind === 'azure' && connection.resourceGroup && (
        <Caption1>resource group {connection.resourceGroup}</Caption1>
      )}
      {connection?.kind !== 'azure' && service?.endpoint && (
        <Truncated className={styles.endpoint} text={service.endpoint} />
      )}
      <Caption1 className={styles.end} data-testid="status-updated">
        {listedAt ? (
          <span title={formatDateTime(listedAt)}>Jobs updated {formatRelative(Date.parse(listedAt), now)}</span>
        ) : (
          'Jobs not loaded yet'
        )}
      </Caption1>
    </footer>
  );
}
