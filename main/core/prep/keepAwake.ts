// Keeps the machine awake during a copy from the CLI: systemd-inhibit where available. (The
// Electron shell uses powerSaveBlocker instead.) The inhibitor holds a pipe to us, so it ends
// with this process even after a kill -9.
import { spawn } from 'node:child_process';

export interface KeepAwake { active: boolean; message: string; release(): void }

export async function keepAwake(why: string): Promise<KeepAwake> {
  if (process.platform !== 'linux') {
    return { active: false, message: 'Keeping the machine awake is not available from the command line on this system; disable sleep while the copy runs.', release() {} };
  }
  return new Promise((resolve) => {
    let settled = false;
    const child = spawn('systemd-inhibit', ['--what=sleep:idle:handle-lid-switch', '--who=Haul', `--why=${why}`, '--mode=block', 'cat'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const release = () => { child.stdin.end(); if (child.exitCode === null) child.kill(); };
    child.on('error', () => {
      if (settled) return;
      settled = true;
      resolve({ active: false, message: 'systemd-inhibit is not available, so Haul cannot keep the machine awake; disable sleep while the copy runs.', release() {} });
    });
    child.on('exit', () => {
      if (settled) return;
      settled = true;
      resolve({ active: false, message: `systemd-inhibit could not take the sleep lock (${err.trim().split('\n')[0] || 'no login manager'}); disable sleep while the copy runs.`, release() {} });
    });
    // Still running after a moment: the lock is held.
    const t = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.unref();
      resolve({ active: true, message: 'The machine is kept awake while the copy runs (systemd-inhibit).', release });
    }, 300);
    t.unref();
  });
}
