// `haul bitlocker status|check` and `haul drives --json`, run as a person runs them, on the real
// BitLocker images: the exit statuses scripts rely on (0 opens, 2 does not, 1 anything else),
// the key read from standard input and never printed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveEncryption } from '../../shared/bitlocker';
import { oneDigitChanged, skipWhy, unpack, type Unpacked } from './fixture';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function haul(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', ...args], {
      cwd: repo,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

if (skipWhy) console.log(`NOTE: haul bitlocker on the real images skipped: ${skipWhy}.`);

describe.skipIf(!!skipWhy)('haul bitlocker', () => {
  let fx: Unpacked;
  beforeAll(() => {
    fx = unpack();
  });
  afterAll(() => fx?.cleanup());

  it('status: BitLocker, locked, cipher and protectors; --json for scripts', async () => {
    const img = fx.image('bitlk-aes-cbc-256').file;
    const text = await haul(['bitlocker', 'status', img]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `${img}: BitLocker, locked\n  cipher: AES 256\n  protectors: password, recovery-password\n`,
    );
    const json = await haul(['bitlocker', 'status', '--json', img]);
    const s = driveEncryption.parse(JSON.parse(json.stdout));
    expect(s.volumes[0]).toMatchObject({
      volume: img,
      bitlocker: 'locked',
      protectors: ['password', 'recovery-password'],
    });
  });

  it('check: exit 0 when the key opens it, 2 when one digit is changed (saying so), 1 for a missing drive; the key never printed', async () => {
    const img = fx.image('bitlk-aes-xts-128');
    const ok = await haul(['bitlocker', 'check', img.file], `${img.recoveryPassword}\n`);
    expect(ok).toMatchObject({ code: 0, stdout: `The recovery password opens ${img.file}.\n`, stderr: '' });
    const typo = await haul(['bitlocker', 'check', img.file], oneDigitChanged(img.recoveryPassword, 30));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^This is not the recovery password of .*bitlk-aes-xts-128\.img\. Group 6 of/);
    const other = await haul(['bitlocker', 'check', img.file], fx.image('bitlk-aes-xts-256').recoveryPassword);
    expect(other).toMatchObject({ code: 2, stderr: `The recovery password does not open ${img.file}.\n` });
    const none = await haul(
      ['bitlocker', 'check', fx.image('bitlk-aes-xts-128-clearkey-only').file],
      img.recoveryPassword,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no recovery password/);
    const missing = await haul(['bitlocker', 'check', '/dev/haul-no-such-drive'], img.recoveryPassword);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    const noKey = await haul(['bitlocker', 'check', img.file]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/give the recovery password on standard input/);
    for (const r of [ok, typo, other, none, missing])
      expect(r.stdout + r.stderr).not.toContain(img.recoveryPassword.slice(0, 13));
  }, 120_000);
});

describe('haul drives --json', () => {
  it('carries each drive’s file system and BitLocker state', async () => {
    const r = await haul(['drives', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const d = JSON.parse(line) as { device: string; encryption?: unknown };
      const e = driveEncryption.parse(d.encryption);
      expect(e.support).toBe('full');
      expect(e.volumes.length + (e.error ? 1 : 0), d.device).toBeGreaterThan(0);
    }
  });
});
