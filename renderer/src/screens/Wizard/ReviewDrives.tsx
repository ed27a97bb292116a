// The prepared drives on the review step: id, manifest and hashes from prep, and each drive's
// DriveInfo XML (which holds the BitLocker key) to save for the portal.
import {
  Button,
  Caption1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { ArrowDownload16Regular } from '@fluentui/react-icons';
import { serializeDriveInfo } from '../../../../shared/formats/driveManifest';
import { formatBytes } from '../../../../shared/prep/names';
import type { PreparedDrive } from '../../../../shared/prep/session';
import { useHaul } from '../../store';
import { Section, useStepStyles } from './parts';

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ReviewDrives({ drives }: { drives: PreparedDrive[] }) {
  const styles = useStepStyles();
  const keys = useHaul((s) => s.wizard.bitLockerKeys);
  const jobName = useHaul((s) => s.wizard.values.type.jobName);
  return (
    <Section title="Drives">
      <Table size="small" aria-label="Prepared drives" data-testid="review-drives">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Drive id</TableHeaderCell>
            <TableHeaderCell>Manifest</TableHeaderCell>
            <TableHeaderCell>Manifest hash</TableHeaderCell>
            <TableHeaderCell>Drive header hash</TableHeaderCell>
            <TableHeaderCell>DriveInfo</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {drives.map((d) => (
            <TableRow key={d.driveId} data-testid="review-drive">
              <TableCell className={styles.mono}>
                {d.driveId}
                <Caption1 style={{ display: 'block' }}>
                  {d.files.toLocaleString()} files, {formatBytes(d.bytes)}
                  {keys[d.target] ? ', BitLocker' : ''}
                </Caption1>
              </TableCell>
              <TableCell className={styles.mono} style={{ whiteSpace: 'nowrap' }}>
                {d.manifestFile}
              </TableCell>
              <TableCell className={styles.mono}>{d.manifestHash}</TableCell>
              <TableCell className={styles.mono}>{d.driveHeaderHash}</TableCell>
              <TableCell>
                <Button
                  size="small"
                  icon={<ArrowDownload16Regular />}
                  aria-label={`Save the DriveInfo XML of ${d.driveId}`}
                  onClick={() =>
                    download(
                      `${jobName ?? 'job'}_DriveInfo_${d.driveId}.xml`,
                      serializeDriveInfo({
                        driveId: d.driveId,
                        bitLockerKey: keys[d.target] ?? '',
                        manifestFile: d.manifestFile,
                        manifestHash: d.manifestHash,
                      }),
                    )
                  }
                >
                  Save
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Caption1>
        The DriveInfo file is what the Azure portal asks you to upload for each drive. It holds the BitLocker key: keep
        it safe.
      </Caption1>
    </Section>
  );
}
