// The log viewer (#/jobs/<name>/drives/<driveId>/log[/verbose]): a drive's DriveLog, read and
// parsed by main (jobs.log), as a table that can be filtered: blob, file on the drive, the source
// file it came from when Haul prepared the drive, status code and message. Only the rows in view
// are drawn, so a log of a million blobs scrolls as one of ten.
import { useEffect, useRef } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Field,
  Link,
  makeStyles,
  mergeClasses,
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
import type { JobLog, LogRow } from '../../../../shared/ipc/channels/jobs';
import { useHaul } from '../../store';
import { logKey, type LogEntry, type LogFilters } from '../../store/logs';
import { usePageRows } from '../../components/usePageRows';
import { useWidth } from '../../hooks/useWidth';
import { formatBytes, formatCount, plural } from '../../format';
import { TONE_COLOR } from '../../components/VerdictBadge';

const COMPACT_BELOW = 680;
const COLUMNS = 'minmax(0, 3fr) 176px minmax(0, 2fr) 84px';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  back: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, alignSelf: 'flex-start' },
  title: { overflowWrap: 'anywhere' },
  summary: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  search: { flex: '1 1 220px', maxWidth: '420px' },
  count: { color: tokens.colorNeutralForeground3, marginLeft: 'auto', paddingBottom: tokens.spacingVerticalXS },
  wrap: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
  },
  head: {
    display: 'grid',
    gridTemplateColumns: COLUMNS,
    position: 'sticky',
    top: 0,
    zIndex: 1,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  body: { position: 'relative' },
  row: {
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    display: 'grid',
    gridTemplateColumns: COLUMNS,
    alignItems: 'start',
  },
  compactRow: {
    gridTemplateColumns: 'minmax(0, 1fr) auto',
    gridTemplateAreas: '"blob blob" "status size" "message message"',
  },
  blobArea: { gridArea: 'blob' },
  statusArea: { gridArea: 'status' },
  messageArea: { gridArea: 'message' },
  sizeArea: { gridArea: 'size' },
  cell: { minWidth: 0, alignItems: 'flex-start', paddingBlock: tokens.spacingVerticalXS },
  issue: { backgroundColor: tokens.colorPaletteRedBackground1 },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, width: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  wrapText: { overflowWrap: 'anywhere' },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

const NO_ENTRY = undefined;

export function LogScreen({ jobName, driveId, kind }: { jobName: string; driveId: string; kind: 'error' | 'verbose' }) {
  const styles = useStyles();
  const key = logKey(jobName, driveId, kind);
  const entry = useHaul((s) => s.logs.entries[key] ?? NO_ENTRY);
  const drive = useHaul((s) => s.jobs.views[jobName]?.drives.find((d) => d.driveId === driveId));
  const loadLog = useHaul((s) => s.logs.load);
  const setFilters = useHaul((s) => s.logs.setFilters);
  const loadJob = useHaul((s) => s.jobs.load);
  const navigate = useHaul((s) => s.ui.navigate);

  useEffect(() => {
    void loadLog(jobName, driveId, kind);
    void loadJob(jobName);
  }, [loadLog, loadJob, jobName, driveId, kind]);

  const log = entry?.log;
  const change = (f: Partial<LogFilters>) => setFilters(key, f);

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
      <Title2 as="h2" id="log-title" className={styles.title}>
        {`${kind === 'error' ? 'Error log' : 'Verbose log'} of drive ${driveId}`}
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

      {log && entry?.summary && (
        <>
          <LogSummary log={log} summary={entry.summary} />
          <LogFilterBar log={log} entry={entry} change={change} />
          {entry.shown.length === 0 ? (
            <Body1>{log.rows.length === 0 ? 'The log lists no blobs.' : 'No row matches the filters.'}</Body1>
          ) : (
            <LogRows rows={log.rows} shown={entry.shown} driveId={driveId} />
          )}
        </>
      )}
    </section>
  );
}

function LogRows({ rows, shown, driveId }: { rows: LogRow[]; shown: number[]; driveId: string }) {
  const styles = useStyles();
  const wrapRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const compact = useWidth(wrapRef) < COMPACT_BELOW;
  const withSource = rows.some((r) => r.sourcePath);
  const list = usePageRows({
    count: shown.length,
    estimate: compact ? 120 : 84,
    listRef: bodyRef,
    getKey: (i) => String(shown[i] ?? i),
  });
  const cell = (area: string) => mergeClasses(styles.cell, compact && area);
  return (
    <div className={styles.wrap} ref={wrapRef}>
      <Table
        noNativeElements
        size="small"
        aria-label={`Log of drive ${driveId}`}
        aria-rowcount={shown.length + 1}
        data-testid="log-table"
      >
        {!compact && (
          <TableHeader>
            <TableRow className={styles.head} aria-rowindex={1}>
              <TableHeaderCell>
                {withSource ? 'Blob, its file on the drive and its source' : 'Blob and its file on the drive'}
              </TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Message</TableHeaderCell>
              <TableHeaderCell>Size</TableHeaderCell>
            </TableRow>
          </TableHeader>
        )}
        <TableBody ref={bodyRef} className={styles.body} style={{ height: list.getTotalSize() }}>
          {list.getVirtualItems().map((item) => {
            const r = rows[shown[item.index] ?? -1];
            if (!r) return null;
            return (
              <TableRow
                key={item.key}
                ref={list.measureElement}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                className={mergeClasses(styles.row, compact && styles.compactRow, r.issue && styles.issue)}
                style={{ transform: `translateY(${item.start - list.options.scrollMargin}px)` }}
                data-testid="log-row"
                data-status={r.status}
              >
                <TableCell className={cell(styles.blobArea)}>
                  <BlobAndFiles r={r} />
                </TableCell>
                <TableCell className={cell(styles.statusArea)}>
                  <RowOutcome r={r} />
                </TableCell>
                <TableCell className={cell(styles.messageArea)}>
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
                <TableCell className={cell(styles.sizeArea)}>{formatBytes(r.length)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

/** What the log says in one badge, how many blobs and issues, and its status and message. */
function LogSummary({ log, summary }: { log: JobLog; summary: NonNullable<LogEntry['summary']> }) {
  const styles = useStyles();
  return (
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
  );
}

/** The search, the status filter and the issues switch, with how many rows they leave. */
function LogFilterBar({
  log,
  entry,
  change,
}: {
  log: JobLog;
  entry: LogEntry;
  change: (f: Partial<LogFilters>) => void;
}) {
  const styles = useStyles();
  return (
    <div className={styles.toolbar} role="search" aria-label="Filter the log">
      <Field label="Search" className={styles.search}>
        <SearchBox
          value={entry.filters.query}
          onChange={(_e, d) => change({ query: d.value })}
          placeholder="Blob, file, source or message"
        />
      </Field>
      <Field label="Status">
        <Select
          value={entry.filters.status}
          onChange={(_e, d) => change({ status: d.value })}
          data-testid="log-status-filter"
        >
          <option value="all">All statuses ({formatCount(log.rows.length)})</option>
          {entry.statuses.map((s) => (
            <option key={s.status} value={s.status}>{`${s.status} (${formatCount(s.count)})`}</option>
          ))}
        </Select>
      </Field>
      <Switch
        checked={entry.filters.onlyIssues}
        onChange={(_e, d) => change({ onlyIssues: d.checked })}
        label="Only issues"
      />
      <Caption1 className={styles.count} role="status">
        {entry.shown.length === log.rows.length
          ? plural(entry.shown.length, 'row')
          : `${formatCount(entry.shown.length)} of ${plural(log.rows.length, 'row')}`}
      </Caption1>
    </div>
  );
}

/** The blob, the name it was written as, its file on the drive and its source. */
function BlobAndFiles({ r }: { r: LogRow }) {
  const styles = useStyles();
  return (
    <div className={styles.stack}>
      <span className={styles.path}>{r.blobPath}</span>
      {r.importedAs && r.importedAs !== r.blobPath && (
        <span className={mergeClasses(styles.path, styles.muted)}>written as {r.importedAs}</span>
      )}
      <span className={mergeClasses(styles.path, styles.muted)}>file {r.filePath}</span>
      {r.sourcePath && (
        <span className={mergeClasses(styles.path, styles.muted)} data-testid="log-source">
          from {r.sourcePath}
        </span>
      )}
    </div>
  );
}

/** The row's outcome as a badge, with the log's status, the reason and the disposition. */
function RowOutcome({ r }: { r: LogRow }) {
  const styles = useStyles();
  return (
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
  );
}
