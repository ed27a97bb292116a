// Edit the job: return address, return shipping, and who else is told about it. In Creating,
// saving restarts the 14 days after which the job is deleted (J3), and the dialog says so. Checked
// with the channel's own schema before sending; a refusal keeps every value and marks the field.
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { UpdateJobRequest } from '../../../../shared/ipc/channels/jobs';
import { NOTIFY_TAG, type JobView } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { useJobForm } from './useJobForm';
import type { FieldErrors } from './forms';
import type { Dispatch, SetStateAction } from 'react';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(720px, calc(100vw - 32px))' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    alignItems: 'start',
  },
  wide: { gridColumn: '1 / -1' },
  note: { color: tokens.colorPaletteDarkOrangeForeground1 },
});

const ADDRESS = [
  ['recipientName', 'Recipient', true],
  ['streetAddress1', 'Street address', true],
  ['streetAddress2', 'Street address, line 2', false],
  ['city', 'City', true],
  ['stateOrProvince', 'State or province', false],
  ['postalCode', 'Postal code', true],
  ['countryOrRegion', 'Country or region', true],
  ['phone', 'Phone', true],
  ['email', 'Email', true],
] as const;
type AddressKey = (typeof ADDRESS)[number][0];

interface EditForm {
  address: Record<AddressKey, string>;
  carrierName: string;
  carrierAccountNumber: string;
  emails: string;
}

const FIELDS = [
  ...ADDRESS.map(([k]) => `returnAddress.${k}`),
  'returnShipping.carrierName',
  'returnShipping.carrierAccountNumber',
  'notificationEmails',
];

function initial(job: JobView): EditForm {
  const a = job.returnAddress;
  return {
    address: Object.fromEntries(ADDRESS.map(([k]) => [k, a?.[k] ?? ''])) as Record<AddressKey, string>,
    carrierName: job.returnShipping?.carrierName ?? '',
    carrierAccountNumber: job.returnShipping?.carrierAccountNumber ?? '',
    emails: (job.tags[NOTIFY_TAG] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
      .join('\n'),
  };
}

/** The update main is sent: the address (blank optional lines left out) and shipping when any was typed, and the emails. */
function updateRequest(job: JobView, form: EditForm) {
  const a = form.address;
  const anyAddress = Object.values(a).some((v) => v.trim() !== '');
  const anyShipping = form.carrierName.trim() !== '' || form.carrierAccountNumber.trim() !== '';
  const trimmed = Object.fromEntries(
    Object.entries(a)
      .map(([k, v]) => [k, v.trim()])
      .filter(([k, v]) => v !== '' || !['streetAddress2', 'stateOrProvince'].includes(k ?? '')),
  );
  return {
    name: job.name,
    ...(anyAddress ? { returnAddress: trimmed } : {}),
    ...(anyShipping
      ? {
          returnShipping: {
            carrierName: form.carrierName.trim(),
            carrierAccountNumber: form.carrierAccountNumber.trim(),
          },
        }
      : {}),
    notificationEmails: form.emails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
  };
}

/** What the parts of the form are given: the form, and its errors to show and clear. */
interface PartProps {
  form: EditForm;
  setForm: Dispatch<SetStateAction<EditForm>>;
  errors: FieldErrors;
  clearError: (field: string) => void;
}

/** A field's error for Fluent's Field, by the request path it belongs to. */
function fieldError(errors: FieldErrors, k: string) {
  return {
    validationState: errors[k] ? ('error' as const) : ('none' as const),
    validationMessage: errors[k],
  };
}

/** The return address, one field per line of it. */
function ReturnAddressFields({ form, setForm, errors, clearError }: PartProps) {
  const styles = useStyles();
  const err = (k: string) => fieldError(errors, k);
  const setAddress = (k: AddressKey, v: string) => {
    setForm((f) => ({ ...f, address: { ...f.address, [k]: v } }));
    clearError(`returnAddress.${k}`);
  };
  return (
    <>
      <Subtitle2 as="h4">Return address</Subtitle2>
      <div className={styles.fields}>
        {ADDRESS.map(([k, label, required]) => (
          <Field key={k} label={label} required={required} {...err(`returnAddress.${k}`)}>
            <Input
              value={form.address[k]}
              onChange={(_e, d) => setAddress(k, d.value)}
              type={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'}
              autoComplete={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'off'}
              data-testid={`edit-${k}`}
            />
          </Field>
        ))}
      </div>
    </>
  );
}

/** The return carrier and the account it bills. */
function ReturnShippingFields({ form, setForm, errors, clearError }: PartProps) {
  const styles = useStyles();
  const err = (k: string) => fieldError(errors, k);
  return (
    <>
      <Subtitle2 as="h4">Return shipping</Subtitle2>
      <div className={styles.fields}>
        <Field label="Carrier" {...err('returnShipping.carrierName')}>
          <Input
            value={form.carrierName}
            onChange={(_e, d) => {
              setForm((f) => ({ ...f, carrierName: d.value }));
              clearError('returnShipping.carrierName');
            }}
          />
        </Field>
        <Field label="Carrier account number" {...err('returnShipping.carrierAccountNumber')}>
          <Input
            value={form.carrierAccountNumber}
            onChange={(_e, d) => {
              setForm((f) => ({ ...f, carrierAccountNumber: d.value }));
              clearError('returnShipping.carrierAccountNumber');
            }}
          />
        </Field>
      </div>
    </>
  );
}

export function EditDialog({ job, onClose }: { job: JobView; onClose: () => void }) {
  const styles = useStyles();
  const update = useHaul((s) => s.jobs.update);
  const { form, setForm, errors, setErrors, clearError, failed, busy, submit } = useJobForm({
    draftKey: `edit:${job.name}`,
    initial: () => initial(job),
    schema: UpdateJobRequest,
    fields: FIELDS,
    send: update,
    onClose,
  });
  const emailsError = Object.entries(errors).find(([k]) => k.startsWith('notificationEmails'))?.[1];

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface className={styles.surface}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit(updateRequest(job, form));
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>Edit job {job.name}</DialogTitle>
            <DialogContent className={styles.content}>
              {job.state === 'Creating' && (
                <Caption1 className={styles.note} data-testid="edit-j3">
                  Saving restarts the 14 days: a job still Creating 14 days after its last update is deleted (rules J3,
                  J2).
                </Caption1>
              )}
              {job.state === 'Shipping' && (
                <Caption1 className={styles.note}>
                  Saving while Shipping extends the wait for the package (rule JE2).
                </Caption1>
              )}
              <ReturnAddressFields form={form} setForm={setForm} errors={errors} clearError={clearError} />
              <ReturnShippingFields form={form} setForm={setForm} errors={errors} clearError={clearError} />
              <Field
                label="Also tell (one email address per line)"
                hint="Besides the return address's email"
                validationState={emailsError ? 'error' : 'none'}
                validationMessage={emailsError}
              >
                <Textarea
                  value={form.emails}
                  onChange={(_e, d) => {
                    setForm((f) => ({ ...f, emails: d.value }));
                    setErrors((e) =>
                      Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('notificationEmails'))),
                    );
                  }}
                  resize="vertical"
                />
              </Field>
              {failed && (
                <MessageBar intent="error" layout="multiline" data-testid="edit-error">
                  <MessageBarBody>
                    <MessageBarTitle>The job was not changed</MessageBarTitle>
                    {failed.message}
                  </MessageBarBody>
                </MessageBar>
              )}
              {errors._ && <Caption1 className={styles.note}>{errors._}</Caption1>}
            </DialogContent>
            <DialogActions>
              <Button
                type="submit"
                appearance="primary"
                disabled={busy}
                icon={busy ? <Spinner size="tiny" /> : undefined}
                data-testid="edit-submit"
              >
                Save
              </Button>
              <Button onClick={onClose} disabled={busy}>
                Close
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
