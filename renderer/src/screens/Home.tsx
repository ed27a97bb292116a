import { useEffect } from 'react';
import {
  Badge, Body1, Button, Caption1, Card, CardHeader, makeStyles, MessageBar, MessageBarBody, MessageBarTitle,
  Spinner, Subtitle2, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, CloudArrowUp20Regular, Desktop20Regular, HardDrive20Regular } from '@fluentui/react-icons';
import type { ServiceStatus } from '../../../shared/ipc/contract';
import { bridge } from '../bridge';
import { useHome } from '../store';
import { formatBytes, platformName } from '../format';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'minmax(260px, 1fr) minmax(260px, 1fr)', gap: tokens.spacingHorizontalL, alignItems: 'start' },
  service: {},
  drives: { gridColumn: '1 / -1' },
  facts: { display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  label: { color: tokens.colorNeutralForeground3 },
  value: { wordBreak: 'break-all' },
  flags: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

export function Home() {
  const styles = useStyles();
  const { info, drives, service, loadingDrives, error, load, refreshDrives, setDrives, setService } = useHome();

  useEffect(() => {
    void load();
    const offDrives = bridge().onDrivesChanged((payload) => setDrives(payload.drives));
    const offService = bridge().onServiceChanged(setService);
    return () => {
      offDrives();
      offService();
    };
  }, [load, setDrives, setService]);

  return (
    <div>
      {error && (
        <MessageBar intent="error" style={{ marginBottom: tokens.spacingVerticalL }}>
          <MessageBarBody>
            <MessageBarTitle>Haul could not load this screen</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.grid}>
        <Card aria-label="This computer">
          <CardHeader image={<Desktop20Regular />} header={<Subtitle2>This computer</Subtitle2>} />
          {info ? (
            <dl className={styles.facts}>
              <dt className={styles.label}>Platform</dt>
              <dd className={styles.value} data-testid="platform">{platformName(info.platform)} ({info.arch})</dd>
              <dt className={styles.label}>Haul</dt>
              <dd className={styles.value} data-testid="version">{info.version}</dd>
              <dt className={styles.label}>Node</dt>
              <dd className={styles.value}>{info.nodeVersion}</dd>
              <dt className={styles.label}>Data folder</dt>
              <dd className={`${styles.value} ${styles.mono}`} data-testid="data-dir">{info.dataDir}</dd>
            </dl>
          ) : (
            <Spinner size="tiny" label="Asking main…" />
          )}
        </Card>
        <Card aria-label="Import/Export service" className={styles.service}>
          <CardHeader image={<CloudArrowUp20Regular />} header={<Subtitle2>Import/Export service</Subtitle2>} />
          {service ? <ServiceFacts service={service} /> : <Spinner size="tiny" label="Asking main…" />}
        </Card>
        <Card aria-label="Drives" className={styles.drives}>
          <CardHeader
            image={<HardDrive20Regular />}
            header={<Subtitle2>Drives</Subtitle2>}
            description={<Caption1>Every drive this computer sees. Drive preparation will never write to a system or read-only drive.</Caption1>}
            action={
              <Button icon={<ArrowClockwise20Regular />} onClick={() => void refreshDrives()} disabled={loadingDrives}>
                Refresh
              </Button>
            }
          />
          {drives === undefined ? (
            <Spinner size="tiny" label="Listing drives…" />
          ) : drives.length === 0 ? (
            <Body1>No drives found. Connect a drive, then press Refresh.</Body1>
          ) : (
            <Table aria-label="Drive list" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Device</TableHeaderCell>
                  <TableHeaderCell>Description</TableHeaderCell>
                  <TableHeaderCell>Size</TableHeaderCell>
                  <TableHeaderCell>Mounted at</TableHeaderCell>
                  <TableHeaderCell>Kind</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {drives.map((d) => (
                  <TableRow key={d.device} data-testid="drive-row">
                    <TableCell className={styles.mono}>{d.device}</TableCell>
                    <TableCell>{d.description || '—'}</TableCell>
                    <TableCell>{formatBytes(d.size)}</TableCell>
                    <TableCell className={styles.mono}>{d.mountpoints.map((m) => m.path).join(', ') || 'not mounted'}</TableCell>
                    <TableCell>
                      <span className={styles.flags}>
                        {d.isSystem && <Badge appearance="tint" color="danger">system</Badge>}
                        {d.isReadOnly && <Badge appearance="tint" color="warning">read-only</Badge>}
                        {d.isRemovable && <Badge appearance="tint" color="brand">removable</Badge>}
                        {d.isVirtual && <Badge appearance="tint" color="informative">virtual</Badge>}
                        {d.isUSB && <Badge appearance="tint" color="success">USB</Badge>}
                      </span>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Card>
      </div>
    </div>
  );
}

const STATE_LABEL: Record<ServiceStatus['state'], { text: string; color: 'success' | 'warning' | 'danger' | 'informative' }> = {
  ready: { text: 'ready', color: 'success' },
  starting: { text: 'starting…', color: 'informative' },
  failed: { text: 'not running', color: 'danger' },
  off: { text: 'off', color: 'warning' },
};

function ServiceFacts({ service }: { service: ServiceStatus }) {
  const styles = useStyles();
  const label = STATE_LABEL[service.state];
  return (
    <dl className={styles.facts}>
      <dt className={styles.label}>Backend</dt>
      <dd className={styles.value}>{service.kind === 'local' ? 'Local sandbox (runs on this computer)' : 'None'}</dd>
      <dt className={styles.label}>State</dt>
      <dd className={styles.value}><Badge appearance="tint" color={label.color} data-testid="service-state">{label.text}</Badge></dd>
      {service.endpoint && (<><dt className={styles.label}>Endpoint</dt><dd className={`${styles.value} ${styles.mono}`} data-testid="service-endpoint">{service.endpoint}</dd></>)}
      {service.subscriptionId && (<><dt className={styles.label}>Subscription</dt><dd className={`${styles.value} ${styles.mono}`}>{service.subscriptionId}</dd></>)}
      {service.resourceGroup && (<><dt className={styles.label}>Resource group</dt><dd className={`${styles.value} ${styles.mono}`}>{service.resourceGroup}</dd></>)}
      {service.message && (<><dt className={styles.label}>Note</dt><dd className={styles.value}>{service.message}</dd></>)}
    </dl>
  );
}
