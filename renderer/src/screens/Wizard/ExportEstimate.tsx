// An export checked against its storage account: what each prefix and blob path names (or why it
// names nothing), and the drives of the chosen size the real blob sizes need.
import { Caption1, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { formatBytes } from '../../../../shared/prep/names';
import { useHaul } from '../../store';
import { useStepStyles } from './parts';

export function ExportEstimate() {
  const styles = useStepStyles();
  const { estimate, estimating, estimateError } = useHaul((s) => s.wizard.exportBrowse);
  if (estimating && !estimate) return <Spinner size="tiny" label="Reading the blob sizes…" />;
  if (estimateError)
    return (
      <MessageBar intent="warning">
        <MessageBarBody>{estimateError}</MessageBarBody>
      </MessageBar>
    );
  if (!estimate) return null;
  const p = estimate.preview;
  const blobs = p.drives.reduce((a, d) => a + d.blobs.length, 0) + p.tooLarge.length;
  return (
    <>
      <ul className={styles.list} aria-label="What each path names" data-testid="export-paths">
        {estimate.paths.map((x) => (
          <li key={`${x.kind}:${x.path}`} data-testid="export-path">
            <span className={styles.mono}>{x.path}</span>:{' '}
            {x.problem ? (
              <strong style={{ color: 'var(--colorPaletteRedForeground1)' }}>{x.problem}</strong>
            ) : (
              `${x.blobs.toLocaleString()} blob${x.blobs === 1 ? '' : 's'}, ${formatBytes(x.bytes)}`
            )}
          </li>
        ))}
      </ul>
      <MessageBar intent={p.tooLarge.length ? 'warning' : 'info'} data-testid="export-estimate">
        <MessageBarBody>
          <MessageBarTitle>
            {p.drives.length} drive{p.drives.length === 1 ? '' : 's'} of {formatBytes(p.driveSize)}
          </MessageBarTitle>
          {formatBytes(p.totalBytes)} in {blobs.toLocaleString()} blobs of the account, counted from their real sizes.
          {estimate.truncatedAt &&
            ` Haul listed the first ${estimate.truncatedAt.toLocaleString()} blobs only: the export needs at least this.`}
          {p.tooLarge.length > 0 &&
            ` ${p.tooLarge.length} blob${p.tooLarge.length === 1 ? ' is' : 's are'} larger than one drive (${p.tooLarge
              .slice(0, 3)
              .map((b) => b.blobPath)
              .join(', ')}): choose larger drives.`}
        </MessageBarBody>
      </MessageBar>
      {estimating && <Caption1>Checking again…</Caption1>}
    </>
  );
}
