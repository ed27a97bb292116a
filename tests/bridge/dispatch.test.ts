import { afterAll, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../main/core/bridge/dispatch';
import { createCore, type Handlers } from '../../main/core/bridge/core';
import { CHANNELS } from '../../shared/ipc/names';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-dispatch-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('the bridge gate (dispatch)', () => {
  it('answers app.info with the platform and data folder of this process', async () => {
    const dir = dataDir();
    const core = await createCore({ dataDir: dir, listDrives: async () => [] });
    const result = await dispatch(core.handlers, 'app.info', {});
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ name: 'Haul', platform: process.platform, dataDir: dir }),
    });
  });

  it('refuses a channel that does not exist, naming it', async () => {
    const core = await createCore({ dataDir: dataDir(), listDrives: async () => [] });
    const result = await dispatch(core.handlers, 'fs.readFile', { path: '/etc/shadow' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unknown-channel');
      expect(result.error.message).toContain('"fs.readFile"');
    }
  });

  it('refuses a payload that does not match the channel schema, before the handler runs', async () => {
    let called = false;
    const handlers = {
      'app.info': async () => {
        called = true;
        return {} as never;
      },
      'drives.list': async () => {
        called = true;
        return [];
      },
      'service.status': async () => {
        called = true;
        return { state: 'off', kind: 'none' } as const;
      },
    } as unknown as Handlers;
    const result = await dispatch(handlers, 'drives.list', { sneaky: true });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('bad-request');
      expect(result.error.message).toMatch(/drives\.list.*sneaky/);
    }
  });

  it('turns a failing handler into a message instead of a crash', async () => {
    const core = await createCore({
      dataDir: dataDir(),
      listDrives: async () => {
        throw new Error('lsblk is not installed');
      },
    });
    const result = await dispatch(core.handlers, 'drives.list', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'failed', message: 'drives.list failed: lsblk is not installed' },
    });
  });

  it('lists drives classified as copy targets, with the reasons in words', async () => {
    const core = await createCore({
      dataDir: dataDir(),
      listDrives: async () => [
        {
          device: '/dev/sda',
          description: 'Samsung SSD',
          size: 512e9,
          mountpoints: ['/'],
          removable: false,
          system: true,
          readOnly: false,
          virtual: false,
          serial: 'S4EV',
        },
        {
          device: '/dev/sdz',
          description: 'WD Elements',
          size: 4e12,
          mountpoints: [],
          removable: true,
          system: false,
          readOnly: false,
          virtual: false,
          serial: 'WX12',
        },
      ],
    });
    const result = await dispatch(core.handlers, 'drives.list', {});
    expect(result.ok).toBe(true);
    const drives = result.ok
      ? (result.value as { device: string; status: string; serial?: string; reasons: { message: string }[] }[])
      : [];
    expect(drives.map((d) => [d.device, d.status, d.serial])).toEqual([
      ['/dev/sda', 'blocked', 'S4EV'],
      ['/dev/sdz', 'warned', 'WX12'],
    ]);
    expect(drives[0]!.reasons[0]!.message).toMatch(/system drive/);
    expect(drives[1]!.reasons.map((r) => r.message).join(' ')).toMatch(/no mounted file system/);
  });

  it('pushes drives.changed when a drive is plugged in or pulled (hot-plug)', async () => {
    const usb = {
      device: '/dev/sdz',
      description: 'WD Elements',
      size: 4e12,
      mountpoints: ['/media/wd'],
      removable: true,
      system: false,
      readOnly: false,
      virtual: false,
      serial: 'WX12',
    };
    let present = false;
    const core = await createCore({
      dataDir: dataDir(),
      listDrives: async () => (present ? [usb] : []),
      watchDrives: { intervalMs: 20 },
    });
    const seen: unknown[] = [];
    core.events.on((event, payload) => {
      if (event === 'drives.changed') seen.push(payload);
    });
    present = true;
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 2000 });
    present = false;
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 2000 });
    await core.dispose();
    expect(seen[0]).toMatchObject({
      added: ['/dev/sdz'],
      removed: [],
      drives: [{ device: '/dev/sdz', serial: 'WX12' }],
    });
    expect(seen[1]).toEqual({ added: [], removed: ['/dev/sdz'], drives: [] });
  });
});

describe('every channel against hostile payloads', () => {
  // What a script holding the token could send: wrong types, unknown fields, prototype keys, a deep
  // nest, megabytes. Each is refused before any handler runs, in bounded words, and pollutes nothing.
  const hostile: [string, unknown][] = [
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['a negative number', -1],
    ['a huge number', 1e308],
    ['a string', 'x'],
    ['an empty string', ''],
    ['an array', []],
    ['an array of objects', [{}]],
    ['an unknown field', { haulUnknownField: 1 }],
    ['a __proto__ key', JSON.parse('{"__proto__":{"polluted":true}}')],
    ['a constructor.prototype key', JSON.parse('{"constructor":{"prototype":{"polluted":true}}}')],
    ['an empty key', { '': null }],
    ['a deep nest', JSON.parse(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)],
    ['a 5 MB field', { haulUnknownField: 'x'.repeat(5_000_000) }],
    ['a NUL in a key', { 'a\u0000b': 1 }],
    ['a 5 MB key', { ['k'.repeat(5_000_000)]: 1 }],
  ];

  it(`refuses ${hostile.length} hostile payloads on each of the ${CHANNELS.length} channels before a handler runs`, async () => {
    const called: string[] = [];
    const handlers = new Proxy(
      {},
      {
        get: (_t, channel) => async () => {
          called.push(String(channel));
          return {};
        },
      },
    ) as Handlers;
    for (const channel of CHANNELS) {
      for (const [what, payload] of hostile) {
        const r = await dispatch(handlers, channel, payload);
        expect(r.ok, `${channel} accepted ${what}`).toBe(false);
        if (!r.ok) {
          expect(r.error.code, `${channel} / ${what}`).toBe('bad-request');
          expect(r.error.message.length).toBeLessThan(2200);
        }
      }
    }
    expect(called).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
