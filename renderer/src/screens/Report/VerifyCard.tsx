// Verify the import: every file the report says was imported, looked up in the storage account —
// there, the right length, the right bytes (Content-MD5 where it has one, else read back up to the
// budget the customer sets) — with progress and Cancel, and each mismatch named by source file.
import { useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Field,
  Input,
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
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircle20Regular, Dismiss20Regular, ShieldCheckmark20Regular } from '@fluentui/react-icons';
import type { ImportMismatch, JobReport, VerifyImportStatus } from '../../../../shared/report/schemas';
import { useHaul } from '../../store';
import { formatBytes, formatDateTime, plural } from '../../format';
import { errorText } from './api';

const GB = 1_000_000_000;

const useStyles = makeStyles({
  card: { minWidth: 0 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  budget: { width: '170px' },
  budgetInput: { width: '100%', minWidth: 0 },
  budgetNative: { minWidth: 0, width: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  facts: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXXS },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '640px', tableLayout: 'fixed' },
  kind: { width: '120px' },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  wrapText: { overflowWrap: 'anywhere' },
});

const KIND: Record<ImportMismatch['kind'], string> = {
  missing: 'Missing',
  length: 'Wrong length',
  content: 'Changed',
  unreadable: 'Could not read',
};

export function VerifyCard({ report }: { report: JobReport }) {
  const styles = useStyles();
  const status = useHaul((s) => s.report.verify[report.name]);
  const onVerify = useHaul((s) => s.report.onVerify);
  const reportApi = useHaul((s) => s.report.api);
  const [budget, setBudget] = useState(() =>
    String(Math.max(1, Math.min(10, Math.ceil(report.totals.imported.bytes / GB)))),
  );
  const [error, setError] = useState<string | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const running = status?.state === 'running';
  const budgetBytes = Number(budget) * GB;
  const budgetError =
    budget.trim() === '' || !Number.isFinite(budgetBytes) || budgetBytes < 0
      ? 'Give a number of gigabytes, 0 or more.'
      : undefined;

  const start = async () => {
    setStarting(true);
    setError(undefined);
    try {
      onVerify(await reportApi.verifyStart(report.name, Math.round(budgetBytes)));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setStarting(false);
    }
  };
  const cancel = async () => {
    try {
      onVerify(await reportApi.verifyCancel(report.name));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const pct = status && status.total.files > 0 ? status.checked.files / status.total.files : running ? undefined : 1;
  return (
    <Card
      className={styles.card}
      aria-labelledby="verify-title"
      data-testid="verify-import"
      data-print={status && !running ? undefined : 'hide'}
    >
      <VerifyHeader storageAccount={report.storageAccount} />
      <div className={styles.row} data-print="hide">
        <Field
          label="Read back at most (GB)"
          className={styles.budget}
          validationState={budgetError ? 'error' : 'none'}
          validationMessage={budgetError}
        >
          <Input
            type="number"
            min={0}
            step={1}
            value={budget}
            onChange={(_e, d) => setBudget(d.value)}
            disabled={running}
            className={styles.budgetInput}
            input={{ className: styles.budgetNative }}
            data-testid="verify-budget"
          />
        </Field>
        {running ? (
          <Button icon={<Dismiss20Regular />} onClick={() => void cancel()} data-testid="verify-cancel">
            Cancel
          </Button>
        ) : (
          <Button
            appearance={report.totals.resendable > 0 ? 'secondary' : 'primary'}
            icon={starting ? <Spinner size="tiny" /> : <ShieldCheckmark20Regular />}
            disabled={starting || !!budgetError || report.totals.imported.files === 0}
            onClick={() => void start()}
            data-testid="verify-start"
          >
            {status ? 'Verify again' : `Verify the ${plural(report.totals.imported.files, 'imported file')}`}
          </Button>
        )}
        <Caption1 className={styles.muted}>
          {report.totals.imported.files.toLocaleString()} files, {formatBytes(report.totals.imported.bytes)} imported
        </Caption1>
      </div>
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      {status && <VerifyProgress status={status} pct={pct} />}
    </Card>
  );
}

/** The card's title, and what the check does and costs. */
function VerifyHeader({ storageAccount }: { storageAccount?: string | undefined }) {
  const styles = useStyles();
  return (
    <CardHeader
      image={<ShieldCheckmark20Regular aria-hidden />}
      header={
        <Subtitle2 as="h3" id="verify-title">
          Verify the import
        </Subtitle2>
      }
      description={
        <Caption1 className={styles.muted}>
          Checks that every imported file is still in storage account {storageAccount ?? 'of the job'}, with its length
          and its bytes: by the blob’s Content-MD5 where the drive’s manifest has the file’s MD5, else by reading the
          blob back and comparing each 4 MiB block. Reading back costs time and, from Azure, egress.
        </Caption1>
      }
    />
  );
}

/** The check in a sentence: how far it is, how it ended, how many files match or not. */
function verifySummary(status: VerifyImportStatus): string {
  if (status.state === 'running')
    return `Checking: ${status.checked.files.toLocaleString()} of ${plural(status.total.files, 'file')}`;
  if (status.state === 'cancelled')
    return `Cancelled after ${status.checked.files.toLocaleString()} of ${plural(status.total.files, 'file')}`;
  if (status.state === 'failed') return 'The check stopped';
  if (status.mismatchCount === 0)
    return `${plural(status.matching, 'file')} match${status.lengthOnly.files ? `; ${plural(status.lengthOnly.files, 'file')} checked by length only (over the budget)` : ''}`;
  return `${plural(status.mismatchCount, 'file')} not as imported`;
}

/** The last or the running check: its progress, how each file was checked, and what it found. */
function VerifyProgress({ status, pct }: { status: VerifyImportStatus; pct: number | undefined }) {
  const styles = useStyles();
  return (
    <div className={styles.progress} data-testid="verify-status" data-state={status.state}>
      {status.state === 'running' && <ProgressBar value={pct} thickness="large" aria-label="Files checked" />}
      <div className={styles.facts}>
        <Text weight="semibold" data-testid="verify-summary">
          {verifySummary(status)}
        </Text>
        <Caption1 className={styles.muted}>
          {[
            `${status.byContentMd5.toLocaleString()} by Content-MD5`,
            `${status.byReadBack.toLocaleString()} read back (${formatBytes(status.bytesRead)})`,
            status.lengthOnly.files > 0 &&
              `${status.lengthOnly.files.toLocaleString()} by length only (${formatBytes(status.lengthOnly.bytes)})`,
            status.endedAt ? `ended ${formatDateTime(status.endedAt)}` : `started ${formatDateTime(status.startedAt)}`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Caption1>
      </div>
      {status.state === 'done' && status.mismatchCount === 0 && (
        <MessageBar intent="success" data-testid="verify-clean">
          <MessageBarBody>
            <CheckmarkCircle20Regular aria-hidden /> Every imported file checked is in the storage account as it was
            copied.
          </MessageBarBody>
        </MessageBar>
      )}
      {status.message && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{status.message}</MessageBarBody>
        </MessageBar>
      )}
      {status.mismatchCount > 0 && <Mismatches status={status} />}
    </div>
  );
}

/** The blobs that are not what the drives carried, each named by its source file, and what to do. */
function Mismatches({ status }: { status: VerifyImportStatus }) {
  const styles = useStyles();
  return (
    <>
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Changed in the storage account since the import</MessageBarTitle>
          These blobs are not what the drives carried: someone or something changed or deleted them after the import. To
          put them back, send their source files again in a new job.
        </MessageBarBody>
      </MessageBar>
      <div className={styles.wrap}>
        <Table size="small" className={styles.table} aria-label="Mismatches" data-testid="verify-mismatches">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Source file and blob</TableHeaderCell>
              <TableHeaderCell className={styles.kind}>Found</TableHeaderCell>
              <TableHeaderCell>What Haul found</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {status.mismatches.map((m) => (
              <TableRow key={`${m.driveId}\u0000${m.blobPath}`} data-testid="verify-mismatch" data-kind={m.kind}>
                <TableCell>
                  <div className={styles.stack}>
                    <span className={styles.path}>{m.sourcePath ?? m.blobPath}</span>
                    <span className={`${styles.path} ${styles.muted}`}>
                      → {m.checkedAs} · drive {m.driveId}
                    </span>
                  </div>
                </TableCell>
                <TableCell>
                  <Badge appearance="filled" color="danger">
                    {KIND[m.kind]}
                  </Badge>
                </TableCell>
                <TableCell>
                  <Body1 className={styles.wrapText}>{m.text}</Body1>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {status.mismatchCount > status.mismatches.length && (
        <Caption1>… and {(status.mismatchCount - status.mismatches.length).toLocaleString()} more.</Caption1>
      )}
    </>
  );
}
