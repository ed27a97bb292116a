// haul preview-export: how many drives an export job needs, and which blobs go on which drive.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBlobList, previewExport } from '../../shared/prep/exportPreview';
import { formatBytes, parseSize } from '../../shared/prep/names';

const HELP = `Usage: haul preview-export --blobs LIST --drive-size SIZE [--json]

Shows how many drives of a given size an export job needs and which blobs go on each drive
(blobs are never split across drives).

  --blobs LIST       a file with one blob per line: container/blob,length-in-bytes
  --drive-size SIZE  the size of the drives you will send, e.g. 4TB or 500GB
  --json             print the preview as one JSON object
  -h, --help         this help

Exit status: 0 every blob fits; 1 some blob is larger than a drive (listed); 2 bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        blobs: { type: 'string' },
        'drive-size': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    console.error(`haul preview-export: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (!v.blobs || !v['drive-size']) {
    console.error(`haul preview-export: --blobs and --drive-size are required.\n\n${HELP}`);
    return 2;
  }
  const size = parseSize(v['drive-size']);
  if (!size) {
    console.error(`haul preview-export: --drive-size "${v['drive-size']}" is not a size such as 4TB.`);
    return 2;
  }
  let blobs;
  try {
    blobs = parseBlobList(readFileSync(v.blobs, 'utf8'), v.blobs);
  } catch (e) {
    console.error(
      `haul preview-export: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `${v.blobs} does not exist.` : (e as Error).message}`,
    );
    return 2;
  }
  const p = previewExport(blobs, size);
  if (v.json) console.log(JSON.stringify(p));
  else {
    console.log(
      `${blobs.length} blobs, ${formatBytes(p.totalBytes)}: ${p.drives.length} drive${p.drives.length === 1 ? '' : 's'} of ${formatBytes(size)}.`,
    );
    for (const d of p.drives) {
      console.log(
        `Drive ${d.index}: ${d.blobs.length} blobs, ${formatBytes(d.bytes)} (${((d.bytes / size) * 100).toFixed(1)}% full)`,
      );
      for (const b of d.blobs.slice(0, 20)) console.log(`    ${b.blobPath}  ${formatBytes(b.length)}`);
      if (d.blobs.length > 20) console.log(`    … and ${d.blobs.length - 20} more`);
    }
    for (const b of p.tooLarge)
      console.log(`Does not fit on any drive: ${b.blobPath} (${formatBytes(b.length)}); use larger drives.`);
  }
  return p.tooLarge.length ? 1 : 0;
}
