// The new-job wizard (#/new, #/new/<draftId>): a list of steps, the current step, and Back/Next.
// Each step says whether Next may go on (and why not); the draft is saved in main on every step
// change and after a pause in typing, so nothing typed is lost on a restart.
import { useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import {
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { useHaul } from '../../store';
import { stepsFor, type StepId } from '../../wizard/model';
import { TypeStep } from './TypeStep';
import { DataStep } from './DataStep';
import { DrivesStep } from './DrivesStep';
import { PrepareStep } from './PrepareStep';
import { ShippingStep } from './ShippingStep';
import { ReviewStep } from './ReviewStep';
import { StepNav } from './StepNav';
import { WizardFooter } from './WizardFooter';
import type { StepGate } from './step';

const useStyles = makeStyles({
  wizard: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minHeight: '100%' },
  head: { display: 'flex', alignItems: 'baseline', flexWrap: 'wrap', gap: tokens.spacingHorizontalL },
  saved: { color: tokens.colorNeutralForeground3, marginLeft: 'auto' },
  body: {
    flexGrow: 1,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalXL,
    boxShadow: tokens.shadow2,
  },
  heading: {
    marginTop: 0,
    marginBottom: tokens.spacingVerticalL,
    fontSize: tokens.fontSizeBase500,
    outlineOffset: '2px',
  },
});

export function WizardScreen({ draftId }: { draftId?: string }) {
  const styles = useStyles();
  const open = useHaul((s) => s.wizard.open);
  const loading = useHaul((s) => s.wizard.loading);
  const loadError = useHaul((s) => s.wizard.loadError);
  const step = useHaul((s) => s.wizard.step);
  const kind = useHaul((s) => s.wizard.values.type.kind);
  const goTo = useHaul((s) => s.wizard.goTo);
  const [gate, setGate] = useState<StepGate>({ canNext: false });
  const [attempted, setAttempted] = useState(false);
  const [stepping, setStepping] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    void open(draftId);
  }, [open, draftId]);

  const steps = useMemo(() => stepsFor(kind), [kind]);
  const index = Math.max(
    0,
    steps.findIndex((s) => s.id === step),
  );
  const current = steps[index] ?? steps[0]!;

  useNewStep(current.id, headingRef, setAttempted);

  const move = async (to: StepId) => {
    await goTo(to);
  };

  const next = async () => {
    if (!gate.canNext) {
      setAttempted(true);
      return;
    }
    setStepping(true);
    try {
      const ok = gate.onNext ? await gate.onNext() : true;
      if (ok) {
        const to = steps[index + 1];
        if (to) await move(to.id);
      } else setAttempted(true);
    } finally {
      setStepping(false);
    }
  };

  if (loading) return <Spinner label="Opening the draft…" />;
  if (loadError) {
    return (
      <MessageBar intent="error">
        <MessageBarBody>
          <MessageBarTitle>Haul could not open this draft</MessageBarTitle>
          {loadError}
        </MessageBarBody>
      </MessageBar>
    );
  }

  const body: Record<StepId, ReactNode> = {
    type: <TypeStep attempted={attempted} setGate={setGate} />,
    data: <DataStep attempted={attempted} setGate={setGate} />,
    drives: <DrivesStep attempted={attempted} setGate={setGate} />,
    prepare: <PrepareStep attempted={attempted} setGate={setGate} />,
    shipping: <ShippingStep attempted={attempted} setGate={setGate} />,
    review: <ReviewStep attempted={attempted} setGate={setGate} />,
  };
  const last = index === steps.length - 1;

  return (
    <div className={styles.wizard}>
      <WizardHead />
      <StepNav steps={steps} index={index} onOpen={(id) => void move(id)} />
      <section className={styles.body} aria-labelledby="wizard-step-heading">
        <h2 id="wizard-step-heading" ref={headingRef} tabIndex={-1} className={styles.heading}>
          {index + 1}. {current.title}
        </h2>
        {body[current.id]}
      </section>
      <WizardFooter
        gate={gate}
        first={index === 0}
        last={last}
        stepping={stepping}
        onBack={() => void move(steps[index - 1]!.id)}
        onNext={() => void next()}
        onAttempt={() => setAttempted(true)}
      />
    </div>
  );
}

/** The wizard's title (the kind of job and its name) and whether the draft is saved. */
function WizardHead() {
  const styles = useStyles();
  const kind = useHaul((s) => s.wizard.values.type.kind);
  const jobName = useHaul((s) => s.wizard.values.type.jobName);
  const save = useHaul((s) => s.wizard.save);
  return (
    <div className={styles.head}>
      <Title3 as="h2">
        {kind === 'export' ? 'New export job' : kind === 'import' ? 'New import job' : 'New job'}
        {jobName ? `: ${jobName}` : ''}
      </Title3>
      <Caption1 className={styles.saved} role="status" data-testid="draft-save-state">
        {save.state === 'saving' && 'Saving the draft…'}
        {save.state === 'saved' && `Draft saved ${save.at ? new Date(save.at).toLocaleTimeString() : ''}`}
        {save.state === 'failed' && `The draft was not saved: ${save.error ?? ''}`}
      </Caption1>
    </div>
  );
}

/**
 * A new step starts untouched; focus moves to its heading so a screen reader and the keyboard
 * follow (not on first opening: the page's own focus order starts there).
 */
function useNewStep(
  stepId: StepId,
  headingRef: RefObject<HTMLHeadingElement | null>,
  setAttempted: (attempted: boolean) => void,
) {
  const firstStep = useRef(true);
  useEffect(() => {
    setAttempted(false);
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [stepId, headingRef, setAttempted]);
}
