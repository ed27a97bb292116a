// The drives this computer sees (hot-plug, blocked and warned with the reasons), to pick for the
// job, and "Use a folder" for a mounted volume the list does not show.
import { useState } from 'react';
import {
  Badge,
  Button,
  Caption1,
  Checkbox,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwise20Regular, FolderOpen20Regular } from '@fluentui/react-icons';
import { MAX_DRIVES_PER_JOB } from '../../../../shared/arm/schemas';
import { formatBytes } from '../../../../shared/prep/names';
import type { ClassifiedDrive } from '../../../../shared/prep/types';
import { useHaul } from '../../store';
import { DriveEncryption, useAzure } from '../../components/DriveEncryption';
import type { DraftValues } from '../../wizard/model';
import { FolderBrowser } from './FolderBrowser';
import { Section, useStepStyles } from './parts';

type DraftDrive = DraftValues['drives']['drives'][number];

const STATUS = {
  ok: { text: 'ready to use', color: 'success' },
  warned: { text: 'check first', color: 'warning' },
  blocked: { text: 'blocked', color: 'danger' },
} as const;

/** Refresh reads the drives and their free space again, and plans again with them. */
export function DriveList() {
  const styles = useStepStyles();
  const chosen = useHaul((s) => s.wizard.values.drives.drives);
  const drives = useHaul((s) => s.drives.list);
  const drivesError = useHaul((s) => s.drives.error);
  const refresh = useHaul((s) => s.wizard.refreshDrives);
  const add = useHaul((s) => s.wizard.addDrive);
  const remove = useHaul((s) => s.wizard.removeDrive);
  const [browsing, setBrowsing] = useState(false);
  const full = chosen.length >= MAX_DRIVES_PER_JOB;
  const refreshDrives = refresh;

  return (
    <>
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
    </>
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
