// The job's drives as the service reports them (G3, G4) and what came of each (its verdict): id,
// state, what happened, percent copied (bytes imported over the bytes its manifest holds), bytes,
// and links to the error and verbose logs once the data center wrote them.
import {
  Badge,
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
import type { MouseEvent } from 'react';
import type { JobView, Verdict } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { StateBadge } from '../../components/StateBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { Truncated } from '../../components/Truncated';
import { formatBytes, formatDateTime } from '../../format';

const useStyles = makeStyles({
  card: { minWidth: 0 },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '720px', tableLayout: 'fixed' },
  id: { width: '18%' },
  state: { width: '150px' },
  percent: { width: '96px' },
  bytes: { width: '96px' },
  logs: { width: '128px' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  links: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM },
  muted: { color: tokens.colorNeutralForeground3 },
  headline: { overflowWrap: 'anywhere' },
  happened: { paddingBlock: tokens.spacingVerticalS },
});

/** Copied: bytes imported over the bytes the drive's manifest holds, or what is known in words. */
function DriveProgress({ driveId, verdict }: { driveId: string; verdict: Verdict }) {
  const styles = useStyles();
  const { percent, text } = verdict.progress;
  if (percent === undefined) return <Caption1 data-testid="drive-percent">{text}</Caption1>;
  return (
    <div className={styles.stack}>
      <Caption1 data-testid="drive-percent">{`${percent} %`}</Caption1>
      <ProgressBar
        value={percent / 100}
        color={verdict.final && verdict.tone === 'danger' ? 'error' : verdict.tone === 'warning' ? 'warning' : 'brand'}
        aria-label={`Drive ${driveId}: ${percent} % copied`}
      />
    </div>
  );
}

export function DrivesTable({ job }: { job: JobView }) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const openLog = (driveId: string, kind: 'error' | 'verbose') => (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    navigate({ name: 'log', jobName: job.name, driveId, kind });
  };
  const href = (driveId: string, kind: 'error' | 'verbose') =>
    `#/jobs/${encodeURIComponent(job.name)}/drives/${encodeURIComponent(driveId)}/log${kind === 'verbose' ? '/verbose' : ''}`;
  return (
    <Card className={styles.card} aria-labelledby="drives-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="drives-title">
            Drives
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.muted}>
            {job.type === 'Export'
              ? 'The drives the data center writes, as the service reports them (rule D2)'
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
        <div className={styles.wrap}>
          <Table
            aria-label={`Drives of job ${job.name}`}
            size="small"
            className={styles.table}
            data-testid="drives-table"
          >
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.id}>Drive ID</TableHeaderCell>
                <TableHeaderCell className={styles.state}>State</TableHeaderCell>
                <TableHeaderCell>What happened</TableHeaderCell>
                <TableHeaderCell className={styles.percent}>Copied</TableHeaderCell>
                <TableHeaderCell className={styles.bytes}>Bytes</TableHeaderCell>
                <TableHeaderCell className={styles.logs}>Logs</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {job.drives.map((d) => (
                <TableRow
                  key={d.driveId}
                  data-testid="job-drive-row"
                  data-drive={d.driveId}
                  data-state={d.state}
                  data-verdict={d.verdict.kind}
                >
                  <TableCell>
                    <div className={styles.stack}>
                      <Truncated text={d.driveId} mono />
                      {d.extra && (
                        <span>
                          <Badge appearance="outline" color="warning" size="small">
                            extra drive (JE5)
                          </Badge>
                        </span>
                      )}
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className={styles.stack}>
                      <span>
                        <StateBadge state={d.state} serviceState={d.serviceState} verdict={d.verdict} />
                      </span>
                      {d.stateSince && (
                        <Caption1 className={styles.muted}>since {formatDateTime(d.stateSince)}</Caption1>
                      )}
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className={`${styles.stack} ${styles.happened}`}>
                      <span>
                        <VerdictBadge verdict={d.verdict} size="small" testId="drive-verdict" />
                      </span>
                      <span className={styles.headline} data-testid="drive-headline">
                        {d.verdict.headline}
                      </span>
                      {d.copyStatus && <Truncated text={d.copyStatus} className={styles.muted} />}
                    </div>
                  </TableCell>
                  <TableCell>
                    <DriveProgress driveId={d.driveId} verdict={d.verdict} />
                  </TableCell>
                  <TableCell data-testid="drive-bytes">
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
                  <TableCell>
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
        </div>
      )}
    </Card>
  );
}
