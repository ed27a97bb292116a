// Jobs, the app's home: every job of the connected resource group, made in Haul or elsewhere
// (portal, CLI, SDK), with its state, progress, drives, the next step and when it last changed.
// Filter by state, search, sort by any column; an empty state that invites a first job.
import { useEffect, useId, useMemo } from 'react';
import {
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
  ProgressBar,
  SearchBox,
  Select,
  Spinner,
  Subtitle1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { Add20Regular, ArrowClockwise20Regular, BoxMultipleRegular, PersonAlert16Regular } from '@fluentui/react-icons';
import { JOB_STATES } from '../../../../shared/lifecycle/types';
import type { JobView } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import type { JobFilters, JobSort } from '../../store/jobs';
import { StateBadge } from '../../components/StateBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { Truncated } from '../../components/Truncated';
import { formatDateTime, formatRelative, plural } from '../../format';
import { countByState, lastUpdated, needsCustomer, visibleJobs } from './filter';
import { openNewJob } from '../../routes';
import { DraftsList } from '../Wizard/DraftsList';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  headText: { display: 'flex', flexDirection: 'column', marginRight: 'auto', minWidth: 0 },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  search: { flex: '1 1 220px', maxWidth: '420px' },
  count: { color: tokens.colorNeutralForeground3, marginLeft: 'auto', paddingBottom: tokens.spacingVerticalXS },
  tableWrap: {
    overflowX: 'auto',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
  },
  table: { minWidth: '720px', tableLayout: 'fixed' },
  row: { cursor: 'pointer' },
  nameCol: { width: '24%' },
  stateCol: { width: '136px' },
  progressCol: { width: '96px' },
  drivesCol: { width: '60px' },
  updatedCol: { width: '112px' },
  cellStack: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    minWidth: 0,
    paddingBlock: tokens.spacingVerticalXS,
  },
  nameLink: { fontWeight: tokens.fontWeightSemibold, maxWidth: '100%', textAlign: 'left' },
  muted: { color: tokens.colorNeutralForeground3 },
  needsYou: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    color: tokens.colorPaletteDarkOrangeForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
  progress: { display: 'flex', flexDirection: 'column', gap: '2px' },
  empty: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    textAlign: 'center',
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
  },
  emptyIcon: { color: tokens.colorBrandForeground1 },
  emptyText: { maxWidth: '52ch', color: tokens.colorNeutralForeground2 },
});

const SORTS: Record<JobSort, string> = { updated: 'Last updated', name: 'Name', state: 'State', progress: 'Progress' };

export function JobsScreen() {
  const styles = useStyles();
  const names = useHaul((s) => s.jobs.names);
  const byName = useHaul((s) => s.jobs.byName);
  const loading = useHaul((s) => s.jobs.loading);
  const error = useHaul((s) => s.jobs.error);
  const listedAt = useHaul((s) => s.jobs.listedAt);
  const filters = useHaul((s) => s.jobs.filters);
  const setFilters = useHaul((s) => s.jobs.setFilters);
  const refresh = useHaul((s) => s.jobs.refresh);
  const watch = useHaul((s) => s.jobs.watch);
  const resourceGroup = useHaul((s) => s.app.service?.resourceGroup);

  useEffect(() => watch(), [watch]);

  const all = useMemo(
    () => (names ?? []).map((n) => byName[n]).filter((j): j is JobView => j !== undefined),
    [names, byName],
  );
  const shown = useMemo(() => visibleJobs(all, filters), [all, filters]);
  const counts = useMemo(() => countByState(all), [all]);

  return (
    <section aria-labelledby="jobs-title" className={styles.page}>
      <div className={styles.head}>
        <div className={styles.headText}>
          <Title2 as="h2" id="jobs-title">
            Jobs
          </Title2>
          <Caption1 className={styles.muted}>
            {resourceGroup
              ? `Every job in resource group ${resourceGroup}, made in Haul or elsewhere`
              : 'Every job of the connected resource group, made in Haul or elsewhere'}
          </Caption1>
        </div>
        <Button
          icon={<ArrowClockwise20Regular />}
          onClick={() => void refresh()}
          disabled={loading}
          aria-label="Refresh the job list"
        >
          Refresh
        </Button>
        <Button appearance="primary" icon={<Add20Regular />} onClick={openNewJob} data-testid="new-job">
          New job
        </Button>
      </div>

      {error && (
        <MessageBar
          intent={error.code === 'offline' || error.code === 'not-ready' ? 'warning' : 'error'}
          data-testid="jobs-error"
        >
          <MessageBarBody>
            <MessageBarTitle>
              {error.code === 'offline'
                ? 'The service is offline'
                : error.code === 'not-ready'
                  ? 'The service is not ready yet'
                  : 'Haul could not list the jobs'}
            </MessageBarTitle>
            {error.message}
            {listedAt && names && ` Showing the jobs as they were at ${formatDateTime(listedAt)}.`}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void refresh()}>Try again</Button>
          </MessageBarActions>
        </MessageBar>
      )}

      <DraftsList />

      {names === undefined ? (
        !error && <Spinner label="Asking the service for its jobs…" />
      ) : all.length === 0 ? (
        <EmptyState />
      ) : (
        <>
          <Toolbar filters={filters} setFilters={setFilters} counts={counts} shown={shown.length} total={all.length} />
          {shown.length === 0 ? (
            <div className={styles.empty} role="status">
              <Subtitle1 as="h3">No job matches</Subtitle1>
              <Body1 className={styles.emptyText}>
                {filters.query.trim()
                  ? `No job's name, storage account, drive or tracking number contains “${filters.query.trim()}”`
                  : 'No job is in this state'}
                {filters.state !== 'all' && filters.query.trim() ? ' in this state.' : '.'}
              </Body1>
              <Button onClick={() => setFilters({ state: 'all', query: '' })}>Show all jobs</Button>
            </div>
          ) : (
            <JobsTable jobs={shown} filters={filters} setFilters={setFilters} />
          )}
        </>
      )}
    </section>
  );
}

function EmptyState() {
  const styles = useStyles();
  return (
    <div className={styles.empty} data-testid="jobs-empty">
      <BoxMultipleRegular fontSize={48} className={styles.emptyIcon} aria-hidden />
      <Subtitle1 as="h3">No jobs yet</Subtitle1>
      <Body1 className={styles.emptyText}>
        Move data to Azure on hard drives, or get it back on them. Haul prepares the drives, creates the job, tells you
        what to write on the package and follows the job until the drives come back. Jobs made elsewhere (portal, CLI,
        SDK) show up here too.
      </Body1>
      <Button appearance="primary" icon={<Add20Regular />} onClick={openNewJob}>
        Create your first job
      </Button>
    </div>
  );
}

function Toolbar({
  filters,
  setFilters,
  counts,
  shown,
  total,
}: {
  filters: JobFilters;
  setFilters: (f: Partial<JobFilters>) => void;
  counts: Record<string, number>;
  shown: number;
  total: number;
}) {
  const styles = useStyles();
  const countId = useId();
  const present = JOB_STATES.filter((s) => counts[s]);
  return (
    <div className={styles.toolbar} role="search" aria-label="Filter jobs">
      <Field label="Search" className={styles.search}>
        <SearchBox
          value={filters.query}
          onChange={(_e, d) => setFilters({ query: d.value })}
          placeholder="Job, storage account, drive or tracking number"
          aria-describedby={countId}
        />
      </Field>
      <Field label="State">
        <Select
          value={filters.state}
          onChange={(_e, d) => setFilters({ state: d.value as JobFilters['state'] })}
          data-testid="state-filter"
        >
          <option value="all">All states ({counts.all ?? 0})</option>
          <option value="attention">Needs you ({counts.attention ?? 0})</option>
          {present.map((s) => (
            <option key={s} value={s}>{`${s} (${counts[s]})`}</option>
          ))}
          {counts.Unknown ? <option value="Unknown">{`Unknown (${counts.Unknown})`}</option> : null}
        </Select>
      </Field>
      <Field label="Sort by">
        <Select value={filters.sort} onChange={(_e, d) => setFilters({ sort: d.value as JobSort })}>
          {(Object.keys(SORTS) as JobSort[]).map((k) => (
            <option key={k} value={k}>
              {SORTS[k]}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Order">
        <Select
          value={filters.descending ? 'desc' : 'asc'}
          onChange={(_e, d) => setFilters({ descending: d.value === 'desc' })}
        >
          <option value="desc">
            {filters.sort === 'name' ? 'Z to A' : filters.sort === 'updated' ? 'Newest first' : 'Descending'}
          </option>
          <option value="asc">
            {filters.sort === 'name' ? 'A to Z' : filters.sort === 'updated' ? 'Oldest first' : 'Ascending'}
          </option>
        </Select>
      </Field>
      <Caption1 className={styles.count} id={countId} role="status" data-testid="jobs-count">
        {shown === total ? plural(total, 'job') : `${shown} of ${plural(total, 'job')}`}
      </Caption1>
    </div>
  );
}

function JobsTable({
  jobs,
  filters,
  setFilters,
}: {
  jobs: JobView[];
  filters: JobFilters;
  setFilters: (f: Partial<JobFilters>) => void;
}) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const sortProps = (key: JobSort) => ({
    sortDirection:
      filters.sort === key ? (filters.descending ? ('descending' as const) : ('ascending' as const)) : undefined,
    onClick: () =>
      setFilters(
        filters.sort === key ? { descending: !filters.descending } : { sort: key, descending: key === 'updated' },
      ),
  });
  const now = Date.now();
  return (
    <div className={styles.tableWrap}>
      <Table sortable aria-label="Jobs" className={styles.table} data-testid="jobs-table">
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.nameCol} {...sortProps('name')}>
              Name
            </TableHeaderCell>
            <TableHeaderCell className={styles.stateCol} {...sortProps('state')}>
              State
            </TableHeaderCell>
            <TableHeaderCell className={styles.progressCol} {...sortProps('progress')}>
              Progress
            </TableHeaderCell>
            <TableHeaderCell className={styles.drivesCol}>Drives</TableHeaderCell>
            <TableHeaderCell>Next step</TableHeaderCell>
            <TableHeaderCell className={styles.updatedCol} {...sortProps('updated')}>
              Last updated
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {jobs.map((job) => {
            const open = () => navigate({ name: 'job', jobName: job.name });
            const updated = lastUpdated(job);
            const deadline = job.deadlines.find((d) => !d.passed);
            return (
              <TableRow key={job.name} className={styles.row} onClick={open} data-testid="job-row" data-job={job.name}>
                <TableCell>
                  <div className={styles.cellStack}>
                    <Link
                      as="button"
                      className={styles.nameLink}
                      onClick={(e) => {
                        e.stopPropagation();
                        open();
                      }}
                      data-testid="job-link"
                    >
                      <Truncated text={job.name} />
                    </Link>
                    <Truncated
                      text={[job.type, job.storageAccount].filter(Boolean).join(' · ')}
                      className={styles.muted}
                    />
                  </div>
                </TableCell>
                <TableCell>
                  <div className={styles.cellStack}>
                    <span>
                      <StateBadge state={job.state} serviceState={job.serviceState} verdict={job.verdict} />
                    </span>
                    {job.verdict.final || job.verdict.kind === 'checking' || job.verdict.kind === 'faulted' ? (
                      <span>
                        <VerdictBadge verdict={job.verdict} size="small" />
                      </span>
                    ) : (
                      job.cancelRequested && <Caption1 className={styles.muted}>cancel requested</Caption1>
                    )}
                  </div>
                </TableCell>
                <TableCell>
                  {job.verdict.progress.percent === undefined ? (
                    <Caption1 className={styles.muted}>{job.verdict.progress.text}</Caption1>
                  ) : (
                    <div className={styles.progress}>
                      <Text size={200} data-testid="job-percent">{`${job.verdict.progress.percent} %`}</Text>
                      <ProgressBar
                        value={job.verdict.progress.percent / 100}
                        thickness="medium"
                        color={job.verdict.final && job.verdict.tone === 'danger' ? 'error' : 'brand'}
                        aria-label={`${job.name}: ${job.verdict.progress.percent} % copied`}
                      />
                    </div>
                  )}
                </TableCell>
                <TableCell>
                  <Truncated
                    text={
                      job.drives.map((d) => `${d.driveId}: ${d.state}, ${d.verdict.label.toLowerCase()}`).join('; ') ||
                      (job.type === 'Export' ? 'none yet (the data center adds them)' : 'none')
                    }
                  >
                    {job.drives.length}
                  </Truncated>
                </TableCell>
                <TableCell>
                  <div className={styles.cellStack}>
                    {needsCustomer(job) ? (
                      <span className={styles.needsYou}>
                        <PersonAlert16Regular aria-hidden />
                        <Truncated text={job.nextStep.text} />
                      </span>
                    ) : (
                      <Truncated text={job.nextStep.text} />
                    )}
                    {deadline && (
                      <Truncated
                        className={styles.muted}
                        text={`${deadlineShort(deadline.kind)} ${deadline.daysLeft <= 1 ? 'within a day' : `in ${deadline.daysLeft} days`} (estimate)`}
                      />
                    )}
                  </div>
                </TableCell>
                <TableCell>
                  {updated ? <Truncated text={formatDateTime(updated)}>{formatRelative(updated, now)}</Truncated> : '—'}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

function deadlineShort(kind: JobView['deadlines'][number]['kind']): string {
  return kind === 'creatingExpires' ? 'Expires' : kind === 'shippingOverdue' ? 'Overdue' : 'Deleted';
}
