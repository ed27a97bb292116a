// The job's drives as the service reports them (G3, G4): id, state, copy status, percent, bytes
// copied, and links to the error and verbose logs once the data center wrote them.
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
import { useRef, type MouseEvent } from 'react';
import type { JobView } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { StateBadge } from '../../components/StateBadge';
import { formatBytes, formatDateTime, formatPercent } from '../../format';
import { useWidth } from '../../hooks/useWidth';

/** Below this width each drive is a small card, its id on a line of its own. */
const COMPACT_BELOW = 760;
const COLUMNS = 'minmax(max-content, 1.3fr) 150px minmax(0, 1fr) 96px 84px 128px';

const useStyles = makeStyles({
  card: { minWidth: 0 },
  row: { display: 'grid', gridTemplateColumns: COLUMNS, alignItems: 'start' },
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

export function DrivesTable({ job }: { job: JobView }) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const cardRef = useRef<HTMLDivElement>(null);
  const compact = useWidth(cardRef) < COMPACT_BELOW;
  const cell = (area: string) => mergeClasses(styles.cell, compact && area);
  const openLog = (driveId: string, kind: 'error' | 'verbose') => (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    navigate({ name: 'log', jobName: job.name, driveId, kind });
  };
  const href = (driveId: string, kind: 'error' | 'verbose') =>
    `#/jobs/${encodeURIComponent(job.name)}/drives/${encodeURIComponent(driveId)}/log${kind === 'verbose' ? '/verbose' : ''}`;
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
              <TableRow className={styles.row}>
                <TableHeaderCell>Drive ID</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
                <TableHeaderCell>Copy status</TableHeaderCell>
                <TableHeaderCell>Copied</TableHeaderCell>
                <TableHeaderCell>Bytes</TableHeaderCell>
                <TableHeaderCell>Logs</TableHeaderCell>
              </TableRow>
            </TableHeader>
          )}
          <TableBody>
            {job.drives.map((d) => (
              <TableRow
                key={d.driveId}
                className={mergeClasses(styles.row, compact && styles.compactRow)}
                data-testid="job-drive-row"
                data-drive={d.driveId}
                data-state={d.state}
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
                      <StateBadge state={d.state} serviceState={d.serviceState} />
                    </span>
                    {d.stateSince && <Caption1 className={styles.muted}>since {formatDateTime(d.stateSince)}</Caption1>}
                  </div>
                </TableCell>
                <TableCell className={cell(styles.statusArea)}>
                  {d.copyStatus ? (
                    <span className={styles.wrapText}>{d.copyStatus}</span>
                  ) : (
                    <span className={styles.muted}>—</span>
                  )}
                </TableCell>
                <TableCell className={cell(styles.copiedArea)}>
                  <div className={styles.stack}>
                    <Caption1>{formatPercent(d.percentComplete)}</Caption1>
                    <ProgressBar
                      value={d.percentComplete / 100}
                      aria-label={`Drive ${d.driveId}: ${formatPercent(d.percentComplete)} copied`}
                    />
                  </div>
                </TableCell>
                <TableCell className={cell(styles.bytesArea)}>
                  {d.bytesSucceeded > 0 ? formatBytes(d.bytesSucceeded) : '—'}
                </TableCell>
                <TableCell className={cell(styles.logsArea)}>
                  <div className={styles.links}>
                    {d.errorLogUri ? (
                      <Link
                        href={href(d.driveId, 'error')}
                        onClick={openLog(d.driveId, 'error')}
                        data-testid="error-log-link"
                      >
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
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
