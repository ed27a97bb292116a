// Words that leave Haul: no error message, in the terminal or over the bridge, carries a BitLocker
// recovery key, and none is megabytes long, whatever the input held (a driveset.csv saved by Excel
// as Windows-1252, a key typed into the wrong column, a 20 MB cell, a handler that echoes its input).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, parseDataset, parseDriveset } from '../../shared/formats/dataset';
import { parseDriveManifest } from '../../shared/formats/driveManifest';
import { parseDriveLog } from '../../shared/formats/driveLog';
import { clause, MAX_MESSAGE, quoted, redactKeys, safeMessage } from '../../shared/text';
import { createCore } from '../../main/core/bridge/core';
import type { Handlers } from '../../main/core/bridge/context';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { targetsFromDriveset } from '../../main/core/prep/app/inputs';
import { Sim } from '../lifecycle/helpers';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-messages-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const KEY = '123456-234567-345678-456789-567890-678901-789012-890123';
const DIGITS = KEY.replace(/-/g, '');
const DS_HEADER = 'DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n';
/** No key, whole or in groups of digits, and bounded. */
const expectSafe = (message: string) => {
  expect(message).not.toContain(KEY);
  expect(message.replace(/\D/g, '')).not.toContain(DIGITS.slice(0, 24));
  expect(message.length).toBeLessThan(MAX_MESSAGE + 200);
};
const csvError = (fn: () => unknown): CsvError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CsvError) return e;
    throw e;
  }
  throw new Error('no CsvError');
};

/** A driveset.csv as Excel's plain "CSV" saves it (Windows-1252): "é" is the byte 0xE9. */
function latin1Driveset(file: string): void {
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from(DS_HEADER),
      Buffer.from(`${work}/Jos`),
      Buffer.from([0xe9]),
      Buffer.from(`,AlreadyFormatted,SilentMode,AlreadyEncrypted,${KEY}\n`),
    ]),
  );
}

describe('the helpers', () => {
  it('redact anything shaped like a recovery key, bound a message, quote a cell, and join sentences without ".."', () => {
    expect(redactKeys(`key ${KEY} here`)).toBe('key [BitLocker key not shown] here');
    expect(redactKeys(`key ${DIGITS} here`)).not.toContain(DIGITS.slice(0, 12));
    expect(redactKeys('copied 1234567890123 bytes at 1700000000000')).toBe(
      'copied 1234567890123 bytes at 1700000000000',
    );
    expect(safeMessage('x'.repeat(20_000_000)).length).toBeLessThan(MAX_MESSAGE + 100);
    expect(quoted('a\nb')).toBe('"a\\nb"');
    expect(quoted('y'.repeat(1000))).toMatch(/^"y{120}…" \(1,000 characters\)$/);
    expect(`${clause('Check the disk.')}. Then retry.`).toBe('Check the disk. Then retry.');
  });
});

describe('file formats', () => {
  it('a 20 MB cell makes an error of a few hundred characters that still names the row and column', () => {
    const e = csvError(() =>
      parseDataset(
        `BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n/a/,c/,${'B'.repeat(20_000_000)},,,\n`,
      ),
    );
    expect(e.message.length).toBeLessThan(500);
    expect(e.message).toMatch(
      /dataset\.csv, row 2, column BlobType: "B{120}…" \(20,000,000 characters\) is not a blob type/,
    );
    const header = csvError(() => parseDataset(`${'H'.repeat(1_000_000)}\n`));
    expect(header.message.length).toBeLessThan(1000);
  });

  it('a key typed into another column of driveset.csv is never quoted back', () => {
    const shifted = csvError(() => parseDriveset(`${DS_HEADER}/mnt/d1,AlreadyFormatted,SilentMode,${KEY},\n`));
    expect(shifted.message).toMatch(/row 2, column Encryption/);
    expectSafe(shifted.message);
    const asTarget = csvError(() => parseDriveset(`${DS_HEADER}${KEY},,,None,\n${KEY},,,None,\n`));
    expect(asTarget.message).toMatch(/row 3, column DriveLetter: .* is already listed on row 2/);
    expectSafe(asTarget.message);
  });

  it("a quoting mistake on a row with a key does not echo the key in the CSV parser's words", () => {
    const e = csvError(() =>
      parseDriveset(`${DS_HEADER}/mnt/d1,AlreadyFormatted,SilentMode,AlreadyEncrypted,"${KEY}"x\n`),
    );
    expect(e.message).toMatch(/not valid CSV/);
    expectSafe(e.message);
  });

  it('a path or number megabytes long in DriveManifest.xml or a drive log makes a bounded error', () => {
    const long = `\\${'p'.repeat(2_000_000)}`;
    const manifest = `<?xml version="1.0" encoding="UTF-8"?><DriveManifest Version="2014-11-01"><Drive><DriveId>D1</DriveId><StorageAccountKey/><ClientCreator>x</ClientCreator><BlobList Id="1"><Blob><BlobPath>/c/${long}</BlobPath></Blob></BlobList></Drive></DriveManifest>`;
    let message = '';
    try {
      parseDriveManifest(manifest);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message.length).toBeLessThan(MAX_MESSAGE + 200);
    let log = '';
    try {
      parseDriveLog(`<DriveLog Version="${'9'.repeat(5_000_000)}"></DriveLog>`);
    } catch (e) {
      log = (e as Error).message;
    }
    expect(log).toMatch(/Version=/);
    expect(log.length).toBeLessThan(500);
  });
});

describe('the bridge', () => {
  it('an error that echoes a key or megabytes of input goes back redacted and bounded, whatever the handler', async () => {
    const handlers = {
      'app.info': async () => {
        throw new Error(`the key ${KEY} was refused ${'x'.repeat(20_000_000)}`);
      },
    } as unknown as Handlers;
    const r = await dispatch(handlers, 'app.info', {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expectSafe(r.error.message);
      expect(r.error.message).toMatch(/^app\.info failed: the key \[BitLocker key not shown\] was refused x+… \(/);
    }
  });

  it('prep.plan with a driveset.csv saved as Windows-1252 answers without the key', async () => {
    const file = join(work, 'latin1-bridge.csv');
    latin1Driveset(file);
    const src = join(work, 'src-bridge');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'a');
    const core = await createCore({ dataDir: join(work, 'data'), listDrives: async () => [], keepAwake: noKeepAwake });
    try {
      const r = await dispatch(core.handlers, 'prep.plan', {
        jobName: 'job1',
        sources: { kind: 'picked', paths: [src], destination: 'media/' },
        driveset: { path: file },
      });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.message).toMatch(/not UTF-8/);
        expectSafe(r.error.message);
      }
    } finally {
      await core.dispose();
    }
  });
});

describe('the terminal', () => {
  it('haul prep with a driveset.csv saved as Windows-1252 says it is not UTF-8, without the key', () => {
    const file = join(work, 'latin1-cli.csv');
    latin1Driveset(file);
    const src = join(work, 'src-cli');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'a');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'main/cli/haul.ts',
        'prep',
        '--journal',
        join(work, 'cli.jrn'),
        '--session',
        's1',
        '--job',
        'job1',
        '--source',
        src,
        '--dest',
        'media/',
        '--driveset',
        file,
        '--plan-only',
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not UTF-8/);
    expectSafe(r.stderr);
    expectSafe(r.stdout);
  });
});

describe('one sentence inside another', () => {
  const doubled = /[^.]\.\.(?![./])/;

  it('a fault whose reason ends with a full stop reads without ".." (rule F1)', () => {
    const s = new Sim().ship().arrive();
    s.send({ type: 'DriveProcessingStarted', driveId: 'WD-A1' });
    s.send({
      type: 'DriveFaulted',
      driveId: 'WD-A1',
      reason: 'DriveManifest.xml cannot be used: it is not well-formed XML.',
    });
    s.send({ type: 'JobFaulted', reason: 'The package was damaged in transit.' });
    const messages = s.activeAlerts().map((a) => a.message);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).not.toMatch(doubled);
    expect(messages.join('\n')).toContain(
      'is Faulted: DriveManifest.xml cannot be used: it is not well-formed XML. The operators',
    );
  });

  it('a command-line flag missing its value reads without ".." and says what to run', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', 'serve', '--port', '--json'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--port/);
    expect(r.stderr).toMatch(/Run "haul serve --help"/);
    expect(r.stderr).not.toMatch(doubled);
  });
});

describe('a CSV that is not UTF-8', () => {
  it('names the line, the column and the cell, and never shows a key cell or the rest of the line', () => {
    const file = join(work, 'latin1-key-column.csv');
    // the byte that is not UTF-8 sits in the key's own cell
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${DS_HEADER}/mnt/d1,AlreadyFormatted,SilentMode,AlreadyEncrypted,${KEY}`),
        Buffer.from([0xa0, 0x0a]),
      ]),
    );
    let message = '';
    try {
      targetsFromDriveset({ path: file });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `${file}, line 2, column ExistingBitLockerKey, is not UTF-8 text (the value is not shown); save the driveset.csv as UTF-8 (in Excel: "CSV UTF-8").`,
    );
    latin1Driveset(file);
    try {
      targetsFromDriveset({ path: file });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      `${file}, line 2, column DriveLetter, is not UTF-8 text ("${work}/Jos\\xE9"); save the driveset.csv as UTF-8 (in Excel: "CSV UTF-8").`,
    );
  });
});
