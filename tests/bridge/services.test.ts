// One composition root: main/core/services.ts builds every service once; the bridge's handler
// modules are maps from channel to a method of those services, so building the handlers (for a
// second window, a second host) starts nothing and replaces nothing — one tracker polls, one
// notification centre holds the notices, one set of sessions runs.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../main/core/bridge/dispatch';
import { createCore, handlersOf, type Core } from '../../main/core/bridge/core';
import type { ConnectionSource } from '../../main/core/service/connection';

const made: string[] = [];
const cores: Core[] = [];
afterAll(async () => {
  for (const c of cores) await c.dispose();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A service configured but not reachable yet: what the app has while the sandbox starts. */
const notYet: ConnectionSource = { current: () => undefined, onChange: () => () => {} };

async function core(): Promise<Core> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'haul-services-'));
  made.push(dataDir);
  const c = await createCore({ dataDir, listDrives: async () => [], connections: notYet, tracker: { start: false } });
  cores.push(c);
  return c;
}

describe('the composition root', () => {
  it('builds every service, each once, with nothing left to fill in later', async () => {
    const c = await core();
    const s = c.context;
    // with a service configured, only the local sandbox (not started here) is absent, and the page's
    // folder limits (browser mode's --allow-dir; none given here)
    const absent = Object.entries(s)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    expect(absent).toEqual(['localService', 'readRoots']);
    for (const key of ['tracker', 'notifications', 'prep', 'drafts', 'jobs', 'reports', 'verifyImport', 'received'])
      expect(s, key).toHaveProperty(key, expect.anything());
  });

  it('building the handlers again starts nothing and replaces no service', async () => {
    const c = await core();
    const before = { ...c.context };
    const again = handlersOf(c.context);
    expect({ ...c.context }).toEqual(before);
    for (const [key, value] of Object.entries(before)) expect(c.context[key as keyof typeof before], key).toBe(value);
    expect(Object.keys(again).sort()).toEqual(Object.keys(c.handlers).sort());
  });

  it("the handlers answer from the services' own instances", async () => {
    const c = await core();
    const { centre } = c.context.notifications;
    await centre.deliver([
      {
        id: 'photos-2026#1',
        jobName: 'photos-2026',
        kind: 'driveState',
        title: 'Drive D1 copied',
        body: 'The data center copied drive D1 of photos-2026.',
        at: Date.now(),
      },
    ]);
    const listed = await dispatch(c.handlers, 'notifications.list', {});
    expect(listed).toMatchObject({ ok: true, value: await centre.list() });
    expect(await dispatch(c.handlers, 'tracker.status', {})).toEqual({
      ok: true,
      value: c.context.tracker.getStatus(),
    });
    expect(await dispatch(c.handlers, 'prep.sessions', {})).toEqual({ ok: true, value: await c.context.prep.list() });
  });

  it('dispose stops every service once; a second dispose has nothing left to stop', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'haul-services-'));
    made.push(dataDir);
    const c = await createCore({ dataDir, listDrives: async () => [], tracker: { start: false } });
    let stopped = 0;
    c.context.onDispose(() => void stopped++);
    await c.dispose();
    await c.dispose();
    expect(stopped).toBe(1);
  });
});
