// Discard draft asks first and says what happens: what was typed is gone, and drives already
// prepared for the draft keep the copied data and stay bound to it until they are released.
import {
  Body1,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useHaul } from '../../store';

export function DiscardDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const discard = useHaul((s) => s.wizard.discard);
  const jobName = useHaul((s) => s.wizard.values.type.jobName);
  const sessionId = useHaul((s) => s.wizard.values.prepare.sessionId);
  const session = useHaul((s) => (sessionId ? s.wizard.sessions[sessionId] : undefined));
  const [busy, setBusy] = useState(false);
  const [release, setRelease] = useState(true);
  const [error, setError] = useState<string>();
  const drives = session?.targets ?? [];
  const running = !!session && ['planning', 'copying', 'verifying', 'stopping'].includes(session.state);

  const go = async () => {
    setBusy(true);
    setError(undefined);
    const problem = await discard({ release: drives.length > 0 && release });
    setBusy(false);
    if (problem) setError(problem);
    else onClose();
  };

  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Discard the draft{jobName ? ` ${jobName}` : ''}?</DialogTitle>
          <DialogContent data-testid="discard-dialog">
            <Body1 block>What you typed in this wizard is deleted; no job is created. This cannot be undone.</Body1>
            {drives.length > 0 && (
              <>
                <Body1 block style={{ marginTop: '8px' }}>
                  {drives.length === 1 ? 'One drive was' : `${drives.length} drives were`} prepared for this draft (
                  {drives.map((d) => d.driveId ?? d.path).join(', ')}).{' '}
                  {running ? 'The copy still running is stopped first. ' : ''}
                  Released, a drive loses what Haul wrote on it (the copied data, its manifest and header); your own
                  files on it stay. Kept, it holds the copy and stays bound to the job name {session?.jobName}: another
                  job can use it only once it is released (on the Drives screen).
                </Body1>
                <Checkbox
                  label="Release the prepared drives"
                  checked={release}
                  onChange={(_e, d) => setRelease(!!d.checked)}
                  data-testid="discard-release"
                />
              </>
            )}
            {error && (
              <Body1 block role="alert" style={{ marginTop: '8px', color: 'var(--colorPaletteRedForeground1)' }}>
                {error}
              </Body1>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={busy} onClick={() => void go()} data-testid="discard-confirm">
              {busy ? 'Discarding…' : 'Discard draft'}
            </Button>
            <Button disabled={busy} onClick={onClose}>
              Keep the draft
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
