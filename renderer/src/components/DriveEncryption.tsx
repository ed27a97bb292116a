// A drive's file system and BitLocker state, and its recovery password checked against the drive,
// for the wizard's drive step and the Drives screen. On an Azure connection each volume says
// whether the data center takes it (NTFS inside BitLocker, encryption finished, a recovery
// password). The key field is masked until the person reveals it; as it is typed, a typo is caught
// at once (each group of six digits follows BitLocker's rule) and a well-formed key is checked
// against the drive (bitlocker.check), so a wrong one is refused here, naming the drive. On
// Windows Haul can read the key from the drive instead. Keys live only in the wizard's memory.
import { useEffect, useRef, useState } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowDownload16Regular,
  Checkmark12Regular,
  Eye16Regular,
  EyeOff16Regular,
  LockClosed16Regular,
  LockOpen16Regular,
} from '@fluentui/react-icons';
import {
  azureReadiness,
  describeVolume,
  normalizeRecoveryPassword,
  recoveryPasswordProblem,
  type DriveEncryption as DriveEncryptionState,
  type KeyCheckResult,
} from '../../../shared/bitlocker';
import { useHaul } from '../store';
import { WithCommands } from './TurnOnBitLocker';

const useStyles = makeStyles({
  volumes: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, alignItems: 'flex-start' },
  state: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    fontSize: tokens.fontSizeBase300,
  },
  icon: { flexShrink: 0 },
  why: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  good: { color: tokens.colorPaletteGreenForeground1, fontSize: tokens.fontSizeBase200 },
  bad: { color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
  notice: { marginTop: tokens.spacingVerticalXS },
  keyRow: { display: 'flex', gap: tokens.spacingHorizontalXS, alignItems: 'flex-end' },
  grow: { flexGrow: 1, minWidth: '260px' },
});

/** Whether the current connection is Azure (the data center's rules apply). */
export function useAzure(): boolean {
  return useHaul((s) => s.settings.connection?.kind === 'azure');
}

/**
 * What the drives of this job must be, for the connection and the computer: on Azure NTFS +
 * BitLocker with a key that opens it (and what Haul can do about it here); the sandbox takes any.
 */
export function DriveEncryptionNotice({ azure }: { azure: boolean }) {
  const styles = useStyles();
  const support = useHaul((s) => s.bitlocker.support);
  const platform = support?.platform;
  if (!azure)
    return (
      <MessageBar intent="info" data-testid="encryption-notice">
        <MessageBarBody>
          <MessageBarTitle>The local sandbox takes any drive</MessageBarTitle>
          Encrypted or not, in any file system. If a drive is encrypted with BitLocker, tick it and give its recovery
          password, as a job for Azure needs.
          {platform === 'win32' && ' Haul can also turn BitLocker on for an NTFS drive here, as for Azure.'}
        </MessageBarBody>
      </MessageBar>
    );
  if (platform === 'darwin')
    return (
      <MessageBar intent="error" data-testid="encryption-notice">
        <MessageBarBody>
          <MessageBarTitle>Azure drives cannot be prepared on a Mac</MessageBarTitle>
          The Azure data center takes only NTFS drives encrypted with BitLocker, and macOS cannot read or write
          BitLocker drives: prepare this job’s drives on a Windows or Linux computer.
        </MessageBarBody>
      </MessageBar>
    );
  return (
    <MessageBar intent="info" data-testid="encryption-notice">
      <MessageBarBody>
        <MessageBarTitle>Azure takes only NTFS drives encrypted with BitLocker</MessageBarTitle>
        The data center opens each drive with its recovery password and fails a drive whose key is wrong, after it was
        shipped, so Haul checks every key against its drive first.{' '}
        {platform === 'win32' ? (
          'For an NTFS drive without BitLocker, press Turn on BitLocker beside it: Haul records its new recovery password for the job. For a drive already encrypted, press Read from the drive, or type its recovery password.'
        ) : support?.why ? (
          <Body1 block className={styles.notice}>
            <WithCommands
              text={`${support.why}${platform === 'linux' ? ' A locked BitLocker drive is opened first with "haul bitlocker unlock" (as root).' : ''}`}
            />
          </Body1>
        ) : (
          'Give each drive’s recovery password below.'
        )}
      </MessageBarBody>
    </MessageBar>
  );
}

/** Each volume of a drive: "NTFS · BitLocker, unlocked", and on Azure whether the data center takes it. */
export function DriveEncryption({ encryption, azure }: { encryption?: DriveEncryptionState; azure: boolean }) {
  const styles = useStyles();
  if (!encryption) return null;
  if (encryption.support === 'none' || (encryption.error && !encryption.volumes.length))
    return (
      <Caption1 className={azure ? styles.bad : styles.why} data-testid="drive-encryption">
        {encryption.error}
      </Caption1>
    );
  return (
    <div className={styles.volumes} data-testid="drive-encryption">
      {encryption.volumes.map((v) => {
        const ready = azureReadiness(v);
        const Icon =
          v.bitlocker === 'locked' ? LockClosed16Regular : v.bitlocker === 'unlocked' ? LockOpen16Regular : undefined;
        return (
          <div key={v.volume}>
            <span className={styles.state} data-testid="drive-encryption-state">
              {Icon && <Icon aria-hidden className={styles.icon} />}
              {describeVolume(v)}
            </span>
            {encryption.volumes.length > 1 && <Caption1 className={styles.why}> ({v.volume})</Caption1>}
            {azure && v.bitlocker === 'locked' ? (
              <Caption1 block className={styles.why}>
                Its file system shows once it is unlocked.
              </Caption1>
            ) : azure && !ready.ok ? (
              <Caption1 block className={styles.bad} data-testid="drive-encryption-azure">
                Azure does not take it: {ready.why}.
              </Caption1>
            ) : azure ? (
              <Caption1 block className={styles.good} data-testid="drive-encryption-azure">
                <Checkmark12Regular aria-hidden /> The Azure data center can read it.
              </Caption1>
            ) : null}
            {v.note && (
              <Caption1 block className={styles.why}>
                {v.note}
              </Caption1>
            )}
          </div>
        );
      })}
    </div>
  );
}

type CheckState =
  | { state: 'idle' | 'checking' }
  | { state: 'done'; result: KeyCheckResult }
  | { state: 'failed'; error: string };

/** The key as typed checked against the drive, a pause after the last keystroke; the latest answer wins. */
function useKeyCheck(path: string, value: string): CheckState {
  const [check, setCheck] = useState<CheckState>({ state: 'idle' });
  const asked = useRef(0);
  const checkKey = useHaul((s) => s.bitlocker.checkKey);
  useEffect(() => {
    setCheck({ state: 'idle' });
    if (!value.trim() || recoveryPasswordProblem(value)) return;
    const seq = ++asked.current;
    const timer = setTimeout(() => {
      setCheck({ state: 'checking' });
      void checkKey(path, normalizeRecoveryPassword(value)).then((r) => {
        if (seq !== asked.current) return;
        setCheck(r.ok ? { state: 'done', result: r.value } : { state: 'failed', error: r.error.message });
      });
    }, 400);
    return () => clearTimeout(timer);
  }, [path, value, checkKey]);
  return check;
}

/** What the key's field says: nothing while a key is being typed, then what is wrong or that it opens the drive. */
function keyMessage(
  value: string,
  check: CheckState,
  driveName: string,
  attempted: boolean | undefined,
): [string | undefined, 'error' | 'success' | 'warning' | 'none'] {
  const typo = value.trim() ? recoveryPasswordProblem(value) : undefined;
  const result = check.state === 'done' ? check.result : undefined;
  return !value.trim()
    ? [attempted ? `Give the 48-digit recovery password of ${driveName}.` : undefined, attempted ? 'error' : 'none']
    : typo
      ? // a whole key typed (or the person moved on): say what is wrong; while typing, wait
        value.replace(/[\s-]/g, '').length >= 48 || attempted
        ? [`Not the recovery password of ${driveName}: ${typo}`, 'error']
        : [undefined, 'none']
      : check.state === 'failed'
        ? [`The key of ${driveName} could not be checked: ${check.error}`, 'warning']
        : !result
          ? [undefined, 'none']
          : result.result === 'opens'
            ? [`Checked: this recovery password opens ${driveName}.`, 'success']
            : result.result === 'refused'
              ? [
                  `This recovery password does not open ${driveName}. Give the key BitLocker printed or saved for this drive.`,
                  'error',
                ]
              : [result.message, 'warning'];
}

/**
 * The recovery password of one chosen drive: masked until revealed, checked against the drive as
 * typed. `onChecked` hears whether the key opens the drive (for a gate), `driveName` names it.
 */
export function DriveKeyField({
  path,
  driveName,
  value,
  onChange,
  attempted,
}: {
  path: string;
  driveName: string;
  value: string;
  onChange(key: string): void;
  attempted?: boolean;
}) {
  const styles = useStyles();
  const windows = useHaul((s) => s.bitlocker.support?.readKey === true);
  const [shown, setShown] = useState(false);
  const check = useKeyCheck(path, value);
  const [readError, setReadError] = useState<string>();
  const readKey = useHaul((s) => s.bitlocker.readKey);

  const readFromDrive = async () => {
    setReadError(undefined);
    const r = await readKey(path);
    if (r.ok) onChange(r.value.key);
    else setReadError(r.error.message);
  };

  const [message, state] = keyMessage(value, check, driveName, attempted);

  return (
    <div className={styles.grow} data-testid="drive-key">
      <div className={styles.keyRow}>
        <Field
          label={`Recovery password of ${driveName}`}
          className={styles.grow}
          validationMessage={message}
          validationState={state}
        >
          <Input
            type={shown ? 'text' : 'password'}
            autoComplete="off"
            spellCheck={false}
            value={value}
            placeholder="000000-000000-000000-000000-000000-000000-000000-000000"
            onChange={(_e, d) => onChange(d.value)}
            data-testid="drive-key-input"
            contentAfter={
              check.state === 'checking' ? <Spinner size="extra-tiny" aria-label="Checking the key" /> : undefined
            }
          />
        </Field>
        <Button
          appearance="subtle"
          icon={shown ? <EyeOff16Regular /> : <Eye16Regular />}
          onClick={() => setShown(!shown)}
          aria-label={shown ? 'Hide the recovery password' : 'Show the recovery password'}
        >
          {shown ? 'Hide' : 'Show'}
        </Button>
        {windows && (
          <Button appearance="subtle" icon={<ArrowDownload16Regular />} onClick={() => void readFromDrive()}>
            Read from the drive
          </Button>
        )}
      </div>
      {readError && (
        <Caption1 block className={styles.bad}>
          {readError}
        </Caption1>
      )}
    </div>
  );
}
