// haul verify TARGET: checks a prepared drive against its manifest alone.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatBytes } from '../../shared/prep/names';
import { parseDriveInfo } from '../../shared/formats/driveManifest';
import { safeMessage } from '../../shared/text';
import { verifyTarget, type GivenHash } from '../core/prep/verify/verify';
import { messageOf } from '../../shared/errors';

const HELP = `Usage: haul verify TARGET... [--journal FILE] [--drive-info FILE]... [--json]

Re-reads every file on a prepared drive and compares every 4 MiB block with the drive's
DriveManifest.xml (and the manifest with the hash in HaulDrive.json). No source data is needed:
use it before shipping, or when the drive comes back. A drive whose preparation stopped before it
finished (files on it that its manifest does not list) is reported as unfinished.

  TARGET          the drive's mount path (or the folder it was prepared in)
  --journal FILE  the journal that prepared it: counts the files it has that the manifest lacks, has
                  the next haul prep run copy again the files that fail, and checks the manifest
                  against the hash in the DriveInfo file next to the journal (the job's hash)
  --drive-info FILE
                  a DriveInfo file given to the job (repeatable, one per drive): the manifest must
                  have the hash it names, as the data center checks
  --json          print the result as one JSON object per drive
  -h, --help      this help

Exit status: 0 every block matches; 1 a problem was found or the drive is unfinished (listed);
2 bad arguments.`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        journal: { type: 'string' },
        'drive-info': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`haul verify: ${messageOf(e)}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  if (!parsed.positionals.length) {
    console.error(`haul verify: give the drive to check.\n\n${HELP}`);
    return 2;
  }
  const journal = parsed.values.journal;
  if (journal !== undefined && !existsSync(journal)) {
    console.error(
      `haul verify: the journal ${journal} does not exist; give the --journal file that prepared the drive.`,
    );
    return 2;
  }
  const givenByFile = new Map<string, GivenHash>();
  for (const file of parsed.values['drive-info'] ?? []) {
    try {
      const info = parseDriveInfo(readFileSync(file, 'utf8'));
      givenByFile.set(info.driveId, { manifestHash: info.manifestHash, source: file });
    } catch (e) {
      console.error(
        `haul verify: --drive-info ${file} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not a DriveInfo file (${safeMessage(messageOf(e), 300)})`}; give the DriveInfo XML file of the drive.`,
      );
      return 2;
    }
  }
  const given = givenByFile.size ? (driveId: string) => givenByFile.get(driveId) : undefined;
  let ok = true;
  for (const target of parsed.positionals) {
    const tty = process.stderr.isTTY && !parsed.values.json;
    const r = await verifyTarget(
      target,
      tty
        ? (d, t) =>
            process.stderr.write(
              `\r\x1b[KVerifying ${target}: ${t ? ((d / t) * 100).toFixed(1) : '100'}% (${formatBytes(d)}/${formatBytes(t)})`,
            )
        : undefined,
      undefined,
      journal,
      given,
    );
    if (tty) process.stderr.write('\r\x1b[K');
    r.problems = r.problems.map((m) =>
      m.replace(/resuming copies (it|them) again/, 'the next run of the same haul prep command copies $1 again'),
    );
    ok &&= r.ok;
    if (parsed.values.json) console.log(JSON.stringify(r));
    else if (r.unfinished)
      console.log(
        `${target}: drive ${r.driveId ?? '(unknown)'} is UNFINISHED — its DriveManifest.xml (${r.blobs} files) does not list all that its preparation copied:\n  ${r.problems.join('\n  ')}`,
      );
    else if (r.ok)
      console.log(
        `${target}: drive ${r.driveId} OK — ${r.blobs} files, ${r.blocks} blocks, ${formatBytes(r.bytes)}; every block matches the manifest.`,
      );
    else
      console.log(
        `${target}: drive ${r.driveId ?? '(unknown)'} FAILED — ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:\n  ${r.problems.slice(0, 200).join('\n  ')}${r.problems.length > 200 ? `\n  … and ${r.problems.length - 200} more` : ''}`,
      );
    if (!parsed.values.json && !journal && r.failedFiles)
      console.log(
        `  To have the next haul prep run copy the ${r.failedFiles} failed file${r.failedFiles === 1 ? '' : 's'} again, run haul verify again with --journal FILE (the journal that prepared the drive).`,
      );
  }
  return ok ? 0 : 1;
}
