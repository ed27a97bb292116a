// Drives Haul prepared, each with the job its header binds it to and whether that job still
// exists. One bound to a job that no longer exists can be released: Haul's files (header,
// manifest, the copied data) go, the customer's own stay, once the job name is typed.
import { messageOf } from '../../../../shared/errors';
import { useEffect, useRef, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Card,
  CardHeader,
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
import { ConfirmDialog } from '../../components/ConfirmDialog';
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
  /** What the release did, for the screen to say once the dialog closes. */
  const released = useRef<string>(undefined);
  const run = async (typed: string) => {
    try {
      const r = await release(drive.path, typed);
      released.current = `${r.driveId} released: ${r.removedFiles.toLocaleString()} files of Haul's (${formatBytes(r.removedBytes)}) removed${r.kept.length ? `; your own ${r.kept.length === 1 ? 'entry' : `${r.kept.length} entries`} at its root stayed` : ''}.`;
      return undefined;
    } catch (err) {
      return messageOf(err);
    }
  };
  return (
    <ConfirmDialog
      title={`Release ${drive.driveId}?`}
      phrase={{
        label: `Type the job name (${drive.jobName}) to confirm`,
        accepts: (typed) => typed.trim() === drive.jobName,
        testId: 'release-confirm-input',
      }}
      confirm="Release the drive"
      run={run}
      onClose={() => onClose(released.current)}
      testIds={{ content: 'release-dialog', confirm: 'release-confirm' }}
    >
      <Body1 block>
        Haul removes what it wrote on {drive.path} for the job {drive.jobName}: the copied data (
        {formatBytes(drive.bytes)}), DriveManifest.xml and HaulDrive.json. Your own files on the drive stay. The drive
        can then be prepared for another job. This cannot be undone.
      </Body1>
    </ConfirmDialog>
  );
}
