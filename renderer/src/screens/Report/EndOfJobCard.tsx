// The end of a job, on its page: once an import job's copy is over, its completion report in one
// line (files imported, not imported) with the way to it and to sending the rest again; once an
// export job's drives are written, the way to check them and copy their files off.
import { useEffect, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  makeStyles,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { ArrowReply20Regular, DocumentTable20Regular, HardDrive20Regular } from '@fluentui/react-icons';
import type { JobView } from '../../../../shared/jobs/schemas';
import type { JobReport } from '../../../../shared/report/schemas';
import { useHaul } from '../../store';
import { formatBytes, plural } from '../../format';
import { errorText } from './api';

const useStyles = makeStyles({
  card: { minWidth: 0 },
  body: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  text: { flex: '1 1 320px', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  buttons: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

const WRITTEN = new Set(['Completed', 'CompletedMoreInfo', 'ShippedBack']);

export function EndOfJobCard({ job }: { job: JobView }) {
  if (job.type === 'Export') return job.drives.some((d) => WRITTEN.has(d.state)) ? <ReturnedDrives job={job} /> : null;
  return job.verdict.final ? <ReportSummary job={job} /> : null;
}

function ReportSummary({ job }: { job: JobView }) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const reportApi = useHaul((s) => s.report.api);
  const [report, setReport] = useState<JobReport | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [sending, setSending] = useState(false);
  const resend = async () => {
    setSending(true);
    try {
      navigate({ name: 'wizard', draftId: (await reportApi.resend(job.name)).draftId });
    } catch (err) {
      setError(errorText(err));
      setSending(false);
    }
  };
  // Made again when the job's state moves (Completed, then Closed); the report screen makes it on demand.
  useEffect(() => {
    let live = true;
    reportApi.get(job.name).then(
      (r) => live && setReport(r),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [job.name, job.state, reportApi]);
  const t = report?.totals;
  const missing = t ? t.failed.files + t.notReceived.files + t.skipped.files : 0;
  return (
    <Card className={styles.card} aria-labelledby="end-report-title" data-testid="end-report">
      <CardHeader
        image={<DocumentTable20Regular aria-hidden />}
        header={
          <Subtitle2 as="h3" id="end-report-title">
            Completion report
          </Subtitle2>
        }
      />
      <div className={styles.body}>
        <div className={styles.text}>
          {t ? (
            <Body1 data-testid="end-report-summary">
              {t.imported.files.toLocaleString()} of {plural(t.all.files, 'file')} imported (
              {formatBytes(t.imported.bytes)})
              {missing > 0
                ? `; ${missing.toLocaleString()} not imported (${formatBytes(t.failed.bytes + t.notReceived.bytes + t.skipped.bytes)}).`
                : '.'}
            </Body1>
          ) : error ? null : (
            <Spinner size="tiny" label="Making the report…" labelPosition="after" />
          )}
          {error && (
            <Caption1 block data-testid="end-report-error">
              {error}
            </Caption1>
          )}
          <Caption1 className={styles.muted} block>
            Per drive and per source file, as CSV or a printable page; verify the import against the storage account.
          </Caption1>
        </div>
        <div className={styles.buttons}>
          {t && t.resendable > 0 && (
            <Button
              appearance="primary"
              icon={sending ? <Spinner size="tiny" /> : <ArrowReply20Regular />}
              disabled={sending}
              onClick={() => void resend()}
              data-testid="end-resend"
            >
              Send the {plural(t.resendable, 'file')} not imported again
            </Button>
          )}
          <Button
            appearance={t && t.resendable > 0 ? 'secondary' : 'primary'}
            onClick={() => navigate({ name: 'report', jobName: job.name })}
            data-testid="open-report"
          >
            Open the report
          </Button>
        </div>
      </div>
    </Card>
  );
}

function ReturnedDrives({ job }: { job: JobView }) {
  const styles = useStyles();
  const navigate = useHaul((s) => s.ui.navigate);
  const written = job.drives.filter((d) => WRITTEN.has(d.state));
  return (
    <Card className={styles.card} aria-labelledby="end-received-title" data-testid="end-received">
      <CardHeader
        image={<HardDrive20Regular aria-hidden />}
        header={
          <Subtitle2 as="h3" id="end-received-title">
            Returned drives
          </Subtitle2>
        }
      />
      <div className={styles.body}>
        <Body1 className={styles.text}>
          {plural(written.length, 'drive')} written ({formatBytes(written.reduce((s, d) => s + d.bytesSucceeded, 0))}).
          When {written.length === 1 ? 'it is' : 'they are'} back, check {written.length === 1 ? 'it' : 'each'} against
          the blobs’ MD5s and copy the files off; the BitLocker keys are there too.
        </Body1>
        <Button
          appearance="primary"
          onClick={() => navigate({ name: 'received', jobName: job.name })}
          data-testid="open-received"
        >
          Check and copy off
        </Button>
      </div>
    </Card>
  );
}
