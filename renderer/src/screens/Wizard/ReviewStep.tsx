// Step 6: every value and the prepared drives (driveId, manifest file and hash, drive header
// hash, all from prep), each drive's DriveInfo XML to save, and Create: jobs.create (Put Job),
// then the new job's page. A refusal from the service is shown next to the field it names.
import { useEffect, useMemo } from 'react';
import { Body1, Button, Link, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { Checkmark20Regular } from '@fluentui/react-icons';
import { CreateJobRequest } from '../../../../shared/ipc/channels/jobs';
import { useHaul } from '../../store';
import { addressOf, fieldForTarget, STEPS, type DraftValues, type StepId } from '../../wizard/model';
import { createRequestOf } from '../../wizard/requests';
import { Section, useStepStyles } from './parts';
import { ReviewDrives } from './ReviewDrives';
import type { StepProps } from './step';

export function ReviewStep({ setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const session = useHaul((s) => (values.prepare.sessionId ? s.wizard.sessions[values.prepare.sessionId] : undefined));
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const service = useHaul((s) => s.app.service);
  const creating = useHaul((s) => s.wizard.creating);
  const createJob = useHaul((s) => s.wizard.createJob);
  const goTo = useHaul((s) => s.wizard.goTo);
  const refreshSessions = useHaul((s) => s.wizard.refreshSessions);
  const isImport = values.type.kind !== 'export';
  const prepared = session?.result?.drives;
  const drives = useMemo(() => (isImport ? (prepared ?? []) : []), [isImport, prepared]);

  useEffect(() => {
    setGate({ canNext: false });
    if (isImport) void refreshSessions();
  }, [setGate, isImport, refreshSessions]);

  const request = useMemo(
    () => createRequestOf(values, drives, keys, service?.subscriptionId, service?.resourceGroup),
    [values, drives, keys, service],
  );
  const check = useMemo(() => CreateJobRequest.safeParse(request), [request]);
  const issues = check.success ? [] : issuesOf(check.error.issues);

  const t = values.type;
  const edit = (id: StepId) => (
    <Link as="button" onClick={() => void goTo(id)}>
      Change
    </Link>
  );

  return (
    <div className={styles.step}>
      <Section title="Job">
        <dl className={styles.facts} data-testid="review-job">
          <dt className={styles.dt}>Type</dt>
          <dd className={styles.dd}>{isImport ? 'Import' : 'Export'}</dd>
          <dt className={styles.dt}>Name</dt>
          <dd className={styles.dd}>{t.jobName}</dd>
          <dt className={styles.dt}>Storage account</dt>
          <dd className={`${styles.dd} ${styles.mono}`}>{request.storageAccountId}</dd>
          <dt className={styles.dt}>Data center</dt>
          <dd className={styles.dd}>{t.location}</dd>
        </dl>
        <div>{edit('type')}</div>
      </Section>
      <Section title={isImport ? 'Data' : 'Blobs to export'}>
        <DataFacts values={values} />
        <div>{edit('data')}</div>
      </Section>
      {isImport && <ReviewDrives drives={drives} />}
      <Section title="Return shipping and contact">
        <ShippingFacts values={values} />
        <div>{edit('shipping')}</div>
      </Section>
      {issues.length > 0 && <NotReady issues={issues} />}
      <CreateRefused />
      <div className={styles.actions}>
        <Button
          appearance="primary"
          size="large"
          icon={<Checkmark20Regular />}
          disabledFocusable={!check.success || creating}
          onClick={() => void createJob()}
        >
          {creating ? 'Creating…' : `Create ${isImport ? 'import' : 'export'} job`}
        </Button>
        <Body1 className={styles.muted}>
          Haul sends the job to the service; you ship the drives from the job&apos;s page.
        </Body1>
      </div>
    </div>
  );
}

/** What is copied: the dataset or the picked sources with where they land, or the blobs to export. */
function DataFacts({ values }: { values: DraftValues }) {
  const styles = useStepStyles();
  const isImport = values.type.kind !== 'export';
  return (
    <>
      {isImport ? (
        <dl className={styles.facts}>
          {values.importData.mode === 'dataset' ? (
            <>
              <dt className={styles.dt}>Dataset</dt>
              <dd className={styles.dd}>{values.importData.dataset?.name}</dd>
            </>
          ) : (
            <>
              <dt className={styles.dt}>Sources</dt>
              <dd className={`${styles.dd} ${styles.mono}`}>{values.importData.paths.join(', ')}</dd>
              <dt className={styles.dt}>Destination</dt>
              <dd className={`${styles.dd} ${styles.mono}`}>{values.importData.destination}</dd>
              <dt className={styles.dt}>Blob type</dt>
              <dd className={styles.dd}>{values.importData.blobType ?? 'BlockBlob'}</dd>
              <dt className={styles.dt}>If the blob exists</dt>
              <dd className={styles.dd}>{values.importData.disposition ?? 'rename'}</dd>
            </>
          )}
          {values.importData.exclude.length > 0 && (
            <>
              <dt className={styles.dt}>Left out</dt>
              <dd className={`${styles.dd} ${styles.mono}`}>{values.importData.exclude.join(', ')}</dd>
            </>
          )}
        </dl>
      ) : (
        <dl className={styles.facts} data-testid="review-export">
          <dt className={styles.dt}>Prefixes</dt>
          <dd className={`${styles.dd} ${styles.mono}`}>{values.exportData.blobPathPrefixes.join(', ') || '—'}</dd>
          <dt className={styles.dt}>Blobs</dt>
          <dd className={`${styles.dd} ${styles.mono}`}>{values.exportData.blobPaths.join(', ') || '—'}</dd>
        </dl>
      )}
    </>
  );
}

/** How the drives come back, whom to call, the return address, the copy log and the manifest backup. */
function ShippingFacts({ values }: { values: DraftValues }) {
  const styles = useStepStyles();
  const s = values.shipping;
  const a = addressOf(values);
  return (
    <dl className={styles.facts} data-testid="review-shipping">
      <dt className={styles.dt}>Carrier</dt>
      <dd className={styles.dd}>
        {s.returnShipping.carrierName} (account {s.returnShipping.carrierAccountNumber})
      </dd>
      <dt className={styles.dt}>Contact</dt>
      <dd className={styles.dd}>
        {a.recipientName}, {a.phone}, {[a.email, ...s.notificationEmails].join(', ')}
      </dd>
      <dt className={styles.dt}>Return address</dt>
      <dd className={styles.dd}>
        {[a.streetAddress1, a.streetAddress2, `${a.postalCode} ${a.city}`, a.stateOrProvince, a.countryOrRegion]
          .filter(Boolean)
          .join(', ')}
      </dd>
      <dt className={styles.dt}>Copy log</dt>
      <dd className={styles.dd}>
        {s.logLevel ?? 'Error'}
        {s.diagnosticsPath ? ` in ${s.diagnosticsPath}` : ''}
      </dd>
      <dt className={styles.dt}>Manifest backup</dt>
      <dd className={styles.dd}>{(s.backupDriveManifest ?? true) ? 'Yes' : 'No'}</dd>
    </dl>
  );
}

/** The step's title, to name where a problem is fixed. */
const stepTitle = (id: StepId) => STEPS.find((x) => x.id === id)?.title ?? id;

interface Issue {
  where: string;
  step: StepId;
  message: string;
}

/** What the request's check found, each with the step where it is fixed. */
function issuesOf(found: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Issue[] {
  return found.map((i) => ({
    where: i.path.join('.'),
    step: (fieldForTarget(String(i.path[0] ?? ''))?.step ?? (i.path[0] === 'drives' ? 'prepare' : 'review')) as StepId,
    message: i.message,
  }));
}

/** Why the job cannot be created yet, each with a link to the step that fixes it. */
function NotReady({ issues }: { issues: Issue[] }) {
  const styles = useStepStyles();
  const goTo = useHaul((s) => s.wizard.goTo);
  return (
    <MessageBar intent="warning">
      <MessageBarBody>
        <MessageBarTitle>Not ready to create</MessageBarTitle>
        <ul className={styles.list}>
          {issues.map((i) => (
            <li key={i.where}>
              {i.where}: {i.message}.{' '}
              <Link as="button" onClick={() => void goTo(i.step)}>
                Go to {stepTitle(i.step)}
              </Link>
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}

/** The service's refusal of Create, with a link to the step it names. */
function CreateRefused() {
  const createError = useHaul((s) => s.wizard.createError);
  const createErrorStep = useHaul((s) => s.wizard.createErrorStep);
  const goTo = useHaul((s) => s.wizard.goTo);
  if (!createError) return null;
  return (
    <MessageBar intent="error" data-testid="create-error">
      <MessageBarBody>
        <MessageBarTitle>The service did not create the job</MessageBarTitle>
        {createError}{' '}
        {createErrorStep && createErrorStep !== 'review' && (
          <Link as="button" onClick={() => void goTo(createErrorStep)}>
            Go to {stepTitle(createErrorStep)}
          </Link>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
