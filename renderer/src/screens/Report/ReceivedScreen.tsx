// An export job's returned drives (#/jobs/<name>/received): each drive with the BitLocker key that
// unlocks it (masked until revealed), a check of the drive against the MD5s the data center wrote in
// its manifest (haul verify), and its files copied off to a folder, each 4 MiB block checked before
// it is written; progress and Cancel, and each problem named by file.
import { useEffect, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Field,
  Input,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Spinner,
  Subtitle2,
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
import {
  ArrowLeft16Regular,
  Copy16Regular,
  Dismiss20Regular,
  Eye16Regular,
  FolderArrowRight20Regular,
  ShieldCheckmark20Regular,
} from '@fluentui/react-icons';
import type { JobView } from '../../../../shared/jobs/schemas';
import type { ReceivedStatus } from '../../../../shared/report/schemas';
import { useHaul } from '../../store';
import { useRevealedKeys } from '../../hooks/useRevealedKeys';
import { StateBadge } from '../../components/StateBadge';
import { Truncated } from '../../components/Truncated';
import { formatBytes, formatDateTime, plural } from '../../format';
import { errorCode, errorText } from './api';

const MASK = '••••••-••••••-••••••-••••••-…';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  back: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, alignSelf: 'flex-start' },
  muted: { color: tokens.colorNeutralForeground3 },
  card: { minWidth: 0 },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '600px', tableLayout: 'fixed' },
  idCol: { width: '24%' },
  stateCol: { width: '170px' },
  key: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  keyRow: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  form: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  path: { flex: '1 1 320px', maxWidth: '560px' },
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  wrapText: { overflowWrap: 'anywhere' },
});

export function ReceivedScreen({ jobName }: { jobName: string }) {
  const styles = useStyles();
  const job = useHaul((s) => s.jobs.views[jobName]);
  const loadError = useHaul((s) => s.jobs.loadErrors[jobName]);
  const watch = useHaul((s) => s.jobs.watch);
  const loadStatus = useHaul((s) => s.report.loadStatus);
  const navigate = useHaul((s) => s.ui.navigate);
  useEffect(() => watch(jobName), [watch, jobName]);
  useEffect(() => void loadStatus(jobName), [loadStatus, jobName]);

  return (
    <section className={styles.page} aria-labelledby="received-title" data-testid="received">
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
      <Title2 as="h2" id="received-title">
        <Truncated text={`Returned drives: ${jobName}`} />
      </Title2>
      {!job ? (
        loadError ? (
          <MessageBar intent="error">
            <MessageBarBody>{loadError.message}</MessageBarBody>
          </MessageBar>
        ) : (
          <Spinner label={`Loading job ${jobName}…`} />
        )
      ) : job.type !== 'Export' ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            Job {jobName} is an import job: its drives come back without data to copy off. Its completion report says
            what was imported.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <>
          <Body1 className={styles.muted}>
            Unlock a drive with its BitLocker key, mount it, then check it against the MD5s the data center wrote in its
            manifest as it read each blob. Copying its files off checks every block again as it is read; a file goes in
            place only when all its blocks match.
          </Body1>
          <DrivesCard job={job} />
          <CheckCard job={job} />
        </>
      )}
    </section>
  );
}

function DrivesCard({ job }: { job: JobView }) {
  const styles = useStyles();
  const { keys, busy, error, copied, reveal, copy } = useRevealedKeys(job);
  return (
    <Card className={styles.card} aria-labelledby="received-drives-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="received-drives-title">
            Drives and their BitLocker keys
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.muted}>
            Anyone with a key can read its drive. Haul fetches the keys only when you ask and does not keep them.
          </Caption1>
        }
        action={
          job.drives.some((d) => d.hasBitLockerKey) && !keys ? (
            <Button
              icon={busy ? <Spinner size="tiny" /> : <Eye16Regular />}
              disabled={busy}
              onClick={() => void reveal()}
              data-testid="received-reveal"
            >
              Reveal keys
            </Button>
          ) : undefined
        }
      />
      {job.drives.length === 0 ? (
        <Body1>No drives yet: the data center adds the drives it writes (rule D2).</Body1>
      ) : (
        <div className={styles.wrap}>
          <Table size="small" className={styles.table} aria-label="Drives">
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.idCol}>Drive</TableHeaderCell>
                <TableHeaderCell className={styles.stateCol}>State</TableHeaderCell>
                <TableHeaderCell>BitLocker key</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {job.drives.map((d) => (
                <ReceivedDriveRow
                  key={d.driveId}
                  d={d}
                  shownKey={keys?.[d.driveId]}
                  copied={copied === d.driveId}
                  onCopy={(key) => void copy(d.driveId, key)}
                />
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
    </Card>
  );
}

/** Starting a check or a copy of a received drive, and cancelling a copy; the error said of the field it concerns. */
function useReceivedRun(job: JobView, drivePath: string, destination: string) {
  const onReceived = useHaul((s) => s.report.onReceived);
  const reportApi = useHaul((s) => s.report.api);
  const [error, setError] = useState<{ message: string; target?: string | undefined } | undefined>(undefined);
  const [starting, setStarting] = useState<'check' | 'copy' | undefined>(undefined);

  const run = async (kind: 'check' | 'copy') => {
    setStarting(kind);
    setError(undefined);
    try {
      onReceived(
        kind === 'check'
          ? await reportApi.receivedCheck(job.name, drivePath)
          : await reportApi.receivedCopy(job.name, drivePath, destination),
      );
    } catch (err) {
      const code = errorCode(err);
      setError({
        message: errorText(err),
        target: code === 'bad-folder' ? 'destination' : code === 'bad-request' ? undefined : 'drivePath',
      });
    } finally {
      setStarting(undefined);
    }
  };
  const cancel = async () => {
    try {
      onReceived(await reportApi.receivedCancel(job.name));
    } catch (err) {
      setError({ message: errorText(err) });
    }
  };
  return { error, starting, run, cancel };
}

/** One drive the data center wrote: its id and bytes, its state, and its key, hidden until revealed. */
function ReceivedDriveRow({
  d,
  shownKey,
  copied,
  onCopy,
}: {
  d: JobView['drives'][number];
  shownKey: string | undefined;
  copied: boolean;
  onCopy: (key: string) => void;
}) {
  const styles = useStyles();
  return (
    <TableRow data-testid="received-drive">
      <TableCell>
        <div>
          <Text weight="semibold">
            <Truncated text={d.driveId} />
          </Text>
          <Caption1 className={styles.muted} block>
            {formatBytes(d.bytesSucceeded)} written
          </Caption1>
        </div>
      </TableCell>
      <TableCell>
        <StateBadge state={d.state} serviceState={d.serviceState} />
      </TableCell>
      <TableCell>
        {d.hasBitLockerKey ? (
          <div className={styles.keyRow}>
            <span
              className={styles.key}
              aria-label={shownKey ? `Key of drive ${d.driveId}` : `Key of drive ${d.driveId}, hidden`}
              data-testid="received-key"
            >
              {shownKey ?? MASK}
            </span>
            {shownKey && (
              <Button
                size="small"
                icon={<Copy16Regular />}
                onClick={() => onCopy(shownKey)}
                aria-label={`Copy the key of drive ${d.driveId}`}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </div>
        ) : (
          <Caption1 className={styles.muted}>No key: the drive is not encrypted</Caption1>
        )}
      </TableCell>
    </TableRow>
  );
}

function CheckCard({ job }: { job: JobView }) {
  const styles = useStyles();
  const status = useHaul((s) => s.report.received[job.name]);
  const [drivePath, setDrivePath] = useState(status?.drivePath ?? '');
  const [destination, setDestination] = useState(status?.destination ?? '');
  const { error, starting, run, cancel } = useReceivedRun(job, drivePath, destination);
  const running = status?.state === 'running';

  return (
    <Card className={styles.card} aria-labelledby="received-check-title">
      <CardHeader
        image={<ShieldCheckmark20Regular aria-hidden />}
        header={
          <Subtitle2 as="h3" id="received-check-title">
            Check a drive and copy its files off
          </Subtitle2>
        }
      />
      <div className={styles.form}>
        <Field
          label="Where the drive is mounted"
          className={styles.path}
          validationState={error?.target === 'drivePath' ? 'error' : 'none'}
          validationMessage={error?.target === 'drivePath' ? error.message : undefined}
        >
          <Input
            value={drivePath}
            onChange={(_e, d) => setDrivePath(d.value)}
            placeholder="/media/you/EXPORT1"
            disabled={running}
            data-testid="received-drive-path"
          />
        </Field>
        <Button
          appearance="primary"
          icon={starting === 'check' ? <Spinner size="tiny" /> : <ShieldCheckmark20Regular />}
          disabled={running || !!starting || drivePath.trim() === ''}
          onClick={() => void run('check')}
          data-testid="received-check"
        >
          Check the drive
        </Button>
      </div>
      <div className={styles.form}>
        <Field
          label="Copy its files into this folder"
          className={styles.path}
          validationState={error?.target === 'destination' ? 'error' : 'none'}
          validationMessage={error?.target === 'destination' ? error.message : undefined}
        >
          <Input
            value={destination}
            onChange={(_e, d) => setDestination(d.value)}
            placeholder="/home/you/restored"
            disabled={running}
            data-testid="received-destination"
          />
        </Field>
        <div className={styles.buttons}>
          <Button
            icon={starting === 'copy' ? <Spinner size="tiny" /> : <FolderArrowRight20Regular />}
            disabled={running || !!starting || drivePath.trim() === '' || destination.trim() === ''}
            onClick={() => void run('copy')}
            data-testid="received-copy"
          >
            Copy the files off
          </Button>
          {running && status?.kind === 'copy' && (
            <Button icon={<Dismiss20Regular />} onClick={() => void cancel()} data-testid="received-cancel">
              Cancel
            </Button>
          )}
        </div>
      </div>
      {error && !error.target && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{error.message}</MessageBarBody>
        </MessageBar>
      )}
      {status && <RunStatus status={status} />}
    </Card>
  );
}

function RunStatus({ status }: { status: ReceivedStatus }) {
  const styles = useStyles();
  const running = status.state === 'running';
  const what = status.kind === 'check' ? 'Checked' : 'Copied';
  const headline = running
    ? `${status.kind === 'check' ? 'Checking' : 'Copying'} drive ${status.driveId ?? ''}: ${formatBytes(status.done.bytes)} of ${formatBytes(status.total.bytes)}`
    : status.state === 'cancelled'
      ? `Cancelled after ${plural(status.done.files, 'file')}`
      : status.state === 'failed'
        ? `The ${status.kind} stopped`
        : status.problemCount === 0
          ? `${what} ${plural(status.good, 'file')} of drive ${status.driveId ?? ''}: every block matches the manifest`
          : `${plural(status.problemCount, 'problem')}: ${status.good.toLocaleString()} of ${plural(status.total.files, 'file')} ${status.kind === 'check' ? 'match' : 'copied'}`;
  return (
    <div className={styles.progress} data-testid="received-status" data-state={status.state} data-kind={status.kind}>
      {running && (
        <ProgressBar
          value={status.total.bytes > 0 ? status.done.bytes / status.total.bytes : undefined}
          thickness="large"
          aria-label={status.kind === 'check' ? 'Checked' : 'Copied'}
        />
      )}
      <Text weight="semibold" data-testid="received-summary">
        {headline}
      </Text>
      <Caption1 className={styles.muted}>
        {[
          status.drivePath,
          status.destination && `into ${status.destination}`,
          status.endedAt ? `ended ${formatDateTime(status.endedAt)}` : `started ${formatDateTime(status.startedAt)}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Caption1>
      {status.message && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{status.message}</MessageBarBody>
        </MessageBar>
      )}
      {!running && status.state === 'done' && status.problemCount === 0 && (
        <MessageBar intent="success">
          <MessageBarBody>
            {status.kind === 'check'
              ? 'The drive holds exactly what the data center wrote. Copy its files off when you are ready.'
              : `Every file is in ${status.destination ?? 'the folder'}, checked block by block.`}
          </MessageBarBody>
        </MessageBar>
      )}
      {status.problemCount > 0 && (
        <>
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>
                {status.kind === 'check' ? 'Not as the data center wrote it' : 'Not copied'}
              </MessageBarTitle>
              {status.kind === 'check'
                ? 'These files differ from the MD5s in the drive’s manifest: the drive was damaged on its way back. The blobs are still in the storage account; export them again.'
                : 'These files were not put in the folder; nothing half-copied is left there.'}
            </MessageBarBody>
          </MessageBar>
          <div className={styles.wrap}>
            <Table size="small" className={styles.table} aria-label="Problems" data-testid="received-problems">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: '34%' }}>Blob and file on the drive</TableHeaderCell>
                  <TableHeaderCell>What Haul found</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {status.problems.map((p, i) => (
                  <TableRow key={`${p.filePath ?? ''}\u0000${i}`} data-testid="received-problem">
                    <TableCell>
                      <div>
                        <span className={styles.mono}>{p.blobPath ?? '—'}</span>
                        {p.filePath && (
                          <Caption1 className={`${styles.mono} ${styles.muted}`} block>
                            {p.filePath}
                          </Caption1>
                        )}
                      </div>
                    </TableCell>
                    <TableCell className={styles.wrapText}>{p.text}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        </>
      )}
    </div>
  );
}
