// Step 3 (import): which drives to write. The live drive list (hot-plug, blocked and warned with
// the reasons), "Use a folder" for a mounted volume the list does not show, the plan as capacity
// bars, BitLocker keys (Haul does not encrypt), and a typed confirmation of the exact drive ids
// before anything is written.
import { useEffect, useMemo, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, Dismiss16Regular, FolderOpen20Regular } from '@fluentui/react-icons';
import { MAX_DRIVES_PER_JOB } from '../../../../shared/arm/schemas';
import { formatBytes } from '../../../../shared/prep/names';
import type { ClassifiedDrive } from '../../../../shared/prep/types';
import { useHaul } from '../../store';
import { drivesErrors, type DraftValues } from './model';
import { Section, useFieldError, useStepStyles } from './parts';
import { CapacityBars } from './CapacityBars';
import { FolderBrowser } from './FolderBrowser';
import { DriveEncryption, DriveKeyField, useAzure } from '../../components/DriveEncryption';
import type { StepProps } from './WizardScreen';

type DraftDrive = DraftValues['drives']['drives'][number];

const STATUS = {
  ok: { text: 'ready to use', color: 'success' },
  warned: { text: 'check first', color: 'warning' },
  blocked: { text: 'blocked', color: 'danger' },
} as const;

/** The drive ids as typed ("A1, B2" or one a line) match the plan's exactly, in any order. */
export function confirmationMatches(typed: string, ids: string[]): boolean {
  const got = typed.split(/[\s,;]+/).filter(Boolean);
  return ids.length > 0 && got.length === ids.length && ids.every((id) => got.includes(id));
}

export function DrivesStep({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const chosen = values.drives.drives;
  const update = useHaul((s) => s.wizard.update);
  const drives = useHaul((s) => s.drives.list);
  const drivesError = useHaul((s) => s.drives.error);
  const refreshDrives = useHaul((s) => s.drives.refresh);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const planError = useHaul((s) => s.wizard.planError);
  const runPlan = useHaul((s) => s.wizard.runPlan);
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const setKey = useHaul((s) => s.wizard.setBitLockerKey);
  const startPrep = useHaul((s) => s.wizard.startPrep);
  const maxRate = useHaul((s) => s.wizard.maxRate);
  const setMaxRate = useHaul((s) => s.wizard.setMaxRate);
  const [rateText, setRateText] = useState(maxRate ? String(maxRate / 1e6) : '');
  const rateBad = rateText.trim() !== '' && !(Number(rateText) > 0);
  const prepError = useHaul((s) => s.wizard.prepError);
  const errors = useMemo(() => drivesErrors(values), [values]);
  const [browsing, setBrowsing] = useState(false);
  const [typed, setTyped] = useState('');

  useEffect(() => {
    void refreshDrives();
  }, [refreshDrives]);

  const setDrives = (list: DraftDrive[]) => update((v) => ({ ...v, drives: { drives: list, confirmed: [] } }));
  const add = (d: DraftDrive) => {
    if (!chosen.some((c) => c.path === d.path)) setDrives([...chosen, d]);
  };
  const remove = (path: string) => setDrives(chosen.filter((c) => c.path !== path));
  // A folder that is not a drive of its own is planned only once the person confirms it.
  const allowFolder = (path: string, allow: boolean) =>
    setDrives(chosen.map((c) => (c.path === path ? { ...c, allowFolder: allow } : c)));

  // The plan follows the chosen drives (and their keys): nothing is written by it.
  const azure = useAzure();
  // on Azure the plan checks each drive's key against the drive, so it follows the keys too
  const planKey = JSON.stringify([
    chosen.map((c) => [c.path, c.allowFolder === true]),
    azure && chosen.map((c) => keys[c.path] ?? ''),
  ]);
  useEffect(() => {
    const timer = setTimeout(() => void runPlan(true), 300);
    return () => clearTimeout(timer);
  }, [planKey, runPlan]);

  // A changed drive list voids what was typed.
  useEffect(() => setTyped(''), [planKey]);

  const ids = plan?.targets.map((t) => t.driveId) ?? [];
  const keysMissing = chosen.filter((c) => (c.encrypted || azure) && !keys[c.path]?.trim());
  const confirmed = confirmationMatches(typed, ids);
  const ready = !!plan?.ready && !planning && Object.keys(errors).length === 0;
  const canNext = ready && keysMissing.length === 0 && confirmed;

  const idsKey = ids.join(',');
  useEffect(() => {
    setGate({
      canNext,
      nextLabel: `Prepare ${chosen.length || ''} drive${chosen.length === 1 ? '' : 's'}`,
      why: Object.keys(errors).length
        ? 'Choose the drives to prepare.'
        : planning || !plan
          ? 'Planning the copy…'
          : !plan.ready
            ? 'The plan is not ready; see what the plan says.'
            : keysMissing.length
              ? `Give the BitLocker key of ${keysMissing.map((k) => k.driveId ?? k.path).join(', ')}.`
              : !confirmed
                ? 'Type the drive ids to confirm them.'
                : undefined,
      onNext: async () => {
        await startPrep(ids);
        return !useHaul.getState().wizard.prepError;
      },
    });
    // The gate reads ids and the missing keys; it changes when their joined form or count does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canNext, chosen.length, errors, planning, plan, keysMissing.length, confirmed, setGate, startPrep, idsKey]);

  const drivesFieldError = useFieldError(errors, 'drives', attempted);
  const driveset = values.importData.mode === 'dataset' ? values.importData.driveset : undefined;
  const fromDriveset = driveset && chosen.length === 0 ? (plan?.targets ?? []) : [];
  // A chosen drive that is no longer attached (pulled out): said next to it.
  const attached = (c: DraftDrive) => c.folder || !drives || drives.some((d) => d.mountpoints.includes(c.path));
  const full = chosen.length >= MAX_DRIVES_PER_JOB;
  const targetOf = (path: string) => plan?.targets.find((t) => t.path === path);

  return (
    <div className={styles.step}>
      <Section title="Drives on this computer">
        <div className={styles.actions}>
          <Button icon={<ArrowClockwise20Regular />} onClick={() => void refreshDrives()}>
            Refresh
          </Button>
          <Button icon={<FolderOpen20Regular />} disabled={full} onClick={() => setBrowsing(true)}>
            Use a folder…
          </Button>
          <Caption1 className={styles.muted}>
            Plug in a drive and it appears here. Use a folder for a mounted volume this list does not show.
          </Caption1>
        </div>
        {drivesError && (
          <MessageBar intent="error">
            <MessageBarBody>{drivesError}</MessageBarBody>
          </MessageBar>
        )}
        {!drives && !drivesError && <Spinner size="tiny" label="Listing drives…" />}
        {drives && (
          <Table size="small" aria-label="Drives" data-testid="wizard-drive-list">
            <TableHeader>
              <TableRow>
                <TableHeaderCell style={{ width: '56px' }}>Use</TableHeaderCell>
                <TableHeaderCell>Drive</TableHeaderCell>
                <TableHeaderCell style={{ width: '90px' }}>Size</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {drives.map((d) => (
                <DriveRow key={d.device} drive={d} chosen={chosen} full={full} onAdd={add} onRemove={remove} />
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

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
                        {t.existingJob ? ` · prepared before for ${t.existingJob}` : ''}
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

      <Section title="Plan">
        {planning && <Spinner size="tiny" label="Planning the files over the drives…" />}
        {planError && (
          <MessageBar intent="error">
            <MessageBarBody>{planError}</MessageBarBody>
          </MessageBar>
        )}
        {plan && !planning && (
          <>
            {plan.targetProblems
              .filter((p) => p.code !== 'none' || chosen.length > 0)
              .map((p) =>
                p.code === 'folder' ? (
                  <MessageBar key={`${p.code}-${p.target}`} intent="warning" data-testid="folder-warning">
                    <MessageBarBody>
                      <MessageBarTitle>{p.target}</MessageBarTitle>
                      {p.message} {p.fix}
                      <div>
                        <Button size="small" onClick={() => allowFolder(p.target, true)}>
                          Write into this folder anyway
                        </Button>
                      </div>
                    </MessageBarBody>
                  </MessageBar>
                ) : (
                  <MessageBar key={`${p.code}-${p.target}`} intent="error">
                    <MessageBarBody>
                      <MessageBarTitle>{p.target || 'Drives'}</MessageBarTitle>
                      {p.message} {p.fix}
                    </MessageBarBody>
                  </MessageBar>
                ),
              )}
            {plan.targetNotes.map((n) => (
              <MessageBar key={`${n.code}-${n.target}`} intent="warning" data-testid="target-note">
                <MessageBarBody>
                  <MessageBarTitle>{n.target}</MessageBarTitle>
                  {n.message} {n.fix}
                  {n.code === 'folder' && (
                    <Checkbox
                      label="Yes, write the job's data into this folder"
                      checked
                      onChange={(_e, d) => allowFolder(n.target, !!d.checked)}
                    />
                  )}
                </MessageBarBody>
              </MessageBar>
            ))}
            {plan.problemCount > 0 && (
              <MessageBar intent="error">
                <MessageBarBody>
                  {plan.problemCount} file problem{plan.problemCount === 1 ? '' : 's'}: go back to Data to fix or
                  exclude them.
                </MessageBarBody>
              </MessageBar>
            )}
            {plan.plan && plan.plan.drives.length > 0 && <CapacityBars plan={plan.plan} />}
            {/* a refused drive holds nothing in the plan: "does not fit" would only repeat its problem */}
            {plan.plan && !plan.plan.fits && plan.targetProblems.length === 0 && (
              <MessageBar intent="warning" data-testid="more-drives">
                <MessageBarBody>
                  <MessageBarTitle>The data does not fit</MessageBarTitle>
                  {formatBytes(plan.plan.unplacedBytes)} in {plan.plan.unplacedFiles.toLocaleString()} files have no
                  room.
                  {plan.plan.moreDrivesNeeded &&
                    ` Add ${plan.plan.moreDrivesNeeded.count} more drive${plan.plan.moreDrivesNeeded.count === 1 ? '' : 's'} of ${formatBytes(plan.plan.moreDrivesNeeded.size)}.`}
                </MessageBarBody>
              </MessageBar>
            )}
            {plan.targetProblems.length === 0 && <Caption1>{plan.message}</Caption1>}
          </>
        )}
      </Section>

      <Field
        label="Speed limit per drive (MB/s)"
        hint="Optional: leave empty to copy as fast as the drives take it."
        validationMessage={
          rateBad ? 'Give a number of megabytes per second, such as 50, or leave it empty.' : undefined
        }
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
      {ids.length > 0 && plan?.ready && (
        <Section title="Confirm the drives">
          <Body1>
            Everything on these drives stays, and Haul writes the job&apos;s data next to it. To confirm you mean
            exactly these drives, type their ids:{' '}
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
              onChange={(_e, d) => setTyped(d.value)}
              spellCheck={false}
              autoComplete="off"
              data-testid="confirm-input"
            />
          </Field>
        </Section>
      )}
      {prepError && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Preparing did not start</MessageBarTitle>
            {prepError}
          </MessageBarBody>
        </MessageBar>
      )}
      <FolderBrowser
        open={browsing}
        foldersOnly
        title="Use a folder on a mounted volume"
        onClose={() => setBrowsing(false)}
        onPick={([p]) => {
          if (p) add({ path: p.path, folder: true, encrypted: false });
          setBrowsing(false);
        }}
      />
    </div>
  );
}

function DriveRow({
  drive: d,
  chosen,
  full,
  onAdd,
  onRemove,
}: {
  drive: ClassifiedDrive;
  chosen: DraftDrive[];
  full: boolean;
  onAdd(d: DraftDrive): void;
  onRemove(path: string): void;
}) {
  const styles = useStepStyles();
  const mount = d.mountpoints[0];
  const picked = !!mount && chosen.some((c) => c.path === mount);
  const usable = d.status !== 'blocked' && !!mount;
  const status = STATUS[d.status];
  const azure = useAzure();
  return (
    <TableRow data-testid="wizard-drive-row" data-device={d.device}>
      <TableCell>
        <Checkbox
          aria-label={`Use ${d.serial ?? d.device}${mount ? ` (${mount})` : ''}`}
          checked={picked}
          disabled={!usable || (full && !picked)}
          onChange={(_e, x) => {
            if (!mount) return;
            if (x.checked)
              onAdd({
                path: mount,
                device: d.device,
                ...(d.serial ? { driveId: d.serial } : {}),
                folder: false,
                encrypted: false,
              });
            else onRemove(mount);
          }}
        />
      </TableCell>
      <TableCell>
        <div>
          <span className={styles.mono}>{d.serial ?? 'no serial'}</span> <Caption1>{d.description}</Caption1>
        </div>
        <Caption1 className={styles.mono}>
          {d.device}
          {mount ? ` → ${d.mountpoints.join(', ')}` : ' (not mounted)'}
        </Caption1>
      </TableCell>
      <TableCell>{formatBytes(d.size)}</TableCell>
      <TableCell>
        <Badge appearance="tint" color={status.color}>
          {status.text}
        </Badge>
        <DriveEncryption encryption={d.encryption} azure={azure} />
        {d.reasons.length > 0 && (
          <ul style={{ margin: 0, paddingLeft: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 }}>
            {d.reasons.map((r) => (
              <li key={r.code}>{r.message}</li>
            ))}
          </ul>
        )}
      </TableCell>
    </TableRow>
  );
}
