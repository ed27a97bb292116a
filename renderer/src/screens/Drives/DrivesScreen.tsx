// Drives: this computer, the service, and every drive it sees, checked as a place to copy to.
import { useEffect } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwise20Regular,
  CloudArrowUp20Regular,
  Desktop20Regular,
  HardDrive20Regular,
} from '@fluentui/react-icons';
import type { ClassifiedDrive, ServiceStatus } from '../../../../shared/ipc/contract';
import { useHaul } from '../../store';
import { platformName } from '../../format';
import { formatBytes } from '../../../../shared/prep/names';
import { DriveEncryption, useAzure } from '../../components/DriveEncryption';
import { DriveTurnOn, TurnOnWhy } from '../../components/TurnOnBitLocker';
import { PreparedDrives } from './PreparedDrives';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 300px), 1fr))',
    gap: tokens.spacingHorizontalL,
    alignItems: 'start',
  },
  service: {},
  drives: { gridColumn: '1 / -1' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
  },
  label: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, minWidth: 0, overflowWrap: 'break-word' },
  path: { overflowWrap: 'anywhere' },
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '720px' },
  nowrap: { whiteSpace: 'nowrap' },
  flags: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  wide: { width: '40%' },
  verdict: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: tokens.spacingVerticalXS,
    paddingBlock: tokens.spacingVerticalXS,
  },
  reasons: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    fontSize: tokens.fontSizeBase200,
    color: tokens.colorNeutralForeground2,
  },
  blocked: { color: tokens.colorPaletteRedForeground1 },
});

const STATUS = {
  ok: { text: 'ready to use', color: 'success' },
  warned: { text: 'check first', color: 'warning' },
  blocked: { text: 'blocked', color: 'danger' },
} as const;

export function DrivesScreen() {
  const styles = useStyles();
  const service = useHaul((s) => s.app.service);
  const drives = useHaul((s) => s.drives.list);
  const loadingDrives = useHaul((s) => s.drives.loading);
  const error = useHaul((s) => s.app.error ?? s.drives.error);
  const refreshDrives = useHaul((s) => s.drives.refresh);
  const azure = useAzure();

  useEffect(() => {
    void refreshDrives();
  }, [refreshDrives]);

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
        <ComputerCard />
        <Card aria-label="Import/Export service" className={styles.service}>
          <CardHeader image={<CloudArrowUp20Regular />} header={<Subtitle2>Import/Export service</Subtitle2>} />
          {service ? <ServiceFacts service={service} /> : <Spinner size="tiny" label="Asking main…" />}
        </Card>
        <Card aria-label="Drives" className={styles.drives}>
          <CardHeader
            image={<HardDrive20Regular />}
            header={<Subtitle2>Drives</Subtitle2>}
            description={
              <Caption1>
                Every drive this computer sees, checked as a place to copy to. Haul never writes to a blocked drive; a
                warned one needs a second look.
              </Caption1>
            }
            action={
              <Button icon={<ArrowClockwise20Regular />} onClick={() => void refreshDrives()} disabled={loadingDrives}>
                Refresh
              </Button>
            }
          />
          {drives?.some((d) => d.encryption?.volumes.some((v) => v.bitlocker === 'none')) && <TurnOnWhy />}
          {drives === undefined ? (
            <Spinner size="tiny" label="Listing drives…" />
          ) : drives.length === 0 ? (
            <Body1>No drives found. Connect a drive, then press Refresh.</Body1>
          ) : (
            <div className={styles.tableWrap}>
              <Table aria-label="Drive list" size="small" className={styles.table}>
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Device</TableHeaderCell>
                    <TableHeaderCell>Drive ID (serial)</TableHeaderCell>
                    <TableHeaderCell>Description</TableHeaderCell>
                    <TableHeaderCell>Size</TableHeaderCell>
                    <TableHeaderCell>Mounted at</TableHeaderCell>
                    <TableHeaderCell className={styles.wide}>As a copy target</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {drives.map((d) => (
                    <DriveRow key={d.device} d={d} azure={azure} />
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </Card>
        <PreparedDrives className={styles.drives} />
      </div>
    </div>
  );
}

/** This computer: its platform, Haul's version, Node and the data folder. */
function ComputerCard() {
  const styles = useStyles();
  const info = useHaul((s) => s.app.info);
  return (
    <Card aria-label="This computer">
      <CardHeader image={<Desktop20Regular />} header={<Subtitle2>This computer</Subtitle2>} />
      {info ? (
        <dl className={styles.facts}>
          <dt className={styles.label}>Platform</dt>
          <dd className={styles.value} data-testid="platform">
            {platformName(info.platform)} ({info.arch})
          </dd>
          <dt className={styles.label}>Haul</dt>
          <dd className={styles.value} data-testid="version">
            {info.version}
          </dd>
          <dt className={styles.label}>Node</dt>
          <dd className={styles.value}>{info.nodeVersion}</dd>
          <dt className={styles.label}>Data folder</dt>
          <dd className={`${styles.value} ${styles.mono} ${styles.path}`} data-testid="data-dir">
            {info.dataDir}
          </dd>
        </dl>
      ) : (
        <Spinner size="tiny" label="Asking main…" />
      )}
    </Card>
  );
}

/** One drive as a copy target: what it is, where it is mounted, and the verdict with its reasons. */
function DriveRow({ d, azure }: { d: ClassifiedDrive; azure: boolean }) {
  const styles = useStyles();
  return (
    <TableRow data-testid="drive-row">
      <TableCell className={`${styles.mono} ${styles.nowrap}`}>{d.device}</TableCell>
      <TableCell className={`${styles.mono} ${styles.path}`} data-testid="drive-serial">
        {d.serial ?? '—'}
      </TableCell>
      <TableCell>{d.description || '—'}</TableCell>
      <TableCell className={styles.nowrap}>{d.size > 0 ? formatBytes(d.size) : '—'}</TableCell>
      <TableCell className={`${styles.mono} ${styles.path}`}>{d.mountpoints.join(', ') || 'not mounted'}</TableCell>
      <TableCell className={styles.wide}>
        <div className={styles.verdict}>
          <Badge appearance="filled" color={STATUS[d.status].color} data-testid="drive-status">
            {STATUS[d.status].text}
          </Badge>
          <DriveEncryption encryption={d.encryption} azure={azure} />
          <DriveTurnOn drive={d} />
          {d.reasons.length > 0 && (
            <ul className={styles.reasons}>
              {d.reasons.map((r) => (
                <li key={r.code} className={r.severity === 'blocked' ? styles.blocked : undefined}>
                  {r.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      </TableCell>
    </TableRow>
  );
}

const STATE_LABEL: Record<
  ServiceStatus['state'],
  { text: string; color: 'success' | 'warning' | 'danger' | 'informative' }
> = {
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
      <dd className={styles.value}>
        <Badge appearance="tint" color={label.color} data-testid="service-state">
          {label.text}
        </Badge>
      </dd>
      {service.endpoint && (
        <>
          <dt className={styles.label}>Endpoint</dt>
          <dd className={`${styles.value} ${styles.mono} ${styles.path}`} data-testid="service-endpoint">
            {service.endpoint}
          </dd>
        </>
      )}
      {service.subscriptionId && (
        <>
          <dt className={styles.label}>Subscription</dt>
          <dd className={`${styles.value} ${styles.mono} ${styles.path}`}>{service.subscriptionId}</dd>
        </>
      )}
      {service.resourceGroup && (
        <>
          <dt className={styles.label}>Resource group</dt>
          <dd className={`${styles.value} ${styles.mono}`}>{service.resourceGroup}</dd>
        </>
      )}
      {service.message && (
        <>
          <dt className={styles.label}>Note</dt>
          <dd className={styles.value}>{service.message}</dd>
        </>
      )}
    </dl>
  );
}
