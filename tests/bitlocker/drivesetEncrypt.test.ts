// The driveset's Encryption=Encrypt, as WAImportExport takes it: on Windows the row is accepted and
// BitLocker is turned on before the copy (against a stand-in answering with manage-bde output in
// the formats Microsoft documents: no Windows here), its new recovery password becoming the drive's
// key; FormatOption=Format only with Encrypt and "FORMAT G:" typed; a drive already encrypted (a
// run started again) neither formatted nor encrypted again. Elsewhere the row is refused, naming
// it and the way to do it — also by `haul prep`, run as a person runs it on this Linux machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError } from '../../shared/formats/dataset';
import { encryptDrivesetTargets } from '../../main/core/bitlocker/driveset';
import { ensureBitLocker } from '../../main/core/bitlocker/enable';
import { targetsFromDriveset } from '../../main/core/prep/app/inputs';
import { standIn } from './standIn';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const win = (name: string) => readFileSync(join(import.meta.dirname, 'recorded', 'windows', name), 'utf8');
const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const OLD = '404558-436711-420860-678557-638220-018909-039941-695321';
const H = 'DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n';
const csv = (rows: string) => ({ text: `${H}${rows}`, name: 'driveset.csv' });
const noSleep = async () => {};

const work = mkdtempSync(join(tmpdir(), 'haul-driveset-encrypt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** G: without BitLocker until -on (then encrypting, then encrypted), H: already encrypted. */
function windows(gFs = 'NTFS') {
  let g: 'off' | 'encrypting' | 'on' = 'off';
  return standIn({
    'manage-bde -status G:': () => {
      if (g === 'off') return { stdout: win('status-G.decrypted.en.txt') };
      if (g === 'encrypting') {
        g = 'on';
        return { stdout: win('status-G.encrypting-37.en.txt') };
      }
      return { stdout: win('status-G.encrypted.en.txt') };
    },
    powershell: (c) =>
      c.args.join(' ').includes('Format-Volume')
        ? { stdout: 'HAUL-FORMATTED\r\n' }
        : { stdout: `[{"DriveLetter":"G","FileSystem":"${gFs}"}]` },
    'manage-bde -on G:': () => {
      g = 'encrypting';
      return { stdout: win('on.en.txt') };
    },
    'manage-bde -protectors -get G:': { stdout: win('protectors-get.recovery.en.txt') },
  });
}

describe('driveset Encryption=Encrypt', () => {
  it('is accepted on Windows: the target says to turn BitLocker on (with Format, to format first); other rows as before', () => {
    const t = targetsFromDriveset(
      csv(`G,Format,PromptOnFormat,Encrypt,\nh:,AlreadyFormatted,SilentMode,AlreadyEncrypted,${OLD}\nI,,,None,\n`),
      'win32',
    );
    expect(t).toEqual([
      { path: 'G:\\', encrypt: { file: 'driveset.csv', row: 2, format: true } },
      { path: 'H:\\', bitLockerKey: OLD },
      { path: 'I:\\' },
    ]);
  });

  it('is refused off Windows, naming the row and the Windows route (haul bitlocker on)', () => {
    const rows = csv(
      `/media/ada/WD1,AlreadyFormatted,SilentMode,None,\n/media/ada/WD2,AlreadyFormatted,SilentMode,Encrypt,\n`,
    );
    expect(() => targetsFromDriveset(rows, 'linux')).toThrow(CsvError);
    expect(() => targetsFromDriveset(rows, 'linux')).toThrow(
      'driveset.csv, row 3, column Encryption: Encrypt asks Haul to turn BitLocker on for /media/ada/WD2, which it can do only on Windows (Linux tools can open a BitLocker drive, not create one). Turn it on on a Windows computer ("haul bitlocker on E: --key-file E.key" as administrator, or Haul\'s Turn on BitLocker), then set this row to AlreadyEncrypted with the drive\'s recovery password',
    );
    expect(() => targetsFromDriveset(rows, 'darwin')).toThrow(/macOS cannot read or write BitLocker drives/);
  });

  it('FormatOption=Format goes only with Encrypt (Haul formats only to turn BitLocker on)', () => {
    expect(() => targetsFromDriveset(csv('G,Format,SilentMode,None,\n'), 'win32')).toThrow(
      'driveset.csv, row 2, column FormatOption: Haul formats a drive (NTFS) only to turn BitLocker on: set Encryption to Encrypt on this row, or FormatOption to AlreadyFormatted and format the drive yourself',
    );
  });

  it('turns BitLocker on before the copy and gives each drive its new recovery password (Windows stand-in)', async () => {
    const tools = windows();
    const targets = targetsFromDriveset(csv(`G,AlreadyFormatted,SilentMode,Encrypt,\nI,,,None,\n`), 'win32');
    const seen: string[] = [];
    const out = await encryptDrivesetTargets(targets, {
      run: tools.run,
      pollMs: 0,
      onProgress: (p) => seen.push(`${p.row} ${p.phase}`),
    });
    expect(out).toEqual([
      { path: 'G:\\', encrypt: { file: 'driveset.csv', row: 2, format: false }, bitLockerKey: RP },
      { path: 'I:\\' },
    ]);
    expect(seen).toEqual(['2 starting', '2 encrypting', '2 reading-key', '2 done']);
    expect(tools.lines().some((l) => l.includes('Format-Volume'))).toBe(false);
  });

  it('formats only with "FORMAT G:" typed (given or asked); without it nothing is changed', async () => {
    const targets = targetsFromDriveset(csv('G,Format,PromptOnFormat,Encrypt,\n'), 'win32');
    const refused = windows('exFAT');
    await expect(encryptDrivesetTargets(targets, { run: refused.run, pollMs: 0 })).rejects.toThrow(
      'driveset.csv, row 2, says FormatOption=Format: formatting erases everything on G:. Type "FORMAT G:" to confirm (--confirm-format "FORMAT G:"). Nothing was changed.',
    );
    expect(refused.lines().filter((l) => !l.startsWith('manage-bde -status') && !l.startsWith('powershell'))).toEqual(
      [],
    );
    const asked: string[] = [];
    const typed = windows('exFAT');
    const out = await encryptDrivesetTargets(targets, {
      run: typed.run,
      pollMs: 0,
      confirmations: ['FORMAT E:'],
      ask: async (letter, row) => {
        asked.push(`${letter} row ${row.row}`);
        return 'format g:';
      },
    });
    expect(asked).toEqual(['G: row 2']);
    expect(out[0]!.bitLockerKey).toBe(RP);
    const lines = typed.lines();
    expect(lines.findIndex((l) => l.includes('Format-Volume -DriveLetter G -FileSystem NTFS'))).toBeLessThan(
      lines.findIndex((l) => l.startsWith('manage-bde -on')),
    );
  });

  it('a drive BitLocker is on for already (a run started again) is neither formatted nor encrypted again: its key is read', async () => {
    const tools = standIn({
      'manage-bde -status G:': { stdout: win('status-G.encrypted.en.txt') },
      powershell: { stdout: '[{"DriveLetter":"G","FileSystem":"NTFS"}]' },
      'manage-bde -protectors -get G:': { stdout: win('protectors-get.recovery.en.txt') },
    });
    const targets = targetsFromDriveset(csv('G,Format,SilentMode,Encrypt,\n'), 'win32');
    const out = await encryptDrivesetTargets(targets, { run: tools.run, pollMs: 0 });
    expect(out[0]!.bitLockerKey).toBe(RP);
    expect(tools.lines().some((l) => l.includes('Format-Volume') || l.startsWith('manage-bde -on'))).toBe(false);

    // one Windows was still encrypting: Haul waits for it, then reads the key
    const midway = standIn({
      'manage-bde -status G:': [
        { stdout: win('status-G.encrypting-37.en.txt') },
        { stdout: win('status-G.encrypting-37.en.txt') },
        { stdout: win('status-G.encrypted.en.txt') },
      ],
      powershell: { stdout: '[{"DriveLetter":"G","FileSystem":"NTFS"}]' },
      'manage-bde -protectors -get G:': { stdout: win('protectors-get.recovery.en.txt') },
    });
    const r = await ensureBitLocker('G:', { run: midway.run, sleep: noSleep });
    expect(r).toMatchObject({ did: 'waited', recoveryPassword: RP });
  });

  it('a locked drive, or one without a recovery password, is refused with what to do', async () => {
    const locked = standIn({
      'manage-bde -status E:': { stdout: win('status.en.txt') },
      powershell: { stdout: '[]' },
    });
    await expect(ensureBitLocker('E:', { run: locked.run })).rejects.toThrow(
      'E: is BitLocker-encrypted and locked: unlock it in File Explorer (with its password or recovery password), then try again.',
    );
    const keyless = standIn({
      'manage-bde -status G:': { stdout: win('status-G.encrypted.en.txt') },
      powershell: { stdout: '[{"DriveLetter":"G","FileSystem":"NTFS"}]' },
      'manage-bde -protectors -get G:': { stdout: win('protectors-get.none.en.txt') },
    });
    await expect(ensureBitLocker('G:', { run: keyless.run })).rejects.toThrow(
      /^G: is BitLocker-encrypted but has no recovery password, which the data center needs: add one with "manage-bde -protectors -add G: -RecoveryPassword"/,
    );
  });

  it('haul prep on Linux refuses the row (exit 2), naming it and haul bitlocker on; nothing is written', () => {
    const drive = join(work, 'drive');
    mkdirSync(drive);
    mkdirSync(join(work, 'photos'));
    writeFileSync(join(work, 'photos', 'a.jpg'), 'x');
    writeFileSync(join(work, 'driveset.csv'), `${H}${drive},AlreadyFormatted,SilentMode,Encrypt,\n`);
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'main/cli/haul.ts',
        'prep',
        '--journal',
        join(work, 'j.jrn'),
        '--session',
        's1',
        '--source',
        join(work, 'photos'),
        '--dest',
        'photos/',
        '--driveset',
        join(work, 'driveset.csv'),
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `driveset.csv, row 2, column Encryption: Encrypt asks Haul to turn BitLocker on for ${drive}`,
    );
    expect(r.stderr).toContain('"haul bitlocker on E: --key-file E.key" as administrator');
    expect(spawnSync('ls', ['-A', drive], { encoding: 'utf8' }).stdout).toBe('');
  });
});
