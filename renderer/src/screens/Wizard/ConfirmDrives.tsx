// Before anything is written: an optional speed limit, and the drive ids typed to confirm exactly
// these drives.
import { useState } from 'react';
import { Body1, Field, Input } from '@fluentui/react-components';
import { useHaul } from '../../store';
import { Section, useStepStyles } from './parts';

/** The drive ids as typed ("A1, B2" or one a line) match the plan's exactly, in any order. */
export function confirmationMatches(typed: string, ids: string[]): boolean {
  const got = typed.split(/[\s,;]+/).filter(Boolean);
  return ids.length > 0 && got.length === ids.length && ids.every((id) => got.includes(id));
}

export function SpeedLimit() {
  const maxRate = useHaul((s) => s.wizard.maxRate);
  const setMaxRate = useHaul((s) => s.wizard.setMaxRate);
  const [rateText, setRateText] = useState(maxRate ? String(maxRate / 1e6) : '');
  const rateBad = rateText.trim() !== '' && !(Number(rateText) > 0);
  return (
    <Field
      label="Speed limit per drive (MB/s)"
      hint="Optional: leave empty to copy as fast as the drives take it."
      validationMessage={rateBad ? 'Give a number of megabytes per second, such as 50, or leave it empty.' : undefined}
      style={{ maxWidth: '320px' }}
    >
      <Input
        value={rateText}
        inputMode="decimal"
        data-testid="max-rate"
        onChange={(_e, d) => {
          setRateText(d.value);
          const n = Number(d.value);
          setMaxRate(d.value.trim() && n > 0 ? Math.round(n * 1e6) : 0);
        }}
      />
    </Field>
  );
}

export function ConfirmDrives({
  ids,
  typed,
  onType,
  confirmed,
}: {
  ids: string[];
  typed: string;
  onType(text: string): void;
  confirmed: boolean;
}) {
  const styles = useStepStyles();
  return (
    <Section title="Confirm the drives">
      <Body1>
        Everything on these drives stays, and Haul writes the job&apos;s data next to it. To confirm you mean exactly
        these drives, type their ids:{' '}
        <strong className={styles.mono} data-testid="confirm-ids">
          {ids.join(', ')}
        </strong>
      </Body1>
      <Field
        label="Drive ids"
        hint="Separate them with commas or spaces."
        validationMessage={
          typed && !confirmed ? 'These are not exactly the drive ids above.' : confirmed ? 'Confirmed.' : undefined
        }
        validationState={typed && !confirmed ? 'error' : confirmed ? 'success' : 'none'}
      >
        <Input
          value={typed}
          onChange={(_e, d) => onType(d.value)}
          spellCheck={false}
          autoComplete="off"
          data-testid="confirm-input"
        />
      </Field>
    </Section>
  );
}
