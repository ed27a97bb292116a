// The log viewer (#/jobs/<name>/drives/<driveId>/log[/verbose]): a drive's DriveLog, read and
// parsed by main (jobs.log), as a table that can be filtered: blob, file on the drive, the source
// file it came from when Haul prepared the drive, status code and message.
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Link,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  SearchBox,
  Select,
  Spinner,
  Switch,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeft16Regular } from '@fluentui/react-icons';
import { useHaul } from '../../store';
import { logKey } from '../../store/jobs';
import { Truncated } from '../../components/Truncated';
import { formatBytes, plural } from '../../format';
import { TONE_COLOR } from '../../components/VerdictBadge';
import { logSummary, statusCounts, visibleRows, type LogFilters } from './filter';

const PAGE = 500;

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  back: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, alignSelf: 'flex-start' },
  summary: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  search: { flex: '1 1 220px', maxWidth: '420px' },
  count: { color: tokens.colorNeutralForeground3, marginLeft: 'auto', paddingBottom: tokens.spacingVerticalXS },
  wrap: {
    overflowX: 'auto',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
  },
  table: { minWidth: '780px', tableLayout: 'fixed' },
  blob: { width: '28%' },
  status: { width: '176px' },
  size: { width: '76px' },
  issue: { backgroundColor: tokens.colorPaletteRedBackground1 },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
  wrapText: { overflowWrap: 'anywhere' },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

export function LogScreen({ jobName, driveId, kind }: { jobName: string; driveId: string; kind: 'error' | 'verbose' }) {
  const styles = useStyles();
  const entry = useHaul((s) => s.jobs.logs[logKey(jobName, driveId, kind)]);
  const drive = useHaul((s) => s.jobs.byName[jobName]?.drives.find((d) => d.driveId === driveId));
  const loadLog = useHaul((s) => s.jobs.loadLog);
  const loadJob = useHaul((s) => s.jobs.load);
  const navigate = useHaul((s) => s.ui.navigate);
  const [filters, setFilters] = useState<LogFilters>({ onlyIssues: false, status: 'all', query: '' });
  const [limit, setLimit] = useState(PAGE);

  useEffect(() => {
    void loadLog(jobName, driveId, kind);
    void loadJob(jobName);
  }, [loadLog, loadJob, jobName, driveId, kind]);

  const log = entry?.log;
  const summary = useMemo(() => (log ? logSummary(log.status, log.rows) : undefined), [log]);
  const rows = useMemo(() => (log ? visibleRows(log.rows, filters) : []), [log, filters]);
  const statuses = useMemo(() => (log ? statusCounts(log.rows) : []), [log]);
  const withSource = log?.rows.some((r) => r.sourcePath) ?? false;
  const change = (f: Partial<LogFilters>) => {
    setFilters((old) => ({ ...old, ...f }));
    setLimit(PAGE);
  };

  return (
    <section className={styles.page} aria-labelledby="log-title" data-testid="log-viewer">
      <Link
        className={styles.back}
        href={`#/jobs/${encodeURIComponent(jobName)}`}
        onClick={(e) => {
          e.preventDefault();
          navigate({ name: 'job', jobName });
        }}
      >
        <ArrowLeft16Regular aria-hidden /> Job {jobName}
      </Link>
      <Title2 as="h2" id="log-title">
        <Truncated text={`${kind === 'error' ? 'Error log' : 'Verbose log'} of drive ${driveId}`} />
      </Title2>
      {drive?.verboseLogUri && (
        <TabList
          selectedValue={kind}
          onTabSelect={(_e, d) =>
            navigate({ name: 'log', jobName, driveId, kind: d.value === 'verbose' ? 'verbose' : 'error' })
          }
          aria-label="Which log"
        >
          <Tab value="error">Error log</Tab>
          <Tab value="verbose">Verbose log</Tab>
        </TabList>
      )}

      {entry?.error && (
        <MessageBar
          intent={entry.error.code === 'offline' ? 'warning' : 'error'}
          layout="multiline"
          data-testid="log-error"
        >
          <MessageBarBody>
            <MessageBarTitle>Haul could not read the log</MessageBarTitle>
            {entry.error.message}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void loadLog(jobName, driveId, kind)}>Try again</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {!log && (entry?.loading ?? true) && !entry?.error && <Spinner label="Reading the log…" />}

      {log && summary && (
        <>
          <div className={styles.summary}>
            <Badge
              appearance={summary.tone === 'danger' ? 'filled' : 'tint'}
              color={TONE_COLOR[summary.tone]}
              data-testid="log-status"
            >
              {summary.label}
            </Badge>
            <Body1>
              {plural(log.rows.length, 'blob')}, {plural(log.issues, 'issue')}
            </Body1>
            <Caption1 className={styles.muted} data-testid="log-status-code">
              Status in the log: {log.status}
            </Caption1>
            {log.message && <Body1 className={styles.wrapText}>{log.message}</Body1>}
          </div>
          <div className={styles.toolbar} role="search" aria-label="Filter the log">
            <Field label="Search" className={styles.search}>
              <SearchBox
                value={filters.query}
                onChange={(_e, d) => change({ query: d.value })}
                placeholder="Blob, file, source or message"
              />
            </Field>
            <Field label="Status">
              <Select
                value={filters.status}
                onChange={(_e, d) => change({ status: d.value })}
                data-testid="log-status-filter"
              >
                <option value="all">All statuses ({log.rows.length})</option>
                {statuses.map((s) => (
                  <option key={s.status} value={s.status}>{`${s.status} (${s.count})`}</option>
                ))}
              </Select>
            </Field>
            <Switch
              checked={filters.onlyIssues}
              onChange={(_e, d) => change({ onlyIssues: d.checked })}
              label="Only issues"
            />
            <Caption1 className={styles.count} role="status">
              {rows.length === log.rows.length
                ? plural(rows.length, 'row')
                : `${rows.length} of ${plural(log.rows.length, 'row')}`}
            </Caption1>
          </div>
          {rows.length === 0 ? (
            <Body1>{log.rows.length === 0 ? 'The log lists no blobs.' : 'No row matches the filters.'}</Body1>
          ) : (
            <div className={styles.wrap}>
              <Table
                aria-label={`Log of drive ${driveId}`}
                size="small"
                className={styles.table}
                data-testid="log-table"
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell className={styles.blob}>
                      {withSource ? 'Blob, its file on the drive and its source' : 'Blob and its file on the drive'}
                    </TableHeaderCell>
                    <TableHeaderCell className={styles.status}>Status</TableHeaderCell>
                    <TableHeaderCell>Message</TableHeaderCell>
                    <TableHeaderCell className={styles.size}>Size</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.slice(0, limit).map((r, i) => (
                    <TableRow
                      key={`${r.blobPath}\u0000${i}`}
                      className={r.issue ? styles.issue : undefined}
                      data-testid="log-row"
                      data-status={r.status}
                    >
                      <TableCell>
                        <div className={styles.stack}>
                          <span className={styles.path}>{r.blobPath}</span>
                          {r.importedAs && r.importedAs !== r.blobPath && (
                            <span className={`${styles.path} ${styles.muted}`}>written as {r.importedAs}</span>
                          )}
                          <span className={`${styles.path} ${styles.muted}`}>file {r.filePath}</span>
                          {r.sourcePath && (
                            <span className={`${styles.path} ${styles.muted}`} data-testid="log-source">
                              from {r.sourcePath}
                            </span>
                          )}
                        </div>
                      </TableCell>
                      <TableCell>
                        <div className={styles.stack}>
                          <span>
                            <Badge
                              appearance={r.outcome.tone === 'danger' ? 'filled' : 'tint'}
                              color={TONE_COLOR[r.outcome.tone]}
                              data-testid="log-row-outcome"
                              data-outcome={r.outcome.kind}
                            >
                              {r.outcome.label}
                            </Badge>
                          </span>
                          <Caption1 className={styles.muted}>
                            {[
                              r.status,
                              r.outcome.reason !== r.status ? r.outcome.reason : '',
                              // A file not imported was not "Created": its disposition did not happen.
                              r.outcome.kind === 'failed' ? '' : r.disposition,
                            ]
                              .filter(Boolean)
                              .join(' · ')}
                          </Caption1>
                        </div>
                      </TableCell>
                      <TableCell>
                        {r.message || r.failedBlocks ? (
                          <span className={styles.wrapText}>
                            {[r.message, r.failedBlocks ? `${plural(r.failedBlocks, 'block')} failed` : '']
                              .filter(Boolean)
                              .join(' · ')}
                          </span>
                        ) : (
                          <span className={styles.muted}>—</span>
                        )}
                      </TableCell>
                      <TableCell>{formatBytes(r.length)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
          {rows.length > limit && (
            <Button onClick={() => setLimit((l) => l + PAGE)}>
              Show {Math.min(PAGE, rows.length - limit)} more of {rows.length - limit}
            </Button>
          )}
        </>
      )}
    </section>
  );
}
