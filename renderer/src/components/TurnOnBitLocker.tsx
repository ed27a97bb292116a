// Turn on BitLocker (Windows) for one NTFS drive that is not encrypted, for the wizard's chosen
// drives and the Drives screen: a confirmation that says what happens (used space only, AES-256,
// about how long), progress while Windows encrypts, then the new recovery password read back from
// the drive and recorded for the job (store/bitlocker.ts) — the person types nothing. Formatting
// NTFS first is offered only where the driveset's row for the drive says FormatOption=Format, and
// only once "FORMAT G:" is typed. Off Windows the button is not there: `TurnOnWhy` says why and what to do instead.
import { useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { Checkmark12Regular, Eye16Regular, EyeOff16Regular, LockClosed16Regular } from '@fluentui/react-icons';
import { fsName, type DriveEncryption as DriveEncryptionState, type VolumeEncryption } from '../../../shared/bitlocker';
import type { TurnOnTask } from '../../../shared/ipc/channels/bitlocker';
import type { ClassifiedDrive } from '../../../shared/ipc/contract';
import { formatBytes } from '../../../shared/prep/names';
import { formatPercent } from '../format';
import { ConfirmDialog } from './ConfirmDialog';
import { useHaul } from '../store';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, minWidth: 0 },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  why: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  good: { color: tokens.colorPaletteGreenForeground1, fontSize: tokens.fontSizeBase200 },
  bad: { color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
  list: { margin: `${tokens.spacingVerticalS} 0`, paddingLeft: tokens.spacingHorizontalXL },
  item: { marginBottom: tokens.spacingVerticalXS },
  key: { fontFamily: tokens.fontFamilyMonospace, minWidth: 0, width: '100%', maxWidth: '460px' },
  bar: { maxWidth: '420px' },
  command: { fontFamily: tokens.fontFamilyMonospace, whiteSpace: 'nowrap' },
});

/** The volume mounted at a path (a drive letter's root on Windows), or a drive's only volume. */
export function volumeAt(encryption: DriveEncryptionState | undefined, path: string): VolumeEncryption | undefined {
  const volumes = encryption?.volumes ?? [];
  const letter = /^[A-Za-z]:/.test(path) ? `${path[0]!.toUpperCase()}:` : undefined;
  return (
    volumes.find((v) => v.mountpoints.includes(path) || (letter !== undefined && v.volume === letter)) ??
    (volumes.length === 1 ? volumes[0] : undefined)
  );
}

/** A rough time for encrypting `used` bytes, counting a cautious 50 MB/s. */
export function encryptionTime(used: number | undefined): string {
  if (used === undefined) return 'about a minute per 3 GB in use (counting a cautious 50 MB/s)';
  const seconds = used / 50e6;
  if (seconds < 120) return 'a minute or two';
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} minutes`;
  return `about ${Math.round(seconds / 3600)} hours`;
}

const PHASE: Record<TurnOnTask['phase'], string> = {
  checking: 'Checking the drive…',
  formatting: 'Formatting NTFS…',
  starting: 'Turning BitLocker on…',
  encrypting: 'Encrypting the used space',
  'reading-key': 'Reading the new recovery password…',
  done: 'BitLocker is on',
  failed: 'BitLocker was not turned on',
};

/** Main's words with each quoted command set as code, kept on one line so it reads as typed. */
export function WithCommands({ text }: { text: string }) {
  const styles = useStyles();
  return (
    <>
      {text.split(/"([^"]+)"/).map((part, i) =>
        i % 2 ? (
          <code key={i} className={styles.command}>
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

/**
 * Off Windows, in place of a Turn on BitLocker button that could not work: Haul does not encrypt
 * drives on this computer, and what to do instead (main's words). Nothing on Windows.
 */
export function TurnOnWhy() {
  const support = useHaul((s) => s.bitlocker.support);
  if (!support || support.turnOn || !support.why) return null;
  return (
    <MessageBar intent="info" data-testid="turn-on-why">
      <MessageBarBody>
        <MessageBarTitle>Haul does not encrypt drives on this computer</MessageBarTitle>
        <WithCommands text={support.why} />
      </MessageBarBody>
    </MessageBar>
  );
}

export interface TurnOnProps {
  /** the drive's mount path, as the drive list shows it */
  target: string;
  /** the drive as the person knows it: its id, or its path */
  driveName: string;
  /** its volume as the drive list found it */
  volume?: VolumeEncryption;
  /** bytes in use on it, for the time estimate */
  usedBytes?: number;
  /** the driveset's row for this drive, when it says FormatOption=Format (formatting may be offered) */
  formatRow?: { file: string; row: number };
  /** where a done drive's key went is said for the wizard; the Drives screen offers to show it */
  place: 'wizard' | 'drives';
}

/**
 * The Turn on BitLocker action of one drive, its progress and its outcome. Renders nothing where
 * it does not apply: off Windows, a drive already encrypted (and no task of this page), a drive
 * that is not NTFS unless the driveset lets Haul format it.
 */
export function TurnOnBitLocker({ target, driveName, volume, usedBytes, formatRow, place }: TurnOnProps) {
  const styles = useStyles();
  const support = useHaul((s) => s.bitlocker.support);
  const task = useHaul((s) => s.bitlocker.tasks[target]);
  const outcome = useHaul((s) => s.bitlocker.outcomes[target]);
  const [open, setOpen] = useState(false);

  if (!support?.turnOn) return null;
  const letter = volume?.volume ?? target.slice(0, 2);

  if (task && task.phase !== 'failed') {
    if (task.phase !== 'done')
      return (
        <div className={styles.box} data-testid="turn-on-progress" aria-live="polite">
          <Body1>
            <LockClosed16Regular aria-hidden /> {PHASE[task.phase]}
            {task.phase === 'encrypting' ? `: ${formatPercent(task.percent)}` : ''} — {letter}
          </Body1>
          <ProgressBar
            className={styles.bar}
            value={task.phase === 'encrypting' ? (task.percent ?? 0) / 100 : undefined}
            aria-label={`Turning BitLocker on for ${driveName}`}
          />
          <Caption1 className={styles.why}>
            Keep the drive attached and this computer on. Windows goes on encrypting if Haul is closed; open the drive
            here again to follow it.
          </Caption1>
        </div>
      );
    return (
      <div className={styles.box} data-testid="turn-on-done">
        <Caption1 block className={styles.good}>
          <Checkmark12Regular aria-hidden /> BitLocker is on for {driveName} (AES-256).{' '}
          {outcome?.recorded === 'draft'
            ? `Its new recovery password was read from the drive and recorded for ${outcome.jobName ? `the job ${outcome.jobName}` : 'this job'}.`
            : outcome?.recorded === 'none'
              ? ''
              : place === 'wizard'
                ? 'Reading its new recovery password…'
                : 'Haul reads its recovery password from the drive when you choose it for a job.'}
        </Caption1>
        {outcome?.recorded === 'none' && (
          <Caption1 block className={styles.bad}>
            Haul could not read its recovery password back: {outcome.error} Press Read from the drive to try again.
          </Caption1>
        )}
        {place === 'drives' && <RevealKey target={target} driveName={driveName} />}
      </div>
    );
  }

  const plainNtfs = volume?.bitlocker === 'none' && fsName(volume.fileSystem ?? '') === 'NTFS';
  const canFormat = !!formatRow && volume?.bitlocker === 'none';
  if (!plainNtfs && !canFormat) return null;
  return (
    <div className={styles.box}>
      {task?.phase === 'failed' && (
        <Caption1 block className={styles.bad} role="alert" data-testid="turn-on-failed">
          BitLocker was not turned on for {driveName}: {task.message}
        </Caption1>
      )}
      <div className={styles.row}>
        <Button icon={<LockClosed16Regular />} onClick={() => setOpen(true)} data-testid="turn-on">
          {task?.phase === 'failed'
            ? 'Try again'
            : canFormat
              ? 'Format NTFS and turn on BitLocker'
              : 'Turn on BitLocker'}
        </Button>
      </div>
      {open && (
        <TurnOnDialog
          target={target}
          driveName={driveName}
          letter={letter}
          {...(usedBytes !== undefined ? { usedBytes } : {})}
          {...(canFormat && formatRow ? { formatRow } : {})}
          {...(volume?.fileSystem ? { fileSystem: fsName(volume.fileSystem) } : {})}
          onClose={() => setOpen(false)}
        />
      )}
    </div>
  );
}

/** The Drives screen's Turn on BitLocker: a drive Haul may write to, mounted in one place. */
export function DriveTurnOn({ drive }: { drive: ClassifiedDrive }) {
  const path = drive.mountpoints[0];
  if (drive.status === 'blocked' || drive.mountpoints.length !== 1 || !path) return null;
  const volume = volumeAt(drive.encryption, path);
  return (
    <TurnOnBitLocker target={path} driveName={drive.serial ?? path} {...(volume ? { volume } : {})} place="drives" />
  );
}

function TurnOnDialog({
  target,
  driveName,
  letter,
  usedBytes,
  formatRow,
  fileSystem,
  onClose,
}: {
  target: string;
  driveName: string;
  letter: string;
  usedBytes?: number;
  formatRow?: { file: string; row: number };
  fileSystem?: string;
  onClose(): void;
}) {
  const turnOn = useHaul((s) => s.bitlocker.turnOn);
  const confirmation = `FORMAT ${letter}`;
  return (
    <ConfirmDialog
      title={`${formatRow ? 'Format NTFS and turn on BitLocker' : 'Turn on BitLocker'} for ${driveName}?`}
      phrase={
        formatRow && {
          label: `Type ${confirmation} to erase ${letter}`,
          accepts: (typed) => typed.trim().replace(/\s+/g, ' ').toUpperCase() === confirmation,
          wrong: `Type exactly ${confirmation}.`,
          testId: 'turn-on-format-confirm',
        }
      }
      confirm={formatRow ? 'Format and turn on BitLocker' : 'Turn on BitLocker'}
      run={(typed) => turnOn(target, formatRow ? { formatConfirmation: typed } : {})}
      onClose={onClose}
      testIds={{ content: 'turn-on-dialog', confirm: 'turn-on-confirm', error: 'turn-on-error' }}
    >
      <Body1 block>Windows encrypts {letter} with BitLocker, as the Azure data center requires:</Body1>
      <WhatHappens
        letter={letter}
        {...(usedBytes !== undefined ? { usedBytes } : {})}
        {...(formatRow ? { formatRow } : {})}
        {...(fileSystem ? { fileSystem } : {})}
      />
    </ConfirmDialog>
  );
}

/** What turning BitLocker on does to the drive, point by point: the format first when asked, the key, the time, the care. */
function WhatHappens({
  letter,
  usedBytes,
  formatRow,
  fileSystem,
}: {
  letter: string;
  usedBytes?: number;
  formatRow?: { file: string; row: number };
  fileSystem?: string;
}) {
  const styles = useStyles();
  return (
    <ul className={styles.list}>
      {formatRow && (
        <li className={styles.item}>
          <Body1>
            First {letter} is formatted NTFS
            {fileSystem && fileSystem !== 'NTFS' ? ` (it is ${fileSystem})` : ''}, because {formatRow.file}, row{' '}
            {formatRow.row}, says FormatOption=Format. <strong>Everything on it is erased.</strong>
          </Body1>
        </li>
      )}
      <li className={styles.item}>
        <Body1>
          AES-256 (XTS) with a new 48-digit recovery password. Haul reads it back from the drive and records it for the
          job: you type nothing.
        </Body1>
      </li>
      <li className={styles.item}>
        <Body1>
          Only the space in use is encrypted
          {formatRow ? '' : usedBytes !== undefined ? ` (${formatBytes(usedBytes)} now)` : ''}: that takes{' '}
          {encryptionTime(formatRow ? 0 : usedBytes)}. Whatever is written later is encrypted as it is written. Space
          that is free now is left as it is, so files deleted from this drive before stay readable there; a new or
          freshly formatted drive has none.
        </Body1>
      </li>
      <li className={styles.item}>
        <Body1>
          Keep the drive attached and the computer on until it is done; Haul shows how far it is. Haul must run as
          administrator.
        </Body1>
      </li>
    </ul>
  );
}

/** The drive's recovery password, read from the drive only when asked and masked until shown. */
function RevealKey({ target, driveName }: { target: string; driveName: string }) {
  const styles = useStyles();
  const [key, setKey] = useState<string>();
  const [shown, setShown] = useState(false);
  const [error, setError] = useState<string>();
  const readKey = useHaul((s) => s.bitlocker.readKey);
  const read = async () => {
    setError(undefined);
    const r = await readKey(target);
    if (r.ok) setKey(r.value.key);
    else setError(r.error.message);
  };
  if (key === undefined)
    return (
      <div className={styles.row}>
        <Button size="small" appearance="subtle" onClick={() => void read()} data-testid="turn-on-read-key">
          Read its recovery password
        </Button>
        {error && <Caption1 className={styles.bad}>{error}</Caption1>}
      </div>
    );
  return (
    <div className={styles.row}>
      <Input
        readOnly
        type={shown ? 'text' : 'password'}
        value={key}
        aria-label={`Recovery password of ${driveName}`}
        className={styles.key}
        data-testid="turn-on-key"
      />
      <Button
        size="small"
        appearance="subtle"
        icon={shown ? <EyeOff16Regular /> : <Eye16Regular />}
        onClick={() => setShown(!shown)}
        aria-label={shown ? 'Hide the recovery password' : 'Show the recovery password'}
      >
        {shown ? 'Hide' : 'Show'}
      </Button>
    </div>
  );
}
