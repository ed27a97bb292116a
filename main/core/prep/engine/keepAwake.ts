// Keeping the machine awake while drives are prepared, through a port: the Electron shell passes
// its powerSaveBlocker (CoreOptions.keepAwake); the CLI and browser mode use `processKeepAwake`,
// which holds systemd-inhibit (Linux) or caffeinate (macOS) where present. Where neither is, the
// answer is inactive with a note in words, which the session shows to the person.
import { spawn, type ChildProcess } from 'node:child_process';

export interface KeepAwake {
  active: boolean;
  message: string;
  release(): void;
}

export interface KeepAwakePort {
  /** Keeps the machine awake until `release()`; never throws (an inactive answer says why). */
  acquire(why: string): Promise<KeepAwake>;
}

const NEITHER =
  'Haul cannot keep this machine awake here (neither systemd-inhibit nor caffeinate is available); turn off sleep while the copy runs.';

/** Holds a helper process; it holds a pipe (or our pid) to us, so it ends with this process even after a kill -9. */
function holdProcess(command: string, args: string[], name: string): Promise<KeepAwake> {
  return new Promise((resolve) => {
    let settled = false;
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch {
      resolve({ active: false, message: NEITHER, release() {} });
      return;
    }
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const release = () => {
      child.stdin?.end();
      if (child.exitCode === null) child.kill();
    };
    child.on('error', () => {
      if (settled) return;
      settled = true;
      resolve({ active: false, message: NEITHER, release() {} });
    });
    child.on('exit', () => {
      if (settled) return;
      settled = true;
      resolve({
        active: false,
        message: `${name} could not keep the machine awake (${err.trim().split('\n')[0] || 'it ended at once'}); turn off sleep while the copy runs.`,
        release() {},
      });
    });
    // Still running after a moment: the lock is held.
    const t = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.unref();
      resolve({ active: true, message: `The machine is kept awake while the copy runs (${name}).`, release });
    }, 300);
    t.unref();
  });
}

export const processKeepAwake: KeepAwakePort = {
  acquire(why) {
    if (process.platform === 'linux')
      return holdProcess(
        'systemd-inhibit',
        ['--what=sleep:idle:handle-lid-switch', '--who=Haul', `--why=${why}`, '--mode=block', 'cat'],
        'systemd-inhibit',
      );
    if (process.platform === 'darwin')
      return holdProcess('caffeinate', ['-i', '-s', '-w', String(process.pid)], 'caffeinate');
    return Promise.resolve({ active: false, message: NEITHER, release() {} });
  },
};

/** For tests and callers that keep the machine awake themselves. */
export const noKeepAwake: KeepAwakePort = {
  acquire: async () => ({ active: false, message: 'Keeping the machine awake is left to the caller.', release() {} }),
};
