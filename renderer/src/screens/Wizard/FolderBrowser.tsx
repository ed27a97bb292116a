// A folder browser over fs.browse: browser mode has no native file picker, and the files are on
// the machine main runs on, not the one showing the page. Pick several folders and files, or (for
// "Use a folder") the folder being shown.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Button,
  Caption1,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Switch,
  tokens,
} from '@fluentui/react-components';
import { ArrowUp20Regular, Document20Regular, Folder20Regular } from '@fluentui/react-icons';
import type { BrowseResult } from '../../../../shared/prep/session';
import { formatBytes } from '../../../../shared/prep/names';
import { errorText } from '../../bridge/answer';
import { useHaul } from '../../store';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(760px, 96vw)', width: '100%' },
  bar: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  path: { flexGrow: 1, minWidth: '200px' },
  places: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap', marginBlock: tokens.spacingVerticalS },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    maxHeight: 'min(340px, 45vh)',
    overflowY: 'auto',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
  },
  open: { flexGrow: 1, justifyContent: 'flex-start', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' },
  size: { color: tokens.colorNeutralForeground3, whiteSpace: 'nowrap' },
});

export interface FolderBrowserProps {
  open: boolean;
  title: string;
  /** only folders; the folder shown is what gets picked */
  foldersOnly?: boolean;
  startPath?: string;
  onClose(): void;
  onPick(paths: Array<{ path: string; isFolder: boolean }>): void;
}

/**
 * The folder shown and the folder box: `browse` lists a folder; only the latest request's answer
 * counts, and an answer to a request sent before the person typed leaves the box alone.
 */
function useFolderListing(foldersOnly: boolean) {
  const [listing, setListing] = useState<BrowseResult>();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const list = useHaul((s) => s.wizard.browse);

  // Only the latest request's answer counts: an older one arriving late must not replace what was typed since.
  const seq = useRef(0);
  /** the request number when the person last typed in the folder box: a listing sent before that leaves the box alone */
  const typedAt = useRef(-1);
  const browse = useCallback(
    async (path: string | undefined, showHidden: boolean) => {
      const mine = ++seq.current;
      setBusy(true);
      setError(undefined);
      try {
        const r = await list({ ...(path ? { path } : {}), showHidden, foldersOnly });
        if (mine !== seq.current) return;
        setListing(r);
        if (typedAt.current < mine) setTyped(r.path);
      } catch (err) {
        if (mine === seq.current) setError(errorText(err));
      } finally {
        if (mine === seq.current) setBusy(false);
      }
    },
    [foldersOnly, list],
  );
  const type = (value: string) => {
    typedAt.current = seq.current;
    setTyped(value);
  };
  /** a dialog opened again starts empty, not on the folder it showed last time, until its listing answers */
  const clear = () => {
    setListing(undefined);
    setTyped('');
    typedAt.current = -1;
  };
  return { listing, typed, type, error, busy, browse, clear };
}

export function FolderBrowser({ open, title, foldersOnly = false, startPath, onClose, onPick }: FolderBrowserProps) {
  const styles = useStyles();
  const { listing, typed, type, error, busy, browse, clear } = useFolderListing(foldersOnly);
  const [hidden, setHidden] = useState(false);
  const [picked, setPicked] = useState<Map<string, boolean>>(new Map());

  useEffect(() => {
    if (open) {
      setPicked(new Map());
      clear();
      void browse(startPath, hidden);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the dialog opens
  }, [open]);

  const toggle = (path: string, isFolder: boolean, on: boolean) => {
    const next = new Map(picked);
    if (on) next.set(path, isFolder);
    else next.delete(path);
    setPicked(next);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(_e, d) => {
        if (!d.open) onClose();
      }}
      modalType="modal"
    >
      <DialogSurface className={styles.surface} aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            <PathBar
              typed={typed}
              type={type}
              parent={listing?.parent}
              busy={busy}
              onGo={(path) => void browse(path, hidden)}
            />
            {listing && (
              <Places
                listing={listing}
                hidden={hidden}
                onOpen={(path) => void browse(path, hidden)}
                onHidden={(on) => {
                  setHidden(on);
                  void browse(listing.path, on);
                }}
              />
            )}
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
            {busy && <Spinner size="tiny" label="Reading the folder…" />}
            {listing && !busy && (
              <FolderEntries
                listing={listing}
                foldersOnly={foldersOnly}
                picked={picked}
                onToggle={toggle}
                onOpen={(path) => void browse(path, hidden)}
              />
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>Cancel</Button>
            {foldersOnly ? (
              <Button
                appearance="primary"
                disabled={!listing || busy}
                onClick={() => {
                  if (listing) onPick([{ path: listing.path, isFolder: true }]);
                }}
              >
                Use this folder
              </Button>
            ) : (
              <Button
                appearance="primary"
                disabled={picked.size === 0}
                onClick={() => onPick([...picked].map(([path, isFolder]) => ({ path, isFolder })))}
              >
                Add {picked.size || ''} picked
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** The folder's contents, each to pick (unless folders only) or open, and the room left on its volume. */
function FolderEntries({
  listing,
  foldersOnly,
  picked,
  onToggle,
  onOpen,
}: {
  listing: BrowseResult;
  foldersOnly: boolean;
  picked: Map<string, boolean>;
  onToggle: (path: string, isFolder: boolean, on: boolean) => void;
  onOpen: (path: string) => void;
}) {
  const styles = useStyles();
  return (
    <>
      <ul className={styles.list} aria-label={`Contents of ${listing.path}`}>
        {listing.entries.length === 0 && (
          <li className={styles.item}>
            <Caption1>This folder is empty{listing.hiddenCount ? ` (${listing.hiddenCount} hidden)` : ''}.</Caption1>
          </li>
        )}
        {listing.entries.map((e) => {
          const isFolder = e.kind === 'folder' || (e.kind === 'link' && !!e.linkToFolder);
          return (
            <li key={e.path} className={styles.item} data-testid="browse-entry">
              {!foldersOnly && (
                <Checkbox
                  aria-label={`Pick ${e.name}`}
                  checked={picked.has(e.path)}
                  disabled={!!e.error}
                  onChange={(_ev, d) => onToggle(e.path, isFolder, !!d.checked)}
                />
              )}
              <Button
                className={styles.open}
                appearance="transparent"
                icon={isFolder ? <Folder20Regular /> : <Document20Regular />}
                disabled={!isFolder || !!e.error}
                onClick={() => onOpen(e.path)}
                aria-label={isFolder ? `Open folder ${e.name}` : e.name}
              >
                {e.name}
              </Button>
              <span className={styles.size}>
                {e.error ?? (e.size !== undefined && !isFolder ? formatBytes(e.size) : '')}
              </span>
            </li>
          );
        })}
      </ul>
      {listing.volume && (
        <Caption1>
          {formatBytes(listing.volume.free)} free of {formatBytes(listing.volume.size)} on this volume.
        </Caption1>
      )}
    </>
  );
}

/** Up one folder, the folder's path to type, and Go. */
function PathBar({
  typed,
  type,
  parent,
  busy,
  onGo,
}: {
  typed: string;
  type: (value: string) => void;
  parent: string | undefined;
  busy: boolean;
  onGo: (path: string | undefined) => void;
}) {
  const styles = useStyles();
  return (
    <form
      className={styles.bar}
      onSubmit={(e) => {
        e.preventDefault();
        onGo(typed);
      }}
    >
      <Button
        icon={<ArrowUp20Regular />}
        aria-label="Up one folder"
        disabled={!parent || busy}
        onClick={() => onGo(parent)}
      />
      <Field label="Folder" className={styles.path}>
        <Input value={typed} onChange={(_e, d) => type(d.value)} spellCheck={false} data-testid="browse-path" />
      </Field>
      <Button type="submit">Go</Button>
    </form>
  );
}

/** The places to jump to (home, drives…) and whether hidden entries are shown. */
function Places({
  listing,
  hidden,
  onOpen,
  onHidden,
}: {
  listing: BrowseResult;
  hidden: boolean;
  onOpen: (path: string) => void;
  onHidden: (on: boolean) => void;
}) {
  const styles = useStyles();
  return (
    <div className={styles.places} aria-label="Places" role="group">
      {listing.places.map((p) => (
        <Button key={p.path} size="small" appearance="subtle" onClick={() => onOpen(p.path)}>
          {p.name}
        </Button>
      ))}
      <Switch label="Show hidden" checked={hidden} onChange={(_e, d) => onHidden(d.checked)} />
    </div>
  );
}
