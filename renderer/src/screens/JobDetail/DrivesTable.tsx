// The job's drives as the service reports them (G3, G4) and what came of each (its verdict): id,
// state, what happened, percent copied (bytes imported over the bytes its manifest holds), bytes,
// and links to the error and verbose logs once the data center wrote them.
import {
  Badge,
  mergeClasses,
  Body1,
  Caption1,
  Card,
  CardHeader,
  Link,
  makeStyles,
  ProgressBar,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useRef, type CSSProperties, type MouseEvent } from 'react';
import type { JobView, Verdict } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { StateBadge } from '../../components/StateBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { formatBytes, formatDateTime, formatPercent } from '../../format';
import { useWidth } from '../../hooks/useWidth';

/** Below this width each drive is a small card, its id on a line of its own. */
const COMPACT_BELOW = 760;

/**
 * The columns of the wide table. Header and rows are grids of their own, so the id column has one
 * width for all: the longest drive id whole (monospace, under 0.62 em a character) and room for the
 * extra-drive badge, leaving the rest to what happened.
 */
function columns(drives: JobView['drives']): string {
  const chars = Math.max(8, ...drives.map((d) => (d.extra ? Math.max(d.driveId.length, 14) : d.driveId.length)));
  return `calc(${(chars * 0.62).toFixed(2)}em + 24px) 150px minmax(0, 1fr) 96px 96px 128px`;
}

const useStyles = makeStyles({
  card: { minWidth: 0 },
  row: { display: 'grid', alignItems: 'start', columnGap: tokens.spacingHorizontalS },
  compactRow: {
    gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)',
    gridTemplateAreas: '"id id" "state copied" "status status" "bytes logs"',
    paddingBlock: tokens.spacingVerticalXS,
  },
  idArea: { gridArea: 'id' },
  stateArea: { gridArea: 'state' },
  statusArea: { gridArea: 'status' },
  copiedArea: { gridArea: 'copied' },
  bytesArea: { gridArea: 'bytes' },
  logsArea: { gridArea: 'logs' },
  cell: { minWidth: 0, alignItems: 'flex-start', paddingBlock: tokens.spacingVerticalXS },
  id: { fontFamily: tokens.fontFamilyMonospace, whiteSpace: 'nowrap' },
  idCompact: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  links: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM },
  wrapText: { overflowWrap: 'break-word', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Copied: bytes imported over the bytes the drive's manifest holds, or what is known in words. */
function DriveProgress({ driveId, verdict }: { driveId: string; verdict: Verdict }) {
  const styles = useStyles();
  const { percent, text } = verdict.progress;
  if (percent === undefined) return <Caption1 data-testid="drive-percent">{text}</Caption1>;
  return (
    <div className={styles.stack}>
      <Caption1 data-testid="drive-percent">{formatPercent(percent)}</Caption1>
      <ProgressBar
        value={percent / 100}
        color={verdict.final && verdict.tone === 'danger' ? 'error' : verdict.tone === 'warning' ? 'warning' : 'brand'}
        aria-label={`Drive ${driveId}: ${formatPercent(percent)} copied`}
      />
    </div>
  );
}

export function DrivesTable({ job }: { job: JobView }) {
  const styles = useStyles();
  const cardRef = useRef<HTMLDivElement>(null);
  const compact = useWidth(cardRef) < COMPACT_BELOW;
  const wide = compact ? undefined : { gridTemplateColumns: columns(job.drives) };
  return (
    <Card className={styles.card} aria-labelledby="drives-title" ref={cardRef}>
      <CardHeader
        header={
          <Subtitle2 as="h3" id="drives-title">
            Drives
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.muted}>
            {job.type === 'Export'
              ? 'The drives the data center writes, as the service reports them'
              : 'The drives you prepared, as the service reports them'}
          </Caption1>
        }
      />
      {job.drives.length === 0 ? (
        <Body1>
          {job.type === 'Export'
            ? 'No drives yet: the data center adds them when it writes the export.'
            : 'The service reports no drives for this job.'}
        </Body1>
      ) : (
        <Table
          noNativeElements
          aria-label={`Drives of job ${job.name}`}
          size="small"
          data-testid="drives-table"
          data-compact={compact}
        >
          {!compact && (
            <TableHeader>
              <TableRow className={styles.row} style={wide}>
                <TableHeaderCell>Drive ID</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>What happened</TableHeaderCell>
                <TableHeaderCell>Copied</TableHeaderCell>
                <TableHeaderCell>Bytes</TableHeaderCell>
                <TableHeaderCell>Logs</TableHeaderCell>
              </TableRow>
            </TableHeader>
          )}
          <TableBody>
            {job.drives.map((d) => (
              <DriveRow key={d.driveId} jobName={job.name} d={d} compact={compact} wide={wide} />
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

/** One drive: its id (and whether it is extra), its state, what happened, how much is copied, its logs. */
function DriveRow({
  jobName,
  d,
  compact,
  wide,
}: {
  jobName: string;
  d: JobView['drives'][number];
  compact: boolean;
  wide: CSSProperties | undefined;
}) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const cell = (area: string) => mergeClasses(styles.cell, compact && area);
  const openLog = (driveId: string, kind: 'error' | 'verbose') => (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    navigate({ name: 'log', jobName, driveId, kind });
  };
  const href = (driveId: string, kind: 'error' | 'verbose') =>
    `#/jobs/${encodeURIComponent(jobName)}/drives/${encodeURIComponent(driveId)}/log${kind === 'verbose' ? '/verbose' : ''}`;
  return (
    <TableRow
      key={d.driveId}
      className={mergeClasses(styles.row, compact && styles.compactRow)}
      style={wide}
      data-testid="job-drive-row"
      data-drive={d.driveId}
      data-state={d.state}
      data-verdict={d.verdict.kind}
    >
      <TableCell className={cell(styles.idArea)}>
        <div className={styles.stack}>
          <span className={mergeClasses(styles.id, compact && styles.idCompact)} data-testid="drive-id">
            {d.driveId}
          </span>
          {d.extra && (
            <span>
              <Badge appearance="outline" color="warning" size="small">
                extra drive (JE5)
              </Badge>
            </span>
          )}
        </div>
      </TableCell>
      <TableCell className={cell(styles.stateArea)}>
        <div className={styles.stack}>
          <span>
            <StateBadge state={d.state} serviceState={d.serviceState} verdict={d.verdict} />
          </span>
          {d.stateSince && <Caption1 className={styles.muted}>since {formatDateTime(d.stateSince)}</Caption1>}
        </div>
      </TableCell>
      <TableCell className={cell(styles.statusArea)}>
        <div className={styles.stack}>
          <span>
            <VerdictBadge verdict={d.verdict} size="small" testId="drive-verdict" />
          </span>
          <span className={styles.wrapText} data-testid="drive-headline">
            {d.verdict.headline}
          </span>
          {d.copyStatus && <span className={mergeClasses(styles.wrapText, styles.muted)}>{d.copyStatus}</span>}
        </div>
      </TableCell>
      <TableCell className={cell(styles.copiedArea)}>
        <DriveProgress driveId={d.driveId} verdict={d.verdict} />
      </TableCell>
      <TableCell className={cell(styles.bytesArea)} data-testid="drive-bytes">
        {d.verdict.bytes.total !== undefined ? (
          <div className={styles.stack}>
            <Caption1>{formatBytes(d.verdict.bytes.succeeded)}</Caption1>
            <Caption1 className={styles.muted}>of {formatBytes(d.verdict.bytes.total)}</Caption1>
          </div>
        ) : d.bytesSucceeded > 0 ? (
          formatBytes(d.bytesSucceeded)
        ) : (
          '—'
        )}
      </TableCell>
      <TableCell className={cell(styles.logsArea)}>
        <div className={styles.links}>
          {d.errorLogUri ? (
            <Link href={href(d.driveId, 'error')} onClick={openLog(d.driveId, 'error')} data-testid="error-log-link">
              Error log
            </Link>
          ) : (
            <span className={styles.muted}>no log yet</span>
          )}
          {d.verboseLogUri && (
            <Link href={href(d.driveId, 'verbose')} onClick={openLog(d.driveId, 'verbose')}>
              Verbose log
            </Link>
          )}
        </div>
      </TableCell>
    </TableRow>
  );
}
