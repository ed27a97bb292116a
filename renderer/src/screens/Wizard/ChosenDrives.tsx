// The drives chosen for the job: each with its id, free space and whether it is still attached,
// whether it is encrypted (and its recovery key, kept in memory only), Turn on BitLocker for an
// NTFS drive without it (Windows; the driveset's Encrypt and Format rows said beside their drive),
// and Remove.
import { Body1, Button, Caption1, Checkbox, tokens } from '@fluentui/react-components';
import { Dismiss16Regular } from '@fluentui/react-icons';
import { MAX_DRIVES_PER_JOB } from '../../../../shared/arm/schemas';
import { fsName } from '../../../../shared/bitlocker';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { DriveEncryptionNotice, DriveKeyField, useAzure } from '../../components/DriveEncryption';
import { TurnOnBitLocker, volumeAt } from '../../components/TurnOnBitLocker';
import type { ClassifiedDrive } from '../../../../shared/ipc/contract';
import type { PrepPlanResult } from '../../../../shared/prep/session';
import type { DraftValues, FieldErrors } from '../../wizard/model';
import { Section, useFieldError, useStepStyles } from './parts';

type DraftDrive = DraftValues['drives']['drives'][number];

export function ChosenDrives({ attempted, errors }: { attempted: boolean; errors: FieldErrors }) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const chosen = values.drives.drives;
  const drives = useHaul((s) => s.drives.list);
  const plan = useHaul((s) => s.wizard.plan);
  const azure = useAzure();
  const setDrives = useHaul((s) => s.wizard.setDrives);
  const drivesFieldError = useFieldError(errors, 'drives', attempted);
  const driveset = values.importData.mode === 'dataset' ? values.importData.driveset : undefined;
  const fromDriveset = driveset && chosen.length === 0 ? (plan?.targets ?? []) : [];
  // A chosen drive that is no longer attached (pulled out): said next to it.
  const attached = (c: DraftDrive) => c.folder || !drives || drives.some((d) => d.mountpoints.includes(c.path));
  // the plan's drive: by its path, else by its device (main may give the path resolved another way)
  const targetOf = (path: string) => {
    const device = drives?.find((d) => d.mountpoints.includes(path))?.device;
    return plan?.targets.find((t) => t.path === path) ?? plan?.targets.find((t) => !!device && t.device === device);
  };
  // A drive this draft prepared before is its own, not "another job's": its copy stays.
  const ownCopy = (driveId: string) => (plan?.plan?.drives.find((d) => d.driveId === driveId)?.keptFiles ?? 0) > 0;

  return (
    <Section title={`Chosen drives (${chosen.length} of at most ${MAX_DRIVES_PER_JOB})`}>
      {drivesFieldError && (
        <Caption1 role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          {drivesFieldError}
        </Caption1>
      )}
      <DriveEncryptionNotice azure={azure} />
      {fromDriveset.length > 0 && (
        <div className={styles.actions}>
          <Body1>
            {driveset!.name} names {fromDriveset.length} drive{fromDriveset.length === 1 ? '' : 's'}:{' '}
            {fromDriveset.map((t) => t.path).join(', ')}.
          </Body1>
          <Button
            onClick={() =>
              setDrives(
                fromDriveset.map((t) => ({
                  path: t.path,
                  driveId: t.driveId,
                  ...(t.device ? { device: t.device } : {}),
                  folder: !t.device,
                  encrypted: false,
                })),
              )
            }
          >
            Use these drives
          </Button>
        </div>
      )}
      {chosen.length > 0 && (
        <ul className={styles.list} aria-label="Chosen drives" data-testid="chosen-drives">
          {chosen.map((c) => {
            const t = targetOf(c.path);
            return (
              <ChosenDrive
                key={c.path}
                c={c}
                t={t}
                drive={drives?.find((d) => d.mountpoints.includes(c.path))}
                attached={attached(c)}
                ownCopy={!!t && ownCopy(t.driveId)}
                azure={azure}
                attempted={attempted}
              />
            );
          })}
        </ul>
      )}
    </Section>
  );
}

type Target = NonNullable<PrepPlanResult['targets']>[number];

/**
 * One chosen drive: its id, path and room, whether it is still attached, what the driveset asks
 * of it, whether it is encrypted and its key, Remove, and Turn on BitLocker where it has none.
 */
function ChosenDrive({
  c,
  t,
  drive,
  attached,
  ownCopy,
  azure,
  attempted,
}: {
  c: DraftDrive;
  /** the plan's drive for it, once planned */
  t: Target | undefined;
  drive: ClassifiedDrive | undefined;
  attached: boolean;
  /** it holds this draft's copy from before */
  ownCopy: boolean;
  azure: boolean;
  attempted: boolean;
}) {
  const styles = useStepStyles();
  const chosen = useHaul((s) => s.wizard.values.drives.drives);
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const setKey = useHaul((s) => s.wizard.setBitLockerKey);
  const setDrives = useHaul((s) => s.wizard.setDrives);
  const remove = useHaul((s) => s.wizard.removeDrive);
  const tasks = useHaul((s) => s.bitlocker.tasks);
  const name = t?.driveId ?? c.driveId ?? c.path;
  const volume = c.folder ? undefined : volumeAt(drive?.encryption, c.path);
  // the driveset's row for it asks Haul to turn BitLocker on (main matched it to the drive)
  const encryptRow = t?.encrypt;
  // known to have no BitLocker (and none being turned on): no key to give yet
  const plain = volume?.bitlocker === 'none' && !tasks[c.path];
  const mustEncrypt = azure || !!encryptRow;
  // BitLocker being turned on: its new key comes by itself once done, nothing to type meanwhile
  const task = tasks[c.path];
  const turningOn = !!task && task.phase !== 'done' && task.phase !== 'failed';
  return (
    <li className={styles.row} style={{ alignItems: 'flex-end' }}>
      <ChosenDriveFacts c={c} t={t} attached={attached} ownCopy={ownCopy} />
      {!plain && (
        <Checkbox
          label="Encrypted with BitLocker"
          checked={c.encrypted || azure}
          disabled={azure}
          onChange={(_e, d) => setDrives(chosen.map((x) => (x.path === c.path ? { ...x, encrypted: !!d.checked } : x)))}
        />
      )}
      {!plain && !turningOn && (c.encrypted || azure) && (
        <DriveKeyField
          path={c.path}
          driveName={name}
          value={keys[c.path] ?? ''}
          onChange={(k) => setKey(c.path, k)}
          attempted={attempted}
        />
      )}
      <Button appearance="subtle" icon={<Dismiss16Regular />} onClick={() => remove(c.path)}>
        Remove
      </Button>
      {(plain || tasks[c.path]) && (
        <NoBitLocker c={c} t={t} name={name} volume={volume} mustEncrypt={mustEncrypt} azure={azure} />
      )}
    </li>
  );
}

/** What the chosen drive is: its id, path and room, whether it is still attached, and what the driveset asks of it. */
function ChosenDriveFacts({
  c,
  t,
  attached,
  ownCopy,
}: {
  c: DraftDrive;
  t: Target | undefined;
  attached: boolean;
  ownCopy: boolean;
}) {
  const styles = useStepStyles();
  const encryptRow = t?.encrypt;
  return (
    <div className={styles.grow}>
      <Body1 className={styles.mono} data-testid="chosen-drive-id">
        {t?.driveId ?? c.driveId ?? 'drive id after planning'}
      </Body1>
      <Caption1 className={styles.mono}> {c.path}</Caption1>
      {t && (
        <Caption1>
          {' '}
          · {formatBytes(t.free)} free of {formatBytes(t.capacity)}
          {ownCopy
            ? ' · holds this draft’s copy, which stays'
            : t.existingJob
              ? ` · prepared before for ${t.existingJob}`
              : ''}
        </Caption1>
      )}
      {!attached && (
        <Caption1 block role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          This drive is no longer attached. Plug it back in, or remove it from the list.
        </Caption1>
      )}
      {encryptRow && (
        <Caption1 block data-testid="driveset-encrypt">
          {encryptRow.file}, row {encryptRow.row}, asks Haul to turn BitLocker on for this drive before the copy
          {encryptRow.format ? ', formatting it NTFS first' : ''}.
        </Caption1>
      )}
    </div>
  );
}

/** A drive without BitLocker (or one being turned on): whether that will do, and Turn on BitLocker. */
function NoBitLocker({
  c,
  t,
  name,
  volume,
  mustEncrypt,
  azure,
}: {
  c: DraftDrive;
  t: Target | undefined;
  name: string;
  volume: ReturnType<typeof volumeAt>;
  mustEncrypt: boolean;
  azure: boolean;
}) {
  const support = useHaul((s) => s.bitlocker.support);
  const tasks = useHaul((s) => s.bitlocker.tasks);
  const encryptRow = t?.encrypt;
  // known to have no BitLocker (and none being turned on)
  const plain = volume?.bitlocker === 'none' && !tasks[c.path];
  const notNtfs = plain && !!volume?.fileSystem && fsName(volume.fileSystem) !== 'NTFS';
  return (
    <div style={{ flexBasis: '100%', minWidth: 0 }} data-testid="chosen-drive-bitlocker">
      {plain && (
        <Caption1 block>
          Not encrypted with BitLocker{volume.fileSystem ? ` (${fsName(volume.fileSystem)})` : ''}
          {mustEncrypt
            ? azure
              ? ': the Azure data center does not take it as it is.'
              : ': the driveset asks for BitLocker.'
            : '.'}
        </Caption1>
      )}
      {plain && mustEncrypt && support?.turnOn && notNtfs && !encryptRow?.format && (
        <Caption1 block style={{ color: tokens.colorNeutralForeground2 }}>
          BitLocker for Azure needs NTFS: format {c.path} NTFS in Windows first (this erases it), or give a driveset
          whose row for it says FormatOption=Format.
        </Caption1>
      )}
      <TurnOnBitLocker
        target={c.path}
        driveName={name}
        {...(volume ? { volume } : {})}
        {...(t ? { usedBytes: Math.max(0, t.capacity - t.free) } : {})}
        {...(encryptRow?.format ? { formatRow: { file: encryptRow.file, row: encryptRow.row } } : {})}
        place="wizard"
      />
    </div>
  );
}
