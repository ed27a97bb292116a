import { describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/bridge/dispatch';
import { createCore, type Handlers } from '../../main/core/bridge/core';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'haul-dispatch-'));

describe('the bridge gate (dispatch)', () => {
  it('answers app.info with the platform and data folder of this process', async () => {
    const dir = dataDir();
    const core = await createCore({ dataDir: dir, listDrives: async () => [] });
    const result = await dispatch(core.handlers, 'app.info', {});
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: 'Haul', platform: process.platform, dataDir: dir }) });
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
      'app.info': async () => { called = true; return {} as never; },
      'drives.list': async () => { called = true; return []; },
      'service.status': async () => { called = true; return { state: 'off', kind: 'none' } as const; },
    } as Handlers;
    const result = await dispatch(handlers, 'drives.list', { sneaky: true });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('bad-request');
      expect(result.error.message).toMatch(/drives\.list.*sneaky/);
    }
  });

  it('turns a failing handler into a message instead of a crash', async () => {
    const core = await createCore({ dataDir: dataDir(), listDrives: async () => { throw new Error('lsblk is not installed'); } });
    const result = await dispatch(core.handlers, 'drives.list', {});
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'drives.list failed: lsblk is not installed' } });
  });

  it('reduces drivelist records to the contract shape (missing fields become null)', async () => {
    const core = await createCore({
      dataDir: dataDir(),
      listDrives: async () => [{ device: '/dev/sdz', description: 'USB stick', size: 64e9, mountpoints: [{ path: '/media/stick', label: 'STICK' }], isSystem: false, isRemovable: true, isReadOnly: false }],
    });
    const result = await dispatch(core.handlers, 'drives.list', {});
    expect(result).toEqual({ ok: true, value: [expect.objectContaining({ device: '/dev/sdz', raw: '/dev/sdz', size: 64e9, isUSB: null, busType: 'UNKNOWN', error: null })] });
  });
});
