// Settings: defaults on first start, changes kept across restarts, old documents migrated, and a
// damaged file moved aside (kept, named with the time) while Haul starts on defaults and says so.
// Through the port with conf (browser mode's backend) and through the bridge.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS_VERSION } from '../../shared/ipc/channels/settings';
import { createCore } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { openSettings, SettingsError } from '../../main/core/settings';
import { openConfBackend } from '../../main/core/settings/conf';
import { migrate } from '../../main/core/settings/migrations';
import { openSecretStore } from '../../main/core/secrets';
import { keyFileCipher } from '../../main/core/secrets/keyFile';

const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-settings-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the settings port (conf)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tmp();
    file = path.join(dir, 'settings.json');
  });

  it('starts on defaults and writes them, readable only by the user', () => {
    const port = openSettings(dir, openConfBackend);
    expect(port.get()).toEqual({
      version: SETTINGS_VERSION,
      general: { keepTrackingWhenClosed: true, openAtLogin: false },
      connection: { kind: 'local' },
    });
    expect(port.recovered).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(port.get());
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps a change across a restart and tells listeners', () => {
    const port = openSettings(dir, openConfBackend);
    const seen: unknown[] = [];
    port.onChange((s) => seen.push(s.general));
    port.update({ general: { openAtLogin: true } });
    expect(seen).toEqual([{ keepTrackingWhenClosed: true, openAtLogin: true }]);
    const again = openSettings(dir, openConfBackend);
    expect(again.get().general).toEqual({ keepTrackingWhenClosed: true, openAtLogin: true });
    expect(again.recovered).toBeUndefined();
  });

  it('refuses a bad change with a message naming the field, and keeps the file as it was', () => {
    const port = openSettings(dir, openConfBackend);
    const before = readFileSync(file, 'utf8');
    let error: unknown;
    try {
      port.update({ general: { openAtLogin: 'yes' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(/^That setting cannot be saved: general\.openAtLogin /);
    expect((error as Error).message).not.toMatch(/ZodError|\n\s+at /);
    // The connection is main's to change (connection.use, after a sign-in), never a plain settings write.
    expect(() => port.update({ connection: { kind: 'local' } })).toThrow(SettingsError);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    ['truncated', '{"version": 1, "general": {"keepTrackingWhen', /not valid JSON \(cut short or damaged\)/],
    ['empty', '', /it is empty/],
    ['of the wrong shape', '{"version": 1, "general": {"openAtLogin": "sometimes"}}', /general\.openAtLogin/],
    [
      'written by a newer Haul',
      `{"version": ${SETTINGS_VERSION + 1}, "general": {}}`,
      /newer Haul \(settings version 2/,
    ],
    ['not an object', '[1, 2, 3]', /not a JSON object/],
  ])(
    'moves a file that is %s aside (kept, named with the time) and starts on defaults, saying why',
    (_what, text, reason) => {
      writeFileSync(file, text);
      const port = openSettings(dir, openConfBackend);
      expect(port.get().general).toEqual({ keepTrackingWhenClosed: true, openAtLogin: false });
      expect(port.recovered?.reason).toMatch(reason);
      const aside = port.recovered!.movedTo;
      expect(path.basename(aside)).toMatch(/^settings\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
      expect(readFileSync(aside, 'utf8')).toBe(text);
      // The new file holds the defaults; the damaged one is still there.
      expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(SETTINGS_VERSION);
      expect(readdirSync(dir).sort()).toEqual([path.basename(aside), 'settings.json'].sort());
    },
  );

  it('migrates an unversioned (version 0) document and writes it back at the current version', () => {
    writeFileSync(file, JSON.stringify({ keepTrackingWhenClosed: false, openAtLogin: true }));
    const port = openSettings(dir, openConfBackend);
    expect(port.recovered).toBeUndefined();
    expect(port.get().general).toEqual({ keepTrackingWhenClosed: false, openAtLogin: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: SETTINGS_VERSION,
      general: { keepTrackingWhenClosed: false, openAtLogin: true },
    });
  });

  it('runs migrations one version at a time, in order', () => {
    const calls: number[] = [];
    const steps = {
      1: (d: Record<string, unknown>) => (calls.push(1), { ...d, a: 1 }),
      2: (d: Record<string, unknown>) => (calls.push(2), { ...d, b: (d.a as number) + 1 }),
    };
    expect(migrate({ version: 0 }, 2, steps)).toEqual({ doc: { version: 2, a: 1, b: 2 }, migrated: true });
    expect(calls).toEqual([1, 2]);
    expect(migrate({ version: 2, a: 5 }, 2, steps)).toEqual({ doc: { version: 2, a: 5 }, migrated: false });
  });
});

describe('settings over the bridge', () => {
  it('settings.get reports a recovery; settings.set saves, answers the new view and pushes settings.changed', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'settings.json'), '{"version":1,"gen');
    const core = await createCore({ dataDir: dir, listDrives: async () => [] });
    try {
      const got = await dispatch(core.handlers, 'settings.get', {});
      expect(got).toMatchObject({
        ok: true,
        value: {
          host: 'browser',
          file: path.join(dir, 'settings.json'),
          recovered: { reason: expect.stringMatching(/cut short/) },
        },
      });
      const pushed: unknown[] = [];
      core.events.on((event, payload) => event === 'settings.changed' && pushed.push(payload));
      const set = await dispatch(core.handlers, 'settings.set', { general: { keepTrackingWhenClosed: false } });
      expect(set).toMatchObject({
        ok: true,
        value: { settings: { general: { keepTrackingWhenClosed: false, openAtLogin: false } } },
      });
      expect(pushed).toHaveLength(1);
      const bad = await dispatch(core.handlers, 'settings.set', { general: { colour: 'blue' } });
      expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      expect(existsSync(path.join(dir, 'settings.json'))).toBe(true);
    } finally {
      await core.dispose();
    }
  });
});

describe('two recoveries in the same second', () => {
  it('keep both damaged files', () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{"first');
    const first = openSettings(dir, openConfBackend).recovered!.movedTo;
    writeFileSync(file, '{"second');
    const second = openSettings(dir, openConfBackend).recovered!.movedTo;
    expect(second).not.toBe(first);
    expect([readFileSync(first, 'utf8'), readFileSync(second, 'utf8')]).toEqual(['{"first', '{"second']);
  });
});

describe("Haul's own files when they are not files", () => {
  const words = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('no error');
  };

  it('settings.json as a folder: says what, where and what to do, never "EISDIR", and touches nothing', async () => {
    const dir = tmp();
    const file = path.join(dir, 'settings.json');
    mkdirSync(path.join(file, 'inside'), { recursive: true });
    const message = words(() => openSettings(dir, openConfBackend));
    expect(message).toBe(
      `Haul's settings file ${file} is a folder, not a file. Move that folder away (Haul then starts a new file), or put the file back in its place.`,
    );
    // The way `haul serve` starts: the same words reach the person.
    await expect(createCore({ dataDir: dir, listDrives: async () => [] })).rejects.toThrow(/is a folder, not a file/);
    expect(existsSync(path.join(file, 'inside'))).toBe(true);
  });

  it('secrets.key as a folder: the same words, and what it means for saved secrets', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'secrets.key'));
    const message = words(() => keyFileCipher(dir));
    expect(message).toMatch(/^Haul's key file .*secrets\.key is a folder, not a file\. Move that folder away/);
    expect(message).toMatch(/Secrets saved with the old key cannot be read without it\./);
    expect(message).not.toMatch(/EISDIR/);
    expect(statSync(path.join(dir, 'secrets.key')).mode & 0o777).not.toBe(0o600);
  });

  it('a JSON store (secrets.json) that is a folder answers in words over the bridge, not EISDIR', async () => {
    const dir = tmp();
    const core = await createCore({ dataDir: dir, listDrives: async () => [] });
    try {
      mkdirSync(path.join(dir, 'secrets.json'));
      const r = await dispatch(core.handlers, 'settings.get', {});
      const text = JSON.stringify(r);
      expect(text).not.toMatch(/EISDIR/);
      if (!r.ok) expect(r.error.message).toMatch(/secrets\.json is a folder, not a file/);
      const store = openSecretStore(dir, keyFileCipher(dir));
      await expect(store.get('azure/account')).rejects.toThrow(
        /secrets\.json is a folder, not a file\. Move that folder away/,
      );
    } finally {
      await core.dispose();
    }
  });
});
