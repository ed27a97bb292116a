// The customer's actions on the job, each with what it does, or, when the life cycle refuses it
// now, disabled (still focusable) with the refusal sentence beside it: Ship (J4/J5), Edit (J3),
// Cancel (J13), Delete (A1), BitLocker keys, Logs.
import { useId, useState } from 'react';
import { Button, Caption1, makeStyles, Tooltip, tokens } from '@fluentui/react-components';
import {
  Delete20Regular,
  DismissCircle20Regular,
  DocumentSearch20Regular,
  Edit20Regular,
  Key20Regular,
  VehicleTruck20Regular,
} from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { ActionPermission, JobView } from '../../../../shared/jobs/schemas';
import { CANCEL_BEFORE_SHIPPING, CANCEL_SKIPS_COPY } from '../../../../shared/lifecycle/guidance';
import { useHaul } from '../../store';
import { ShipDialog } from './ShipDialog';
import { EditDialog } from './EditDialog';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { KeysDialog } from './KeysDialog';
import { Sentence } from '../../components/Why';
import { withoutRules } from '../../format';

const useStyles = makeStyles({
  bar: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  reasons: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    color: tokens.colorNeutralForeground3,
  },
  wrap: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

type Open = 'ship' | 'edit' | 'cancel' | 'delete' | 'keys' | undefined;

interface ActionSpec {
  key: string;
  label: string;
  icon: ReactElement;
  permission: ActionPermission;
  /** What it does, for the tooltip and screen readers. */
  text: string;
  onClick: () => void;
  primary?: boolean;
}

function ActionButton({ a, reasonId }: { a: ActionSpec; reasonId: string }) {
  const refused = !a.permission.allowed;
  const button = (
    <Button
      icon={a.icon}
      appearance={a.primary && !refused ? 'primary' : 'secondary'}
      disabledFocusable={refused}
      aria-describedby={refused ? reasonId : undefined}
      onClick={refused ? undefined : a.onClick}
      data-testid={`action-${a.key}`}
    >
      {a.label}
    </Button>
  );
  return refused ? (
    button
  ) : (
    <Tooltip content={withoutRules(a.text).text} relationship="description" withArrow>
      {button}
    </Tooltip>
  );
}

/** The actions this job offers now, in toolbar order: Ship only while it can still be shipped,
 * BitLocker keys only when a drive has one, Logs only when the data center wrote one. */
function actionSpecs(job: JobView, setOpen: (open: Open) => void, openLog: (driveId: string) => void): ActionSpec[] {
  const withLog = job.drives.find((d) => d.errorLogUri);
  const withKeys = job.drives.some((d) => d.hasBitLockerKey);
  const shipping = job.state === 'Creating' || job.state === 'Shipping';
  return [
    ...(shipping
      ? [
          {
            key: 'ship',
            label: 'Ship…',
            icon: <VehicleTruck20Regular />,
            permission: job.actions.ship,
            primary: job.nextStep.action === 'ship',
            text: 'Once the package is with the carrier: enter the carrier and tracking number, and the job becomes Shipping (rule J4).',
            onClick: () => setOpen('ship'),
          },
        ]
      : []),
    {
      key: 'edit',
      label: 'Edit…',
      icon: <Edit20Regular />,
      permission: job.actions.update,
      primary: job.nextStep.action === 'update',
      text:
        job.state === 'Creating'
          ? 'Change the return address, return shipping or contact. Saving restarts the 14 days after which a Creating job is deleted (rules J3, J2).'
          : 'Change the return address, return shipping or contact.',
      onClick: () => setOpen('edit'),
    },
    {
      key: 'cancel',
      label: 'Cancel job…',
      icon: <DismissCircle20Regular />,
      permission: job.actions.cancel,
      text: job.state === 'Creating' ? CANCEL_BEFORE_SHIPPING : CANCEL_SKIPS_COPY,
      onClick: () => setOpen('cancel'),
    },
    {
      key: 'delete',
      label: 'Delete job…',
      icon: <Delete20Regular />,
      permission: job.actions.delete,
      text: 'Removes the job from the service (rule A1).',
      onClick: () => setOpen('delete'),
    },
    ...(withKeys
      ? [
          {
            key: 'keys',
            label: 'BitLocker keys…',
            icon: <Key20Regular />,
            permission: { allowed: true } as const,
            text: "The drives' recovery keys, shown only when you ask.",
            onClick: () => setOpen('keys'),
          },
        ]
      : []),
    ...(withLog
      ? [
          {
            key: 'logs',
            label: 'Logs',
            icon: <DocumentSearch20Regular />,
            permission: { allowed: true } as const,
            primary: job.nextStep.action === 'logs',
            text: `What the data center wrote about each file of drive ${withLog.driveId}.`,
            onClick: () => openLog(withLog.driveId),
          },
        ]
      : []),
  ];
}

/** Why each refused action is not possible now, each line the description of its button. */
function RefusedReasons({ refused, baseId }: { refused: ActionSpec[]; baseId: string }) {
  const styles = useStyles();
  return (
    <ul className={styles.reasons} aria-label="Not possible now">
      {refused.map((a) => (
        <li key={a.key} id={`${baseId}-${a.key}`} data-testid={`action-${a.key}-why`}>
          <Caption1>
            <strong>{a.label.replace('…', '')}:</strong>{' '}
            {a.permission.allowed ? '' : <Sentence text={a.permission.reason} rules={[a.permission.rule]} />}
          </Caption1>
        </li>
      ))}
    </ul>
  );
}

/** The dialog the customer opened from the toolbar, if any. */
function ActionDialog({ job, open, setOpen }: { job: JobView; open: Open; setOpen: (open: Open) => void }) {
  const cancel = useHaul((s) => s.jobs.cancel);
  const remove = useHaul((s) => s.jobs.remove);
  const navigate = useHaul((s) => s.ui.navigate);
  const close = () => setOpen(undefined);
  return (
    <>
      {open === 'ship' && <ShipDialog job={job} onClose={close} onEditAddress={() => setOpen('edit')} />}
      {open === 'edit' && <EditDialog job={job} onClose={close} />}
      {open === 'cancel' && (
        <ConfirmDialog
          alert
          title={`Cancel job ${job.name}?`}
          confirm="Cancel the job"
          keep="Keep the job"
          run={async () => {
            const r = await cancel(job.name);
            return r.ok ? undefined : r.error.message;
          }}
          onClose={close}
        >
          <p>
            {job.state === 'Creating'
              ? 'The job ends Completed at once, since nothing was shipped, and is deleted after 90 days (rules J14, J12). This cannot be undone.'
              : `${CANCEL_SKIPS_COPY} This cannot be undone.`}
          </p>
        </ConfirmDialog>
      )}
      {open === 'delete' && (
        <ConfirmDialog
          alert
          title={`Delete job ${job.name}?`}
          confirm="Delete the job"
          keep="Keep the job"
          run={async () => {
            const r = await remove(job.name);
            if (!r.ok) return r.error.message;
            navigate({ name: 'jobs' });
            return undefined;
          }}
          onClose={close}
        >
          <p>The service forgets the job and its history; Haul shows it no more (rule A1). This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {open === 'keys' && <KeysDialog job={job} onClose={close} />}
    </>
  );
}

export function Actions({ job }: { job: JobView }) {
  const styles = useStyles();
  const baseId = useId();
  const [open, setOpen] = useState<Open>(undefined);
  const navigate = useHaul((s) => s.ui.navigate);
  const specs = actionSpecs(job, setOpen, (driveId) =>
    navigate({ name: 'log', jobName: job.name, driveId, kind: 'error' }),
  );
  const refused = specs.filter((a) => !a.permission.allowed);

  return (
    <div className={styles.wrap}>
      <div className={styles.bar} role="toolbar" aria-label={`Actions on job ${job.name}`}>
        {specs.map((a) => (
          <ActionButton key={a.key} a={a} reasonId={`${baseId}-${a.key}`} />
        ))}
      </div>
      {refused.length > 0 && <RefusedReasons refused={refused} baseId={baseId} />}
      <ActionDialog job={job} open={open} setOpen={setOpen} />
    </div>
  );
}
