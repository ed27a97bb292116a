// Ship: the delivery package (carrier from the data center's list, tracking number, ship date,
// drive count) and the job set to Shipping in one action (J4). Shows the address to write on the
// package. Submit stays disabled with the life cycle's J5 sentence until carrier, tracking number
// and return address are there; a refusal keeps every value and points at the field.
import { useId } from 'react';
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
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { ShipJobRequest } from '../../../../shared/ipc/channels/jobs';
import { shipPermission } from '../../../../shared/jobs/view';
import type { JobView } from '../../../../shared/jobs/schemas';
import { useHaul } from '../../store';
import { closedText } from '../../../../shared/jobs/locations';
import { driveCountProblem, trackingNumberNote } from '../../../../shared/jobs/formats';
import { Address } from './Details';
import { useShipTo } from './useShipTo';
import { today } from './forms';
import { useJobForm } from './useJobForm';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(640px, calc(100vw - 32px))' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  to: {
    padding: tokens.spacingVerticalM,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'start',
  },
  why: { color: tokens.colorPaletteDarkOrangeForeground1 },
});

interface ShipForm {
  carrierName: string;
  trackingNumber: string;
  shipDate: string;
  driveCount: string;
}
const FIELDS = ['carrierName', 'trackingNumber', 'shipDate', 'driveCount'] as const;

/** The package form, checked as it is typed: the drive count refused, the tracking number's shape noted, and Ship's permission. */
function useShipForm(job: JobView, onClose: () => void) {
  const ship = useHaul((s) => s.jobs.ship);
  const shipTo = useShipTo(job);
  const carriers = shipTo.carriers;
  const jobDrives = job.drives.filter((d) => !d.extra).length;
  const { form, setForm, errors, clearError, failed, busy, submit } = useJobForm({
    draftKey: `ship:${job.name}`,
    initial: (): ShipForm => ({
      carrierName: job.deliveryPackage?.carrierName ?? (carriers.length === 1 ? carriers[0]! : ''),
      trackingNumber: job.deliveryPackage?.trackingNumber ?? '',
      shipDate: job.deliveryPackage?.shipDate?.slice(0, 10) || today(),
      driveCount: String(job.deliveryPackage?.driveCount ?? Math.max(1, job.drives.filter((d) => !d.extra).length)),
    }),
    schema: ShipJobRequest,
    fields: FIELDS,
    send: ship,
    onClose,
  });

  const checked = shipPermission(job, { carrierName: form.carrierName, trackingNumber: form.trackingNumber });
  // What can be checked here is checked here: the drive count (refused) and the tracking number's shape (noted).
  const countProblem = job.type === 'Import' ? driveCountProblem(Number(form.driveCount), jobDrives) : undefined;
  const trackingNote = trackingNumberNote(form.carrierName, form.trackingNumber);
  const permission = checked.allowed && countProblem ? { allowed: false, reason: countProblem } : checked;
  const missingAddress = !job.returnAddress;
  const set = (k: keyof ShipForm) => (value: string) => {
    setForm((f) => ({ ...f, [k]: value }));
    clearError(k);
  };

  const send = () => {
    if (permission.allowed) void submit({ name: job.name, ...form, driveCount: Number(form.driveCount) });
  };

  const fieldProps = (k: (typeof FIELDS)[number]) => {
    const local = k === 'driveCount' ? countProblem : undefined;
    const note = k === 'trackingNumber' ? trackingNote : undefined;
    const message = errors[k] ?? local ?? note;
    return {
      validationState: errors[k] || local ? ('error' as const) : note ? ('warning' as const) : ('none' as const),
      validationMessage: message,
    };
  };

  return { shipTo, carriers, form, set, fieldProps, permission, missingAddress, failed, busy, send };
}

export function ShipDialog({
  job,
  onClose,
  onEditAddress,
}: {
  job: JobView;
  onClose: () => void;
  onEditAddress: () => void;
}) {
  const styles = useStyles();
  const whyId = useId();
  const { shipTo, carriers, form, set, fieldProps, permission, missingAddress, failed, busy, send } = useShipForm(
    job,
    onClose,
  );

  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface className={styles.surface}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
          noValidate
        >
          <DialogBody>
            <DialogTitle>Ship job {job.name}</DialogTitle>
            <DialogContent className={styles.content}>
              <ShipTo job={job} shipTo={shipTo} />
              <PackageFields form={form} carriers={carriers} set={set} fieldProps={fieldProps} />
              {!permission.allowed && (
                <Caption1 id={whyId} className={styles.why} data-testid="ship-why" role="status">
                  {permission.reason}
                </Caption1>
              )}
              {failed && (
                <MessageBar intent="error" layout="multiline" data-testid="ship-error">
                  <MessageBarBody>
                    <MessageBarTitle>The job was not set to Shipping</MessageBarTitle>
                    {failed.message}
                  </MessageBarBody>
                </MessageBar>
              )}
              {missingAddress && (
                <MessageBar intent="warning" layout="multiline">
                  <MessageBarBody>
                    The return address is missing: the data center would not know where to send the drives back (rule
                    J5).
                  </MessageBarBody>
                  <MessageBarActions>
                    <Button onClick={onEditAddress}>Enter the return address</Button>
                  </MessageBarActions>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button
                type="submit"
                appearance="primary"
                disabledFocusable={!permission.allowed || busy}
                aria-describedby={permission.allowed ? undefined : whyId}
                icon={busy ? <Spinner size="tiny" /> : undefined}
                data-testid="ship-submit"
              >
                Set to Shipping
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

/** Where the package goes (the location that takes the drives), and the job name to write on it. */
function ShipTo({ job, shipTo }: { job: JobView; shipTo: ReturnType<typeof useShipTo> }) {
  const styles = useStyles();
  return (
    <div className={styles.to} data-testid="ship-to">
      <Subtitle2 as="h4">Send the package to {shipTo.shipTo}</Subtitle2>
      {shipTo.closed && <Caption1 data-testid="ship-location-closed">{closedText(shipTo)}</Caption1>}
      <Address address={shipTo.address} />
      <Caption1>
        <strong>Job name: {job.name}</strong>.{' '}
        {shipTo.address?.additionalInformation ?? 'Write the job name on the outside of the package.'}
      </Caption1>
    </div>
  );
}

type FieldName = (typeof FIELDS)[number];

/** The delivery package: carrier (from the location's list where it has one), tracking number, date, drive count. */
function PackageFields({
  form,
  carriers,
  set,
  fieldProps,
}: {
  form: ShipForm;
  carriers: string[];
  set: (k: FieldName) => (value: string) => void;
  fieldProps: (k: FieldName) => {
    validationState: 'error' | 'warning' | 'none';
    validationMessage: string | undefined;
  };
}) {
  const styles = useStyles();
  return (
    <div className={styles.fields}>
      <Field label="Carrier" required {...fieldProps('carrierName')}>
        {carriers.length > 0 ? (
          <Select value={form.carrierName} onChange={(_e, d) => set('carrierName')(d.value)} data-testid="ship-carrier">
            <option value="">Choose the carrier</option>
            {carriers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        ) : (
          <Input
            value={form.carrierName}
            onChange={(_e, d) => set('carrierName')(d.value)}
            data-testid="ship-carrier"
          />
        )}
      </Field>
      <Field label="Tracking number" required {...fieldProps('trackingNumber')}>
        <Input
          value={form.trackingNumber}
          onChange={(_e, d) => set('trackingNumber')(d.value)}
          autoComplete="off"
          data-testid="ship-tracking"
        />
      </Field>
      <Field label="Ship date" required {...fieldProps('shipDate')}>
        <Input
          type="date"
          value={form.shipDate}
          onChange={(_e, d) => set('shipDate')(d.value)}
          data-testid="ship-date"
        />
      </Field>
      <Field label="Drives in the package" required {...fieldProps('driveCount')}>
        <Input
          type="number"
          min={1}
          value={form.driveCount}
          onChange={(_e, d) => set('driveCount')(d.value)}
          data-testid="ship-count"
        />
      </Field>
    </div>
  );
}
