// haul prep: prepares drives for an import job (pre-flight, plan, copy with manifests, resume).
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CsvError, parseDataset, parseDriveset, type DatasetEntry } from '../../shared/formats/dataset';
import { blobType, importDisposition } from '../../shared/formats/driveManifest';
import { formatBytes, formatDuration, parseSize } from '../../shared/prep/names';
import type { PrepEvent } from '../../shared/prep/types';
import { PrepError, runPrep, type PrepTarget } from '../core/prep/engine';

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
  --driveset FILE      driveset.csv: DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey
                       (on Linux and macOS the first column holds the drive's mount path)
  --source DIR         a folder (or file) to copy; repeat for more (instead of --dataset)
  --dest PREFIX        container/prefix the sources go to, e.g. photos/2024/
  --blob-type T        BlockBlob (default) or PageBlob, with --source
  --disposition D      rename (default), no-overwrite or overwrite, with --source
  --target PATH        a drive's mount path (or a folder); repeat for more drives (at most 10)
  --verify             after copying, re-read every block on every drive and compare
  --plan-only          stop after the pre-flight checks and the plan
  --skip-problems      leave out the files pre-flight found problems with (listed) instead of stopping
  --max-rate RATE      limit the copy speed per drive, e.g. 50MB (per second)
  --json               print one JSON object per line (events) instead of text
  -h, --help           this help

Exit status: 0 every file copied (and verified, with --verify); 1 some files were not copied or
did not verify (listed); 2 bad arguments or pre-flight problems (nothing written); 3 the data
does not fit on the drives (nothing written); 130 stopped with Ctrl-C (run again to continue).`;

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        journal: { type: 'string' }, session: { type: 'string' }, job: { type: 'string' },
        dataset: { type: 'string' }, driveset: { type: 'string' },
        source: { type: 'string', multiple: true }, dest: { type: 'string' }, target: { type: 'string', multiple: true },
        'blob-type': { type: 'string' }, disposition: { type: 'string' },
        verify: { type: 'boolean' }, json: { type: 'boolean' }, 'plan-only': { type: 'boolean' }, 'skip-problems': { type: 'boolean' },
        'max-rate': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`haul prep: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) { console.log(HELP); return 0; }
  const fail = (msg: string) => { console.error(`haul prep: ${msg}\nRun "haul prep --help" for the options.`); return 2; };
  if (!args.journal) return fail('--journal is required: the journal file that records the copy on this machine.');
  if (!args.session) return fail('--session is required: a session id such as "s1".');
  let entries: DatasetEntry[];
  let targets: PrepTarget[];
  try {
    if (args.dataset) {
      if (args.source) return fail('give either --dataset or --source, not both.');
      entries = parseDataset(readFileSync(args.dataset, 'utf8'), args.dataset);
    } else if (args.source) {
      if (!args.dest) return fail('--dest container/prefix is required with --source (e.g. --dest photos/2024/).');
      const bt = blobType.safeParse(args['blob-type'] ?? 'BlockBlob');
      if (!bt.success) return fail(`--blob-type "${args['blob-type']}" must be BlockBlob or PageBlob.`);
      const disp = importDisposition.safeParse(args.disposition ?? 'rename');
      if (!disp.success) return fail(`--disposition "${args.disposition}" must be rename, no-overwrite or overwrite.`);
      const dest = args.dest.replace(/^\/+/, '');
      entries = args.source.map((s, k) => {
        let isFolder = true;
        try { isFolder = statIsDir(s); } catch { /* pre-flight reports it */ }
        const name = s.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? s;
        return {
          row: k + 1, basePath: isFolder && !/[/\\]$/.test(s) ? `${s}/` : s, isFolder,
          destination: isFolder ? (dest.endsWith('/') ? dest : `${dest}/`) : dest.endsWith('/') ? `${dest}${name}` : dest,
          blobType: bt.data, disposition: disp.data,
        };
      });
    } else {
      return fail('say what to copy: --dataset dataset.csv, or --source DIR with --dest.');
    }
    if (args.driveset) {
      if (args.target) return fail('give either --driveset or --target, not both.');
      targets = parseDriveset(readFileSync(args.driveset, 'utf8'), args.driveset).map((d) => {
        if (d.formatOption === 'Format') throw new CsvError(args.driveset!, d.row, 'FormatOption', 'Haul does not format drives; format the drive yourself (e.g. exFAT or NTFS), mount it, and set FormatOption to AlreadyFormatted');
        if (d.encryption === 'Encrypt') throw new CsvError(args.driveset!, d.row, 'Encryption', 'Haul cannot turn on BitLocker here; encrypt the drive first and use AlreadyEncrypted with its key, or None');
        // Windows drive letters ("G" or "G:") name the drive's root
        const path = process.platform === 'win32' && /^[A-Za-z]:?$/.test(d.target) ? `${d.target[0]}:\\` : d.target;
        return d.bitLockerKey ? { path, bitLockerKey: d.bitLockerKey } : { path };
      });
    } else if (args.target) {
      targets = args.target.map((p) => ({ path: p }));
    } else {
      return fail('say where to copy: --target MOUNTPATH (repeat for more drives) or --driveset driveset.csv.');
    }
  } catch (e) {
    if (e instanceof CsvError) { console.error(`haul prep: ${e.message}`); return 2; }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' && err.path) { console.error(`haul prep: ${err.path} does not exist.`); return 2; }
    throw e;
  }
  let maxRate = 0;
  if (args['max-rate']) {
    const r = parseSize(args['max-rate']);
    if (!r) return fail(`--max-rate "${args['max-rate']}" is not a size such as 50MB.`);
    maxRate = r;
  }
  const printer = args.json ? jsonPrinter() : textPrinter(process.stderr.isTTY === true);
  // Ctrl-C stops cleanly (finished files kept, manifests written); a second Ctrl-C quits at once
  const stop = new AbortController();
  const onInt = () => {
    if (stop.signal.aborted) process.exit(130);
    console.error('\nStopping after the files in flight… (Ctrl-C again to quit at once)');
    stop.abort();
  };
  process.on('SIGINT', onInt);
  try {
    const res = await runPrep({
      signal: stop.signal,
      journal: args.journal, session: args.session, entries, targets,
      verify: !!args.verify, maxRate, skipProblems: !!args['skip-problems'], planOnly: !!args['plan-only'],
      onEvent: printer.event,
      ...(args.job ? { job: args.job } : {}),
    });
    printer.end();
    process.off('SIGINT', onInt);
    return stop.signal.aborted ? 130 : res.exitCode;
  } catch (e) {
    printer.end();
    process.off('SIGINT', onInt);
    if (e instanceof PrepError) {
      if (args.json) console.log(JSON.stringify({ type: 'error', message: e.message }));
      console.error(`haul prep: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function statIsDir(p: string): boolean {
  return statSync(p).isDirectory();
}

function jsonPrinter() {
  return {
    event(e: PrepEvent) { process.stdout.write(`${JSON.stringify(e)}\n`); },
    end() {},
  };
}

function textPrinter(tty: boolean) {
  let lastLine = 0;
  let barShown = false;
  const clearBar = () => { if (barShown) { process.stderr.write('\r\x1b[K'); barShown = false; } };
  const out = (s: string) => { clearBar(); console.log(s); };
  return {
    event(e: PrepEvent) {
      switch (e.type) {
        case 'preflight':
          out(`Pre-flight found ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'}:`);
          for (const p of e.problems) out(`  ${p.source}\n    ${p.message}\n    What to do: ${p.fix}`);
          break;
        case 'plan': {
          const p = e.plan;
          out(`Plan: ${p.totalFiles} files, ${formatBytes(p.totalBytes)} to copy${p.alreadyDoneFiles ? ` (${p.alreadyDoneFiles} files, ${formatBytes(p.alreadyDoneBytes)} already done)` : ''}`);
          for (const d of p.drives) {
            out(`  ${d.driveId}  ${d.target}: ${d.plannedFiles} files, ${formatBytes(d.plannedBytes)} -> ${d.fillPercent}% full (${formatBytes(d.free)} free of ${formatBytes(d.capacity)})`);
            for (const x of d.destinations.slice(0, 5)) out(`      ${x.prefix}  ${x.files} files, ${formatBytes(x.bytes)}`);
          }
          if (!p.fits) {
            const more = p.moreDrivesNeeded;
            out(`Does not fit: ${p.unplacedFiles} files (${formatBytes(p.unplacedBytes)}) have no room.${more ? ` You need ${Number.isFinite(more.count) ? more.count : 'more'} more drive${more.count === 1 ? '' : 's'} of ${formatBytes(more.size)}; add them with --target.` : ''} Nothing was written.`);
          }
          break;
        }
        case 'keep-awake': if (!e.active) out(`Note: ${e.message}`); break;
        case 'progress': {
          const pct = e.bytesTotal ? (e.bytesDone / e.bytesTotal) * 100 : 100;
          const line = `${e.phase === 'copy' ? 'Copying ' : 'Verifying'} [${'#'.repeat(Math.round(pct / 4)).padEnd(25, '-')}] ${pct.toFixed(1)}%  ${formatBytes(e.bytesDone)}/${formatBytes(e.bytesTotal)}  ${formatBytes(e.speed)}/s  ETA ${e.etaSeconds === undefined ? '--' : formatDuration(e.etaSeconds)}  files ${e.filesDone}/${e.filesTotal}`;
          if (tty) { process.stderr.write(`\r\x1b[K${line}`); barShown = true; }
          else if (Date.now() - lastLine > 5000) { console.error(line); lastLine = Date.now(); }
          break;
        }
        case 'file-error': out(`Error: ${e.message}`); break;
        case 'drive-full': out(e.message); break;
        case 'drive-removed': out(e.message); break;
        case 'drive-done': out(`Drive ${e.driveId} (${e.target}): manifest written (hash ${e.manifestHash}).`); break;
        case 'verify-result':
          out(e.ok ? `Verified drive ${e.driveId}: ${e.blobs} files, ${e.blocks} blocks, all match the manifest.` : `Drive ${e.driveId} did NOT verify:\n  ${e.mismatches.join('\n  ')}`);
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
    end() { clearBar(); },
  };
}
