// haul drives: the drives attached to this machine, classified for preparation.
import { parseArgs } from 'node:util';
import { formatBytes } from '../../shared/prep/names';
import { classifyDrive } from '../core/drives/classify';
import { listDrives } from '../core/drives/list';
import { DriveWatcher } from '../core/drives/watch';
import { DriveEncryptionProbe } from '../core/drives/encryption';
import { describeVolume } from '../../shared/bitlocker';
import { messageOf } from '../../shared/errors';

const HELP = `Usage: haul drives [--json] [--source PATH...] [--watch]

Lists the drives attached to this machine with their serial number (the job's drive id) and
whether they can take data: "blocked" (never written: system drive, read-only, holds a source)
or "warned" (ask first: not removable, not empty, mounted more than once), with the reasons,
and each volume's file system and BitLocker state (locked or unlocked; "encryption" in --json).

  --source PATH  a path you mean to copy: drives holding it are blocked (repeatable)
  --watch        keep running and report drives as they are plugged in or removed (Ctrl-C stops)
  --json         one JSON object per drive (and per change with --watch)
  -h, --help     this help`;

export async function run(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        watch: { type: 'boolean' },
        source: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    console.error(`haul drives: ${messageOf(e)}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const ctx = { sources: v.source ?? [] };
  const probe = new DriveEncryptionProbe();
  const drives = await probe.attach((await listDrives()).map((d) => classifyDrive(d, ctx)));
  if (v.json) for (const d of drives) console.log(JSON.stringify(d));
  else {
    if (!drives.length) console.log('No drives found.');
    for (const d of drives) {
      console.log(
        `${d.device}  ${d.serial ?? '(no serial)'}  ${formatBytes(d.size)}  ${d.description || ''}  ${d.mountpoints.join(', ') || '(not mounted)'}  [${d.status}]`,
      );
      for (const v of d.encryption?.volumes ?? []) console.log(`    ${v.volume}: ${describeVolume(v)}`);
      if (d.encryption?.error) console.log(`    BitLocker: ${d.encryption.error}`);
      for (const r of d.reasons) console.log(`    ${r.severity}: ${r.message}`);
    }
  }
  if (!v.watch) return 0;
  const w = new DriveWatcher();
  await w.start();
  w.on('added', (d) => {
    void probe
      .attach([classifyDrive(d, ctx)])
      .then(([drive]) =>
        console.log(
          v.json
            ? JSON.stringify({ event: 'added', drive })
            : `+ added ${d.device} ${d.serial ?? ''} ${formatBytes(d.size)}${(drive?.encryption?.volumes ?? []).map((x) => `; ${x.volume}: ${describeVolume(x)}`).join('')}`,
        ),
      );
  });
  w.on('removed', (d) =>
    console.log(
      v.json
        ? JSON.stringify({ event: 'removed', device: d.device, serial: d.serial })
        : `- removed ${d.device} ${d.serial ?? ''}`,
    ),
  );
  await new Promise<void>((resolve) =>
    process.once('SIGINT', () => {
      w.stop();
      resolve();
    }),
  );
  return 0;
}
