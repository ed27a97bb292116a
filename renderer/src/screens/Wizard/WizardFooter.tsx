// Back, Next (with why it waits) and Discard under every step. Pressing a Next that waits shows
// every field's error on the step, so the sentence "the errors say what is missing" is true.
import { useState } from 'react';
import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowLeft20Regular, ArrowRight20Regular, Delete20Regular } from '@fluentui/react-icons';
import type { StepGate } from './step';
import { DiscardDialog } from './DiscardDialog';

const useStyles = makeStyles({
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

export function WizardFooter(props: {
  gate: StepGate;
  first: boolean;
  last: boolean;
  stepping: boolean;
  onBack(): void;
  onNext(): void;
  /** Next was pressed while it waits: the step shows all its errors */
  onAttempt(): void;
}) {
  const styles = useStyles();
  const { gate, stepping } = props;
  const [discarding, setDiscarding] = useState(false);
  const waiting = stepping || !!gate.busy || !gate.canNext;
  return (
    <div className={styles.foot}>
      <Button icon={<ArrowLeft20Regular />} disabled={props.first || stepping} onClick={props.onBack}>
        Back
      </Button>
      {!props.last && (
        // A Next that waits takes no click itself; the press still shows what is missing.
        <span
          onClickCapture={() => waiting && props.onAttempt()}
          onKeyDownCapture={(e) => waiting && (e.key === 'Enter' || e.key === ' ') && props.onAttempt()}
        >
          <Button
            appearance="primary"
            icon={<ArrowRight20Regular />}
            iconPosition="after"
            disabledFocusable={waiting}
            aria-describedby={gate.why ? 'wizard-next-why' : undefined}
            onClick={props.onNext}
            data-testid="wizard-next"
          >
            {stepping || gate.busy ? 'Working…' : (gate.nextLabel ?? 'Next')}
          </Button>
        </span>
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
        onClick={() => setDiscarding(true)}
      >
        Discard draft
      </Button>
      {discarding && <DiscardDialog open onClose={() => setDiscarding(false)} />}
    </div>
  );
}
