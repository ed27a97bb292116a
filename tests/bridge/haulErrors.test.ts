// Main's own errors are HaulErrors: whichever handler throws one, the page receives its code, its
// message as written and the field or path it is about — with no mapping per error class in the
// handlers — and anything else thrown still reaches the page as a sentence. Each call goes the way
// the page makes it: window.haul (makeBridge) over a transport that carries JSON to dispatch and
// the real handlers, then the renderer's answer().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeBridge, type HaulBridge } from '../../shared/ipc/bridge';
import { BridgeCallError, type BridgeResult } from '../../shared/ipc/contract';
import type { ChannelName } from '../../shared/ipc/names';
import { ErrorShape, HaulError } from '../../shared/errors';
import { CsvError } from '../../shared/formats/dataset';
import { createCore, type Core, type CoreOptions, type Handlers } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { PrepRefused } from '../../main/core/prep/app/manager';
import { InputError } from '../../main/core/prep/app/inputs';
import { BrowseError } from '../../main/core/prep/app/browse';
import { DriveBusy, JournalBusy } from '../../main/core/prep/journal/lock';
import { JournalRecordError, type JournalRecord } from '../../main/core/prep/journal/journal';
import { PrepError } from '../../main/core/prep/engine/session';
import { ManifestError } from '../../main/core/prep/engine/manifests';
import { SettingsError } from '../../main/core/settings';
import { AzureError } from '../../main/core/service/azure';
import { SecretError } from '../../main/core/secrets';
import { DraftNotFound } from '../../main/core/drafts/store';
import { TurnOnRefused } from '../../main/core/bitlocker/turnOn';
import { ToolError } from '../../main/core/system/tools';
import { ReleaseRefused } from '../../main/core/drives/release';
import { answer, errorCode, errorTarget, errorText } from '../../renderer/src/bridge/answer';

const work = mkdtempSync(join(tmpdir(), 'haul-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const dataDir = () => join(work, `data-${++dirs}`);

/** window.haul over the handlers, with every answer carried as JSON (as the browser-mode socket does). */
const pageBridge = (handlers: Handlers): HaulBridge =>
  makeBridge({
    invoke: async (channel, payload) =>
      JSON.parse(JSON.stringify(await dispatch(handlers, channel, payload))) as BridgeResult<unknown>,
    subscribe: () => () => {},
  });

/** What the page holds after a failed call: the renderer's answer() error, read as the screens read it. */
async function failure(channel: ChannelName, result: Promise<BridgeResult<unknown>>) {
  const thrown = await answer(channel, result).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(BridgeCallError);
  return { code: errorCode(thrown), message: errorText(thrown), target: errorTarget(thrown) };
}

async function withCore<T>(options: Partial<CoreOptions>, fn: (core: Core, haul: HaulBridge) => Promise<T>) {
  const core = await createCore({ dataDir: dataDir(), listDrives: async () => [], keepAwake: noKeepAwake, ...options });
  try {
    return await fn(core, pageBridge(core.handlers));
  } finally {
    await core.dispose();
  }
}

describe("main's errors reach the page in their shape, from any handler", () => {
  const record: JournalRecord = {
    t: 'file',
    s: 's1',
    blob: 'docs/a.txt',
    src: '/data/a.txt',
    size: 1,
    mtime: 0,
    drive: 'D1',
    path: 's1/docs/a.txt',
    disp: 'rename',
    type: 'BlockBlob',
    md5: '',
    blocks: '',
  };
  const cases: Array<[string, HaulError, { code: string; target?: string }]> = [
    [
      'PrepRefused',
      new PrepRefused('needs-key', 'Give the BitLocker key of D1 again.', '/mnt/d1'),
      { code: 'needs-key', target: '/mnt/d1' },
    ],
    [
      'InputError',
      new InputError('Give either a list of drives or a driveset.csv, not both.', 'driveset'),
      { code: 'bad-input', target: 'driveset' },
    ],
    [
      'SettingsError',
      new SettingsError('That setting cannot be saved: general.x is not valid.', 'general.x'),
      { code: 'bad-request', target: 'general.x' },
    ],
    ['AzureError', new AzureError('Sign in to Azure first.', 'signed-out'), { code: 'signed-out' }],
    [
      'CsvError',
      new CsvError('dataset.csv', 3, 'BlobPath', 'the blob path is empty'),
      { code: 'bad-csv', target: 'dataset.csv' },
    ],
    [
      'BrowseError',
      new BrowseError('not-found', '/data/gone does not exist.', '/data/gone'),
      { code: 'not-found', target: 'path' },
    ],
    ['DraftNotFound', new DraftNotFound('d-1'), { code: 'not-found', target: 'id' }],
    ['JournalBusy', new JournalBusy('/j/s1.jrn'), { code: 'busy' }],
    ['DriveBusy', new DriveBusy('/mnt/d1', undefined), { code: 'busy', target: '/mnt/d1' }],
    ['PrepError', new PrepError('This preparation is already running.'), { code: 'refused' }],
    [
      'ManifestError',
      new ManifestError('ENOSPC', 'The drive D1 has no room left for its manifest.'),
      { code: 'ENOSPC' },
    ],
    ['SecretError', new SecretError('The secret "x" was not written by this key file.'), { code: 'secret' }],
    [
      'TurnOnRefused',
      new TurnOnRefused('Haul is already turning BitLocker on for E:; wait for it.'),
      { code: 'refused', target: 'target' },
    ],
    [
      'ToolError',
      new ToolError('missing', 'cryptsetup', 'cryptsetup is not installed; install it (apt install cryptsetup).'),
      { code: 'missing' },
    ],
    [
      'ReleaseRefused',
      new ReleaseRefused('Nothing was removed: type the job name to confirm.', 'not-confirmed'),
      { code: 'not-confirmed', target: 'jobName' },
    ],
    [
      'JournalRecordError',
      new JournalRecordError(record, 'its name is too long'),
      { code: 'not-journaled', target: '/data/a.txt' },
    ],
  ];

  it.each(cases)('%s: its code, message as written and target', async (_, thrown, expected) => {
    await withCore({}, async (core) => {
      // a handler that no mapping knows about: the drive list
      const haul = pageBridge({
        ...core.handlers,
        'drives.list': async () => {
          throw thrown;
        },
      } as Handlers);
      const seen = await failure('drives.list', haul.drivesList());
      expect(seen).toEqual({ code: expected.code, message: thrown.message, target: expected.target });
      expect(seen.message).not.toContain('drives.list');
    });
  });

  it('anything else thrown still arrives as a readable sentence that names what failed', async () => {
    await withCore({}, async (core) => {
      for (const thrown of [new Error('lsblk is not installed'), { weird: true }, undefined, 42]) {
        const haul = pageBridge({
          ...core.handlers,
          'drives.list': async () => {
            throw thrown;
          },
        } as Handlers);
        const seen = await failure('drives.list', haul.drivesList());
        expect(seen.code).toBe('failed');
        expect(seen.message).toMatch(/^drives\.list failed: \S/);
        expect(seen.message).not.toMatch(/\[object Object\]|undefined$/);
        expect(ErrorShape.strict().safeParse({ code: seen.code, message: seen.message }).success).toBe(true);
        if (thrown instanceof Error) expect(seen.message).toBe('drives.list failed: lsblk is not installed');
      }
    });
  });
});

describe('thrown by the real services, as the page meets them', () => {
  it('PrepRefused: an unconfirmed start names the field to fix', async () => {
    await withCore({}, async (_, haul) => {
      const src = join(work, 'src');
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 'a.txt'), 'a');
      const target = join(work, 'drive');
      mkdirSync(target, { recursive: true });
      const spec = {
        jobName: 'errors-job',
        sources: { kind: 'picked' as const, paths: [src], destination: 'docs/' },
        targets: [{ path: target, allowFolder: true }],
      };
      expect(await answer('prep.plan', haul.prepPlan(spec))).toMatchObject({ ready: true });
      const seen = await failure('prep.start', haul.prepStart({ ...spec, confirmedDriveIds: [] }));
      expect(seen).toMatchObject({ code: 'not-confirmed', target: 'confirmedDriveIds' });
      expect(seen.message).toMatch(/^Nothing was written: confirm exactly the drives to be written — not confirmed: /);
      // one without a field: a session that is not there
      expect(await failure('prep.resume', haul.prepResume({ sessionId: 'gone' }))).toEqual({
        code: 'not-found',
        message: 'There is no preparation session gone; it may have been forgotten. Start the preparation again.',
        target: undefined,
      });
    });
  });

  it('InputError: drives and a driveset at once', async () => {
    await withCore({}, async (_, haul) => {
      const seen = await failure(
        'prep.plan',
        haul.prepPlan({
          jobName: 'errors-job',
          sources: { kind: 'picked', paths: [work], destination: 'docs/' },
          targets: [{ path: join(work, 'drive'), allowFolder: true }],
          driveset: {
            text: 'DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\nE,AlreadyFormatted,SilentMode,AlreadyEncrypted,1\n',
          },
        }),
      );
      expect(seen).toEqual({
        code: 'bad-input',
        message: 'Give either a list of drives or a driveset.csv, not both.',
        target: 'driveset',
      });
    });
  });

  it('SettingsError: a settings file that cannot be written says so, and the change is not kept', async () => {
    let failWrites = false;
    const settingsBackend: CoreOptions['settingsBackend'] = ({ cwd, name }) => {
      let store: Record<string, unknown> = {};
      return {
        path: join(cwd, `${name}.json`),
        get store() {
          return store;
        },
        set store(next) {
          if (failWrites) throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
          store = next;
        },
      };
    };
    await withCore({ settingsBackend }, async (core, haul) => {
      failWrites = true;
      const seen = await failure('settings.set', haul.settingsSet({ general: { openAtLogin: true } }));
      expect(seen.code).toBe('not-saved');
      expect(seen.message).toMatch(
        /^Haul could not save its settings in .*settings\.json \(EROFS\)\. Check that the folder is writable; your change is not saved\.$/,
      );
      expect(core.context.settings.get().general.openAtLogin).not.toBe(true);
    });
  });

  it('AzureError: listing subscriptions before signing in', async () => {
    const azure = {
      armEndpoint: 'https://127.0.0.1:9',
      credentials: () => {
        throw new Error('this test never signs in');
      },
    };
    await withCore({ azure }, async (_, haul) => {
      expect(await failure('connection.subscriptions', haul.connectionSubscriptions())).toEqual({
        code: 'signed-out',
        message: 'Sign in to Azure first.',
        target: undefined,
      });
    });
  });
});
