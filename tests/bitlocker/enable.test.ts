// Turn BitLocker on (Windows), as WAImportExport's /encrypt does, against a stand-in answering
// with manage-bde output in the formats Microsoft documents (no Windows here): the exact
// commands, progress while it encrypts, the new key read back from the drive, formatting only
// with the typed confirmation, and the refusals a person can act on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enableBitLocker, formatConfirmed, type EnableProgress } from '../../main/core/bitlocker/enable';
import { standIn } from './standIn';

const win = (name: string) => readFileSync(join(import.meta.dirname, 'recorded', 'windows', name), 'utf8');
const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const ntfs = { stdout: '[{"DriveLetter":"G","FileSystem":"NTFS"}]' };
const exfat = { stdout: '[{"DriveLetter":"G","FileSystem":"exFAT"}]' };
const noSleep = async () => {};

describe('turn BitLocker on (Windows, against recorded manage-bde output)', () => {
  it('runs manage-bde -on with a recovery password, used space only, XTS-AES 256; reports progress; reads the new key', async () => {
    const tools = standIn({
      'manage-bde -status G:': [
        { stdout: win('status-G.decrypted.en.txt') },
        { stdout: win('status-G.encrypting-0.en.txt') },
        { stdout: win('status-G.encrypting-37.en.txt') },
        { stdout: win('status-G.encrypted.en.txt') },
      ],
      powershell: ntfs,
      'manage-bde -on': { stdout: win('on.en.txt') },
      'manage-bde -protectors -get G: -Type RecoveryPassword': { stdout: win('protectors-get.recovery.en.txt') },
    });
    const seen: EnableProgress[] = [];
    const r = await enableBitLocker('G:\\', { run: tools.run, sleep: noSleep, onProgress: (p) => seen.push(p) });
    expect(r).toEqual({ volume: 'G:', recoveryPassword: RP, method: 'XTS-AES 256' });
    expect(tools.lines().filter((l) => l.startsWith('manage-bde'))).toEqual([
      'manage-bde -status G:',
      'manage-bde -on G: -RecoveryPassword -UsedSpaceOnly -EncryptionMethod xts_aes256',
      'manage-bde -status G:',
      'manage-bde -status G:',
      'manage-bde -status G:',
      'manage-bde -protectors -get G: -Type RecoveryPassword',
    ]);
    expect(seen.map((p) => `${p.phase}${p.percent !== undefined ? ` ${p.percent}` : ''}`)).toEqual([
      'starting',
      'encrypting 0',
      'encrypting 37.5',
      'reading-key 100',
      'done 100',
    ]);
    // the key never travels as an argument or on stdin to any tool
    expect(JSON.stringify(tools.calls)).not.toContain(RP);
  });

  it('formats NTFS first only with the driveset’s Format option and "FORMAT G:" typed; otherwise refuses a drive that is not NTFS', async () => {
    const script = () =>
      standIn({
        'manage-bde -status G:': [
          { stdout: win('status-G.decrypted.en.txt') },
          { stdout: win('status-G.encrypted.en.txt') },
        ],
        powershell: (c) => (c.args.join(' ').includes('Format-Volume') ? { stdout: 'HAUL-FORMATTED\r\n' } : exfat),
        'manage-bde -on': { stdout: win('on.en.txt') },
        'manage-bde -protectors -get': { stdout: win('protectors-get.recovery.en.txt') },
      });
    const plain = script();
    await expect(enableBitLocker('G:', { run: plain.run, sleep: noSleep })).rejects.toThrow(
      'G: is formatted exFAT; the Azure data center reads only NTFS. Set FormatOption to Format in the driveset (this erases the drive), or format it NTFS yourself.',
    );
    expect(plain.lines().some((l) => l.startsWith('manage-bde -on'))).toBe(false);

    const unconfirmed = script();
    await expect(
      enableBitLocker('G:', { run: unconfirmed.run, sleep: noSleep, format: { confirmation: 'yes' } }),
    ).rejects.toThrow('Formatting erases everything on G:: type "FORMAT G:" to confirm. Nothing was changed.');
    expect(unconfirmed.lines().some((l) => l.includes('Format-Volume'))).toBe(false);

    const confirmed = script();
    const r = await enableBitLocker('G:', {
      run: confirmed.run,
      sleep: noSleep,
      format: { confirmation: ' format  g: ', label: 'HAUL02' },
    });
    expect(r.recoveryPassword).toBe(RP);
    const fmt = confirmed.lines().find((l) => l.includes('Format-Volume'))!;
    expect(fmt).toContain(
      "Format-Volume -DriveLetter G -FileSystem NTFS -NewFileSystemLabel 'HAUL02' -Force -Confirm:$false",
    );
    expect(confirmed.lines().indexOf(fmt)).toBeLessThan(
      confirmed.lines().findIndex((l) => l.startsWith('manage-bde -on')),
    );
    expect(formatConfirmed('FORMAT E:', 'G:')).toBe(false);
  });

  it('refuses a drive already encrypted (Haul reads its key instead), and one that is locked', async () => {
    const tools = standIn({ 'manage-bde -status G:': { stdout: win('status-G.encrypted.en.txt') }, powershell: ntfs });
    await expect(enableBitLocker('G:', { run: tools.run })).rejects.toThrow(
      'G: is already BitLocker-encrypted: Haul reads its recovery password instead of turning BitLocker on again.',
    );
    const locked = standIn({ 'manage-bde -status E:': { stdout: win('status.en.txt') }, powershell: ntfs });
    await expect(enableBitLocker('E:', { run: locked.run })).rejects.toThrow(
      /E: is already BitLocker-encrypted and locked/,
    );
  });

  it('says to run as administrator when manage-bde is refused, and what to do when Windows pauses the encryption', async () => {
    const denied = standIn({
      'manage-bde -status G:': { stdout: win('status-G.decrypted.en.txt') },
      powershell: ntfs,
      'manage-bde -on': { code: -2147024891, stdout: win('access-denied.en.txt') },
    });
    await expect(enableBitLocker('G:', { run: denied.run })).rejects.toThrow(/run Haul as administrator/);
    const paused = standIn({
      'manage-bde -status G:': [
        { stdout: win('status-G.decrypted.en.txt') },
        { stdout: win('status-G.paused.en.txt') },
      ],
      powershell: ntfs,
      'manage-bde -on': { stdout: win('on.en.txt') },
    });
    await expect(enableBitLocker('G:', { run: paused.run, sleep: noSleep })).rejects.toThrow(
      'Windows paused the encryption of G: at 52.1% (was the drive removed, or the computer on battery?): resume it with "manage-bde -resume G:", then run this again.',
    );
  });
});
