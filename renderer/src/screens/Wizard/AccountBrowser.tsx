// The storage account's containers for an export: each can be exported whole, or opened to see
// its first blobs and export one of them.
import { useState } from 'react';
import {
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { Add16Regular, ChevronDown16Regular, ChevronRight16Regular } from '@fluentui/react-icons';
import { formatBytes } from '../../../../shared/prep/names';
import { errorText } from '../../bridge/answer';
import { useHaul } from '../../store';
import { useStepStyles } from './parts';

export function AccountBrowser({ onAdd }: { onAdd(kind: 'prefix' | 'blob', path: string): void }) {
  const styles = useStepStyles();
  const browse = useHaul((s) => s.wizard.exportBrowse);
  const account = useHaul((s) => s.wizard.values.type.storageAccountId);
  if (browse.containersError)
    return (
      <MessageBar intent="warning" data-testid="account-unreadable">
        <MessageBarBody>
          {browse.containersError} Type the prefixes yourself; Haul cannot check them against the account.
        </MessageBarBody>
      </MessageBar>
    );
  if (!browse.containers) return <Spinner size="tiny" label={`Reading the containers of ${account ?? ''}…`} />;
  if (browse.containers.length === 0)
    return <Caption1>The storage account {account} has no containers: there is nothing to export.</Caption1>;
  return (
    <Table size="small" aria-label="Containers in the storage account" data-testid="account-containers">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Container in {account}</TableHeaderCell>
          <TableHeaderCell style={{ width: '200px' }}>Export</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {browse.containers.map((c) => (
          <ContainerRow key={c.name} name={c.name} onAdd={onAdd} mono={styles.mono} />
        ))}
      </TableBody>
    </Table>
  );
}

function ContainerRow({
  name,
  onAdd,
  mono,
}: {
  name: string;
  onAdd(kind: 'prefix' | 'blob', path: string): void;
  mono: string;
}) {
  const listBlobs = useHaul((s) => s.wizard.listBlobs);
  const [open, setOpen] = useState(false);
  const [blobs, setBlobs] = useState<{ blobs: Array<{ blobPath: string; length: number }>; more: boolean }>();
  const [error, setError] = useState<string>();
  const toggle = async () => {
    setOpen(!open);
    if (open || blobs) return;
    try {
      setBlobs(await listBlobs(`${name}/`));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <TableRow data-testid="account-container">
        <TableCell>
          <Button
            appearance="transparent"
            icon={open ? <ChevronDown16Regular /> : <ChevronRight16Regular />}
            onClick={() => void toggle()}
            aria-expanded={open}
          >
            <span className={mono}>{name}</span>
          </Button>
        </TableCell>
        <TableCell>
          <Button size="small" icon={<Add16Regular />} onClick={() => onAdd('prefix', `/${name}/`)}>
            All of /{name}/
          </Button>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow>
          <TableCell colSpan={2}>
            {error && <Caption1>{error}</Caption1>}
            {!error && !blobs && <Spinner size="tiny" label="Listing…" />}
            {blobs && blobs.blobs.length === 0 && <Caption1>No blobs.</Caption1>}
            {blobs && blobs.blobs.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: '16px' }}>
                {blobs.blobs.map((b) => (
                  <li key={b.blobPath}>
                    <span className={mono}>/{b.blobPath}</span> <Caption1>{formatBytes(b.length)}</Caption1>{' '}
                    <Button size="small" appearance="subtle" onClick={() => onAdd('blob', `/${b.blobPath}`)}>
                      Export this blob
                    </Button>
                  </li>
                ))}
                {blobs.more && <Caption1>… and more (the first 50 are listed).</Caption1>}
              </ul>
            )}
          </TableCell>
        </TableRow>
      )}
    </>
  );
}
