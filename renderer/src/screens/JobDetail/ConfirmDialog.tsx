// A yes/no question before an action that cannot be undone (Cancel, Delete). On failure the
// dialog stays open and says what went wrong.
import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';
import type { ActionResult } from '../../store/jobs';

export function ConfirmDialog({
  title,
  text,
  confirm,
  keep,
  run,
  onClose,
}: {
  title: string;
  text: string;
  confirm: string;
  keep: string;
  run: () => Promise<ActionResult<unknown>>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const go = async () => {
    setBusy(true);
    setError(undefined);
    const r = await run();
    setBusy(false);
    if (r.ok) onClose();
    else setError(r.error.message);
  };
  return (
    <Dialog open modalType="alert" onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            <p>{text}</p>
            {error && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody>
                  <MessageBarTitle>It did not work</MessageBarTitle>
                  {error}
                </MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button
              appearance="primary"
              onClick={() => void go()}
              disabled={busy}
              icon={busy ? <Spinner size="tiny" /> : undefined}
              data-testid="confirm"
            >
              {confirm}
            </Button>
            <Button onClick={onClose} disabled={busy}>
              {keep}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
