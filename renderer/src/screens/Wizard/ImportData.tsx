// Step 2 (import): what goes into the job — picked folders and files or a dataset.csv, where they
// land — and pre-flight after a pause in changes: Next waits until every problem is fixed or
// excluded.
import { useEffect, useMemo } from 'react';
import { Radio, RadioGroup } from '@fluentui/react-components';
import { useHaul } from '../../store';
import { importDataErrors, type DraftValues } from '../../wizard/model';
import { DatasetFiles } from './DatasetFiles';
import { PickedSources } from './PickedSources';
import { Preflight } from './Preflight';
import { useStepStyles } from './parts';
import type { StepProps } from './step';

export function ImportData({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const d = values.importData;
  const update = useHaul((s) => s.wizard.update);
  const runPlan = useHaul((s) => s.wizard.runPlan);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const planError = useHaul((s) => s.wizard.planError);
  const errors = useMemo(() => importDataErrors(values), [values]);
  const set = (patch: Partial<DraftValues['importData']>) =>
    update((v) => ({ ...v, importData: { ...v.importData, ...patch } }));
  const mode = d.mode ?? 'picked';
  const localOk = Object.keys(errors).length === 0;

  // Pre-flight runs after a pause in changes to what is copied (nothing is written).
  const key = JSON.stringify([
    mode,
    d.paths,
    d.destination,
    d.blobType,
    d.disposition,
    d.dataset?.text,
    d.exclude,
    values.type.jobName,
  ]);
  useEffect(() => {
    if (!localOk) return;
    const timer = setTimeout(() => void runPlan(false), 500);
    return () => clearTimeout(timer);
  }, [key, localOk, runPlan]);

  const problemCount = plan?.problemCount ?? 0;
  const checked = !!plan && !planning && !planError;
  const canNext = localOk && checked && problemCount === 0;
  useEffect(() => {
    setGate({
      canNext,
      why: !localOk
        ? 'Say what to copy and where it goes.'
        : planning || !plan
          ? 'Checking the files…'
          : planError
            ? 'The check failed; see the message above.'
            : problemCount
              ? `Fix or exclude the ${problemCount} problem${problemCount === 1 ? '' : 's'} pre-flight found.`
              : undefined,
    });
  }, [canNext, localOk, planning, plan, planError, problemCount, setGate]);

  return (
    <div className={styles.step}>
      <RadioGroup
        value={mode}
        onChange={(_e, x) => set({ mode: x.value === 'dataset' ? 'dataset' : 'picked' })}
        layout="horizontal"
        aria-label="How to give the data"
      >
        <Radio value="picked" label="Pick folders and files" />
        <Radio value="dataset" label="Load a dataset.csv" />
      </RadioGroup>
      {mode === 'picked' ? (
        <PickedSources attempted={attempted} errors={errors} />
      ) : (
        <DatasetFiles attempted={attempted} errors={errors} />
      )}
      <Preflight canCheck={localOk} />
    </div>
  );
}
