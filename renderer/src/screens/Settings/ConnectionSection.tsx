// Where Haul's jobs live: the local sandbox service that ships with Haul (the default).
import { Badge, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { useHaul } from '../../store';

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalXS, margin: 0 },
  label: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, wordBreak: 'break-all' },
});

export function ConnectionSection() {
  const styles = useStyles();
  const connection = useHaul((s) => s.settings.view?.settings.connection);
  const service = useHaul((s) => s.app.service);
  if (!connection) return null;
  return (
    <dl className={styles.facts}>
      <dt className={styles.label}>Service</dt>
      <dd className={styles.value}>
        {connection.kind === 'local' ? 'Local sandbox' : 'Azure'}{' '}
        {service && <Badge appearance="tint" size="small" color={service.state === 'ready' ? 'success' : service.state === 'failed' ? 'danger' : 'informative'}>{service.state}</Badge>}
      </dd>
      {service?.endpoint && (
        <>
          <dt className={styles.label}>Endpoint</dt>
          <dd className={styles.value}><Caption1>{service.endpoint}</Caption1></dd>
        </>
      )}
    </dl>
  );
}
