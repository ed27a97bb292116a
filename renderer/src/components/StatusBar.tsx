// The status bar: which service Haul talks to and whether it answers. (The jobs issue adds
// online/offline with the time of the last good answer.)
import { Badge, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { useHaul } from '../store';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalL}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minHeight: '28px',
  },
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
  return (
    <footer className={styles.bar} aria-label="Status">
      <Caption1>{service?.kind === 'local' ? 'Local sandbox' : 'No service'}</Caption1>
      {service && (
        <Badge appearance="tint" size="small" color={STATE[service.state].color} data-testid="status-service-state">
          {STATE[service.state].text}
        </Badge>
      )}
      {service?.endpoint && <Caption1>{service.endpoint}</Caption1>}
    </footer>
  );
}
