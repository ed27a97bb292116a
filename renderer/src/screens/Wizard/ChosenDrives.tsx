// The drives chosen for the job: each with its id, free space and whether it is still attached,
// whether it is encrypted (and its recovery key, kept in memory only), and Remove.
import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { Dismiss16Regular } from '@fluentui/react-icons';
import { MAX_DRIVES_PER_JOB } from '../../../../shared/arm/schemas';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { DriveKeyField, useAzure } from '../../components/DriveEncryption';
import type { DraftValues, FieldErrors } from '../../wizard/model';
import { Section, useFieldError, useStepStyles } from './parts';

type DraftDrive = DraftValues['drives']['drives'][number];

export function ChosenDrives({ attempted, errors }: { attempted: boolean; errors: FieldErrors }) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const chosen = values.drives.drives;
  const drives = useHaul((s) => s.drives.list);
  const plan = useHaul((s) => s.wizard.plan);
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const setKey = useHaul((s) => s.wizard.setBitLockerKey);
  const azure = useAzure();
  const setDrives = useHaul((s) => s.wizard.setDrives);
  const remove = useHaul((s) => s.wizard.removeDrive);
  const drivesFieldError = useFieldError(errors, 'drives', attempted);
  const driveset = values.importData.mode === 'dataset' ? values.importData.driveset : undefined;
  const fromDriveset = driveset && chosen.length === 0 ? (plan?.targets ?? []) : [];
  // A chosen drive that is no longer attached (pulled out): said next to it.
  const attached = (c: DraftDrive) => c.folder || !drives || drives.some((d) => d.mountpoints.includes(c.path));
  const targetOf = (path: string) => plan?.targets.find((t) => t.path === path);
  // A drive this draft prepared before is its own, not "another job's": its copy stays.
  const ownCopy = (driveId: string) => (plan?.plan?.drives.find((d) => d.driveId === driveId)?.keptFiles ?? 0) > 0;

  return (
    <Section title={`Chosen drives (${chosen.length} of at most ${MAX_DRIVES_PER_JOB})`}>
      {drivesFieldError && (
        <Caption1 role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          {drivesFieldError}
        </Caption1>
      )}
      <MessageBar intent="info">
        <MessageBarBody>
          <MessageBarTitle>Haul does not encrypt drives</MessageBarTitle>
          Encrypt each drive with the operating system&apos;s tool before preparing it — BitLocker on Windows (
          <code>manage-bde -on E:</code>, then <code>manage-bde -protectors -get E:</code> for the recovery key) — and
          give its recovery key below. The local sandbox takes drives without BitLocker.
        </MessageBarBody>
      </MessageBar>
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
              <li key={c.path} className={styles.row} style={{ alignItems: 'flex-end' }}>
                <div className={styles.grow}>
                  <Body1 className={styles.mono}>{t?.driveId ?? c.driveId ?? 'drive id after planning'}</Body1>
                  <Caption1 className={styles.mono}> {c.path}</Caption1>
                  {t && (
                    <Caption1>
                      {' '}
                      · {formatBytes(t.free)} free of {formatBytes(t.capacity)}
                      {ownCopy(t.driveId)
                        ? ' · holds this draft’s copy, which stays'
                        : t.existingJob
                          ? ` · prepared before for ${t.existingJob}`
                          : ''}
                    </Caption1>
                  )}
                  {!attached(c) && (
                    <Caption1 block role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
                      This drive is no longer attached. Plug it back in, or remove it from the list.
                    </Caption1>
                  )}
                </div>
                <Checkbox
                  label="Encrypted with BitLocker"
                  checked={c.encrypted || azure}
                  disabled={azure}
                  onChange={(_e, d) =>
                    setDrives(chosen.map((x) => (x.path === c.path ? { ...x, encrypted: !!d.checked } : x)))
                  }
                />
                {(c.encrypted || azure) && (
                  <DriveKeyField
                    path={c.path}
                    driveName={t?.driveId ?? c.driveId ?? c.path}
                    value={keys[c.path] ?? ''}
                    onChange={(k) => setKey(c.path, k)}
                    attempted={attempted}
                  />
                )}
                <Button appearance="subtle" icon={<Dismiss16Regular />} onClick={() => remove(c.path)}>
                  Remove
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}
