// Small pieces every wizard step uses: the step's layout, a field bound to the draft with its
// error next to it, and section headings.
import { useState, type ReactNode } from 'react';
import { Field, Input, makeStyles, Subtitle2, tokens, type InputProps } from '@fluentui/react-components';
import { useHaul } from '../../store';
import type { FieldErrors } from '../../wizard/model';

export const useStepStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '960px' },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, alignItems: 'flex-start' },
  grow: { flexGrow: 1, flexBasis: '260px', minWidth: 0 },
  narrow: { flexBasis: '200px', minWidth: 0 },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground3 },
  list: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(120px, auto) 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, wordBreak: 'break-word' },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
});

/** Inputs and dropdowns take their field's width (Fluent gives them a minimum that overflows narrow fields). */
export const FILL = { minWidth: 0, width: '100%' } as const;

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const styles = useStepStyles();
  const headingId = id ?? `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <Subtitle2 as="h3" id={headingId}>
        {title}
      </Subtitle2>
      {children}
    </section>
  );
}

/** The message shown next to a field: what main said about it (it wins), else the step's own check once touched. */
export function useFieldError(errors: FieldErrors, field: string, show: boolean): string | undefined {
  const server = useHaul((s) => s.wizard.serverErrors[field]);
  return server ?? (show ? errors[field] : undefined);
}

export interface TextFieldProps {
  label: string;
  field: string;
  value: string;
  onChange(value: string): void;
  errors: FieldErrors;
  /** show the step's own check (after the first change, or after Next was tried); it also shows once the field is left */
  show: boolean;
  hint?: string;
  required?: boolean;
  className?: string;
  input?: Partial<InputProps>;
}

export function TextField({
  label,
  field,
  value,
  onChange,
  errors,
  show,
  hint,
  required,
  className,
  input,
}: TextFieldProps) {
  const [left, setLeft] = useState(false);
  const error = useFieldError(errors, field, show || left);
  return (
    <Field
      label={label}
      required={required}
      hint={hint}
      validationMessage={error}
      validationState={error ? 'error' : 'none'}
      className={className}
    >
      <Input
        value={value}
        onChange={(_e, d) => onChange(d.value)}
        name={field}
        data-field={field}
        style={FILL}
        {...input}
        onBlur={() => setLeft(true)}
      />
    </Field>
  );
}
