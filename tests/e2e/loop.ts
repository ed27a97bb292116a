// Loop-mounted ext4 drives for end-to-end tests: an image file per drive, `losetup -f --show`
// (never a fixed /dev/loopN), mkfs.ext4 and a mount under a mkdtemp folder. Where loop devices
// cannot be made (no root, no loop module, a container), plain temp folders stand in, with a
// printed note. `dispose()` unmounts, detaches and removes everything it made, even after a failure.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestDrive {
  /** where Haul copies to: the mount point (or the stand-in folder) */
  mount: string;
  /** the loop device, when there is one */
  device?: string;
}

export interface TestDrives {
  drives: TestDrive[];
  /** true when these are real loop-mounted file systems */
  loop: boolean;
  dispose(): void;
}

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export function makeTestDrives(count: number, sizeMiB: number): TestDrives {
  const root = mkdtempSync(path.join(os.tmpdir(), 'haul-drives-'));
  const made: TestDrive[] = [];
  const dispose = () => {
    for (const d of made) {
      if (!d.device) continue;
      try {
        run('umount', [d.mount]);
      } catch {
        try {
          run('umount', ['-l', d.mount]);
        } catch {
          /* not mounted */
        }
      }
      try {
        run('losetup', ['-d', d.device]);
      } catch {
        /* already detached */
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const image = path.join(root, `drive${i + 1}.img`);
      const mount = path.join(root, `drive${i + 1}`);
      mkdirSync(mount);
      run('truncate', ['-s', `${sizeMiB}M`, image]);
      const device = run('losetup', ['-f', '--show', image]);
      made.push({ mount, device });
      run('mkfs.ext4', ['-q', '-F', '-L', `HAULT${i + 1}`, device]);
      run('mount', [device, mount]);
    }
    return { drives: made, loop: true, dispose };
  } catch (err) {
    dispose();
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    console.log(`note: loop devices are not available here (${why}); the drives are plain temp folders instead.`);
    const fallback = mkdtempSync(path.join(os.tmpdir(), 'haul-drives-'));
    const drives = Array.from({ length: count }, (_v, i) => {
      const mount = path.join(fallback, `drive${i + 1}`);
      mkdirSync(mount);
      return { mount };
    });
    return { drives, loop: false, dispose: () => rmSync(fallback, { recursive: true, force: true }) };
  }
}
