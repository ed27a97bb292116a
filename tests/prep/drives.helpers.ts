// Test drives for the prep tests: loop-mounted ext4 images when running as root with losetup
// (`losetup -f --show` only; detached and unmounted again, even on failure), else plain temp
// folders with a printed note. Plus a source tree with known hashes.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestDrives {
  mounts: string[];
  loopMode: boolean;
  /** temp folders are not drives of their own: prep refuses them unless allowed (SessionConfig.allowFolders) */
  allowFolders: boolean;
  clear(): void;
  cleanup(): void;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

export function makeDrives(work: string, count: number, imageMb: number): TestDrives {
  const mounts: string[] = [];
  const loops: string[] = [];
  const mounted: string[] = [];
  for (let k = 0; k < count; k++) {
    const mnt = join(work, `mnt-d${k + 1}`);
    mkdirSync(mnt);
    mounts.push(mnt);
  }
  const cleanup = () => {
    for (const m of mounted.splice(0)) spawnSync('umount', [m]);
    for (const l of loops.splice(0)) spawnSync('losetup', ['-d', l]);
  };
  let loopMode = false;
  try {
    if (process.getuid?.() !== 0) throw new Error('not root');
    for (const [k, mnt] of mounts.entries()) {
      const img = join(work, `d${k + 1}.img`);
      sh('truncate', ['-s', `${imageMb}M`, img]);
      const dev = sh('losetup', ['-f', '--show', img]);
      loops.push(dev);
      sh('mkfs.ext4', ['-q', '-m', '0', dev]);
      sh('mount', [dev, mnt]);
      mounted.push(mnt);
    }
    loopMode = true;
  } catch (e) {
    cleanup();
    console.log(`NOTE: loop devices unavailable (${(e as Error).message}); these prep tests run on temp folders.`);
  }
  const clear = () => {
    for (const m of mounts)
      for (const e of readdirSync(m)) if (e !== 'lost+found') rmSync(join(m, e), { recursive: true, force: true });
  };
  return { mounts, loopMode, allowFolders: !loopMode, clear, cleanup };
}

/** A source tree of `big` multi-block files and `small` small ones; relative path -> MD5. */
export function makeSource(dir: string, big: number, bigSize: number, small: number): Map<string, string> {
  const hashes = new Map<string, string>();
  for (let i = 0; i < big; i++) {
    const rel = `videos/clip-${i}.bin`;
    mkdirSync(join(dir, 'videos'), { recursive: true });
    const data = randomBytes(bigSize);
    writeFileSync(join(dir, rel), data);
    hashes.set(rel, createHash('md5').update(data).digest('hex'));
  }
  for (let i = 0; i < small; i++) {
    const rel = `docs/${i % 3}/note-${i}.txt`;
    mkdirSync(join(dir, 'docs', String(i % 3)), { recursive: true });
    const data = randomBytes(500 + i * 13);
    writeFileSync(join(dir, rel), data);
    hashes.set(rel, createHash('md5').update(data).digest('hex'));
  }
  return hashes;
}
