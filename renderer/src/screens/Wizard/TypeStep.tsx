// Step 1: import or export, the storage account, the data center (its address, carriers and
// alternate) and the job name, each checked against the ARM rules as the person types.
import { useEffect, useMemo } from 'react';
import { Button, Dropdown, Field, Option, Radio, RadioGroup, Spinner, Text, tokens } from '@fluentui/react-components';
import { useHaul } from '../../store';
import { typeErrors, type DraftValues } from '../../wizard/model';
import { FILL, Section, TextField, useFieldError, useStepStyles } from './parts';
import { LocationDetails } from './LocationDetails';
import { AccountPicker } from './AccountPicker';
import type { StepProps } from './step';

export function TypeStep({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const t = useHaul((s) => s.wizard.values.type);
  const values = useHaul((s) => s.wizard.values);
  const update = useHaul((s) => s.wizard.update);
  const service = useHaul((s) => s.app.service);
  const locations = useHaul((s) => s.wizard.locations);
  const accounts = useHaul((s) => s.wizard.accounts);
  const loadAccounts = useHaul((s) => s.wizard.loadAccounts);
  const accountNames = useMemo(() => accounts?.map((a) => a.name), [accounts]);
  const errors = useMemo(
    () => typeErrors(values, { locations, accounts: accountNames, where: service?.resourceGroup }),
    [values, locations, accountNames, service?.resourceGroup],
  );
  const accountsError = useHaul((s) => s.wizard.accountsError);
  const loadLocations = useHaul((s) => s.wizard.loadLocations);

  // Asked again when the service becomes ready (it may still be starting when the wizard opens).
  const serviceState = service?.state;
  useEffect(() => {
    void loadLocations();
    void loadAccounts();
  }, [loadLocations, loadAccounts, serviceState]);

  const n = Object.keys(errors).length;
  useEffect(() => {
    setGate({
      canNext: n === 0,
      why: n ? 'Fill in every field of this step (the errors say what is missing).' : undefined,
    });
  }, [n, setGate]);

  const set = (patch: Partial<DraftValues['type']>) => update((v) => ({ ...v, type: { ...v.type, ...patch } }));
  const show = (value: string | undefined) => attempted || !!value;
  const kindError = useFieldError(errors, 'kind', attempted);
  const locationError = useFieldError(errors, 'location', attempted);

  return (
    <div className={styles.step}>
      <Field
        label="What kind of job?"
        required
        validationMessage={kindError}
        validationState={kindError ? 'error' : 'none'}
      >
        <RadioGroup
          value={t.kind ?? ''}
          onChange={(_e, d) => set({ kind: d.value === 'export' ? 'export' : 'import' })}
          layout="horizontal"
        >
          <Radio value="import" label="Import: copy data onto drives and ship them to Azure" />
          <Radio value="export" label="Export: Azure writes blobs onto drives and ships them to you" />
        </RadioGroup>
      </Field>
      <div className={styles.row}>
        <TextField
          className={styles.grow}
          label="Storage account"
          field="storageAccountId"
          required
          value={t.storageAccountId ?? ''}
          onChange={(v) => set({ storageAccountId: v })}
          errors={errors}
          show={show(t.storageAccountId)}
          hint={
            service?.subscriptionId
              ? `Its name (such as haulsandbox) or its resource id. A name is looked up in ${service.resourceGroup ?? 'the connected resource group'}.`
              : 'Its name (such as haulsandbox) or its resource id.'
          }
          input={{ spellCheck: false, autoComplete: 'off' }}
        />
        <TextField
          className={styles.grow}
          label="Job name"
          field="jobName"
          required
          value={t.jobName ?? ''}
          onChange={(v) => set({ jobName: v })}
          errors={errors}
          show={show(t.jobName)}
          hint="2 to 64 letters, digits, hyphens or underscores, starting with a letter or digit."
          input={{ spellCheck: false, autoComplete: 'off', maxLength: 64 }}
        />
      </div>
      <AccountPicker
        accounts={accounts}
        error={accountsError}
        where={service?.resourceGroup}
        chosen={t.storageAccountId}
        onPick={(name) => set({ storageAccountId: name })}
      />
      <DataCenterSection chosen={t.location} error={locationError} onChoose={(name) => set({ location: name })} />
    </div>
  );
}

/** Where the drives are shipped: the data center chosen from the service's list, and what it says of itself. */
function DataCenterSection({
  chosen,
  error,
  onChoose,
}: {
  chosen: string | undefined;
  error: string | undefined;
  onChoose: (name: string) => void;
}) {
  const styles = useStepStyles();
  const locations = useHaul((s) => s.wizard.locations);
  const locationsError = useHaul((s) => s.wizard.locationsError);
  const loadLocations = useHaul((s) => s.wizard.loadLocations);
  const location = locations?.find((l) => l.name === chosen);
  return (
    <Section title="Where the drives are shipped">
      {locationsError && (
        <div className={styles.actions}>
          <Text role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
            Haul could not list the data centers: {locationsError}
          </Text>
          <Button size="small" onClick={() => void loadLocations()}>
            Try again
          </Button>
        </div>
      )}
      {!locations && !locationsError && <Spinner size="tiny" label="Asking the service for its data centers…" />}
      {locations && (
        <Field
          label="Data center (location)"
          required
          validationMessage={error}
          validationState={error ? 'error' : 'none'}
          style={{ maxWidth: '480px' }}
        >
          <Dropdown
            style={FILL}
            placeholder="Choose a data center"
            value={chosen ?? ''}
            selectedOptions={chosen ? [chosen] : []}
            onOptionSelect={(_e, d) => onChoose(d.optionValue ?? '')}
            data-field="location"
          >
            {locations.map((l) => (
              <Option key={l.name} value={l.name} text={l.name}>
                {l.name} — {l.city}, {l.country}
                {l.closed ? ` (closed: ships to ${l.shipTo})` : ''}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      {location && <LocationDetails location={location} onUse={(name) => onChoose(name)} />}
    </Section>
  );
}
