// The platform parsers against recorded output: Linux's from real BitLocker volumes made by
// Windows (blkid, cryptsetup 2.6.1; tests/bitlocker/recorded/), Windows's in the formats
// Microsoft documents (recorded/windows/, English and German), plus the system-tool port's
// errors. A customer notices these as the state a drive shows and whether a key is accepted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  azureReadiness,
  describeVolume,
  normalizeRecoveryPassword,
  recoveryPasswordProblem,
} from '../../shared/bitlocker';
import {
  methodName,
  parseBitlkDump,
  parseBlkidExport,
  parseKeyTest,
  parseLsblkTree,
  volumesOf,
  openedMappingOf,
} from '../../main/core/bitlocker/linuxParse';
import {
  parseManageBdeOn,
  parseManageBdeStatus,
  parseProtectorsGet,
  parseVolumesJson,
  percentOf,
} from '../../main/core/bitlocker/windowsParse';
import { installHint, missingTool, needsAdmin, toolFailed } from '../../main/core/system/tools';
import { spawnTool } from '../../main/core/system/spawn';

const dir = join(import.meta.dirname, 'recorded');
const rec = (name: string) => readFileSync(join(dir, name), 'utf8');
const win = (name: string) => readFileSync(join(dir, 'windows', name), 'utf8');

const RP = '235818-357951-253979-013365-241120-245575-342914-591910';

describe('recovery passwords as typed', () => {
  it('accepts a real recovery password, with or without dashes and spaces', () => {
    expect(recoveryPasswordProblem(RP)).toBeUndefined();
    expect(normalizeRecoveryPassword(RP.replace(/-/g, ''))).toBe(RP);
    expect(normalizeRecoveryPassword(` ${RP.replace(/-/g, ' ')} `)).toBe(RP);
  });

  it('catches every one-digit typo, naming the group and never repeating the digits', () => {
    for (let i = 0; i < RP.length; i++) {
      if (RP[i] === '-') continue;
      for (const d of '0123456789') {
        if (d === RP[i]) continue;
        const typo = RP.slice(0, i) + d + RP.slice(i + 1);
        const problem = recoveryPasswordProblem(typo);
        expect(problem, typo).toMatch(new RegExp(`^Group ${Math.floor(i / 7) + 1} of the recovery password`));
        expect(problem).not.toMatch(/\d{6}/);
      }
    }
  });

  it('says what is wrong with text that cannot be a recovery password', () => {
    expect(recoveryPasswordProblem('')).toMatch(/Give the 48-digit/);
    expect(recoveryPasswordProblem('anaconda')).toMatch(/only digits/);
    expect(recoveryPasswordProblem('123456-123456')).toMatch(/this has 12 digits/);
  });
});

describe('Linux: blkid and cryptsetup output recorded from real BitLocker volumes', () => {
  it('blkid -p finds BitLocker', () => {
    expect(parseBlkidExport(rec('blkid-export.bitlk-aes-xts-128.txt'))).toMatchObject({
      TYPE: 'BitLocker',
      USAGE: 'crypto',
    });
  });

  it('bitlkDump: cipher in BitLocker words, protectors, To Go, unfinished encryption', () => {
    const xts = parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-xts-128.txt'));
    expect(xts).toMatchObject({ toGo: false, method: 'XTS-AES 128', unfinished: false });
    expect(xts.protectors).toEqual(['password', 'recovery-password']);
    expect(xts.description).toBe('DESKTOP-NPM7RCA H: 7/4/2019');
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-togo-aes-xts-128.txt')).toGo).toBe(true);
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-cbc-256.txt')).method).toBe('AES 256');
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-cbc-elephant-128.txt')).method).toBe('AES 128 with Diffuser');
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-xts-128-clearkey-only.txt')).protectors).toEqual([
      'clear-key',
    ]);
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-xts-128-startup-key.txt')).protectors).toEqual([
      'password',
      'recovery-password',
      'startup-key',
    ]);
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-xts-128-smart-card.txt')).protectors).toEqual([
      'smart-card',
      'recovery-password',
    ]);
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-aes-xts-128-eow.txt')).unfinished).toBe(true);
    expect(parseBitlkDump(rec('bitlkDump-debug.bitlk-partially-encrypted-aes-cbc-128.txt')).unfinished).toBe(true);
    expect(methodName('aes', 'xts-plain64', 512)).toBe('XTS-AES 256');
  });

  it('test-passphrase: opens, refused whichever exit status cryptsetup picks, unfinished encryption', () => {
    const t = (name: string, code: number) => parseKeyTest(code, rec(`${name}.out`), rec(`${name}.err`)).kind;
    expect(t('testpass.opens', 0)).toBe('opens');
    // a typo: cryptsetup tries it as a password and exits 2
    expect(t('testpass.typo.bitlk-aes-xts-128', 2)).toBe('refused');
    // a well-formed wrong key: cryptsetup 2.6 exits 1 ("wrong or missing parameters")
    expect(t('testpass.wrong.bitlk-aes-xts-128', 1)).toBe('refused');
    expect(t('testpass.wrong.bitlk-aes-cbc-elephant-128', 1)).toBe('refused');
    expect(t('testpass.wrong.bitlk-aes-xts-128-eow', 1)).toBe('unfinished');
    expect(t('testpass.wrong.bitlk-partially-encrypted-aes-cbc-128', 1)).toBe('unfinished');
    expect(parseKeyTest(1, '', 'Device /dev/sdz1 does not exist or access denied.\n').kind).toBe('needs-admin');
    expect(parseKeyTest(1, '', 'something else entirely\n')).toEqual({
      kind: 'error',
      said: 'something else entirely',
    });
  });

  it('lsblk: partitions are the volumes; an opened BitLocker volume is a crypt child', () => {
    // lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT of a disk with a BitLocker partition opened by
    // cryptsetup and mounted (the shape lsblk prints; no device-mapper here to record one)
    const tree = parseLsblkTree(
      JSON.stringify({
        blockdevices: [
          {
            name: '/dev/sdb',
            type: 'disk',
            fstype: null,
            mountpoint: null,
            children: [
              {
                name: '/dev/sdb1',
                type: 'part',
                fstype: 'BitLocker',
                mountpoint: null,
                children: [{ name: '/dev/mapper/haul-sdb1', type: 'crypt', fstype: 'ntfs', mountpoint: '/mnt/x' }],
              },
            ],
          },
        ],
      }),
    );
    const [vol] = volumesOf(tree[0]!);
    expect(vol!.name).toBe('/dev/sdb1');
    expect(openedMappingOf(vol!)?.name).toBe('/dev/mapper/haul-sdb1');
    // recorded here: a loop device holding a BitLocker image has no children
    const loop = parseLsblkTree(
      '{"blockdevices":[{"name":"/dev/loop0","type":"loop","fstype":null,"mountpoint":null}]}',
    );
    expect(volumesOf(loop[0]!).map((n) => n.name)).toEqual(['/dev/loop0']);
  });
});

describe('Windows: manage-bde output in the formats Microsoft documents', () => {
  it('-status: encrypted, locked, not encrypted, encrypting, paused — in English', () => {
    const v = parseManageBdeStatus(win('status.en.txt'));
    const by = Object.fromEntries(v.map((x) => [x.letter, x]));
    expect(Object.keys(by)).toEqual(['C', 'E', 'F', 'G', 'H', 'I']);
    expect(by.C).toMatchObject({ bitlocker: 'unlocked', conversion: 'encrypted', percent: 100, method: 'XTS-AES 128' });
    expect(by.C!.protectors).toEqual(['tpm', 'recovery-password']);
    expect(by.E).toMatchObject({ bitlocker: 'locked', method: 'XTS-AES 256', label: 'HAUL01' });
    expect(by.E!.percent).toBeUndefined();
    expect(by.F).toMatchObject({ bitlocker: 'none' });
    expect(by.G).toMatchObject({ bitlocker: 'unlocked', conversion: 'encrypting', percent: 37.5 });
    // a volume without a recovery password
    expect(by.H!.protectors).toEqual(['password']);
    expect(azureReadiness({ ...by.H!, fileSystem: 'NTFS' }).why).toMatch(/no recovery password/);
    expect(by.I).toMatchObject({ conversion: 'paused', percent: 61.2, method: 'AES 128 with Diffuser' });
    expect(by.I!.protectors).toEqual(['recovery-password', 'startup-key']);
  });

  it('-status on a German system reads the same states from the numbers', () => {
    const v = parseManageBdeStatus(win('status.de.txt'));
    const by = Object.fromEntries(v.map((x) => [x.letter, x]));
    expect(by.C).toMatchObject({ bitlocker: 'unlocked', conversion: 'encrypted', percent: 100 });
    expect(by.E).toMatchObject({ bitlocker: 'locked' });
    expect(by.G).toMatchObject({ bitlocker: 'unlocked', conversion: 'encrypting', percent: 12.4 });
    expect(by.F).toMatchObject({ bitlocker: 'none' });
    expect(by.G!.protectors).toEqual(['recovery-password']);
  });

  it('-status read through a console code page that mangles every accented letter: the numbers still speak', () => {
    const mangled = win('status.de.txt').replace(/[^\x00-\x7f]/g, '\ufffd');
    const v = parseManageBdeStatus(mangled);
    expect(v.map((x) => [x.letter, x.bitlocker, x.percent])).toEqual([
      ['C', 'unlocked', 100],
      ['E', 'locked', undefined],
      ['G', 'unlocked', 12.4],
      ['F', 'none', undefined],
    ]);
    expect(describeVolume(v[2]!)).toBe('BitLocker, unlocked, encrypting 12.4%');
  });

  it('-protectors -get: the recovery password (any language), none, a locked volume, no rights', () => {
    expect(parseProtectorsGet(0, win('protectors-get.recovery.en.txt'))).toEqual({
      kind: 'keys',
      ids: ['{6E3D4B2A-91C7-4F0E-8D52-3B7A1C9E0F24}'],
      passwords: [RP],
    });
    expect(parseProtectorsGet(0, win('protectors-get.recovery.de.txt')).kind).toBe('keys');
    expect(parseProtectorsGet(0x80310008 | 0, win('protectors-get.none.en.txt')).kind).toBe('none');
    expect(parseProtectorsGet(-2144272384, win('protectors-get.locked.en.txt')).kind).toBe('locked');
    expect(parseProtectorsGet(-2147024891, win('access-denied.en.txt')).kind).toBe('needs-admin');
  });

  it('-on: started, or refused for lack of rights; an error never repeats a key', () => {
    expect(parseManageBdeOn(0, win('on.en.txt')).kind).toBe('started');
    expect(parseManageBdeOn(2147942405, win('access-denied.en.txt')).kind).toBe('needs-admin');
    const err = parseManageBdeOn(1, `${win('on.en.txt')}\nERROR: An error occurred (code 0x8031005b): boom`);
    expect(err).toMatchObject({ kind: 'error', hresult: 0x8031005b });
    expect(JSON.stringify(err)).not.toContain(RP);
  });

  it('Get-Volume JSON: file system per letter; percentages with either decimal mark', () => {
    const m = parseVolumesJson('[{"DriveLetter":"C","FileSystem":"NTFS"},{"DriveLetter":"E","FileSystem":""}]');
    expect([...m]).toEqual([['C', 'NTFS']]);
    expect(parseVolumesJson('{"DriveLetter":"G","FileSystem":"exFAT"}').get('G')).toBe('exFAT');
    expect(percentOf('37,5 %')).toBe(37.5);
    expect(percentOf('Unknown%')).toBeUndefined();
  });
});

describe('the system-tool port', () => {
  it('names the tool and what to install when it is missing', async () => {
    await expect(spawnTool({ tool: 'cryptsetup', args: ['--version'] }).then(() => 'ran')).resolves.toBe('ran');
    const missing = await spawnTool({ tool: 'haul-no-such-tool' as 'blkid', args: [] }).catch((e: Error) => e);
    expect(missing).toMatchObject({ code: 'missing' });
    expect((missing as Error).message).toMatch(/^Haul needs haul-no-such-tool, which is not installed/);
    expect(missingTool('cryptsetup', 'linux').message).toMatch(/install cryptsetup/);
    expect(installHint('manage-bde', 'win32')).toMatch(/Windows Home/);
    expect(needsAdmin('manage-bde', 'win32').message).toMatch(/run Haul as administrator/);
    expect(needsAdmin('cryptsetup', 'linux').message).toMatch(/run Haul as root/);
  });

  it('stops a tool that hangs, and says so', async () => {
    const started = Date.now();
    const hang = await spawnTool({ tool: 'sleep' as 'blkid', args: ['30'], timeoutMs: 200 }).catch((x: Error) => x);
    expect(hang).toMatchObject({ code: 'timeout' });
    expect((hang as Error).message).toMatch(/did not answer within 0.2 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('passes a secret on standard input, never in an error', async () => {
    const r = await spawnTool({ tool: 'cat' as 'blkid', args: [], stdin: 'secret-on-stdin' });
    expect(r.stdout).toBe('secret-on-stdin');
    const err = toolFailed(
      { tool: 'cryptsetup', args: ['open'], stdin: 'secret-on-stdin' },
      { code: 1, stdout: '', stderr: 'nope' },
      'Try again.',
    );
    expect(err.message).toBe('cryptsetup open failed (exit status 1): nope. Try again.');
  });
});
