// The new-job wizard (#/new, #/new/<draftId>): a list of steps, the current step, and Back/Next.
// Each step says whether Next may go on (and why not); the draft is saved in main on every step
// change and after a pause in typing, so nothing typed is lost on a restart.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Button,
  Caption1,
  makeStyles,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { ArrowLeft20Regular, ArrowRight20Regular, Checkmark16Regular, Delete20Regular } from '@fluentui/react-icons';
import { useHaul } from '../../store';
import { stepsFor, type StepId } from './model';
import { TypeStep } from './TypeStep';
import { DataStep } from './DataStep';
import { DrivesStep } from './DrivesStep';
import { PrepareStep } from './PrepareStep';
import { ShippingStep } from './ShippingStep';
import { ReviewStep } from './ReviewStep';

const useStyles = makeStyles({
  wizard: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minHeight: '100%' },
  head: { display: 'flex', alignItems: 'baseline', flexWrap: 'wrap', gap: tokens.spacingHorizontalL },
  saved: { color: tokens.colorNeutralForeground3, marginLeft: 'auto' },
  steps: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalXS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  stepButton: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground2,
    fontFamily: 'inherit',
    fontSize: tokens.fontSizeBase200,
    cursor: 'pointer',
    ':disabled': { cursor: 'default', color: tokens.colorNeutralForegroundDisabled },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  stepCurrent: {
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    border: `1px solid ${tokens.colorBrandBackground}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  num: { fontVariantNumeric: 'tabular-nums' },
  body: {
    flexGrow: 1,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalXL,
    boxShadow: tokens.shadow2,
  },
  foot: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    position: 'sticky',
    bottom: `calc(-1 * ${tokens.spacingHorizontalXXL})`,
    padding: `${tokens.spacingVerticalM} 0`,
    backgroundColor: tokens.colorNeutralBackground2,
    // Zoomed in (200 %) or on a short window, a sticky bar would cover the step: it scrolls with it.
    '@media (max-height: 560px), (max-width: 640px)': { position: 'static' },
  },
  why: { color: tokens.colorNeutralForeground2, flexBasis: '300px', flexGrow: 1 },
  discard: { marginLeft: 'auto' },
});

/** What a step tells the frame: may Next go on, why not, and what Next does (when it is more than moving on). */
export interface StepGate {
  canNext: boolean;
  why?: string;
  nextLabel?: string;
  onNext?: () => Promise<boolean> | boolean;
  busy?: boolean;
}

export interface StepProps {
  /** Next was tried: show every field's error, not only the touched ones */
  attempted: boolean;
  setGate(gate: StepGate): void;
}

export function WizardScreen({ draftId }: { draftId?: string }) {
  const styles = useStyles();
  const open = useHaul((s) => s.wizard.open);
  const loading = useHaul((s) => s.wizard.loading);
  const loadError = useHaul((s) => s.wizard.loadError);
  const step = useHaul((s) => s.wizard.step);
  const kind = useHaul((s) => s.wizard.values.type.kind);
  const jobName = useHaul((s) => s.wizard.values.type.jobName);
  const save = useHaul((s) => s.wizard.save);
  const goTo = useHaul((s) => s.wizard.goTo);
  const discard = useHaul((s) => s.wizard.discard);
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

  // A new step starts untouched; focus moves to its heading so a screen reader and the keyboard
  // follow (not on first opening: the page's own focus order starts there).
  const firstStep = useRef(true);
  useEffect(() => {
    setAttempted(false);
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [current.id]);

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
      <nav aria-label="Wizard steps">
        <ol className={styles.steps}>
          {steps.map((s, i) => {
            const isCurrent = i === index;
            return (
              <li key={s.id}>
                <button
                  type="button"
                  className={mergeClasses(styles.stepButton, isCurrent && styles.stepCurrent)}
                  aria-current={isCurrent ? 'step' : undefined}
                  disabled={i > index}
                  onClick={() => void move(s.id)}
                >
                  {i < index ? <Checkmark16Regular aria-hidden /> : <span className={styles.num}>{i + 1}</span>}
                  {s.title}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <section className={styles.body} aria-labelledby="wizard-step-heading">
        <h2
          id="wizard-step-heading"
          ref={headingRef}
          tabIndex={-1}
          style={{
            marginTop: 0,
            marginBottom: tokens.spacingVerticalL,
            fontSize: tokens.fontSizeBase500,
            outlineOffset: '2px',
          }}
        >
          {index + 1}. {current.title}
        </h2>
        {body[current.id]}
      </section>
      <div className={styles.foot}>
        <Button
          icon={<ArrowLeft20Regular />}
          disabled={index === 0 || stepping}
          onClick={() => void move(steps[index - 1]!.id)}
        >
          Back
        </Button>
        {!last && (
          <Button
            appearance="primary"
            icon={<ArrowRight20Regular />}
            iconPosition="after"
            disabledFocusable={stepping || !!gate.busy || !gate.canNext}
            aria-describedby={gate.why ? 'wizard-next-why' : undefined}
            onClick={() => void next()}
            data-testid="wizard-next"
          >
            {stepping || gate.busy ? 'Working…' : (gate.nextLabel ?? 'Next')}
          </Button>
        )}
        {gate.why && !gate.canNext && (
          <Caption1 id="wizard-next-why" className={styles.why}>
            {gate.why}
          </Caption1>
        )}
        <Button
          className={styles.discard}
          appearance="subtle"
          icon={<Delete20Regular />}
          onClick={() => void discard()}
        >
          Discard draft
        </Button>
      </div>
    </div>
  );
}
