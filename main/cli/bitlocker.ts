// haul bitlocker: a drive's file system and BitLocker state, and whether a recovery password
// opens it — before the drive is shipped. The key is read on standard input (never an argument,
// which other users can see); it is never printed.
import { describeVolume, fsName, type DriveEncryption, type KeyCheckResult } from '../../shared/bitlocker';
import { checkKey, linuxBitLockerVolume, NO_BITLOCKER_ON_MAC, systemTools, volumeStatus } from '../core/bitlocker';
import { lockLinux, unlockLinux } from '../core/bitlocker/unlock';
import { enableBitLocker } from '../core/bitlocker/enable';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { messageOf } from '../../shared/errors';

const HELP = `Usage: haul bitlocker <command> <device, image file, mount point or drive letter> [options]

Commands:
  status TARGET    its volumes: file system, BitLocker (locked or unlocked), cipher, protectors
  check TARGET     whether a recovery password opens it: give the 48-digit password on standard
                   input (Linux: "haul bitlocker check /dev/sdb1 < key.txt"; typed when asked).
                   On Windows, with nothing on standard input, Haul reads the drive's own key.
                   Exit status: 0 the password opens it, 2 it does not (or the drive has no
                   recovery password), 1 anything else (not BitLocker, not readable, …)
  unlock TARGET    Linux: open the BitLocker volume with its recovery password (on standard
                   input; several lines for an export job's keys: the one that opens it is
                   used) and mount the NTFS inside; prints the mount point to prepare into
  lock TARGET      Linux: unmount and close a volume unlock opened (the volume or its mount point)
  on LETTER        Windows, as administrator: turn BitLocker on as Import/Export wants it (recovery
                   password, used space only, XTS-AES 256), wait for it, and write the new recovery
                   password to --key-file (for the driveset's ExistingBitLockerKey); never printed

Options:
  --json           one JSON object (for scripts)
  --mount-dir DIR  unlock: where to make the mount point (default: a folder in the temp folder)
  --read-only      unlock: mount read-only (to read an export drive)
  --key-file FILE  on: where to write the new recovery password (created readable by you only)
  --format         on: format the drive NTFS first (erases it), confirmed with --confirm "FORMAT E:"
  --confirm TEXT   on: the confirmation for --format
  -h, --help       this help

On Linux these need blkid and cryptsetup (and root to read a drive); on Windows, manage-bde as
administrator. macOS cannot read BitLocker.`;

/** The key from standard input: piped, or typed without echo when stdin is a terminal. */
async function readKey(): Promise<string | undefined> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    if (process.platform === 'win32') return undefined;
    process.stderr.write('Recovery password (48 digits; not shown): ');
    stdin.setRawMode(true);
    stdin.resume();
    return new Promise((resolve) => {
      let typed = '';
      const onData = (d: Buffer) => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stderr.write('\n');
            resolve(typed);
            return;
          }
          if (ch === '\u0003') process.exit(130);
          if (ch === '\u007f') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  }
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text || undefined;
}

function printStatus(target: string, s: DriveEncryption): void {
  if (s.error) console.log(s.error);
  if (!s.volumes.length && !s.error) console.log(`${target}: no volumes found.`);
  for (const v of s.volumes) {
    console.log(`${v.volume}: ${describeVolume(v)}`);
    if (v.method) console.log(`  cipher: ${v.method}`);
    if (v.protectors) console.log(`  protectors: ${v.protectors.join(', ') || 'none'}`);
    if (v.fileSystem && v.bitlocker === 'unlocked') console.log(`  inside: ${fsName(v.fileSystem)}`);
    if (v.mountpoints.length) console.log(`  mounted at: ${v.mountpoints.join(', ')}`);
    if (v.note) console.log(`  note: ${v.note}`);
  }
}

const EXIT: Record<KeyCheckResult['result'], number> = {
  opens: 0,
  refused: 2,
  'no-recovery-password': 2,
  'not-bitlocker': 1,
  unfinished: 1,
  unsupported: 1,
  error: 1,
};

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'mount-dir': { type: 'string' },
        'read-only': { type: 'boolean' },
        'key-file': { type: 'string' },
        format: { type: 'boolean' },
        confirm: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`haul bitlocker: ${messageOf(e)}\n\n${HELP}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 1;
  }
  if (!target || extra.length) {
    console.error(
      `haul bitlocker ${command}: give one drive, image file, mount point or drive letter. Run "haul bitlocker --help".`,
    );
    return 1;
  }
  switch (command) {
    case 'status': {
      try {
        const s = await volumeStatus(target);
        if (values.json) console.log(JSON.stringify(s));
        else printStatus(target, s);
        return s.support === 'none' ? 1 : 0;
      } catch (e) {
        console.error(`haul bitlocker status: ${messageOf(e)}`);
        return 1;
      }
    }
    case 'check': {
      const key = await readKey();
      if (key === undefined && process.platform !== 'win32') {
        console.error(
          'haul bitlocker check: give the recovery password on standard input (for example "haul bitlocker check /dev/sdb1 < key.txt").',
        );
        return 1;
      }
      const r = await checkKey(target, key);
      if (values.json) console.log(JSON.stringify(r));
      else if (r.result === 'opens') console.log(r.message);
      else console.error(r.message);
      return EXIT[r.result];
    }
    case 'unlock':
    case 'lock':
      return lockOrUnlock(command, target, values);
    case 'on':
      return turnOn(target, values);
    default:
      console.error(`haul bitlocker: "${command}" is not a command.\n\n${HELP}`);
      return 1;
  }
}

async function lockOrUnlock(
  command: 'lock' | 'unlock',
  target: string,
  values: { json?: boolean | undefined; 'mount-dir'?: string | undefined; 'read-only'?: boolean | undefined },
): Promise<number> {
  if (process.platform === 'darwin') {
    console.error(NO_BITLOCKER_ON_MAC);
    return 1;
  }
  if (process.platform === 'win32') {
    console.error(
      `Windows ${command}s BitLocker drives itself: ${command === 'unlock' ? 'open the drive in File Explorer and type its password or recovery key' : 'eject the drive safely'} ("manage-bde -${command} X:" as administrator).`,
    );
    return 1;
  }
  const { run } = systemTools();
  try {
    if (command === 'lock') {
      const r = await lockLinux(target, run);
      if (values.json) console.log(JSON.stringify(r));
      else console.log(`Locked ${r.volume}${r.unmounted.length ? ` (unmounted ${r.unmounted.join(', ')})` : ''}.`);
      return 0;
    }
    const keys = ((await readKey()) ?? '').split(/\r?\n/).filter((l) => l.trim());
    const volume = await linuxBitLockerVolume(run, target);
    const u = await unlockLinux(volume, keys, {
      run,
      ...(values['mount-dir'] ? { mountRoot: values['mount-dir'] } : {}),
      ...(values['read-only'] ? { readOnly: true } : {}),
    });
    if (values.json)
      console.log(
        JSON.stringify({ volume: u.volume, mountPoint: u.mountPoint, driver: u.driver, keyIndex: u.keyIndex }),
      );
    else
      console.log(
        `Unlocked ${u.volume}: its NTFS is mounted at ${u.mountPoint} (${u.driver}).\nPrepare it there (haul prep --target ${u.mountPoint} …), then lock it: haul bitlocker lock ${u.mountPoint}`,
      );
    return 0;
  } catch (e) {
    console.error(`haul bitlocker ${command}: ${messageOf(e)}`);
    return /does not open/.test(messageOf(e)) ? 2 : 1;
  }
}

async function turnOn(
  target: string,
  values: {
    json?: boolean | undefined;
    'key-file'?: string | undefined;
    format?: boolean | undefined;
    confirm?: string | undefined;
  },
): Promise<number> {
  if (process.platform !== 'win32') {
    console.error(
      process.platform === 'darwin'
        ? NO_BITLOCKER_ON_MAC
        : 'Only Windows can turn BitLocker on (Linux can open and check BitLocker drives, not create them): encrypt the drive on Windows, then check its key here with "haul bitlocker check".',
    );
    return 1;
  }
  const keyFile = values['key-file'];
  if (!keyFile) {
    console.error(
      'haul bitlocker on: give --key-file FILE, where Haul writes the new recovery password (it is never printed).',
    );
    return 1;
  }
  if (existsSync(keyFile)) {
    console.error(
      `haul bitlocker on: ${keyFile} exists already; give a new file for the key (Haul does not overwrite a key).`,
    );
    return 1;
  }
  try {
    const r = await enableBitLocker(target, {
      ...systemTools(),
      ...(values.format ? { format: { confirmation: values.confirm ?? '' } } : {}),
      onProgress: (p) =>
        console.log(
          values.json ? JSON.stringify(p) : `${p.volume} ${p.phase}${p.percent !== undefined ? ` ${p.percent}%` : ''}`,
        ),
    });
    writeFileSync(keyFile, `${r.recoveryPassword}\r\n`, { mode: 0o600, flag: 'wx' });
    console.log(
      values.json
        ? JSON.stringify({ volume: r.volume, method: r.method, keyFile })
        : `BitLocker is on for ${r.volume} (${r.method}); its recovery password is in ${keyFile}. Keep that file safe: the job and the drive's DriveInfo file need it.`,
    );
    return 0;
  } catch (e) {
    console.error(`haul bitlocker on: ${messageOf(e)}`);
    return 1;
  }
}
