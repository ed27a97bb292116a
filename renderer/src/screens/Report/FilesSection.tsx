// The report's files, page by page from main: not imported / imported / all, one drive or every
// drive, a search over source paths and blob names. Printing loads every file not imported (and
// the imported ones when they are few; the CSV lists them all) and then hands over to the print.
import { useEffect, useRef, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  SearchBox,
  Select,
  Spinner,
  Subtitle2,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { JobReport, ReportFilter, ReportRow } from '../../../../shared/report/schemas';
import { TONE_COLOR } from '../../components/VerdictBadge';
import { formatBytes, plural } from '../../format';
import { useHaul } from '../../store';
import { errorText } from './api';

const PAGE = 200;
/** Files not imported a printed report lists (the CSV has them all). */
const PRINT_MAX = 5000;
/** Imported files a printed report lists when there are no more than this. */
const PRINT_IMPORTED_MAX = 1000;

const useStyles = makeStyles({
  card: { minWidth: 0 },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  search: { flex: '1 1 220px', maxWidth: '420px' },
  count: { color: tokens.colorNeutralForeground3, marginLeft: 'auto', paddingBottom: tokens.spacingVerticalXS },
  wrap: { overflowX: 'auto' },
  table: { minWidth: '700px', tableLayout: 'fixed' },
  drive: { width: '120px' },
  outcome: { width: '32%' },
  size: { width: '84px' },
  stack: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0, paddingBlock: tokens.spacingVerticalXS },
  path: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
  wrapText: { overflowWrap: 'anywhere' },
  bad: { backgroundColor: tokens.colorPaletteRedBackground1 },
});

function FilesTable({ rows, label, testId }: { rows: ReportRow[]; label: string; testId: string }) {
  const styles = useStyles();
  return (
    <div className={styles.wrap}>
      <Table size="small" className={styles.table} aria-label={label} data-testid={testId}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Source file and blob</TableHeaderCell>
            <TableHeaderCell className={styles.drive}>Drive</TableHeaderCell>
            <TableHeaderCell className={styles.outcome}>What happened</TableHeaderCell>
            <TableHeaderCell className={styles.size}>Size</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => (
            <TableRow
              key={`${r.driveId}\u0000${r.filePath}`}
              className={r.outcome.tone === 'danger' ? styles.bad : undefined}
              data-testid="report-row"
              data-outcome={r.outcome.kind}
            >
              <TableCell>
                <div className={styles.stack}>
                  <span className={styles.path} data-testid="report-row-source">
                    {r.sourcePath ?? r.filePath}
                  </span>
                  <span className={`${styles.path} ${styles.muted}`}>
                    → {r.blobPath}
                    {r.importedAs && r.importedAs !== r.blobPath ? ` (written as ${r.importedAs})` : ''}
                  </span>
                </div>
              </TableCell>
              <TableCell className={styles.wrapText}>{r.driveId}</TableCell>
              <TableCell>
                <div className={styles.stack}>
                  <span>
                    <Badge
                      appearance={r.outcome.tone === 'danger' ? 'filled' : 'tint'}
                      color={TONE_COLOR[r.outcome.tone]}
                      data-testid="report-row-outcome"
                    >
                      {r.outcome.label}
                    </Badge>
                  </span>
                  {r.outcome.kind !== 'imported' && (
                    <Caption1 className={styles.wrapText}>
                      {r.outcome.text.replace(/^Not imported: /, '')}
                      {r.outcome.reason ? ` (${r.outcome.reason})` : ''}
                    </Caption1>
                  )}
                </div>
              </TableCell>
              <TableCell>{formatBytes(r.length)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** A value that follows `value` once it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

interface RowsQuery {
  report: JobReport;
  filter: ReportFilter;
  driveId: string;
  search: string;
}

/** The files on screen: the first page of the query, again whenever it changes, and `more` for the next page. */
function useFileRows({ report, filter, driveId, search }: RowsQuery) {
  const reportApi = useHaul((s) => s.report.api);
  const [rows, setRows] = useState<ReportRow[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | undefined>(undefined);
  const asked = useRef(0);

  useEffect(() => {
    const n = ++asked.current;
    setLoading(true);
    reportApi
      .rows({
        name: report.name,
        filter,
        ...(driveId ? { driveId } : {}),
        ...(search ? { search } : {}),
        offset: 0,
        limit: PAGE,
      })
      .then(
        (page) => {
          if (n !== asked.current) return;
          setRows(page.rows);
          setTotal(page.total);
          setError(undefined);
        },
        (err: unknown) => n === asked.current && setError(errorText(err)),
      )
      .finally(() => n === asked.current && setLoading(false));
  }, [report, filter, driveId, search, reportApi]);

  const more = async () => {
    const n = asked.current;
    setLoading(true);
    try {
      const page = await reportApi.rows({
        name: report.name,
        filter,
        ...(driveId ? { driveId } : {}),
        ...(search ? { search } : {}),
        offset: rows.length,
        limit: PAGE,
      });
      if (n === asked.current) setRows((old) => [...old, ...page.rows]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  };

  return { rows, total, loading, error, setError, more };
}

interface PrintRows {
  failed: ReportRow[];
  failedTotal: number;
  imported?: ReportRow[] | undefined;
}

/**
 * Printing: the whole lists, drawn, then the print. They stay drawn (hidden on screen), so the
 * print dialog, however long it is open, and the next print have them.
 */
function usePrintRows(report: JobReport, printing: boolean, onPrintReady: () => void, onError: (text: string) => void) {
  const importedFiles = report.totals.imported.files;
  const { allRows } = useHaul((s) => s.report.api);
  const [print, setPrint] = useState<PrintRows | undefined>(undefined);
  useEffect(() => {
    if (!printing) return;
    if (print) {
      const id = requestAnimationFrame(() => setTimeout(onPrintReady, 50));
      return () => cancelAnimationFrame(id);
    }
    let live = true;
    void (async () => {
      try {
        const failed = await allRows(report.name, 'notImported', PRINT_MAX);
        const imported =
          importedFiles <= PRINT_IMPORTED_MAX
            ? (await allRows(report.name, 'imported', PRINT_IMPORTED_MAX)).rows
            : undefined;
        if (live) setPrint({ failed: failed.rows, failedTotal: failed.total, imported });
      } catch (err) {
        if (live) {
          onError(errorText(err));
          onPrintReady();
        }
      }
    })();
    return () => {
      live = false;
    };
  }, [printing, print, report, importedFiles, onPrintReady, onError, allRows]);
  useEffect(() => setPrint(undefined), [report]);
  return print;
}

export function FilesSection({
  report,
  printing,
  onPrintReady,
}: {
  report: JobReport;
  printing: boolean;
  onPrintReady: () => void;
}) {
  const styles = useStyles();
  const t = report.totals;
  const notImported = t.failed.files + t.notReceived.files + t.skipped.files;
  const [filter, setFilter] = useState<ReportFilter>(notImported > 0 ? 'notImported' : 'all');
  const [driveId, setDriveId] = useState('');
  const [query, setQuery] = useState('');
  const search = useSettled(query, 250);
  const { rows, total, loading, error, setError, more } = useFileRows({ report, filter, driveId, search });
  const print = usePrintRows(report, printing, onPrintReady, setError);

  const counts: Record<ReportFilter, number> = { notImported, imported: t.imported.files, all: t.all.files };

  return (
    <>
      <Card className={styles.card} aria-labelledby="report-files-title" data-print="hide" data-testid="report-files">
        <CardHeader
          header={
            <Subtitle2 as="h3" id="report-files-title">
              Files
            </Subtitle2>
          }
        />
        <TabList
          selectedValue={filter}
          onTabSelect={(_e, d) => setFilter(d.value as ReportFilter)}
          aria-label="Which files"
          size="small"
        >
          <Tab value="notImported" data-testid="report-tab-not-imported">
            Not imported ({counts.notImported.toLocaleString()})
          </Tab>
          <Tab value="imported">Imported ({counts.imported.toLocaleString()})</Tab>
          <Tab value="all">All ({counts.all.toLocaleString()})</Tab>
        </TabList>
        <div className={styles.toolbar} role="search" aria-label="Filter the files">
          <Field label="Search" className={styles.search}>
            <SearchBox value={query} onChange={(_e, d) => setQuery(d.value)} placeholder="Source path or blob name" />
          </Field>
          {report.drives.length > 1 && (
            <Field label="Drive">
              <Select value={driveId} onChange={(_e, d) => setDriveId(d.value)}>
                <option value="">Every drive</option>
                {report.drives.map((d) => (
                  <option key={d.driveId} value={d.driveId}>
                    {d.driveId}
                  </option>
                ))}
              </Select>
            </Field>
          )}
          <Caption1 className={styles.count} role="status" data-testid="report-files-count">
            {loading
              ? 'Loading…'
              : total === rows.length
                ? plural(total, 'file')
                : `${rows.length} of ${plural(total, 'file')}`}
          </Caption1>
        </div>
        {error && (
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        {rows.length === 0 && !loading ? (
          <Body1>
            {counts[filter] === 0
              ? filter === 'notImported'
                ? 'Every file was imported.'
                : 'No files.'
              : 'No file matches the search.'}
          </Body1>
        ) : (
          <FilesTable rows={rows} label={`Files of job ${report.name}`} testId="report-table" />
        )}
        {rows.length < total && (
          <Button onClick={() => void more()} disabled={loading} icon={loading ? <Spinner size="tiny" /> : undefined}>
            Show {Math.min(PAGE, total - rows.length)} more of {(total - rows.length).toLocaleString()}
          </Button>
        )}
      </Card>

      {print && <PrintedFiles print={print} importedFiles={t.imported.files} />}
    </>
  );
}

/** Drawn for print only: every file not imported, and the imported ones when few. */
function PrintedFiles({ print, importedFiles }: { print: PrintRows; importedFiles: number }) {
  return (
    <div data-print="only" data-report-ready="true">
      <Subtitle2 as="h3">Files not imported ({print.failedTotal.toLocaleString()})</Subtitle2>
      {print.failed.length ? (
        <FilesTable rows={print.failed} label="Files not imported" testId="print-not-imported" />
      ) : (
        <Body1>Every file was imported.</Body1>
      )}
      {print.failedTotal > print.failed.length && (
        <Body1>
          … and {(print.failedTotal - print.failed.length).toLocaleString()} more: the CSV of the files not imported
          lists them all.
        </Body1>
      )}
      <Subtitle2 as="h3">Files imported ({importedFiles.toLocaleString()})</Subtitle2>
      {print.imported ? (
        <FilesTable rows={print.imported} label="Files imported" testId="print-imported" />
      ) : (
        <Body1>Too many to print: the CSV of the files imported lists them all, with their source files.</Body1>
      )}
    </div>
  );
}
