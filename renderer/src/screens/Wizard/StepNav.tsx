// The wizard's steps as a row of buttons: done steps (a check) and the current one can be opened,
// later ones wait until Next reaches them.
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { Checkmark16Regular } from '@fluentui/react-icons';
import type { StepId } from '../../wizard/model';

const useStyles = makeStyles({
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
});

export function StepNav({
  steps,
  index,
  onOpen,
}: {
  steps: ReadonlyArray<{ id: StepId; title: string }>;
  index: number;
  onOpen(step: StepId): void;
}) {
  const styles = useStyles();
  return (
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
                onClick={() => onOpen(s.id)}
              >
                {i < index ? <Checkmark16Regular aria-hidden /> : <span className={styles.num}>{i + 1}</span>}
                {s.title}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
