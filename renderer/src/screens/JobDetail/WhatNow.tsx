// What to do now: the next step (who has to act, and the button that does it) and every
// situation the job is in (JE1–JE5, DE1–DE2, D4, D7, F1–F2, J11, J14), in plain words.
import {
  Body1,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle2,
  Text,
  tokens,
} from '@fluentui/react-components';
import { Clock16Regular, PersonAlert16Regular, CheckmarkCircle16Regular } from '@fluentui/react-icons';
import type { JobView } from '../../../../shared/jobs/schemas';
import { Actions } from './Actions';
import { RuleWhy, Sentence } from '../../components/Why';

const useStyles = makeStyles({
  card: { minWidth: 0, gap: tokens.spacingVerticalM },
  step: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalS },
  icon: { flexShrink: 0, marginTop: '3px' },
  alerts: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  who: { color: tokens.colorNeutralForeground3 },
});

const WHO: Record<JobView['nextStep']['actor'], string> = {
  customer: 'Your turn',
  datacenter: 'The data center’s turn: nothing to do but wait',
  nobody: 'Nothing left to do',
};

export function WhatNow({ job }: { job: JobView }) {
  const styles = useStyles();
  const { nextStep } = job;
  const Icon =
    nextStep.actor === 'customer'
      ? PersonAlert16Regular
      : nextStep.actor === 'datacenter'
        ? Clock16Regular
        : CheckmarkCircle16Regular;
  return (
    <Card className={styles.card} aria-labelledby="what-now-title" data-testid="what-now">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="what-now-title">
            What to do now
          </Subtitle2>
        }
      />
      <div className={styles.step}>
        <Icon className={styles.icon} aria-hidden />
        <div>
          <Text weight="semibold" as="p" block data-testid="next-step">
            {nextStep.text}
          </Text>
          <Body1 className={styles.who}>
            {WHO[nextStep.actor]}
            <RuleWhy rules={nextStep.rule ? [nextStep.rule] : []} />
          </Body1>
        </div>
      </div>
      {job.alerts.length > 0 && (
        <div className={styles.alerts}>
          {job.alerts.map((a) => (
            <MessageBar
              key={a.id}
              intent={a.severity === 'info' ? 'info' : a.severity}
              layout="multiline"
              data-testid="job-alert"
              data-rule={a.rule}
            >
              <MessageBarBody>
                <MessageBarTitle>{a.title}</MessageBarTitle>
                <Sentence text={a.text} rules={[a.rule]} />
              </MessageBarBody>
            </MessageBar>
          ))}
        </div>
      )}
      <Actions job={job} />
    </Card>
  );
}
