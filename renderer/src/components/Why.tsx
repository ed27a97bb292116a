// A sentence for the customer with its life-cycle rule ids moved into a "Why?" detail beside it:
// the ids stay on the screen for support, out of the way of what happened and what to do.
import { makeStyles, tokens } from '@fluentui/react-components';
import { withoutRules } from '../format';

const useStyles = makeStyles({
  why: { display: 'inline', marginLeft: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground3 },
  summary: {
    display: 'inline',
    cursor: 'pointer',
    fontSize: tokens.fontSizeBase200,
    textDecorationLine: 'underline',
    textDecorationStyle: 'dotted',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
  body: { fontSize: tokens.fontSizeBase200 },
});

/** The rules as a "why" detail: a summary the person may open, one tab stop. */
export function RuleWhy({ rules }: { rules: readonly string[] }) {
  const styles = useStyles();
  if (rules.length === 0) return null;
  return (
    <details className={styles.why} data-testid="rule-why" data-rules={rules.join(' ')}>
      <summary className={styles.summary}>Why?</summary>
      <span className={styles.body}>
        {' '}
        The Import/Export life cycle, {rules.length === 1 ? 'rule' : 'rules'} {rules.join(', ')}.
      </span>
    </details>
  );
}

/** A sentence that may name rules: the words, then the "why" detail. */
export function Sentence({ text, rules = [] }: { text: string; rules?: readonly (string | undefined)[] }) {
  const split = withoutRules(text);
  const all = [...new Set([...split.rules, ...rules.filter((r): r is string => !!r)])];
  return (
    <>
      {split.text}
      <RuleWhy rules={all} />
    </>
  );
}
