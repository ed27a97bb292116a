// Check the key before the drive leaves the building: cryptsetup --test-passphrase with the
// recovery password on standard input, on the real BitLocker volumes made by Windows. Each image
// with a recovery password: its key is accepted; the same key with one digit changed is refused
// (Haul sees the typo itself, naming the group); a well-formed key of another volume is refused
// by cryptsetup, whichever exit status it picks. The image without a recovery protector is
// reported as such. Windows reads the key itself (manage-bde), tested against recorded output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKey } from '../../main/core/bitlocker';
import { linuxCheckKey } from '../../main/core/bitlocker/linux';
import { spawnTool } from '../../main/core/system/spawn';
import { oneDigitChanged, skipWhy, unpack, type Unpacked } from './fixture';
import { standIn } from './standIn';

const linux = { run: spawnTool, platform: 'linux' as const };
const UNFINISHED = ['bitlk-aes-xts-128-eow', 'bitlk-partially-encrypted-aes-cbc-128'];

if (skipWhy) console.log(`NOTE: BitLocker key checks on the real images skipped: ${skipWhy}.`);

describe.skipIf(!!skipWhy)('key checks on the real BitLocker volumes', () => {
  let fx: Unpacked;
  beforeAll(() => {
    fx = unpack();
  });
  afterAll(() => fx?.cleanup());

  it('accepts each image’s own recovery password (both, where it has two)', { timeout: 240_000 }, async () => {
    const checked: string[] = [];
    for (const img of fx.images) {
      if (!img.recoveryPassword) continue;
      const r = await checkKey(img.file, img.recoveryPassword, linux);
      if (UNFINISHED.includes(img.name)) {
        // cryptsetup cannot open a volume Windows has not finished encrypting: said, not guessed
        expect(r.result, img.name).toBe('unfinished');
        expect(r.message).toMatch(/has not finished encrypting/);
        continue;
      }
      expect(r, img.name).toEqual({
        result: 'opens',
        volume: img.file,
        message: `The recovery password opens ${img.file}.`,
      });
      checked.push(img.name);
      if (img.secondRecoveryPassword)
        expect((await checkKey(img.file, img.secondRecoveryPassword, linux)).result).toBe('opens');
    }
    expect(checked.length).toBeGreaterThanOrEqual(18);
  });

  it('refuses each key with one digit changed, saying which group is wrong', async () => {
    for (const img of fx.images) {
      if (!img.recoveryPassword) continue;
      for (const at of [0, 20, 47]) {
        const r = await checkKey(img.file, oneDigitChanged(img.recoveryPassword, at), linux);
        expect(r.result, `${img.name} digit ${at}`).toBe('refused');
        expect(r.message).toMatch(
          new RegExp(`^This is not the recovery password of .*${img.name}\\.img\\. Group ${Math.floor(at / 6) + 1} of`),
        );
      }
    }
  });

  it('cryptsetup refuses a one-digit typo too, when Haul lets it through', { timeout: 120_000 }, async () => {
    for (const name of ['bitlk-aes-xts-128', 'bitlk-aes-cbc-elephant-128']) {
      const img = fx.image(name);
      const r = await linuxCheckKey(spawnTool, img.file, oneDigitChanged(img.recoveryPassword, 5));
      expect(r.result, name).toBe('refused');
    }
  });

  it('refuses a well-formed key of another volume (cryptsetup exits 1 or 2 for it)', { timeout: 180_000 }, async () => {
    const other = fx.image('bitlk-aes-xts-256').recoveryPassword;
    for (const name of [
      'bitlk-aes-xts-128',
      'bitlk-aes-cbc-elephant-128',
      'bitlk-aes-cbc-256',
      'bitlk-togo-aes-xts-128',
      'bitlk-aes-xts-128-first-recovery',
      'bitlk-aes-xts-128-smart-card',
    ]) {
      const r = await checkKey(fx.image(name).file, other, linux);
      expect(r, name).toMatchObject({
        result: 'refused',
        message: `The recovery password does not open ${fx.image(name).file}.`,
      });
    }
  });

  it('reports the image without a recovery protector as such, without trying a key', async () => {
    const img = fx.image('bitlk-aes-xts-128-clearkey-only');
    const r = await checkKey(img.file, fx.image('bitlk-aes-xts-128').recoveryPassword, linux);
    expect(r.result).toBe('no-recovery-password');
    expect(r.message).toMatch(/has no recovery password \(its BitLocker protectors: clear-key\)/);
  });

  it('says a volume that is not BitLocker has no key to check', async () => {
    const r = await checkKey(join(fx.dir, 'images.conf'), fx.image('bitlk-aes-xts-128').recoveryPassword, linux);
    expect(r.result).toBe('not-bitlocker');
  });
});

describe('key checks only a stand-in can run here', () => {
  const win = (name: string) => readFileSync(join(import.meta.dirname, 'recorded', 'windows', name), 'utf8');
  const RP = '235818-357951-253979-013365-241120-245575-342914-591910';

  it('Windows reads the key itself: nothing typed, the drive’s recovery password found', async () => {
    const tools = standIn({
      'manage-bde -protectors -get G: -Type RecoveryPassword': { stdout: win('protectors-get.recovery.en.txt') },
    });
    const r = await checkKey('G:\\', undefined, { run: tools.run, platform: 'win32' });
    expect(r).toEqual({
      result: 'opens',
      volume: 'G:',
      message: 'Haul read the recovery password of G: from the drive.',
    });
    // and a typed key is compared with it
    expect((await checkKey('G:', RP, { run: tools.run, platform: 'win32' })).result).toBe('opens');
    const wrong = await checkKey('G:', '000000-357951-253979-013365-241120-245575-342914-591910', {
      run: tools.run,
      platform: 'win32',
    });
    expect(wrong).toMatchObject({ result: 'refused', message: 'The recovery password does not open G:.' });
  });

  it('Windows: a volume without a recovery password, and one locked (typed key tried through WMI, on stdin)', async () => {
    const tools = standIn({
      'manage-bde -protectors -get H:': { code: -2144272376, stdout: win('protectors-get.none.en.txt') },
      'manage-bde -protectors -get E:': { code: -2144272384, stdout: win('protectors-get.locked.en.txt') },
      powershell: [{ stdout: 'HAUL-RESULT 2150694951\n' }, { stdout: 'HAUL-RESULT 0\n' }],
    });
    const w = { run: tools.run, platform: 'win32' as const };
    expect((await checkKey('H:', undefined, w)).result).toBe('no-recovery-password');
    expect((await checkKey('E:', undefined, w)).message).toMatch(/E: is locked: unlock it in File Explorer/);
    expect(await checkKey('E:', RP, w)).toMatchObject({ result: 'refused' });
    expect(await checkKey('E:', RP, w)).toMatchObject({ result: 'opens' });
    const unlock = tools.calls.filter((c) => c.tool === 'powershell');
    expect(unlock[0]!.stdin).toBe(`${RP}\n`);
    expect(unlock.every((c) => !c.args.join(' ').includes(RP))).toBe(true);
  });

  it('Linux: the key goes to cryptsetup on standard input, never as an argument', async () => {
    const tools = standIn({
      'lsblk -J -p -s': { code: 1 },
      'blkid -p -o export': { stdout: 'TYPE=BitLocker\n' },
      'cryptsetup bitlkDump': {
        stdout: readFileSync(join(import.meta.dirname, 'recorded', 'bitlkDump-debug.bitlk-aes-xts-128.txt'), 'utf8'),
      },
      'cryptsetup open': { stdout: 'Command successful.\n' },
    });
    const r = await checkKey('/tmp', RP.replace(/-/g, ' '), { run: tools.run, platform: 'linux' });
    // /tmp is a folder, not a drive: said before any key is tried
    expect(r.result).toBe('error');
    const img = join(import.meta.dirname, 'recorded', 'blkid-export.bitlk-aes-xts-128.txt');
    expect((await checkKey(img, RP.replace(/-/g, ' '), { run: tools.run, platform: 'linux' })).result).toBe('opens');
    const open = tools.calls.find((c) => c.args[0] === 'open')!;
    expect(open.args).toEqual(['open', '--type', 'bitlk', '--test-passphrase', '--debug', img]);
    expect(open.stdin).toBe(RP);
  });
});
