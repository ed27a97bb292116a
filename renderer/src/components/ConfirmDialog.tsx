// A question before an action that cannot be undone (cancel or delete a job, release a drive, turn
// BitLocker on): what happens, and where it must be more than a click, a phrase to type first. On
// failure the dialog stays open and says what went wrong; while the action runs it cannot be closed.
import { useState, type ReactNode } from 'react';
import {
  Button,
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
  MessageBarTitle,
  Spinner,
} from '@fluentui/react-components';

/** A phrase the person types to confirm (a job's name, "FORMAT G:"). */
export interface TypedPhrase {
  label: string;
  /** Whether what was typed is the phrase. */
  accepts(typed: string): boolean;
  /** What to say while something else is typed. */
  wrong?: string;
  testId?: string;
}

export function ConfirmDialog({
  title,
  children,
  phrase,
  confirm,
  keep = 'Cancel',
  run,
  onClose,
  alert = false,
  testIds = {},
}: {
  title: ReactNode;
  /** What happens, in words. */
  children: ReactNode;
  phrase?: TypedPhrase | undefined;
  /** The confirming button's words. */
  confirm: string;
  keep?: string;
  /** Runs the action with what was typed; answers what went wrong, or nothing once it is done. */
  run: (typed: string) => Promise<string | undefined>;
  onClose: () => void;
  /** Asks as an alert dialog (the person must answer before anything else). */
  alert?: boolean;
  testIds?: { content?: string; confirm?: string; error?: string };
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const accepted = !phrase || phrase.accepts(typed);
  const go = async () => {
    setBusy(true);
    setError(undefined);
    const problem = await run(typed);
    setBusy(false);
    if (problem === undefined) onClose();
    else setError(problem);
  };
  return (
    <Dialog open modalType={alert ? 'alert' : 'modal'} onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent data-testid={testIds.content}>
            {children}
            {phrase && (
              <Field
                label={phrase.label}
                validationState={typed && !accepted && phrase.wrong ? 'error' : 'none'}
                validationMessage={typed && !accepted ? phrase.wrong : undefined}
              >
                <Input
                  value={typed}
                  onChange={(_e, d) => setTyped(d.value)}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid={phrase.testId}
                />
              </Field>
            )}
            {error && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody data-testid={testIds.error}>
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
              disabled={busy || !accepted}
              icon={busy ? <Spinner size="tiny" /> : undefined}
              data-testid={testIds.confirm ?? 'confirm'}
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
