// The plan of the chosen drives: what each drive takes (capacity bars), what keeps a drive out
// (with its fix), the files no drive can hold (each with Exclude, or add a drive), and a drive
// prepared for another job.
import {
  Button,
  Caption1,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { CapacityBars } from './CapacityBars';
import { ProblemsTable } from './ProblemsTable';
import { Section } from './parts';

export function DrivesPlan() {
  const chosen = useHaul((s) => s.wizard.values.drives.drives);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const planError = useHaul((s) => s.wizard.planError);
  const allowFolder = useHaul((s) => s.wizard.allowFolder);

  return (
    <Section title="Plan">
      {planning && <Spinner size="tiny" label="Planning the files over the drives…" />}
      {planError && (
        <MessageBar intent="error">
          <MessageBarBody>{planError}</MessageBarBody>
        </MessageBar>
      )}
      {plan && !planning && (
        <>
          {plan.targetProblems
            .filter((p) => p.code !== 'none' || chosen.length > 0)
            .map((p) =>
              p.code === 'folder' ? (
                <MessageBar key={`${p.code}-${p.target}`} intent="warning" data-testid="folder-warning">
                  <MessageBarBody>
                    <MessageBarTitle>{p.target}</MessageBarTitle>
                    {p.message} {p.fix}
                    <div>
                      <Button size="small" onClick={() => allowFolder(p.target, true)}>
                        Write into this folder anyway
                      </Button>
                    </div>
                  </MessageBarBody>
                </MessageBar>
              ) : (
                <MessageBar key={`${p.code}-${p.target}`} intent="error">
                  <MessageBarBody>
                    <MessageBarTitle>{p.target || 'Drives'}</MessageBarTitle>
                    {p.message} {p.fix}
                  </MessageBarBody>
                </MessageBar>
              ),
            )}
          {plan.targetNotes.map((n) => (
            <MessageBar key={`${n.code}-${n.target}`} intent="warning" data-testid="target-note">
              <MessageBarBody>
                <MessageBarTitle>{n.target}</MessageBarTitle>
                {n.message} {n.fix}
                {n.code === 'folder' && (
                  <Checkbox
                    label="Yes, write the job's data into this folder"
                    checked
                    onChange={(_e, d) => allowFolder(n.target, !!d.checked)}
                  />
                )}
              </MessageBarBody>
            </MessageBar>
          ))}
          {plan.problemCount > 0 && (
            <MessageBar intent="error" layout="multiline" data-testid="drives-file-problems">
              <MessageBarBody>
                <MessageBarTitle>
                  {plan.problems.some((p) => p.code === 'too-large')
                    ? 'Files that no chosen drive can hold'
                    : 'Files the copy cannot take'}
                </MessageBarTitle>
                {plan.problems.some((p) => p.code === 'too-large')
                  ? 'A file is never split across drives: exclude each file below, or add a drive with more free space than the largest of them (or free space on one).'
                  : 'Exclude each file below, or fix it and plan again with Refresh.'}
              </MessageBarBody>
            </MessageBar>
          )}
          <ProblemsTable
            problems={plan.problems}
            count={plan.problemCount}
            label="Files that cannot be copied onto these drives"
            testId="drives-problems"
            fixHint="exclude each, or change the drives."
          />
          {plan.plan && plan.plan.drives.length > 0 && <CapacityBars plan={plan.plan} />}
          {/* a refused drive holds nothing in the plan: "does not fit" would only repeat its problem */}
          {plan.plan && !plan.plan.fits && plan.targetProblems.length === 0 && (
            <MessageBar intent="warning" data-testid="more-drives">
              <MessageBarBody>
                <MessageBarTitle>The data does not fit</MessageBarTitle>
                {formatBytes(plan.plan.unplacedBytes)} in {plan.plan.unplacedFiles.toLocaleString()} files have no room.
                {plan.plan.moreDrivesNeeded &&
                  ` Add ${plan.plan.moreDrivesNeeded.count} more drive${plan.plan.moreDrivesNeeded.count === 1 ? '' : 's'} of ${formatBytes(plan.plan.moreDrivesNeeded.size)}.`}
              </MessageBarBody>
            </MessageBar>
          )}
          {plan.targetProblems.length === 0 && <Caption1>{plan.message}</Caption1>}
        </>
      )}
    </Section>
  );
}
