// Discard draft asks first and says what happens: what was typed is gone, and drives already
// prepared for the draft keep the copied data and stay bound to it until they are released.
import {
  Body1,
  Button,
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
  const drives = session?.targets ?? [];
  const running = !!session && ['planning', 'copying', 'verifying', 'stopping'].includes(session.state);

  const go = async () => {
    setBusy(true);
    try {
      await discard();
    } finally {
      setBusy(false);
      onClose();
    }
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
                  The drives keep the data copied so far and stay bound to this job name: another job cannot use them
                  until they are prepared again for it or wiped.
                </Body1>
              </>
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
