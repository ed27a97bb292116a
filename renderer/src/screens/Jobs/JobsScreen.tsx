// Jobs, the app's home: every job of the connected resource group, made in Haul or elsewhere
// (portal, CLI, SDK), with its state, progress, drives, the next step and when it last changed.
// Filter by state, search, sort by any column; an empty state that invites a first job. The list
// draws only the rows in view (JobList), and which rows it shows is worked out in the store.
import { useEffect, useId } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Field,
  makeStyles,
  SearchBox,
  Select,
  Spinner,
  Subtitle1,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { Add20Regular, ArrowClockwise20Regular, BoxMultipleRegular } from '@fluentui/react-icons';
import { JOB_STATES } from '../../../../shared/lifecycle/types';
import { useHaul } from '../../store';
import { useNow } from '../../hooks/useNow';
import type { JobFilters, JobSort } from '../../store/jobList';
import { formatCount, plural } from '../../format';
import { DraftsList } from '../Wizard/DraftsList';
import { JobList } from './JobList';
import { ListStatus, listIsStale } from './ListNotice';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  headText: { display: 'flex', flexDirection: 'column', marginRight: 'auto', minWidth: 0 },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  search: { flex: '1 1 220px', maxWidth: '420px' },
  count: { color: tokens.colorNeutralForeground3, marginLeft: 'auto', paddingBottom: tokens.spacingVerticalXS },
  muted: { color: tokens.colorNeutralForeground3 },
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
  const known = useHaul((s) => s.jobs.names !== undefined);
  const total = useHaul((s) => s.jobList.counts.all ?? 0);
  const shown = useHaul((s) => s.jobList.shown);
  const filters = useHaul((s) => s.jobList.filters);
  const setFilters = useHaul((s) => s.jobList.setFilters);
  const loading = useHaul((s) => s.jobs.loading);
  const error = useHaul((s) => s.jobs.error);
  const listedAt = useHaul((s) => s.jobs.listedAt);
  const kept = useHaul((s) => s.jobs.kept);
  const now = useNow(5_000);
  const stale = listIsStale(kept, listedAt, now);
  const refresh = useHaul((s) => s.jobs.refresh);
  const watch = useHaul((s) => s.jobs.watch);
  const navigate = useHaul((s) => s.ui.navigate);
  const resourceGroup = useHaul((s) => s.app.service?.resourceGroup);
  const newJob = () => navigate({ name: 'wizard' });

  useEffect(() => watch(), [watch]);

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
        <Button appearance="primary" icon={<Add20Regular />} onClick={newJob} data-testid="new-job">
          New job
        </Button>
      </div>

      <ListStatus
        known={known}
        loading={loading}
        stale={stale}
        listedAt={listedAt}
        error={error}
        onRetry={() => void refresh()}
      />

      <DraftsList />

      {!known ? (
        !error && <Spinner label="Asking the service for its jobs…" />
      ) : total === 0 ? (
        <EmptyState onNew={newJob} />
      ) : (
        <>
          <Toolbar filters={filters} setFilters={setFilters} shown={shown.length} total={total} />
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
            <JobList names={shown} filters={filters} setFilters={setFilters} />
          )}
        </>
      )}
    </section>
  );
}

function EmptyState({ onNew }: { onNew: () => void }) {
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
      <Button appearance="primary" icon={<Add20Regular />} onClick={onNew}>
        Create your first job
      </Button>
    </div>
  );
}

function Toolbar({
  filters,
  setFilters,
  shown,
  total,
}: {
  filters: JobFilters;
  setFilters: (f: Partial<JobFilters>) => void;
  shown: number;
  total: number;
}) {
  const styles = useStyles();
  const countId = useId();
  const counts = useHaul((s) => s.jobList.counts);
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
          <option value="all">All states ({formatCount(counts.all ?? 0)})</option>
          <option value="attention">Needs you ({formatCount(counts.attention ?? 0)})</option>
          {present.map((s) => (
            <option key={s} value={s}>{`${s} (${formatCount(counts[s] ?? 0)})`}</option>
          ))}
          {counts.Unknown ? <option value="Unknown">{`Unknown (${formatCount(counts.Unknown)})`}</option> : null}
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
        {shown === total ? plural(total, 'job') : `${formatCount(shown)} of ${plural(total, 'job')}`}
      </Caption1>
    </div>
  );
}
