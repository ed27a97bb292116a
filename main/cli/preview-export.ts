// haul preview-export: how many drives an export job needs, and which blobs go on which drive.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBlobList, parseBlobList, previewExport } from '../../shared/prep/exportPreview';
import { formatBytes, parseSize } from '../../shared/prep/names';
import { InputError, readCsv } from '../core/prep/app/inputs';
import { messageOf } from '../../shared/errors';

const HELP = `Usage: haul preview-export --blobs LIST --drive-size SIZE [--lists DIR] [--json]

Shows how many drives of a given size an export job needs and which blobs go on each drive
(blobs are never split across drives).

  --blobs LIST       a CSV file with one blob per line: container/blob,length-in-bytes
                     (put a name that holds a comma in double quotes: "photos/a,b.jpg",1024)
  --lists DIR        also write each drive's blob list to DIR/drive-N.csv (and the blobs larger
                     than a drive to DIR/too-large.csv), in the same format
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
        lists: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    console.error(`haul preview-export: ${messageOf(e)}\n\n${HELP}`);
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
  let p;
  try {
    // a folder, a pipe or a file that is not UTF-8 is refused with the reason before it is read
    blobs = parseBlobList(readCsv({ path: v.blobs }, 'blob list', 'blobs').text, v.blobs);
    p = previewExport(blobs, size);
  } catch (e) {
    console.error(`haul preview-export: ${e instanceof InputError ? '--blobs: ' : ''}${messageOf(e)}`);
    return 2;
  }
  if (v.lists) {
    try {
      mkdirSync(v.lists, { recursive: true });
      for (const d of p.drives) writeFileSync(join(v.lists, `drive-${d.index}.csv`), formatBlobList(d.blobs));
      if (p.tooLarge.length) writeFileSync(join(v.lists, 'too-large.csv'), formatBlobList(p.tooLarge));
    } catch (e) {
      console.error(
        `haul preview-export: --lists ${v.lists}: could not write the lists (${(e as NodeJS.ErrnoException).code ?? messageOf(e)}); give a folder you may write to.`,
      );
      return 2;
    }
  }
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
