// What the Jobs screen says about the list it shows: that it is being checked with the service
// when it is not the service's answer of a moment ago (main's kept list, or an old one), or that
// it could not be refreshed and is as old as it says. An old state is never shown as current.
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { BridgeError } from '../../../../shared/ipc/contract';
import { formatDateTime } from '../../format';
import { LIST_EVERY_MS } from '../../store/jobs';

/** The list shown is not the service's answer of a moment ago: main's kept list, or older than two polls. */
export function listIsStale(kept: boolean | undefined, listedAt: string | undefined, now: number): boolean {
  return Boolean(kept) || (listedAt !== undefined && now - Date.parse(listedAt) > 2 * LIST_EVERY_MS);
}

export function ListNotice({
  known,
  loading,
  stale,
  listedAt,
  error,
  onRetry,
}: {
  /** A list is shown. */
  known: boolean;
  /** A fresh list is being asked for. */
  loading: boolean;
  /** The list shown is main's kept list, or older than a couple of the screen's polls. */
  stale: boolean;
  /** When the service answered the list shown (ISO). */
  listedAt?: string | undefined;
  error?: BridgeError | undefined;
  onRetry: () => void;
}) {
  if (error)
    return (
      <MessageBar
        intent={error.code === 'offline' || error.code === 'not-ready' ? 'warning' : 'error'}
        data-testid="jobs-error"
      >
        <MessageBarBody>
          <MessageBarTitle>
            {error.code === 'offline'
              ? 'The service is offline'
              : error.code === 'not-ready'
                ? 'The service is not ready yet'
                : known
                  ? 'Haul could not refresh the jobs'
                  : 'Haul could not list the jobs'}
          </MessageBarTitle>
          {error.message}
          {listedAt && known && ` Showing the jobs as they were at ${formatDateTime(listedAt)}.`}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onRetry}>Try again</Button>
        </MessageBarActions>
      </MessageBar>
    );
  if (!known || !loading || !stale) return null;
  return (
    <MessageBar intent="info" data-testid="jobs-refreshing">
      <MessageBarBody>
        <MessageBarTitle>Checking the service for changes</MessageBarTitle>
        {`Showing the jobs as Haul last saw them${listedAt ? ` at ${formatDateTime(listedAt)}` : ''}: a state may have changed since. The list updates itself when the service answers.`}
      </MessageBarBody>
    </MessageBar>
  );
}
