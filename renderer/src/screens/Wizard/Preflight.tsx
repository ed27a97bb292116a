// Step 2 (import), pre-flight: every problem with its file and what to do, each to exclude, and
// what was left out of the job (to include again).
import { Button, Caption1, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { ArrowClockwise20Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { ProblemsTable } from './ProblemsTable';
import { Section, useStepStyles } from './parts';

export function Preflight({ canCheck }: { canCheck: boolean }) {
  const styles = useStepStyles();
  const d = useHaul((s) => s.wizard.values.importData);
  const exclude = useHaul((s) => s.wizard.exclude);
  const runPlan = useHaul((s) => s.wizard.runPlan);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const planError = useHaul((s) => s.wizard.planError);
  const problemCount = plan?.problemCount ?? 0;
  const checked = !!plan && !planning && !planError;
  return (
    <Section title="Pre-flight">
      <div className={styles.actions}>
        <Button icon={<ArrowClockwise20Regular />} disabled={!canCheck || planning} onClick={() => void runPlan(false)}>
          Check again
        </Button>
        {planning && <Spinner size="tiny" label="Checking names, sizes and access of every file…" />}
      </div>
      {planError && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>The check could not run</MessageBarTitle>
            {planError}
          </MessageBarBody>
        </MessageBar>
      )}
      {checked && problemCount === 0 && plan && (
        <MessageBar intent="success" data-testid="preflight-ok">
          <MessageBarBody>
            No problems:{' '}
            {plan.plan
              ? `${plan.plan.totalFiles.toLocaleString()} files, ${formatBytes(plan.plan.totalBytes)}`
              : 'every file can be copied'}
            .
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemsTable
        problems={plan?.problems ?? []}
        count={problemCount}
        label="Pre-flight problems"
        testId="preflight-problems"
      />
      {d.exclude.length > 0 && (
        <>
          <Caption1>Left out of the job:</Caption1>
          <ul className={styles.list} aria-label="Excluded" data-testid="excluded">
            {d.exclude.map((p) => (
              <li key={p} className={styles.actions}>
                <span className={styles.mono}>{p}</span>
                <Button size="small" appearance="subtle" onClick={() => exclude(p, false)}>
                  Include again
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
