// The real BitLocker volumes made by Windows 10 and 11 (the cryptsetup project's BITLK test
// images, with their recovery passwords in images.conf), unpacked into a temp folder at test time.
// Found through HAUL_BITLOCKER_FIXTURES (the .tar.xz, or the folder holding it), else in
// shared/fixtures/bitlocker/ beside the repository or one of its parent folders. Absent: the
// tests that need them skip and say why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ARCHIVE = 'bitlk-images.tar.xz';
const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface BitLockerImage {
  name: string;
  file: string;
  cipher: string;
  /** the 48-digit recovery password; '' for a volume without one */
  recoveryPassword: string;
  secondRecoveryPassword?: string;
  guid: string;
  /** SHA-256 of the decrypted volume ('' where images.conf gives none) */
  sha256: string;
}

/** Where the archive is, or why it is not there. */
export function findArchive(): { path?: string; why: string } {
  const env = process.env.HAUL_BITLOCKER_FIXTURES;
  if (env) {
    const p = existsSync(env) && statSync(env).isDirectory() ? join(env, ARCHIVE) : env;
    return existsSync(p) ? { path: p, why: '' } : { why: `HAUL_BITLOCKER_FIXTURES=${env} holds no ${ARCHIVE}` };
  }
  const tried: string[] = [];
  for (let dir = dirname(repoRoot); ; dir = dirname(dir)) {
    const p = join(dir, 'shared', 'fixtures', 'bitlocker', ARCHIVE);
    tried.push(p);
    if (existsSync(p)) return { path: p, why: '' };
    if (dirname(dir) === dir) break;
  }
  return {
    why: `the BitLocker test images (${ARCHIVE}) are not on this machine (looked in ${tried.slice(0, 2).join(', ')} …); set HAUL_BITLOCKER_FIXTURES to the archive to run these tests`,
  };
}

export const archive = findArchive();

/** Why tests on the real images cannot run here ('' when they can). */
export const skipWhy = (() => {
  if (!archive.path) return archive.why;
  if (spawnSync('sh', ['-c', 'PATH="$PATH:/usr/sbin:/sbin" command -v cryptsetup']).status !== 0)
    return 'cryptsetup is not installed (Debian: apt install cryptsetup-bin)';
  return '';
})();

export interface Unpacked {
  dir: string;
  images: BitLockerImage[];
  image(name: string): BitLockerImage;
  cleanup(): void;
}

/** Unpacks the images (sparse: about 1 MB on disk for 2.2 GB of volumes) into a temp folder. */
export function unpack(): Unpacked {
  if (!archive.path) throw new Error(archive.why);
  const dir = mkdtempSync(join(tmpdir(), 'haul-bitlk-'));
  const r = spawnSync('tar', ['-xJf', archive.path, '-C', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`tar could not unpack ${archive.path}: ${r.stderr}`);
  }
  const root = join(dir, 'bitlk-images');
  const images = parseImagesConf(readFileSync(join(root, 'images.conf'), 'utf8'), root);
  return {
    dir: root,
    images,
    image(name) {
      const found = images.find((i) => i.name === name);
      if (!found) throw new Error(`no image ${name} in the archive`);
      return found;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** images.conf: [name] sections of KEY=value lines. */
export function parseImagesConf(text: string, root: string): BitLockerImage[] {
  const out: BitLockerImage[] = [];
  let cur: Record<string, string> | undefined;
  const flush = () => {
    if (!cur) return;
    const img: BitLockerImage = {
      name: cur.name!,
      file: join(root, `${cur.name}.img`),
      cipher: cur.CIPHER ?? '',
      recoveryPassword: cur.RP ?? '',
      guid: cur.GUID ?? '',
      sha256: cur.SHA256SUM ?? '',
    };
    if (cur.RP2) img.secondRecoveryPassword = cur.RP2;
    if (existsSync(img.file)) out.push(img);
  };
  for (const line of text.split('\n')) {
    const section = /^\[(.+)\]$/.exec(line.trim());
    if (section) {
      flush();
      cur = { name: section[1]! };
    } else if (cur) {
      const kv = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (kv) cur[kv[1]!] = kv[2]!;
    }
  }
  flush();
  return out;
}

/** The same key with one digit changed (the digit at `at`, counting digits only). */
export function oneDigitChanged(key: string, at = 0): string {
  let seen = -1;
  return key.replace(/\d/g, (d) => (++seen === at ? String((Number(d) + 1) % 10) : d));
}

/** A loop device for a file, detached by `detach` (root only; `losetup -f`, never a fixed device). */
export function loopDevice(file: string): { device: string; detach(): void } | { why: string } {
  if (process.getuid?.() !== 0) return { why: 'loop devices need root' };
  const r = spawnSync('losetup', ['-f', '--show', '--read-only', file], { encoding: 'utf8' });
  if (r.status !== 0) return { why: `losetup failed: ${r.stderr.trim()}` };
  const device = r.stdout.trim();
  return { device, detach: () => void spawnSync('losetup', ['-d', device]) };
}
