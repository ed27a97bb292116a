// Job detail (#/jobs/<name>): where the job and its drives are (both state diagrams), what to do
// now, the actions the life cycle allows (or why not), the timeline Haul observed, the deadlines
// (estimates), the drives with their logs, and the job's addresses and packages. Kept fresh while
// shown (watch) and by job.updated, so each step appears without a reload.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  Body1,
  Caption1,
  Card,
  CardHeader,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Subtitle2,
  Tab,
  TabList,
  Text,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeft16Regular } from '@fluentui/react-icons';
import type { JobView, Verdict } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { StateBadge } from '../../components/StateBadge';
import { VerdictBadge } from '../../components/VerdictBadge';
import { StateDiagram } from '../../components/StateDiagram/StateDiagram';
import { RuleWhy, Sentence } from '../../components/Why';
import { formatDateTime, formatPercent } from '../../format';
import { WhatNow } from './WhatNow';
import { Timeline } from './Timeline';
import { Deadlines } from './Deadlines';
import { DrivesTable } from './DrivesTable';
import { Details } from './Details';
import { jobPath } from './path';
import { EndOfJobCard } from '../Report/EndOfJobCard';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  back: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, alignSelf: 'flex-start' },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM, minWidth: 0 },
  title: { minWidth: 0, maxWidth: '100%', overflowWrap: 'anywhere' },
  headMeta: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, minWidth: '160px' },
  top: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 320px), 1fr))',
    gap: tokens.spacingHorizontalL,
    alignItems: 'start',
  },
  diagrams: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 780px), 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  card: { minWidth: 0 },
  driveTabs: { flexWrap: 'wrap' },
});

export function JobDetailScreen({ jobName }: { jobName: string }) {
  const styles = useStyles();
  const job = useHaul((s) => s.jobs.views[jobName]);
  const goneAt = useHaul((s) => s.jobs.gone[jobName]);
  const loadError = useHaul((s) => s.jobs.loadErrors[jobName]);
  const watch = useHaul((s) => s.jobs.watch);
  const loadLocations = useHaul((s) => s.jobs.loadLocations);
  const navigate = useHaul((s) => s.ui.navigate);

  useEffect(() => watch(jobName), [watch, jobName]);
  useEffect(() => void loadLocations(), [loadLocations]);

  const back = (
    <Link
      className={styles.back}
      href="#/jobs"
      onClick={(e) => {
        e.preventDefault();
        navigate({ name: 'jobs' });
      }}
    >
      <ArrowLeft16Regular aria-hidden /> All jobs
    </Link>
  );

  if (!job) {
    return (
      <section className={styles.page} aria-labelledby="job-title">
        {back}
        <Title2 as="h2" id="job-title" className={styles.title}>
          {jobName}
        </Title2>
        {goneAt ? (
          <MessageBar intent="warning" data-testid="job-gone">
            <MessageBarBody>
              <MessageBarTitle>This job no longer exists</MessageBarTitle>
              The service stopped knowing job {jobName} ({formatDateTime(goneAt)}): it was deleted, by you or
              automatically after its time ran out.
              <RuleWhy rules={['A1', 'J2', 'J12', 'JE1']} />
            </MessageBarBody>
          </MessageBar>
        ) : loadError ? (
          <MessageBar intent={loadError.code === 'offline' ? 'warning' : 'error'}>
            <MessageBarBody>
              <MessageBarTitle>Haul could not load job {jobName}</MessageBarTitle>
              {loadError.message}
            </MessageBarBody>
          </MessageBar>
        ) : (
          <Spinner label={`Loading job ${jobName}…`} />
        )}
      </section>
    );
  }
  return <JobDetail job={job} back={back} />;
}

function JobDetail({ job, back }: { job: JobView; back: ReactNode }) {
  const styles = useStyles();
  const loadError = useHaul((s) => s.jobs.loadErrors[job.name]);
  const observed = useMemo(() => jobPath(job), [job]);

  return (
    <section className={styles.page} aria-labelledby="job-title" data-testid="job-detail" data-state={job.state}>
      {back}
      <div className={styles.head}>
        <Title2 as="h2" id="job-title" className={styles.title}>
          {job.name}
        </Title2>
        <div className={styles.headMeta}>
          <StateBadge state={job.state} serviceState={job.serviceState} size="large" verdict={job.verdict} />
          <VerdictBadge verdict={job.verdict} size="large" />
          <Text>{job.type} job</Text>
          {job.cancelRequested && <Caption1 className={styles.muted}>cancellation requested</Caption1>}
          <Progress verdict={job.verdict} />
        </div>
      </div>
      <Caption1 className={styles.muted}>
        {[
          job.storageAccount && `Storage account ${job.storageAccount}`,
          job.location.name && `Data center ${job.location.name}`,
          `Seen by Haul since ${formatDateTime(job.firstSeenAt)}`,
          `as of ${formatDateTime(job.observedAt)}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Caption1>
      {loadError && (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>Showing the job as it was at {formatDateTime(job.observedAt)}</MessageBarTitle>
            {loadError.message}
          </MessageBarBody>
        </MessageBar>
      )}

      <WhatNow job={job} />
      <EndOfJobCard job={job} />

      <div className={styles.diagrams}>
        <Card className={styles.card} aria-labelledby="job-diagram-title">
          <CardHeader
            header={
              <Subtitle2 as="h3" id="job-diagram-title">
                Job state
              </Subtitle2>
            }
          />
          <StateDiagram
            kind="job"
            title={`Job ${job.name} state`}
            current={job.state === 'Unknown' ? undefined : job.state}
            observed={observed}
            outcome={outcomeOf(job.verdict)}
          />
        </Card>
        <DriveDiagram job={job} />
      </div>

      <DrivesTable job={job} />

      <div className={styles.top}>
        <Timeline job={job} />
        <Deadlines job={job} />
      </div>

      <Details job={job} />
    </section>
  );
}

/** Copied so far: bytes imported over the bytes the manifests hold when known, else what is known in words. */
function Progress({ verdict }: { verdict: Verdict }) {
  const styles = useStyles();
  const { percent, text } = verdict.progress;
  if (percent === undefined)
    return (
      <Text weight="semibold" data-testid="detail-percent">
        {text}
      </Text>
    );
  return (
    <div className={styles.progress}>
      <ProgressBar
        value={percent / 100}
        thickness="large"
        color={verdict.final && verdict.tone === 'danger' ? 'error' : verdict.tone === 'warning' ? 'warning' : 'brand'}
        style={{ width: '120px' }}
        aria-label={`${formatPercent(percent)} copied`}
      />
      <Text weight="semibold" data-testid="detail-percent">
        {formatPercent(percent)}
      </Text>
    </div>
  );
}

/** The verdict for a diagram's legend, once it says more than the state does. */
const outcomeOf = (v: Verdict) => (v.final || v.kind === 'checking' || v.kind === 'faulted' ? v : undefined);

function DriveDiagram({ job }: { job: JobView }) {
  const styles = useStyles();
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const drive = job.drives.find((d) => d.driveId === picked) ?? job.drives[0];
  const observed = useMemo(
    () =>
      drive ? job.timeline.filter((t) => t.subject === 'drive' && t.driveId === drive.driveId).map((t) => t.state) : [],
    [job.timeline, drive],
  );
  return (
    <Card className={styles.card} aria-labelledby="drive-diagram-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="drive-diagram-title">
            {drive ? `Drive state: ${drive.driveId}` : 'Drive state'}
          </Subtitle2>
        }
      />
      {job.drives.length > 1 && (
        <TabList
          className={styles.driveTabs}
          size="small"
          selectedValue={drive?.driveId}
          onTabSelect={(_e, d) => setPicked(String(d.value))}
          aria-label="Drive shown in the diagram"
        >
          {job.drives.map((d) => (
            <Tab key={d.driveId} value={d.driveId}>
              {d.driveId}
            </Tab>
          ))}
        </TabList>
      )}
      {drive ? (
        <StateDiagram
          kind="drive"
          title={`Drive ${drive.driveId} state`}
          current={drive.state === 'Unknown' ? undefined : drive.state}
          observed={observed}
          outcome={outcomeOf(drive.verdict)}
        />
      ) : (
        <>
          <Body1>
            <Sentence
              text={
                job.type === 'Export'
                  ? 'No drives yet: the data center adds the drives it writes, and they start Received (rule D2). Their states:'
                  : 'The service reports no drives for this job. A drive’s states:'
              }
            />
          </Body1>
          <StateDiagram kind="drive" title="Drive states" />
        </>
      )}
    </Card>
  );
}
