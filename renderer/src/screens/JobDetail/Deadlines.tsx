// The deadlines that apply (J2, J6, J12): when, what happens then, and what the date is reckoned
// from. Get Job does not return them, so each is an estimate from times Haul observed, and says so.
import {
  Badge,
  Body1,
  Caption1,
  Card,
  CardHeader,
  makeStyles,
  Subtitle2,
  Text,
  tokens,
} from '@fluentui/react-components';
import type { JobView } from '../../../../shared/jobs/schemas';
import { formatDateTime } from '../../format';
import { Sentence } from '../../components/Why';

const useStyles = makeStyles({
  card: { minWidth: 0 },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  when: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function Deadlines({ job }: { job: JobView }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} aria-labelledby="deadlines-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="deadlines-title">
            Deadlines
          </Subtitle2>
        }
        description={
          <Caption1 className={styles.muted}>
            Estimates: the service does not report them, so Haul reckons them from what it observed
          </Caption1>
        }
      />
      {job.deadlines.length === 0 ? (
        <Body1>No deadline applies to a {job.state} job.</Body1>
      ) : (
        <ul className={styles.list} data-testid="deadlines">
          {job.deadlines.map((d) => (
            <li key={d.kind} data-testid="deadline" data-rule={d.rule}>
              <div className={styles.when}>
                <Text weight="semibold">
                  <time dateTime={d.at}>{formatDateTime(d.at)}</time>
                </Text>
                <Badge appearance="outline" color={d.passed ? 'danger' : d.daysLeft <= 3 ? 'warning' : 'informative'}>
                  {d.passed ? 'passed' : d.daysLeft <= 1 ? 'within a day' : `in ${d.daysLeft} days`}
                </Badge>
                <Badge appearance="tint" color="subtle">
                  estimate
                </Badge>
              </div>
              <Body1 as="p" block>
                <Sentence text={d.text} rules={[d.rule]} />
              </Body1>
              <Caption1 className={styles.muted}>
                <Sentence text={`Reckoned as ${d.basis}.`} />
              </Caption1>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
