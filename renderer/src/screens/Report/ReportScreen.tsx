// The completion report (#/jobs/<name>/report): what became of every file of an import job, per
// drive and per source file — imported, not imported with the data center's reason, or never
// arrived — with the totals, each drive's outcome, the files page by page, CSV downloads (all,
// not imported, imported), a printable page (a PDF on the desktop), "Send again" for the files not
// imported (a new draft the wizard opens) and "Verify the import" against the storage account.
import { useCallback, useEffect, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Link,
  makeStyles,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
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
  ArrowClockwise16Regular,
  ArrowDownload20Regular,
  ArrowLeft16Regular,
  ArrowReply20Regular,
  Print20Regular,
} from '@fluentui/react-icons';
import type { JobReport, ReportFilter } from '../../../../shared/report/schemas';
import { useHaul } from '../../store';
import { Truncated } from '../../components/Truncated';
import { VerdictBadge } from '../../components/VerdictBadge';
import { formatBytes, formatDateTime, plural } from '../../format';
import { download, errorCode, errorText } from './api';
import { FilesSection } from './FilesSection';
import { VerifyCard } from './VerifyCard';
import { PrintStyles } from './PrintStyles';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  back: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, alignSelf: 'flex-start' },
  head: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM, minWidth: 0 },
  title: { minWidth: 0, maxWidth: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  meta: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  tiles: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 180px), 1fr))',
    gap: tokens.spacingHorizontalM,
  },
  tile: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    borderLeft: `4px solid ${tokens.colorNeutralStroke1}`,
  },
  good: { borderLeftColor: tokens.colorPaletteGreenBorderActive },
  bad: { borderLeftColor: tokens.colorPaletteRedBorderActive },
  warn: { borderLeftColor: tokens.colorPaletteMarigoldBorderActive },
  number: {
    fontSize: tokens.fontSizeHero700,
    lineHeight: tokens.lineHeightHero700,
    fontWeight: tokens.fontWeightSemibold,
  },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  card: { minWidth: 0 },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '640px', tableLayout: 'fixed' },
  driveCol: { width: '22%' },
  countCol: { width: '150px' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  wrapText: { overflowWrap: 'anywhere' },
  notes: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

const FROM: Record<string, string> = {
  journal: 'Haul’s prep journal',
  manifestBackup: 'the manifest backup',
  log: 'its error log only',
};

type Busy = 'refresh' | 'resend' | 'csv' | 'print' | undefined;
type Notice = { intent: 'success' | 'error'; text: string } | undefined;
type ReportTotals = JobReport['totals'];

/** The report of one job and what the screen does with it: load, make again, CSV, re-send, print. */
function useReportScreen(jobName: string) {
  const navigate = useHaul((s) => s.ui.navigate);
  const loadStatus = useHaul((s) => s.report.loadStatus);
  const reportApi = useHaul((s) => s.report.api);
  const [report, setReport] = useState<JobReport | undefined>(undefined);
  const [error, setError] = useState<{ code?: string | undefined; message: string } | undefined>(undefined);
  const [busy, setBusy] = useState<Busy>(undefined);
  const [notice, setNotice] = useState<Notice>(undefined);
  /** Printing: every file not imported is loaded, then the page is printed (or saved as a PDF). */
  const [printing, setPrinting] = useState(false);

  const load = useCallback(
    async (refresh = false) => {
      setError(undefined);
      if (refresh) setBusy('refresh');
      try {
        setReport(await reportApi.get(jobName, refresh));
      } catch (err) {
        setError({ code: errorCode(err), message: errorText(err) });
      } finally {
        if (refresh) setBusy(undefined);
      }
    },
    [jobName, reportApi],
  );
  useEffect(() => {
    void load();
    void loadStatus(jobName);
  }, [load, loadStatus, jobName]);

  const csv = async (filter: ReportFilter) => {
    setBusy('csv');
    try {
      const r = await reportApi.csv(jobName, filter);
      download(r.fileName, r.text);
    } catch (err) {
      setNotice({ intent: 'error', text: errorText(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const resend = async () => {
    setBusy('resend');
    try {
      const r = await reportApi.resend(jobName);
      navigate({ name: 'wizard', draftId: r.draftId });
    } catch (err) {
      setNotice({ intent: 'error', text: errorText(err) });
      setBusy(undefined);
    }
  };

  const print = () => {
    setBusy('print');
    setPrinting(true);
  };

  /** The page is drawn for print (all files not imported loaded): a PDF on the desktop, else the browser's print. */
  const printReady = useCallback(async () => {
    try {
      const r = await reportApi.pdf(jobName);
      if (r.saved) setNotice({ intent: 'success', text: `The report was saved as ${r.saved}.` });
    } catch (err) {
      if (errorCode(err) === 'print-in-page') window.print();
      else setNotice({ intent: 'error', text: errorText(err) });
    } finally {
      setPrinting(false);
      setBusy(undefined);
    }
  }, [jobName, reportApi]);

  return { report, error, busy, notice, setNotice, printing, load, csv, resend, print, printReady };
}

export function ReportScreen({ jobName }: { jobName: string }) {
  const styles = useStyles();
  const { report, error, busy, notice, setNotice, printing, load, csv, resend, print, printReady } =
    useReportScreen(jobName);
  const back = <BackToJob jobName={jobName} />;

  if (!report)
    return (
      <section className={styles.page} aria-labelledby="report-title">
        {back}
        <Title2 as="h2" id="report-title">
          <Truncated text={`Completion report: ${jobName}`} />
        </Title2>
        {error ? (
          <ReportError code={error.code} message={error.message} onRetry={() => void load()} />
        ) : (
          <Spinner label="Reading the drives’ logs and Haul’s prep journals…" />
        )}
      </section>
    );

  return (
    <section className={styles.page} aria-labelledby="report-title" data-testid="report" data-printing={printing}>
      <PrintStyles />
      {back}
      <ReportHead report={report} busy={busy} onRefresh={() => void load(true)} />
      <TotalTiles totals={report.totals} />
      <ReportActions
        totals={report.totals}
        busy={busy}
        onResend={() => void resend()}
        onCsv={(filter) => void csv(filter)}
        onPrint={print}
      />
      {notice && (
        <MessageBar intent={notice.intent} layout="multiline" data-testid="report-notice" data-print="hide">
          <MessageBarBody>{notice.text}</MessageBarBody>
          <MessageBarActions>
            <Button appearance="transparent" onClick={() => setNotice(undefined)}>
              Dismiss
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <ReportNotes report={report} />
      <DrivesCard drives={report.drives} />
      <VerifyCard report={report} />
      <FilesSection report={report} printing={printing} onPrintReady={printReady} />
    </section>
  );
}

/** The way back to the job's page (not printed). */
function BackToJob({ jobName }: { jobName: string }) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  return (
    <Link
      className={styles.back}
      href={`#/jobs/${encodeURIComponent(jobName)}`}
      onClick={(e) => {
        e.preventDefault();
        navigate({ name: 'job', jobName });
      }}
      data-print="hide"
    >
      <ArrowLeft16Regular aria-hidden /> Job {jobName}
    </Link>
  );
}

/** Why there is no report: not yet (the job is not over) or what went wrong, with Try again. */
function ReportError({ code, message, onRetry }: { code?: string | undefined; message: string; onRetry: () => void }) {
  return (
    <MessageBar intent={code === 'not-over' ? 'info' : 'error'} layout="multiline" data-testid="report-error">
      <MessageBarBody>
        <MessageBarTitle>{code === 'not-over' ? 'Not yet' : 'Haul could not make the report'}</MessageBarTitle>
        {message}
      </MessageBarBody>
      <MessageBarActions>
        <Button onClick={onRetry}>Try again</Button>
      </MessageBarActions>
    </MessageBar>
  );
}

/** The title with the job's verdict, where and when the report was made, and its headline. */
function ReportHead({ report, busy, onRefresh }: { report: JobReport; busy: Busy; onRefresh: () => void }) {
  const styles = useStyles();
  return (
    <>
      <div className={styles.head}>
        <Title2 as="h2" id="report-title" className={styles.title}>
          <Truncated text={`Completion report: ${report.name}`} />
        </Title2>
        <VerdictBadge verdict={report.verdict} size="large" testId="report-verdict" />
      </div>
      <div className={styles.meta}>
        <Caption1 className={styles.muted}>
          {[
            report.storageAccount && `Storage account ${report.storageAccount}`,
            report.location && `Data center ${report.location}`,
            `Job ${report.state}`,
            `Made ${formatDateTime(report.generatedAt)}`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Caption1>
        <Button
          size="small"
          appearance="subtle"
          icon={busy === 'refresh' ? <Spinner size="extra-tiny" /> : <ArrowClockwise16Regular />}
          disabled={busy !== undefined}
          onClick={onRefresh}
          data-print="hide"
        >
          Make it again
        </Button>
      </div>
      <Body1 as="p" data-testid="report-headline">
        {report.verdict.headline}
      </Body1>
    </>
  );
}

/** The job's totals: imported, not imported, never arrived, and skipped when there are any. */
function TotalTiles({ totals: t }: { totals: ReportTotals }) {
  const styles = useStyles();
  return (
    <div className={styles.tiles} data-testid="report-totals">
      <Tile
        tone="good"
        label="Imported"
        files={t.imported.files}
        bytes={t.imported.bytes}
        of={t.all.files}
        testId="total-imported"
      />
      <Tile tone="bad" label="Not imported" files={t.failed.files} bytes={t.failed.bytes} testId="total-failed" />
      <Tile
        tone="bad"
        label="Drive never arrived"
        files={t.notReceived.files}
        bytes={t.notReceived.bytes}
        testId="total-not-received"
      />
      {t.skipped.files > 0 && (
        <Tile
          tone="warn"
          label="Skipped (blob existed)"
          files={t.skipped.files}
          bytes={t.skipped.bytes}
          testId="total-skipped"
        />
      )}
    </div>
  );
}

/** Send the files not imported again, download a CSV, print (not printed themselves). */
function ReportActions({
  totals: t,
  busy,
  onResend,
  onCsv,
  onPrint,
}: {
  totals: ReportTotals;
  busy: Busy;
  onResend: () => void;
  onCsv: (filter: ReportFilter) => void;
  onPrint: () => void;
}) {
  const styles = useStyles();
  return (
    <div className={styles.actions} data-print="hide">
      {t.resendable > 0 && (
        <Button
          appearance="primary"
          icon={busy === 'resend' ? <Spinner size="tiny" /> : <ArrowReply20Regular />}
          disabled={busy !== undefined}
          onClick={onResend}
          data-testid="report-resend"
        >
          Send the {plural(t.resendable, 'file')} not imported again
        </Button>
      )}
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button
            icon={busy === 'csv' ? <Spinner size="tiny" /> : <ArrowDownload20Regular />}
            disabled={busy !== undefined}
            data-testid="report-csv"
          >
            Download CSV
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            <MenuItem onClick={() => onCsv('all')}>Every file ({t.all.files.toLocaleString()})</MenuItem>
            <MenuItem onClick={() => onCsv('notImported')} data-testid="report-csv-not-imported">
              Files not imported ({(t.failed.files + t.notReceived.files + t.skipped.files).toLocaleString()})
            </MenuItem>
            <MenuItem onClick={() => onCsv('imported')}>Files imported ({t.imported.files.toLocaleString()})</MenuItem>
          </MenuList>
        </MenuPopover>
      </Menu>
      <Button
        icon={busy === 'print' ? <Spinner size="tiny" /> : <Print20Regular />}
        disabled={busy !== undefined}
        onClick={onPrint}
        data-testid="report-print"
      >
        Print or save as PDF
      </Button>
    </div>
  );
}

/** The report's notes and its drives' notes, one message each. */
function ReportNotes({ report }: { report: JobReport }) {
  const styles = useStyles();
  if (report.notes.length === 0 && !report.drives.some((d) => d.notes.length > 0)) return null;
  return (
    <div className={styles.notes}>
      {[...report.notes, ...report.drives.flatMap((d) => d.notes)].map((n) => (
        <MessageBar key={n} intent="info" layout="multiline">
          <MessageBarBody className={styles.wrapText}>{n}</MessageBarBody>
        </MessageBar>
      ))}
    </div>
  );
}

/** Each drive: where its files are known from, what happened to it, and how many of its files were imported. */
function DrivesCard({ drives }: { drives: JobReport['drives'] }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} aria-labelledby="report-drives-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="report-drives-title">
            Drives
          </Subtitle2>
        }
      />
      <div className={styles.wrap}>
        <Table size="small" className={styles.table} aria-labelledby="report-drives-title">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.driveCol}>Drive</TableHeaderCell>
              <TableHeaderCell>What happened</TableHeaderCell>
              <TableHeaderCell className={styles.countCol}>Files imported</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {drives.map((d) => (
              <TableRow key={d.driveId} data-testid="report-drive" data-verdict={d.verdict.kind}>
                <TableCell>
                  <div className={styles.stack}>
                    <Text weight="semibold">
                      <Truncated text={d.driveId} />
                    </Text>
                    <Caption1 className={styles.muted}>
                      {d.files ? `Files from ${FROM[d.files] ?? d.files}` : 'Its files are not known here'}
                    </Caption1>
                  </div>
                </TableCell>
                <TableCell>
                  <div className={styles.stack}>
                    <span>
                      <VerdictBadge verdict={d.verdict} testId="report-drive-verdict" />
                    </span>
                    <Caption1 className={styles.wrapText}>{d.verdict.headline}</Caption1>
                  </div>
                </TableCell>
                <TableCell>
                  <div className={styles.stack}>
                    <Text data-testid="report-drive-count">
                      {d.totals.imported.files.toLocaleString()} of {d.totals.all.files.toLocaleString()}
                    </Text>
                    <Caption1 className={styles.muted}>
                      {formatBytes(d.totals.imported.bytes)} of {formatBytes(d.totals.all.bytes)}
                    </Caption1>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </Card>
  );
}

function Tile({
  tone,
  label,
  files,
  bytes,
  of,
  testId,
}: {
  tone: 'good' | 'bad' | 'warn';
  label: string;
  files: number;
  bytes: number;
  of?: number;
  testId: string;
}) {
  const styles = useStyles();
  const toneClass = files === 0 ? undefined : styles[tone];
  return (
    <div className={`${styles.tile} ${toneClass ?? ''}`} data-testid={testId}>
      <Caption1 className={styles.muted}>{label}</Caption1>
      <span className={styles.number}>
        {files.toLocaleString()}
        {of !== undefined && <Text className={styles.muted}>{` of ${of.toLocaleString()}`}</Text>}
      </span>
      <Caption1>{files === 0 ? 'no files' : `${plural(files, 'file')}, ${formatBytes(bytes)}`}</Caption1>
    </div>
  );
}
