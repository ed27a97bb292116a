// Step 5: how the drives come back (carrier and account number), where to, whom to call, the
// copy log's detail and whether the data center keeps a copy of the drive manifests.
import { useEffect, useMemo, useState } from 'react';
import { Checkbox, Dropdown, Field, Input, Option, Radio, RadioGroup } from '@fluentui/react-components';
import { DIAGNOSTICS_PATH_RE } from '../../../../shared/arm/schemas';
import { useHaul } from '../../store';
import { shippingErrors, type DraftValues, type FieldErrors } from '../../wizard/model';
import { FILL, Section, TextField, useFieldError, useStepStyles } from './parts';
import type { StepProps } from './step';
import { SavedContact } from './SavedContact';

type Shipping = DraftValues['shipping'];
type Address = Shipping['returnAddress'];

export function ShippingStep({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const s = values.shipping;
  const update = useHaul((st) => st.wizard.update);
  const locations = useHaul((st) => st.wizard.locations);
  const loadLocations = useHaul((st) => st.wizard.loadLocations);
  const loadContact = useHaul((st) => st.wizard.loadContact);
  const errors = useMemo(() => {
    const e = shippingErrors(values, { locations });
    if (s.diagnosticsPath && !DIAGNOSTICS_PATH_RE.test(s.diagnosticsPath)) {
      e.diagnosticsPath =
        'Give a container name (3 to 63 lowercase letters, digits and single hyphens), optionally followed by /folder.';
    }
    return e;
  }, [values, s.diagnosticsPath, locations]);
  const [emailsText, setEmailsText] = useState(s.notificationEmails.join(', '));

  useEffect(() => {
    void loadLocations();
    void loadContact();
  }, [loadLocations, loadContact]);

  const n = Object.keys(errors).length;
  useEffect(() => {
    setGate({
      canNext: n === 0,
      why: n ? 'Fill in the return shipping and address (the errors say what is missing).' : undefined,
    });
  }, [n, setGate]);

  const setShip = (patch: Partial<Shipping>) => update((v) => ({ ...v, shipping: { ...v.shipping, ...patch } }));
  const setAddr = (patch: Partial<Address>) =>
    update((v) => ({ ...v, shipping: { ...v.shipping, returnAddress: { ...v.shipping.returnAddress, ...patch } } }));
  const show = (value: string | undefined) => attempted || !!value;

  const addr = (label: string, field: keyof Address, required = true, hint?: string, className = styles.grow) => (
    <TextField
      key={field}
      className={className}
      label={label}
      field={field}
      required={required}
      value={s.returnAddress[field] ?? ''}
      onChange={(v) => setAddr({ [field]: v })}
      errors={errors}
      show={show(s.returnAddress[field])}
      hint={hint}
    />
  );

  return (
    <div className={styles.step}>
      <SavedContact onUse={(emails) => setEmailsText(emails.join(', '))} />
      <ReturnCarrier
        shipping={s}
        location={values.type.location}
        errors={errors}
        attempted={attempted}
        show={show}
        setShip={setShip}
      />
      <Section title="Contact">
        <div className={styles.row}>
          {addr('Contact name', 'recipientName')}
          {addr('Phone', 'phone', true, 'With the country code, e.g. +1 425 555 0100.', styles.narrow)}
          {addr('Email', 'email', true, 'Where the data center writes about this job.')}
        </div>
        <MoreEmails text={emailsText} setText={setEmailsText} errors={errors} setShip={setShip} />
      </Section>
      <Section title="Return address">
        <div className={styles.row}>
          {addr('Street address', 'streetAddress1')}
          {addr('Street address, line 2', 'streetAddress2', false)}
        </div>
        <div className={styles.row}>
          {addr('City', 'city')}
          {addr('State or province', 'stateOrProvince', false, undefined, styles.narrow)}
          {addr('Postal code', 'postalCode', true, undefined, styles.narrow)}
          {addr('Country or region', 'countryOrRegion', true, undefined, styles.narrow)}
        </div>
      </Section>
      <LogsAndManifests shipping={s} errors={errors} show={show} setShip={setShip} />
    </div>
  );
}

interface SectionProps {
  shipping: Shipping;
  errors: FieldErrors;
  /** Whether a field's error shows: once Next was pressed, or once it holds something. */
  show: (value: string | undefined) => boolean;
  setShip: (patch: Partial<Shipping>) => void;
}

/** The carrier the drives come back with (the location's own where it names them) and the account it bills. */
function ReturnCarrier({
  shipping: s,
  location: locationName,
  errors,
  attempted,
  show,
  setShip,
}: SectionProps & { location: string | undefined; attempted: boolean }) {
  const styles = useStepStyles();
  const locations = useHaul((st) => st.wizard.locations);
  const location = locations?.find((l) => l.name === locationName);
  const carriers = location?.carriers ?? [];
  const carrierError = useFieldError(errors, 'carrierName', attempted);
  return (
    <Section title="Return shipping">
      <div className={styles.row}>
        <Field
          className={styles.grow}
          label="Carrier"
          required
          validationMessage={carrierError}
          validationState={carrierError ? 'error' : 'none'}
          hint={carriers.length ? `${location?.shipTo ?? locationName} ships back with these carriers.` : undefined}
        >
          <Dropdown
            style={FILL}
            placeholder="Choose a carrier"
            value={s.returnShipping.carrierName ?? ''}
            selectedOptions={s.returnShipping.carrierName ? [s.returnShipping.carrierName] : []}
            onOptionSelect={(_e, d) =>
              setShip({ returnShipping: { ...s.returnShipping, carrierName: d.optionValue ?? '' } })
            }
            data-field="carrierName"
          >
            {(carriers.length ? carriers : ['FedEx', 'UPS', 'DHL', 'TNT']).map((c) => (
              <Option key={c} value={c}>
                {c}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <TextField
          className={styles.grow}
          label="Carrier account number"
          field="carrierAccountNumber"
          required
          value={s.returnShipping.carrierAccountNumber ?? ''}
          errors={errors}
          show={show(s.returnShipping.carrierAccountNumber)}
          onChange={(v) => setShip({ returnShipping: { ...s.returnShipping, carrierAccountNumber: v } })}
          hint="Your account with the carrier: the return shipment is billed to it."
        />
      </div>
    </Section>
  );
}

/** The copy log's detail, where the logs go, and whether the drive manifests are backed up. */
function LogsAndManifests({ shipping: s, errors, show, setShip }: SectionProps) {
  return (
    <Section title="Logs and manifests">
      <Field label="Copy log">
        <RadioGroup
          value={s.logLevel ?? 'Error'}
          onChange={(_e, d) => setShip({ logLevel: d.value === 'Verbose' ? 'Verbose' : 'Error' })}
          layout="horizontal"
        >
          <Radio value="Error" label="Errors only" />
          <Radio value="Verbose" label="Verbose: every blob" />
        </RadioGroup>
      </Field>
      <TextField
        label="Log container"
        field="diagnosticsPath"
        value={s.diagnosticsPath ?? ''}
        onChange={(v) => setShip({ diagnosticsPath: v || undefined })}
        errors={errors}
        show={show(s.diagnosticsPath)}
        hint="Optional: where the data center writes the copy logs (default waimportexport)."
        input={{ spellCheck: false }}
      />
      <Checkbox
        label="Back up the drive manifests in the storage account"
        checked={s.backupDriveManifest ?? true}
        onChange={(_e, d) => setShip({ backupDriveManifest: !!d.checked })}
      />
    </Section>
  );
}

/** More emails to tell, typed as one line and kept as a list; the line stays as typed. */
function MoreEmails({
  text,
  setText,
  errors,
  setShip,
}: {
  text: string;
  setText: (text: string) => void;
  errors: FieldErrors;
  setShip: (patch: Partial<Shipping>) => void;
}) {
  const emailsError = useFieldError(errors, 'notificationEmails', !!text);
  return (
    <Field
      label="More emails to notify"
      hint="Optional; separate them with commas."
      validationMessage={emailsError}
      validationState={emailsError ? 'error' : 'none'}
    >
      <Input
        value={text}
        inputMode="email"
        data-field="notificationEmails"
        onChange={(_e, d) => {
          setText(d.value);
          setShip({
            notificationEmails: d.value
              .split(/[,;\s]+/)
              .map((m) => m.trim())
              .filter(Boolean),
          });
        }}
      />
    </Field>
  );
}
