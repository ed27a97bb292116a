// The drives' BitLocker recovery keys: masked until the person asks, fetched from the service only
// then (jobs.bitLockerKeys), kept in this dialog alone and forgotten when it closes; each can be
// copied.
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { Copy16Regular, Eye20Regular } from '@fluentui/react-icons';
import type { JobView } from '../../../../shared/jobs/schemas';
import { useRevealedKeys } from '../../hooks/useRevealedKeys';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  id: { fontWeight: tokens.fontWeightSemibold, minWidth: '10ch' },
  key: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere', flex: '1 1 260px' },
});

const MASK = '••••••-••••••-••••••-••••••-…';

export function KeysDialog({ job, onClose }: { job: JobView; onClose: () => void }) {
  const styles = useStyles();
  const { keys, busy, error, copied, reveal, copy } = useRevealedKeys(job);
  const drives = job.drives.filter((d) => d.hasBitLockerKey);
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>BitLocker keys of {job.name}</DialogTitle>
          <DialogContent>
            <Caption1 as="p" block>
              Anyone with a key can read its drive. Haul fetches the keys only when you ask and does not keep them.
            </Caption1>
            <ul className={styles.list} data-testid="keys">
              {drives.map((d) => {
                const key = keys?.[d.driveId];
                return (
                  <li key={d.driveId} className={styles.row}>
                    <span className={styles.id}>{d.driveId}</span>
                    <span
                      className={styles.key}
                      aria-label={key ? `Key of drive ${d.driveId}` : `Key of drive ${d.driveId}, hidden`}
                    >
                      {key ?? MASK}
                    </span>
                    {key && (
                      <Button
                        size="small"
                        icon={<Copy16Regular />}
                        onClick={() => void copy(d.driveId, key)}
                        aria-label={`Copy the key of drive ${d.driveId}`}
                      >
                        {copied === d.driveId ? 'Copied' : 'Copy'}
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
            {error && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            {!keys && (
              <Button
                appearance="primary"
                icon={busy ? <Spinner size="tiny" /> : <Eye20Regular />}
                disabled={busy}
                onClick={() => void reveal()}
                data-testid="reveal-keys"
              >
                Reveal keys
              </Button>
            )}
            <Button onClick={onClose}>Close</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
