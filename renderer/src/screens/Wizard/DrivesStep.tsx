// Step 3 (import): which drives to write. The live drive list, the chosen drives (with their
// BitLocker keys: Haul does not encrypt), the plan as capacity bars with every file that does not
// fit named, and a typed confirmation of the exact drive ids before anything is written.
import { useEffect, useMemo, useState } from 'react';
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useHaul } from '../../store';
import { useAzure } from '../../components/DriveEncryption';
import type { PrepPlanResult } from '../../../../shared/prep/session';
import { drivesErrors, drivesNextLabel, type DraftValues } from '../../wizard/model';
import { ChosenDrives } from './ChosenDrives';
import { ConfirmDrives, confirmationMatches, SpeedLimit } from './ConfirmDrives';
import { DriveList } from './DriveList';
import { DrivesPlan } from './DrivesPlan';
import { useStepStyles } from './parts';
import type { StepProps } from './step';

export { confirmationMatches };

type DraftDrive = DraftValues['drives']['drives'][number];

export function DrivesStep({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const chosen = values.drives.drives;
  const refreshDrives = useHaul((s) => s.drives.refresh);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const runPlan = useHaul((s) => s.wizard.runPlan);
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const startPrep = useHaul((s) => s.wizard.startPrep);
  const prepError = useHaul((s) => s.wizard.prepError);
  const errors = useMemo(() => drivesErrors(values), [values]);
  const [typed, setTyped] = useState('');
  const prepared = !!values.prepare.sessionId;

  useEffect(() => {
    void refreshDrives();
  }, [refreshDrives]);

  // The plan follows the chosen drives and the files left out here: nothing is written by it. On
  // Azure the plan checks each drive's key against the drive, so it follows the keys too.
  const azure = useAzure();
  const planKey = JSON.stringify([
    chosen.map((c) => [c.path, c.allowFolder === true]),
    values.importData.exclude,
    azure && chosen.map((c) => keys[c.path] ?? ''),
  ]);
  useEffect(() => {
    const timer = setTimeout(() => void runPlan(true), 300);
    return () => clearTimeout(timer);
  }, [planKey, runPlan]);

  // A changed drive list voids what was typed; so does a refused start (the plan changed, or the
  // drives did): the person confirms the plan as it is now.
  useEffect(() => setTyped(''), [planKey, prepError]);

  const ids = plan?.targets.map((t) => t.driveId) ?? [];
  const keysMissing = chosen.filter((c) => (c.encrypted || azure) && !keys[c.path]?.trim());
  const confirmed = confirmationMatches(typed, ids);
  const ready = !!plan?.ready && !planning && Object.keys(errors).length === 0;
  const canNext = ready && keysMissing.length === 0 && confirmed;

  const idsKey = ids.join(',');
  useEffect(() => {
    setGate({
      canNext,
      // A draft that prepared its drives before changes that copy: nothing on them is copied again.
      nextLabel: drivesNextLabel(prepared, chosen.length, plan?.plan?.drives),
      why: whyNotYet({ chosenError: Object.keys(errors).length > 0, planning, plan, keysMissing, confirmed }),
      onNext: async () => {
        await startPrep(ids);
        return !useHaul.getState().wizard.prepError;
      },
    });
    // The gate reads ids and the missing keys; it changes when their joined form or count does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    canNext,
    chosen.length,
    errors,
    planning,
    plan,
    keysMissing.length,
    confirmed,
    setGate,
    startPrep,
    idsKey,
    prepared,
  ]);

  return (
    <div className={styles.step}>
      <DriveList />
      <ChosenDrives attempted={attempted} errors={errors} />
      <DrivesPlan />
      <SpeedLimit />
      {ids.length > 0 && plan?.ready && (
        <ConfirmDrives ids={ids} typed={typed} onType={setTyped} confirmed={confirmed} />
      )}
      {prepError && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Preparing did not start</MessageBarTitle>
            {prepError}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

/** Why Next cannot go on yet, in the order the person meets it: drives, the plan, the keys, the confirmation. */
function whyNotYet({
  chosenError,
  planning,
  plan,
  keysMissing,
  confirmed,
}: {
  chosenError: boolean;
  planning: boolean;
  plan: PrepPlanResult | undefined;
  keysMissing: DraftDrive[];
  confirmed: boolean;
}): string | undefined {
  return chosenError
    ? 'Choose the drives to prepare.'
    : planning || !plan
      ? 'Planning the copy…'
      : !plan.ready
        ? plan.problemCount
          ? `${plan.problemCount} file${plan.problemCount === 1 ? '' : 's'} cannot go onto these drives: exclude ${plan.problemCount === 1 ? 'it' : 'each'} (listed under Plan) or add a drive.`
          : 'The plan is not ready; see what the plan says.'
        : keysMissing.length
          ? `Give the BitLocker key of ${keysMissing.map((k) => k.driveId ?? k.path).join(', ')}.`
          : !confirmed
            ? 'Type the drive ids to confirm them.'
            : undefined;
}
