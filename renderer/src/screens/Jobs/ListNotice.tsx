// What the Jobs screen says about the list it shows: that it is being checked with the service
// when it is not the service's answer of a moment ago (main's kept list, or an old one), or that
// it could not be refreshed and is as old as it says. An old state is never shown as current.
// The notice comes and goes while the rows stay where they are: once the check has been shown, its
// place is kept for the visit (ListStatus), saying the list is up to date when the service answers.
import { useLayoutEffect, useRef, useState, type ComponentProps } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { Dismiss20Regular } from '@fluentui/react-icons';
import type { BridgeError } from '../../../../shared/ipc/contract';
import { formatDateTime } from '../../format';
import { LIST_EVERY_MS } from '../../store/jobs';

/** The list shown is not the service's answer of a moment ago: main's kept list, or older than two polls. */
export function listIsStale(kept: boolean | undefined, listedAt: string | undefined, now: number): boolean {
  return Boolean(kept) || (listedAt !== undefined && now - Date.parse(listedAt) > 2 * LIST_EVERY_MS);
}

/** The list shown is being checked with the service: the notice says so. */
const isChecking = (known: boolean, loading: boolean, stale: boolean) => known && loading && stale;

/**
 * ListNotice in a place that does not move the rows: once the check has been shown, the place stays
 * (at the tallest the notice was) and says the list is up to date when the service answers, until
 * the person dismisses it or leaves the screen.
 */
export function ListStatus(props: ComponentProps<typeof ListNotice>) {
  const { known, loading, stale, listedAt, error } = props;
  const checking = isChecking(known, loading, stale);
  const [held, setHeld] = useState(false);
  const [height, setHeight] = useState(0);
  const place = useRef<HTMLDivElement>(null);
  if (checking && !held) setHeld(true);
  useLayoutEffect(() => {
    const el = place.current;
    if (!el) return;
    const measure = () => setHeight((h) => Math.max(h, el.getBoundingClientRect().height));
    measure();
    const watcher = new ResizeObserver(measure);
    watcher.observe(el);
    return () => watcher.disconnect();
  }, [held]);
  if (!held) return <ListNotice {...props} />;
  return (
    <div style={{ minHeight: height }}>
      <div ref={place}>
        {error || checking ? (
          <ListNotice {...props} />
        ) : (
          <MessageBar intent="success" data-testid="jobs-checked">
            <MessageBarBody>
              <MessageBarTitle>Up to date</MessageBarTitle>
              {`The service answered${listedAt ? ` at ${formatDateTime(listedAt)}` : ''}; the list updates itself while this screen is open.`}
            </MessageBarBody>
            <MessageBarActions
              containerAction={
                <Button
                  appearance="transparent"
                  aria-label="Dismiss"
                  icon={<Dismiss20Regular />}
                  onClick={() => setHeld(false)}
                />
              }
            />
          </MessageBar>
        )}
      </div>
    </div>
  );
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
  if (!isChecking(known, loading, stale)) return null;
  return (
    <MessageBar intent="info" data-testid="jobs-refreshing">
      <MessageBarBody>
        <MessageBarTitle>Checking the service for changes</MessageBarTitle>
        {`Showing the jobs as Haul last saw them${listedAt ? ` at ${formatDateTime(listedAt)}` : ''}: a state may have changed since. The list updates itself when the service answers.`}
      </MessageBarBody>
    </MessageBar>
  );
}
