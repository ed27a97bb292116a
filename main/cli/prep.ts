// haul prep: prepares drives for an import job (pre-flight, plan, copy with manifests, resume).
// A thin view over the prep session (main/core/prep/engine/session.ts): flags in, events printed, the
// session's result mapped to the exit status.
import { parseArgs } from 'node:util';
import { CsvError, parseBlobType, parseDisposition, type DatasetEntry } from '../../shared/formats/dataset';
import { BLOB_TYPES_IN_WORDS, DISPOSITIONS_IN_WORDS } from '../../shared/formats/driveManifest';
import { formatBytes, formatDuration, parseSize } from '../../shared/prep/names';
import type { PrepSessionResult, TargetProblem } from '../../shared/prep/session';
import type { PrepEvent } from '../../shared/prep/types';
import { safeMessage } from '../../shared/text';
import {
  entriesFromSources,
  InputError,
  pickedEntries,
  targetsFromDriveset,
  type DrivesetTarget,
} from '../core/prep/app/inputs';
import { systemTools } from '../core/bitlocker';
import { encryptDrivesetTargets } from '../core/bitlocker/driveset';
import { formatConfirmation } from '../core/bitlocker/enable';
import { ToolError } from '../core/system/tools';
import { createInterface } from 'node:readline/promises';
import { PrepBusy } from '../core/prep/journal/lock';
import { ManifestError } from '../core/prep/engine/manifests';
import { PrepError, PrepSession } from '../core/prep/engine/session';
import { hungReads } from '../core/prep/engine/schedule';
import { messageOf } from '../../shared/errors';

const HELP = `Usage:
  haul prep --journal J --session S --dataset dataset.csv --driveset driveset.csv [options]
  haul prep --journal J --session S --source DIR --dest container/prefix --target MOUNTPATH... [options]

Copies data onto drives for an import job: checks everything first (names, sizes, access),
plans which file goes on which drive, copies each file once while hashing it, and writes the
drive manifest. Run the same command again to resume after a crash or a removed drive; files
already done are skipped. A new --session adds data; more --target (or driveset rows) add drives.

Options:
  --journal J          the journal file on this machine (not on a target), e.g. job1.jrn
  --session S          the copy session id (letters, digits, . _ -); names a folder on each drive
  --job NAME           the import job's name for the drive header (default: the journal's name)
  --dataset FILE       dataset.csv: BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile
                       (relative paths in it are relative to the CSV's own folder)
  --driveset FILE      driveset.csv: DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey
                       (on Linux and macOS the first column holds the drive's mount path). On Windows,
                       Encryption=Encrypt turns BitLocker on before the copy (as administrator) and
                       writes the new recovery password into the DriveInfo file; with
                       FormatOption=Format the drive is formatted NTFS first, once confirmed
  --confirm-format T   "FORMAT G:": lets a driveset row with FormatOption=Format erase drive G:
                       (repeat per drive; asked on a terminal when missing)
  --source DIR         a folder (or file) to copy; repeat for more (instead of --dataset)
  --dest PREFIX        container/prefix the sources go to, e.g. photos/2024/
  --blob-type T        BlockBlob (default) or PageBlob, with --source
  --disposition D      rename (default), no-overwrite or overwrite, with --source
  --target PATH        a drive's mount path (or a folder); repeat for more drives (at most 10)
  --allow-folder       let a --target be a folder that is not a drive of its own (a folder on a bigger disk)
  --for-azure          the job goes to Azure: say which drives its data center cannot read (not NTFS, no BitLocker)
  --verify             after copying, re-read every block on every drive and compare
  --plan-only          stop after the pre-flight checks and the plan
  --skip-problems      leave out the files pre-flight found problems with (listed) instead of stopping
  --max-rate RATE      limit the copy speed per drive, e.g. 50MB (per second)
  --json               print one JSON object per line (events) instead of text
  -h, --help           this help

Exit status: 0 every file copied (and verified, with --verify); 1 some files were not copied or
did not verify (listed); 2 bad arguments or pre-flight problems (nothing written); 3 the data
does not fit on the drives (nothing written); 130 stopped with Ctrl-C (run again to continue).`;

const OPTIONS = {
  journal: { type: 'string' },
  session: { type: 'string' },
  job: { type: 'string' },
  dataset: { type: 'string' },
  driveset: { type: 'string' },
  source: { type: 'string', multiple: true },
  dest: { type: 'string' },
  target: { type: 'string', multiple: true },
  'blob-type': { type: 'string' },
  disposition: { type: 'string' },
  verify: { type: 'boolean' },
  json: { type: 'boolean' },
  'plan-only': { type: 'boolean' },
  'skip-problems': { type: 'boolean' },
  'max-rate': { type: 'string' },
  'allow-folder': { type: 'boolean' },
  'for-azure': { type: 'boolean' },
  'confirm-format': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
}
type Flags = ReturnType<typeof parseFlags>;

interface Printer {
  event(e: PrepEvent): void;
  end(): void;
}

export async function run(argv: string[]): Promise<number> {
  let args: Flags;
  try {
    args = parseFlags(argv);
  } catch (e) {
    console.error(`haul prep: ${messageOf(e)}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (!args.journal) return fail('--journal is required: the journal file that records the copy on this machine.');
  if (!args.session) return fail('--session is required: a session id such as "s1".');
  const inputs = readInputs(args);
  if (typeof inputs === 'number') return inputs;
  const { entries } = inputs;
  let { targets } = inputs;
  let maxRate = 0;
  if (args['max-rate']) {
    const r = parseSize(args['max-rate']);
    if (!r) return fail(`--max-rate "${args['max-rate']}" is not a size such as 50MB.`);
    maxRate = r;
  }
  // the driveset's Encrypt rows (Windows): BitLocker on before the copy, the new key for DriveInfo
  if (targets.some((t) => t.encrypt)) {
    const encrypted = await encryptTargets(args, targets);
    if (typeof encrypted === 'number') return encrypted;
    targets = encrypted;
  }
  let session: PrepSession;
  try {
    session = new PrepSession({
      journal: args.journal,
      session: args.session,
      entries,
      targets,
      verify: !!args.verify,
      maxRate,
      skipProblems: !!args['skip-problems'],
      allowFolders: !!args['allow-folder'],
      forAzure: !!args['for-azure'],
      ...(args.job ? { jobName: args.job } : {}),
    });
  } catch (e) {
    if (e instanceof PrepError) return refuse(!!args.json, [e.message]);
    throw e;
  }
  const printer = args.json ? jsonPrinter() : textPrinter(process.stderr.isTTY === true, !!args['skip-problems']);
  session.onEvent((e) => printer.event(inCliWords(e)));
  if (args['plan-only']) return planOnly(session, args, printer);
  return copy(session, args, targets, printer);
}

function fail(msg: string): number {
  console.error(`haul prep: ${safeMessage(msg)}\nRun "haul prep --help" for the options.`);
  return 2;
}

/** What to copy and where to, from the flags or the CSV files they name; a number: the exit status of bad input. */
function readInputs(args: Flags): { entries: DatasetEntry[]; targets: DrivesetTarget[] } | number {
  let entries: DatasetEntry[];
  let targets: DrivesetTarget[];
  try {
    if (args.dataset) {
      if (args.source) return fail('give either --dataset or --source, not both.');
      entries = entriesFromSources({ kind: 'dataset', dataset: { path: args.dataset } });
    } else if (args.source) {
      if (!args.dest) return fail('--dest container/prefix is required with --source (e.g. --dest photos/2024/).');
      const bt = parseBlobType(args['blob-type'] ?? 'BlockBlob');
      if (!bt) return fail(`--blob-type "${args['blob-type']}" must be ${BLOB_TYPES_IN_WORDS}.`);
      const disp = parseDisposition(args.disposition ?? 'rename');
      if (!disp) return fail(`--disposition "${args.disposition}" must be ${DISPOSITIONS_IN_WORDS}.`);
      entries = pickedEntries(args.source, args.dest, bt, disp);
    } else {
      return fail('say what to copy: --dataset dataset.csv, or --source DIR with --dest.');
    }
    if (args.driveset) {
      if (args.target) return fail('give either --driveset or --target, not both.');
      targets = targetsFromDriveset({ path: args.driveset });
    } else if (args.target) {
      targets = args.target.map((p) => ({ path: p }));
    } else {
      return fail('say where to copy: --target MOUNTPATH (repeat for more drives) or --driveset driveset.csv.');
    }
  } catch (e) {
    if (e instanceof CsvError) {
      console.error(`haul prep: ${safeMessage(e.message)}`);
      return 2;
    }
    if (e instanceof InputError) return fail(`${FLAG_OF[e.field] ?? e.field}: ${e.message}`);
    throw e;
  }
  return { entries, targets };
}

/** The driveset's Encrypt rows (Windows): BitLocker turned on before the copy; with --plan-only, only said. */
async function encryptTargets(args: Flags, targets: DrivesetTarget[]): Promise<DrivesetTarget[] | number> {
  if (args['plan-only'])
    for (const t of targets.filter((x) => x.encrypt))
      console.log(
        `Note: ${t.encrypt!.file}, row ${t.encrypt!.row}: BitLocker is turned on for ${t.path} before the copy${t.encrypt!.format ? ', after formatting it NTFS' : ''}.`,
      );
  else
    try {
      targets = await encryptDrivesetTargets(targets, {
        run: systemTools().run,
        confirmations: args['confirm-format'] ?? [],
        ...(process.stdin.isTTY ? { ask: askFormat } : {}),
        onProgress: (p) =>
          args.json
            ? console.log(JSON.stringify({ type: 'bitlocker', ...p }))
            : console.error(
                `${p.volume} (row ${p.row}): ${PHASE_WORDS[p.phase]}${p.phase === 'encrypting' ? ` ${p.percent ?? 0}%` : ''}`,
              ),
        onDone: (t, r) =>
          !args.json &&
          console.error(
            `${r.volume}: BitLocker is on (${r.method}); its recovery password goes into the drive's DriveInfo file.`,
          ),
      });
    } catch (e) {
      if (e instanceof ToolError) return refuse(!!args.json, [e.message]);
      throw e;
    }
  return targets;
}

/** --plan-only: the checks and the plan, nothing written. */
async function planOnly(session: PrepSession, args: Flags, printer: Printer): Promise<number> {
  const plan = await session.plan();
  printer.end();
  if (plan.targetProblems.length)
    return refuse(
      !!args.json,
      plan.targetProblems.map((p) => withFlagHint(p, session.jobName)),
    );
  if (plan.problemCount && !args['skip-problems']) return 2;
  return plan.plan?.fits ? 0 : 3;
}

/** The copy: Ctrl-C stops it cleanly; the result mapped to the exit status. */
async function copy(session: PrepSession, args: Flags, targets: DrivesetTarget[], printer: Printer): Promise<number> {
  // Ctrl-C stops cleanly (finished files kept, manifests written); a second Ctrl-C quits at once.
  // Not with process.exit: it waits for every thread, and a copy thread stuck in a read of a source
  // that stopped answering never ends. Ctrl-C's own default ends the process, its threads with it.
  const onInt = () => {
    if (stopping) {
      console.error('Quitting now: run the same command again to continue (files already done are skipped).');
      process.off('SIGINT', onInt);
      process.kill(process.pid, 'SIGINT');
      return;
    }
    stopping = true;
    console.error('\nStopping after the files in flight… (Ctrl-C again to quit at once)');
    session.cancel();
  };
  let stopping = false;
  process.on('SIGINT', onInt);
  try {
    const res = await session.start();
    printer.end();
    if (res.drives.length && targets.some((t) => t.bitLockerKey) && !args.json)
      console.log(
        `DriveInfo files for the job, next to the journal (WAImportExport's format: an encrypted drive's file holds its BitLocker key in clear; readable only by you, keep them safe):\n${res.drives.map((d) => `  ${d.driveInfoFile}`).join('\n')}`,
      );
    if (res.targetProblems.length)
      return refuse(
        !!args.json,
        res.targetProblems.map((p) => withFlagHint(p, session.jobName)),
      );
    const code = stopping ? 130 : EXIT[res.outcome];
    if (hungReads()) {
      // a thread still stuck in a source read would keep this process from ever exiting
      console.error(
        `haul prep: a read of a source still hangs (listed above); ending without waiting for it (exit status ${code} intended).`,
      );
      process.kill(process.pid, 'SIGKILL');
    }
    return code;
  } catch (e) {
    printer.end();
    if (e instanceof PrepError || e instanceof PrepBusy || e instanceof ManifestError)
      return refuse(!!args.json, [e.message]);
    throw e;
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** The session says "resume" (a button in the app); on the command line that is the same command again. */
function inCliWords(e: PrepEvent): PrepEvent {
  if (!('message' in e) || e.type === 'keep-awake') return e;
  const message = e.message
    .replace(/add one and resume to copy (it|them)/, 'add one with --target and run the same command again')
    .replace(/Plug it back in and resume to continue/, 'Reconnect it and run the same command again to continue')
    .replace(/check it, then resume/, 'check it and run again')
    .replace(/Resume to continue/, 'Run the same command again to continue')
    .replace(/then resume to finish/, 'and run the same command again to finish')
    .replace(/resuming copies (it|them) again/, 'the next run of the same command copies $1 again');
  return { ...e, message };
}

const PHASE_WORDS: Record<string, string> = {
  formatting: 'formatting NTFS…',
  starting: 'turning BitLocker on…',
  encrypting: 'encrypting the used space',
  'reading-key': 'reading the new recovery password…',
  done: 'BitLocker is on.',
};

/** Asks on the terminal for the typed confirmation that lets a driveset row format a drive. */
async function askFormat(letter: string, row: { file: string; row: number }): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(
      `${row.file}, row ${row.row}, says FormatOption=Format: this erases everything on ${letter} and formats it NTFS. Type ${formatConfirmation(letter)} to go on: `,
    );
  } finally {
    rl.close();
  }
}

/** The flag behind each input an InputError names. */
const FLAG_OF: Record<string, string> = { 'sources.dataset': '--dataset', driveset: '--driveset' };

/** How each way a preparation ends maps to the exit status (see HELP). */
const EXIT: Record<PrepSessionResult['outcome'], number> = {
  done: 0,
  incomplete: 1,
  stopped: 130,
  refused: 2,
  'does-not-fit': 3,
  failed: 1,
};

/** The engine says what to do in words; here it is also said in flags. */
function withFlagHint(p: TargetProblem, jobName: string): string {
  const hint =
    p.code === 'none'
      ? ' Add --target MOUNTPATH (or a driveset.csv).'
      : p.code === 'folder'
        ? ' To use it anyway, add --allow-folder.'
        : p.code === 'other-job'
          ? ` Or give --job ${/"([^"]+)"\.?$/.exec(p.fix)?.[1] ?? jobName}.`
          : '';
  return `${p.message} ${p.fix}${hint}`;
}

function refuse(json: boolean, messages: string[]): number {
  for (const message of messages) {
    const said = safeMessage(message);
    if (json) console.log(JSON.stringify({ type: 'error', message: said }));
    console.error(`haul prep: ${said}`);
  }
  return 2;
}

function jsonPrinter() {
  return {
    event(e: PrepEvent) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
    },
    end() {},
  };
}

function textPrinter(tty: boolean, skipProblems: boolean) {
  let lastLine = 0;
  let barShown = false;
  const clearBar = () => {
    if (barShown) {
      process.stderr.write('\r\x1b[K');
      barShown = false;
    }
  };
  const out = (s: string) => {
    clearBar();
    console.log(s);
  };
  return {
    event(e: PrepEvent) {
      switch (e.type) {
        case 'preflight':
          out(`Pre-flight found ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}:`);
          for (const p of e.problems) out(`  ${p.source}\n    ${p.message}\n    What to do: ${p.fix}`);
          out(
            skipProblems
              ? 'These files are left out (--skip-problems); everything else is copied.'
              : 'Nothing was written. Fix each one, or run the same command with --skip-problems to leave them out and copy the rest.',
          );
          break;
        case 'plan': {
          const p = e.plan;
          out(
            `Plan: ${p.totalFiles} files, ${formatBytes(p.totalBytes)} to copy${p.alreadyDoneFiles ? ` (${p.alreadyDoneFiles} files, ${formatBytes(p.alreadyDoneBytes)} already done)` : ''}`,
          );
          for (const d of p.drives) {
            if (d.unused) {
              out(`  ${d.driveId}  ${d.target}: no file planned; not used, left as it is`);
              continue;
            }
            out(
              `  ${d.driveId}  ${d.target}: ${d.plannedFiles} files, ${formatBytes(d.plannedBytes)} -> ${d.fillPercent}% full (${formatBytes(d.free)} free of ${formatBytes(d.capacity)})`,
            );
            for (const x of d.destinations.slice(0, 5))
              out(`      ${x.prefix}  ${x.files} files, ${formatBytes(x.bytes)}`);
          }
          for (const n of e.targetNotes ?? []) out(`Note: ${n.message} ${n.fix}`);
          if (!p.fits) {
            const more = p.moreDrivesNeeded;
            out(
              `Does not fit: ${p.unplacedFiles} files (${formatBytes(p.unplacedBytes)}) have no room.${more ? ` You need ${Number.isFinite(more.count) ? more.count : 'more'} more drive${more.count === 1 ? '' : 's'} of ${formatBytes(more.size)}; add them with --target.` : ''} Nothing was written.`,
            );
          }
          break;
        }
        case 'keep-awake':
          if (!e.active) out(`Note: ${e.message}`);
          break;
        case 'progress': {
          const pct = e.bytesTotal ? (e.bytesDone / e.bytesTotal) * 100 : 100;
          const line = `${e.phase === 'copy' ? 'Copying ' : 'Verifying'} [${'#'.repeat(Math.round(pct / 4)).padEnd(25, '-')}] ${pct.toFixed(1)}%  ${formatBytes(e.bytesDone)}/${formatBytes(e.bytesTotal)}  ${formatBytes(e.speed)}/s  ETA ${e.etaSeconds === undefined ? '--' : formatDuration(e.etaSeconds)}  files ${e.filesDone}/${e.filesTotal}`;
          if (tty) {
            process.stderr.write(`\r\x1b[K${line}`);
            barShown = true;
          } else if (Date.now() - lastLine > 5000) {
            console.error(line);
            lastLine = Date.now();
          }
          break;
        }
        case 'file-error':
          out(`Error: ${e.message}`);
          break;
        case 'drive-full':
          out(e.message);
          break;
        case 'drive-removed':
          out(e.message);
          break;
        case 'drive-done':
          out(`Drive ${e.driveId} (${e.target}): manifest written (hash ${e.manifestHash}).`);
          break;
        case 'verify-result':
          out(
            e.ok
              ? `Verified drive ${e.driveId}: ${e.blobs} files, ${e.blocks} blocks, all match the manifest.`
              : `Drive ${e.driveId} did NOT verify:\n  ${e.mismatches.join('\n  ')}`,
          );
          break;
        case 'done':
          out(e.message);
          if (e.failed.length) {
            out('Not copied:');
            for (const f of e.failed.slice(0, 50)) out(`  ${f.source}: ${f.message}`);
            if (e.failed.length > 50) out(`  … and ${e.failed.length - 50} more (--json lists them all)`);
          }
          break;
      }
    },
    end() {
      clearBar();
    },
  };
}
