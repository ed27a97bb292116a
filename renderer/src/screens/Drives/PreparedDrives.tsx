// Drives Haul prepared, each with the job its header binds it to and whether that job still
// exists. One bound to a job that no longer exists can be released: Haul's files (header,
// manifest, the copied data) go, the customer's own stay, once the job name is typed.
import { messageOf } from '../../../../shared/errors';
import { useEffect, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { HardDrive20Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import type { PreparedDriveView } from '../../store/drives';

const BOUND: Record<
  PreparedDriveView['bound'],
  { text: string; color: 'success' | 'informative' | 'warning' | 'subtle' }
> = {
  job: { text: 'job exists', color: 'success' },
  draft: { text: 'draft in the wizard', color: 'informative' },
  none: { text: 'job no longer exists', color: 'warning' },
  unknown: { text: 'service not answering', color: 'subtle' },
};

export function PreparedDrives({ className }: { className?: string }) {
  const prepared = useHaul((s) => s.drives.prepared);
  const error = useHaul((s) => s.drives.preparedError);
  const load = useHaul((s) => s.drives.loadPrepared);
  const [releasing, setReleasing] = useState<PreparedDriveView>();
  const [done, setDone] = useState<string>();

  useEffect(() => {
    void load();
  }, [load]);

  if (!prepared?.length && !error) return null;
  return (
    <Card aria-label="Prepared drives" className={className} data-testid="prepared-drives">
      <CardHeader image={<HardDrive20Regular />} header={<Subtitle2>Drives Haul prepared</Subtitle2>} />
      {error && <Caption1 role="alert">{error}</Caption1>}
      {done && (
        <MessageBar intent="success" data-testid="release-done">
          <MessageBarBody>{done}</MessageBarBody>
        </MessageBar>
      )}
      {prepared && prepared.length > 0 && (
        <Table size="small" aria-label="Prepared drives">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Drive</TableHeaderCell>
              <TableHeaderCell>Bound to job</TableHeaderCell>
              <TableHeaderCell>Haul's data</TableHeaderCell>
              <TableHeaderCell>Action</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {prepared.map((d) => (
              <TableRow key={d.path} data-testid="prepared-drive" data-path={d.path}>
                <TableCell>
                  <Body1 style={{ fontFamily: 'monospace' }}>{d.driveId}</Body1>
                  <Caption1 block>{d.path}</Caption1>
                </TableCell>
                <TableCell>
                  {d.jobName}{' '}
                  <Badge appearance="tint" color={BOUND[d.bound].color}>
                    {BOUND[d.bound].text}
                  </Badge>
                </TableCell>
                <TableCell>{formatBytes(d.bytes)}</TableCell>
                <TableCell>
                  {d.bound === 'none' && (
                    <Button size="small" onClick={() => setReleasing(d)}>
                      Release…
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {releasing && (
        <ReleaseDialog
          drive={releasing}
          onClose={(message) => {
            setReleasing(undefined);
            if (message) setDone(message);
          }}
        />
      )}
    </Card>
  );
}

function ReleaseDialog({ drive, onClose }: { drive: PreparedDriveView; onClose(message?: string): void }) {
  const release = useHaul((s) => s.drives.release);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await release(drive.path, typed);
      onClose(
        `${r.driveId} released: ${r.removedFiles.toLocaleString()} files of Haul's (${formatBytes(r.removedBytes)}) removed${r.kept.length ? `; your own ${r.kept.length === 1 ? 'entry' : `${r.kept.length} entries`} at its root stayed` : ''}.`,
      );
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Release {drive.driveId}?</DialogTitle>
          <DialogContent data-testid="release-dialog">
            <Body1 block>
              Haul removes what it wrote on {drive.path} for the job {drive.jobName}: the copied data (
              {formatBytes(drive.bytes)}), DriveManifest.xml and HaulDrive.json. Your own files on the drive stay. The
              drive can then be prepared for another job. This cannot be undone.
            </Body1>
            <Field
              label={`Type the job name (${drive.jobName}) to confirm`}
              validationMessage={error}
              validationState={error ? 'error' : 'none'}
            >
              <Input
                value={typed}
                onChange={(_e, d) => setTyped(d.value)}
                autoComplete="off"
                spellCheck={false}
                data-testid="release-confirm-input"
              />
            </Field>
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              disabled={busy || typed.trim() !== drive.jobName}
              onClick={() => void go()}
              data-testid="release-confirm"
            >
              {busy ? 'Releasing…' : 'Release the drive'}
            </Button>
            <Button disabled={busy} onClick={() => onClose()}>
              Cancel
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
