// The timeline: each state change of the job and its drives that Haul observed, with its time and
// how Haul knows (it was already so when first seen, seen on a later answer, or Haul made it).
import { Caption1, Card, CardHeader, makeStyles, Subtitle2, Text, tokens } from '@fluentui/react-components';
import type { JobView, TimelineEntry } from '../../../../shared/jobs/schemas';
import { formatDateTime } from '../../format';

const useStyles = makeStyles({
  card: { minWidth: 0 },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxHeight: '360px',
    overflowY: 'auto',
  },
  item: {
    display: 'grid',
    gridTemplateColumns: '12px 1fr',
    columnGap: tokens.spacingHorizontalS,
  },
  dot: {
    width: '10px',
    height: '10px',
    borderRadius: '50%',
    marginTop: '5px',
    backgroundColor: tokens.colorBrandBackground,
  },
  driveDot: { backgroundColor: tokens.colorNeutralStrokeAccessible },
  muted: { color: tokens.colorNeutralForeground3 },
});

const VIA: Record<TimelineEntry['via'], string> = {
  'first-seen': 'already so when Haul first saw it',
  polled: 'seen by Haul',
  haul: 'set by Haul',
};

export function Timeline({ job }: { job: JobView }) {
  const styles = useStyles();
  const entries = [...job.timeline].reverse();
  return (
    <Card className={styles.card} aria-labelledby="timeline-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="timeline-title">
            Timeline
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.muted}>Newest first; times are when Haul observed each change</Caption1>
        }
      />
      {entries.length === 0 ? (
        <Text>Nothing observed yet.</Text>
      ) : (
        <ol className={styles.list} data-testid="timeline" aria-label="State changes, newest first" tabIndex={0}>
          {entries.map((e, i) => (
            <li
              key={`${e.at}-${e.subject}-${e.driveId ?? ''}-${e.state}-${i}`}
              className={styles.item}
              data-testid="timeline-entry"
              data-subject={e.subject}
              data-state={e.state}
            >
              <span className={e.subject === 'job' ? styles.dot : `${styles.dot} ${styles.driveDot}`} aria-hidden />
              <div>
                <Text weight={e.subject === 'job' ? 'semibold' : 'regular'}>
                  {e.subject === 'job' ? 'Job' : `Drive ${e.driveId}`}: {e.from ? `${e.from} → ${e.state}` : e.state}
                </Text>
                <br />
                <Caption1 className={styles.muted}>
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {VIA[e.via]}
                </Caption1>
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
