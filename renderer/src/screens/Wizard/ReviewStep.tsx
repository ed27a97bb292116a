// Step 6: every value and the prepared drives (driveId, manifest file and hash, drive header
// hash, all from prep), each drive's DriveInfo XML to save, and Create: jobs.create (Put Job),
// then the new job's page. A refusal from the service is shown next to the field it names.
import { useEffect, useMemo } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { ArrowDownload16Regular, Checkmark20Regular } from '@fluentui/react-icons';
import { CreateJobRequest } from '../../../../shared/ipc/channels/jobs';
import { serializeDriveInfo } from '../../../../shared/formats/driveManifest';
import type { PreparedDrive } from '../../../../shared/prep/session';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { bridge } from '../../bridge';
import { answer } from './api';
import { addressOf, fieldForTarget, STEPS, storageAccountId, type DraftValues, type StepId } from './model';
import { Section, useStepStyles } from './parts';
import type { StepProps } from './WizardScreen';

/** The jobs.create request for the draft and its prepared drives; keys from memory, never from the draft. */
export function createRequestOf(
  v: DraftValues,
  drives: PreparedDrive[],
  keys: Record<string, string>,
  subscriptionId?: string,
  resourceGroup?: string,
): CreateJobRequest {
  const kind = v.type.kind === 'export' ? 'Export' : 'Import';
  const s = v.shipping;
  return {
    name: v.type.jobName ?? '',
    type: kind,
    storageAccountId:
      storageAccountId(v.type.storageAccountId ?? '', subscriptionId, resourceGroup) ?? v.type.storageAccountId ?? '',
    location: v.type.location ?? '',
    drives:
      kind === 'Import'
        ? drives.map((d) => ({
            driveId: d.driveId,
            manifestFile: d.manifestFile,
            manifestHash: d.manifestHash,
            driveHeaderHash: d.driveHeaderHash,
            ...(keys[d.target] ? { bitLockerKey: keys[d.target]! } : {}),
          }))
        : [],
    returnAddress: addressOf(v),
    returnShipping: {
      carrierName: s.returnShipping.carrierName ?? '',
      carrierAccountNumber: s.returnShipping.carrierAccountNumber ?? '',
    },
    notificationEmails: s.notificationEmails,
    logLevel: s.logLevel ?? 'Error',
    backupDriveManifest: s.backupDriveManifest ?? true,
    ...(s.diagnosticsPath ? { diagnosticsPath: s.diagnosticsPath } : {}),
    ...(kind === 'Export'
      ? { export: { blobPaths: v.exportData.blobPaths, blobPathPrefixes: v.exportData.blobPathPrefixes } }
      : {}),
  };
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ReviewStep({ setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const session = useHaul((s) => (values.prepare.sessionId ? s.wizard.sessions[values.prepare.sessionId] : undefined));
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const service = useHaul((s) => s.app.service);
  const creating = useHaul((s) => s.wizard.creating);
  const createError = useHaul((s) => s.wizard.createError);
  const setCreating = useHaul((s) => s.wizard.setCreating);
  const createErrorStep = useHaul((s) => s.wizard.createErrorStep);
  const goTo = useHaul((s) => s.wizard.goTo);
  const discardDraft = useHaul((s) => s.wizard.deleteDraft);
  const draftId = useHaul((s) => s.wizard.draftId);
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
  const issues = check.success
    ? []
    : check.error.issues.map((i) => ({
        where: i.path.join('.'),
        step: (fieldForTarget(String(i.path[0] ?? ''))?.step ??
          (i.path[0] === 'drives' ? 'prepare' : 'review')) as StepId,
        message: i.message,
      }));

  const create = async () => {
    if (!check.success) return;
    setCreating(true);
    try {
      const job = await answer('jobs.create', bridge().jobsCreate(request));
      setCreating(false);
      if (draftId) await discardDraft(draftId);
      location.hash = `#/jobs/${encodeURIComponent(job.name)}`;
    } catch (err) {
      setCreating(false, err);
    }
  };

  const t = values.type;
  const s = values.shipping;
  const a = addressOf(values);
  const stepTitle = (id: StepId) => STEPS.find((x) => x.id === id)?.title ?? id;
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
        <div>{edit('data')}</div>
      </Section>
      {isImport && (
        <Section title="Drives">
          <Table size="small" aria-label="Prepared drives" data-testid="review-drives">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Drive id</TableHeaderCell>
                <TableHeaderCell>Manifest</TableHeaderCell>
                <TableHeaderCell>Manifest hash</TableHeaderCell>
                <TableHeaderCell>Drive header hash</TableHeaderCell>
                <TableHeaderCell>DriveInfo</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {drives.map((d) => (
                <TableRow key={d.driveId} data-testid="review-drive">
                  <TableCell className={styles.mono}>
                    {d.driveId}
                    <Caption1 style={{ display: 'block' }}>
                      {d.files.toLocaleString()} files, {formatBytes(d.bytes)}
                      {keys[d.target] ? ', BitLocker' : ''}
                    </Caption1>
                  </TableCell>
                  <TableCell className={styles.mono} style={{ whiteSpace: 'nowrap' }}>
                    {d.manifestFile}
                  </TableCell>
                  <TableCell className={styles.mono}>{d.manifestHash}</TableCell>
                  <TableCell className={styles.mono}>{d.driveHeaderHash}</TableCell>
                  <TableCell>
                    <Button
                      size="small"
                      icon={<ArrowDownload16Regular />}
                      aria-label={`Save the DriveInfo XML of ${d.driveId}`}
                      onClick={() =>
                        download(
                          `${t.jobName ?? 'job'}_DriveInfo_${d.driveId}.xml`,
                          serializeDriveInfo({
                            driveId: d.driveId,
                            bitLockerKey: keys[d.target] ?? '',
                            manifestFile: d.manifestFile,
                            manifestHash: d.manifestHash,
                          }),
                        )
                      }
                    >
                      Save
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Caption1>
            The DriveInfo file is what the Azure portal asks you to upload for each drive. It holds the BitLocker key:
            keep it safe.
          </Caption1>
        </Section>
      )}
      <Section title="Return shipping and contact">
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
        <div>{edit('shipping')}</div>
      </Section>
      {issues.length > 0 && (
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
      )}
      {createError && (
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
      )}
      <div className={styles.actions}>
        <Button
          appearance="primary"
          size="large"
          icon={<Checkmark20Regular />}
          disabledFocusable={!check.success || creating}
          onClick={() => void create()}
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
