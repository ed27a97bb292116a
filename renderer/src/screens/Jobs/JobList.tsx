// The jobs as a table that draws only the rows in view: a job's name (whole, wrapped when long),
// type and storage account, state and what came of the copy (its verdict), progress, drives, the next step and its deadline, and when it
// last changed. Sorted by a click on a column's header. In a narrow place each row becomes a small
// card of the same facts, so nothing is scrolled out of view sideways.
import { memo, useRef } from 'react';
import {
  Caption1,
  Link,
  makeStyles,
  mergeClasses,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { PersonAlert16Regular } from '@fluentui/react-icons';
import type { JobRow as JobRowView } from '../../../../shared/jobs/row';
import { useHaul } from '../../store';
import type { JobFilters, JobSort } from '../../store/jobList';
import { lastUpdated, needsCustomer } from '../../store/jobIndex';
import { StateBadge } from '../../components/StateBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { Truncated } from '../../components/Truncated';
import { usePageRows } from '../../components/usePageRows';
import { useWidth } from '../../hooks/useWidth';
import { useNow } from '../../hooks/useNow';
import { formatDateTime, formatPercent, formatRelative, plural } from '../../format';

/** Below this width the rows become cards. */
const COMPACT_BELOW = 720;
const COLUMNS = 'minmax(0, 24fr) 176px 96px 64px minmax(0, 40fr) 120px';

const useStyles = makeStyles({
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
    borderTopLeftRadius: tokens.borderRadiusLarge,
    borderTopRightRadius: tokens.borderRadiusLarge,
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
    cursor: 'pointer',
  },
  compactRow: {
    gridTemplateColumns: 'minmax(0, 1fr) auto',
    gridTemplateAreas: '"name state" "next next" "progress updated"',
    rowGap: tokens.spacingVerticalXXS,
    paddingBlock: tokens.spacingVerticalXS,
  },
  cell: { minWidth: 0, alignItems: 'flex-start', paddingBlock: tokens.spacingVerticalS },
  nameArea: { gridArea: 'name' },
  stateArea: { gridArea: 'state' },
  progressArea: { gridArea: 'progress' },
  nextArea: { gridArea: 'next' },
  updatedArea: { gridArea: 'updated', justifyContent: 'flex-end' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, width: '100%' },
  name: {
    fontWeight: tokens.fontWeightSemibold,
    textAlign: 'left',
    overflowWrap: 'anywhere',
  },
  wrapText: { overflowWrap: 'break-word', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  needsYou: {
    display: 'inline-flex',
    alignItems: 'flex-start',
    gap: tokens.spacingHorizontalXXS,
    color: tokens.colorPaletteDarkOrangeForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
  needsIcon: { flexShrink: 0, marginTop: '2px' },
  progress: { display: 'flex', flexDirection: 'column', gap: '2px', width: '100%' },
  compactProgress: { flexDirection: 'row', alignItems: 'center', gap: tokens.spacingHorizontalS, width: '160px' },
});

export function JobList({
  names,
  filters,
  setFilters,
}: {
  names: string[];
  filters: JobFilters;
  setFilters: (f: Partial<JobFilters>) => void;
}) {
  const styles = useStyles();
  const wrapRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const compact = useWidth(wrapRef) < COMPACT_BELOW;
  const rows = usePageRows({
    count: names.length,
    estimate: compact ? 112 : 76,
    listRef: bodyRef,
    getKey: (i) => names[i] ?? String(i),
  });
  const sortProps = (key: JobSort) => ({
    sortDirection:
      filters.sort === key ? (filters.descending ? ('descending' as const) : ('ascending' as const)) : undefined,
    onClick: () =>
      setFilters(
        filters.sort === key ? { descending: !filters.descending } : { sort: key, descending: key === 'updated' },
      ),
  });
  const now = useNow();
  return (
    <div className={styles.wrap} ref={wrapRef}>
      <Table
        noNativeElements
        sortable={!compact}
        aria-label="Jobs"
        aria-rowcount={names.length + 1}
        data-testid="jobs-table"
        data-compact={compact}
      >
        {!compact && (
          <TableHeader>
            <TableRow className={styles.head} aria-rowindex={1}>
              <TableHeaderCell {...sortProps('name')}>Name</TableHeaderCell>
              <TableHeaderCell {...sortProps('state')}>State</TableHeaderCell>
              <TableHeaderCell {...sortProps('progress')}>Progress</TableHeaderCell>
              <TableHeaderCell>Drives</TableHeaderCell>
              <TableHeaderCell>Next step</TableHeaderCell>
              <TableHeaderCell {...sortProps('updated')}>Last updated</TableHeaderCell>
            </TableRow>
          </TableHeader>
        )}
        <TableBody ref={bodyRef} className={styles.body} style={{ height: rows.getTotalSize() }}>
          {rows.getVirtualItems().map((item) => {
            const name = names[item.index];
            return name === undefined ? null : (
              <JobRow
                key={item.key}
                name={name}
                index={item.index}
                compact={compact}
                now={now}
                measure={rows.measureElement}
                top={item.start - rows.options.scrollMargin}
              />
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

const JobRow = memo(function JobRow({
  name,
  index,
  compact,
  now,
  measure,
  top,
}: {
  name: string;
  index: number;
  compact: boolean;
  now: number;
  measure: (el: Element | null) => void;
  top: number;
}) {
  const styles = useStyles();
  const job = useHaul((s) => s.jobs.byName[name]);
  const navigate = useHaul((s) => s.ui.navigate);
  if (!job) return null;
  const open = () => navigate({ name: 'job', jobName: job.name });
  const updated = lastUpdated(job);
  const cell = (area: string | undefined) => mergeClasses(styles.cell, compact && area);
  return (
    <TableRow
      ref={measure}
      data-index={index}
      aria-rowindex={index + 2}
      className={mergeClasses(styles.row, compact && styles.compactRow)}
      style={{ transform: `translateY(${top}px)` }}
      onClick={open}
      data-testid="job-row"
      data-job={job.name}
    >
      <TableCell className={cell(styles.nameArea)}>
        <div className={styles.stack}>
          <Link
            as="button"
            className={styles.name}
            onClick={(e) => {
              e.stopPropagation();
              open();
            }}
            data-testid="job-link"
          >
            {job.name}
          </Link>
          <Caption1 className={mergeClasses(styles.muted, styles.wrapText)}>
            {[job.type, job.storageAccount].filter(Boolean).join(' · ')}
          </Caption1>
        </div>
      </TableCell>
      <TableCell className={cell(styles.stateArea)}>
        <JobStateStack job={job} />
      </TableCell>
      <TableCell className={cell(styles.progressArea)}>
        <JobProgress job={job} compact={compact} />
      </TableCell>
      {!compact && (
        <TableCell className={styles.cell}>
          <Truncated text={drivesText(job)}>{job.drives.length}</Truncated>
        </TableCell>
      )}
      <TableCell className={cell(styles.nextArea)}>
        <JobNextStep job={job} />
      </TableCell>
      <TableCell className={cell(styles.updatedArea)}>
        {updated ? <Truncated text={formatDateTime(updated)}>{formatRelative(updated, now)}</Truncated> : '—'}
      </TableCell>
    </TableRow>
  );
});

/** The job's state, and its verdict once there is one (or that a cancel was asked for). */
function JobStateStack({ job }: { job: JobRowView }) {
  const styles = useStyles();
  const { verdict } = job;
  return (
    <div className={styles.stack}>
      <span>
        <StateBadge state={job.state} serviceState={job.serviceState} verdict={job.verdict} />
      </span>
      {verdict.final || verdict.kind === 'checking' || verdict.kind === 'faulted' ? (
        <span>
          <VerdictBadge verdict={verdict} size="small" />
        </span>
      ) : (
        job.cancelRequested && <Caption1 className={styles.muted}>cancel requested</Caption1>
      )}
    </div>
  );
}

/** How far the copy is, as a percent and a bar, or in words while there is no percent. */
function JobProgress({ job, compact }: { job: JobRowView; compact: boolean }) {
  const styles = useStyles();
  const { verdict } = job;
  const percent = verdict.progress.percent;
  return percent === undefined ? (
    <Caption1 className={mergeClasses(styles.muted, styles.wrapText)}>{verdict.progress.text}</Caption1>
  ) : (
    <div className={mergeClasses(styles.progress, compact && styles.compactProgress)}>
      <Text size={200} data-testid="job-percent">
        {formatPercent(percent)}
      </Text>
      <ProgressBar
        value={percent / 100}
        thickness="medium"
        color={verdict.final && verdict.tone === 'danger' ? 'error' : 'brand'}
        aria-label={`${job.name}: ${formatPercent(percent)} copied`}
      />
    </div>
  );
}

/** What happens next, marked when it is the customer's move, with the nearest deadline. */
function JobNextStep({ job }: { job: JobRowView }) {
  const styles = useStyles();
  const deadline = job.deadlines.find((d) => !d.passed);
  return (
    <div className={styles.stack}>
      {needsCustomer(job) ? (
        <span className={styles.needsYou}>
          <PersonAlert16Regular aria-hidden className={styles.needsIcon} />
          <span className={styles.wrapText}>{job.nextStep.text}</span>
        </span>
      ) : (
        <span className={styles.wrapText}>{job.nextStep.text}</span>
      )}
      {deadline && (
        <Caption1 className={styles.muted}>
          {`${deadlineShort(deadline.kind)} ${deadline.daysLeft <= 1 ? 'within a day' : `in ${deadline.daysLeft} days`} (estimate)`}
        </Caption1>
      )}
    </div>
  );
}

/** The job's drives in one line, for the drives cell's tooltip. */
function drivesText(job: JobRowView): string {
  return job.drives.length
    ? `${plural(job.drives.length, 'drive')}: ${job.drives.map((d) => `${d.driveId} ${d.state}, ${d.verdict.label.toLowerCase()}`).join('; ')}`
    : job.type === 'Export'
      ? 'No drives yet (the data center adds them)'
      : 'No drives';
}

function deadlineShort(kind: JobRowView['deadlines'][number]['kind']): string {
  return kind === 'creatingExpires' ? 'Expires' : kind === 'shippingOverdue' ? 'Overdue' : 'Deleted';
}
