// The Azure gate: the Azure data center reads only NTFS volumes encrypted with BitLocker, and fails
// a drive whose key is wrong — after it was shipped. On an Azure connection every target drive is
// held to that before anything is written: NTFS inside BitLocker, encryption finished, a recovery
// password protector, and the key given for it opens it. macOS cannot read BitLocker at all, so
// Azure jobs are refused there with that reason. Problems name the drive and say what to do.
import { messageOf } from '../../../shared/errors';
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import {
  azureReadiness,
  recoveryPasswordProblem,
  type KeyCheckResult,
  type VolumeEncryption,
} from '../../../shared/bitlocker';
import type { TargetProblem } from '../../../shared/prep/session';
import { mountOf } from '../drives/target';
import { checkVolumeKey, NO_BITLOCKER_ON_MAC, type BitLockerTools } from '.';
import { lsblkTree, probeVolume } from './linux';
import { driveLetter, windowsVolumes } from './windows';

export interface AzureTarget {
  path: string;
  bitLockerKey?: string;
}

/** What a target path stands on: the BitLocker volume (with the file system inside) or a plain one. */
export async function targetVolume(path: string, tools: BitLockerTools): Promise<VolumeEncryption | string> {
  if (tools.platform === 'darwin') return NO_BITLOCKER_ON_MAC;
  if (tools.platform === 'win32') {
    const letter = driveLetter(path.slice(0, 3));
    if (!letter) return `${path} is not on a drive with a letter`;
    return (
      (await windowsVolumes(tools.run, letter)).find((v) => v.volume === letter) ?? `Windows lists no volume ${letter}`
    );
  }
  let real: string;
  try {
    real = realpathSync(path);
    statSync(real);
  } catch {
    return `${path} does not exist`;
  }
  const m = mountOf(real);
  if (!m?.source.startsWith('/dev/'))
    return `${path} is not on a drive (it is on ${m?.source ?? 'an unknown file system'})`;
  // an opened BitLocker volume: lsblk -s lists the mapping, then the volume it stands on
  const inverse = await tools.run({ tool: 'lsblk', args: ['-J', '-p', '-s', '-o', 'NAME,TYPE', m.source] });
  let volume = m.source;
  if (inverse.code === 0) {
    interface N {
      name: string;
      type?: string;
      children?: N[];
    }
    const chain: N[] = [];
    const walk = (n: N) => {
      chain.push(n);
      n.children?.forEach(walk);
    };
    (JSON.parse(inverse.stdout) as { blockdevices?: N[] }).blockdevices?.forEach(walk);
    const crypt = chain.findIndex((n) => n.type === 'crypt');
    if (crypt >= 0 && chain[crypt + 1]) volume = chain[crypt + 1]!.name;
  }
  const [node] = await lsblkTree(tools.run, volume);
  const v = await probeVolume(tools.run, node ?? { name: volume });
  // what is mounted here, when lsblk did not say (a FUSE mount)
  if (!v.fileSystem && m.fsType !== 'fuseblk') v.fileSystem = m.fsType;
  return v;
}

/** Key checks take seconds: each answer is kept a while, by volume and a hash of the key (memory only). */
export class KeyCheckCache {
  private readonly seen = new Map<string, { at: number; result: KeyCheckResult }>();
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async check(volume: string, key: string, tools: BitLockerTools): Promise<KeyCheckResult> {
    const id = `${volume}\n${createHash('sha256').update(key).digest('hex')}`;
    const hit = this.seen.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.result;
    const result = await checkVolumeKey(volume, key, tools);
    // an error (drive busy, tool missing) is asked again next time
    if (result.result !== 'error') this.seen.set(id, { at: this.now(), result });
    return result;
  }
}

const problem = (target: string, message: string, fix: string): TargetProblem => ({
  code: 'blocked',
  target,
  message,
  fix,
});

/**
 * What to do about a drive the data center would not take: on Windows with Haul's own Turn on
 * BitLocker; elsewhere on a Windows computer (Haul there, `haul bitlocker on`, or manage-bde).
 */
function azureFix(v: VolumeEncryption, platform: string): string {
  const windows = platform === 'win32';
  const notNtfs = !!v.fileSystem && v.fileSystem.toLowerCase() !== 'ntfs';
  const onWindows =
    'on a Windows computer (with Haul there, or as administrator "haul bitlocker on E: --key-file E.key" or "manage-bde -on E: -RecoveryPassword -UsedSpaceOnly")';
  if (v.bitlocker === 'none') {
    if (notNtfs)
      return windows
        ? 'Format the drive NTFS in Windows (this erases it), then press Turn on BitLocker beside it; or pick another drive.'
        : `Format the drive NTFS (this erases it) and turn BitLocker on ${onWindows}, then give its recovery password here; or pick another drive.`;
    return windows
      ? 'Press Turn on BitLocker beside the drive: Haul records its new recovery password for the job.'
      : `Turn BitLocker on ${onWindows}, then give its recovery password here.`;
  }
  if (v.conversion === 'encrypting') return 'Wait until BitLocker has finished; Haul then checks the drive again.';
  return 'Let BitLocker finish, or add a recovery password (manage-bde -protectors -add X: -RecoveryPassword), then check again.';
}

/** Why each target cannot go to the Azure data center (none: every one can). */
export async function azureTargetProblems(
  targets: AzureTarget[],
  tools: BitLockerTools,
  cache = new KeyCheckCache(),
  name: (path: string) => string = (p) => p,
): Promise<TargetProblem[]> {
  const problems: TargetProblem[] = [];
  for (const t of targets) {
    const drive = name(t.path);
    if (tools.platform === 'darwin') {
      problems.push(
        problem(
          t.path,
          `The drive ${drive} cannot be prepared for Azure on this Mac. ${NO_BITLOCKER_ON_MAC}`,
          'Use a Windows or Linux computer for Azure jobs.',
        ),
      );
      continue;
    }
    let v: VolumeEncryption | string;
    try {
      v = await targetVolume(t.path, tools);
    } catch (e) {
      v = messageOf(e);
    }
    if (typeof v === 'string') {
      problems.push(
        problem(
          t.path,
          `Haul cannot tell whether the drive ${drive} is BitLocker-encrypted NTFS: ${v}.`,
          'Pick a drive from the drive list.',
        ),
      );
      continue;
    }
    const ready = azureReadiness(v);
    if (!ready.ok) {
      problems.push(
        problem(
          t.path,
          `The drive ${drive} cannot go to the Azure data center: ${ready.why}. It reads only NTFS drives encrypted with BitLocker, and fails any other after it was shipped.`,
          azureFix(v, tools.platform),
        ),
      );
      continue;
    }
    const key = t.bitLockerKey?.trim();
    if (!key) {
      problems.push(
        problem(
          t.path,
          `The recovery password of the drive ${drive} is missing; the data center needs it to open the drive.`,
          'Give the 48-digit recovery password of this drive.',
        ),
      );
      continue;
    }
    const typo = recoveryPasswordProblem(key);
    if (typo) {
      problems.push(
        problem(
          t.path,
          `The recovery password given for the drive ${drive} is not right: ${typo}`,
          'Type the recovery password again.',
        ),
      );
      continue;
    }
    const r = await cache.check(v.volume, key, tools);
    if (r.result === 'opens') continue;
    problems.push(
      problem(
        t.path,
        r.result === 'refused'
          ? `The recovery password given for the drive ${drive} does not open it, so the data center could not open it either.`
          : `The recovery password of the drive ${drive} could not be checked: ${r.message}`,
        r.result === 'refused'
          ? 'Give this drive’s own recovery password (BitLocker printed or saved it when the drive was encrypted).'
          : 'Check the drive and try again.',
      ),
    );
  }
  return problems;
}
