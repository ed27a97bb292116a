// The notification centre and its settings: what is kept, what pops up and where, read marks, the
// 200 kept; the Electron notifier over a stand-in Notification; the channels through the bridge gate.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SETTINGS,
  type HaulNotice,
  type NoticeDraft,
  type NotificationSettings,
} from '../../shared/notifications';
import { CENTRE_FILE, NotificationCentre, centreStore } from '../../main/core/notifications/centre';
import { createElectronNotifier, type NotificationLike } from '../../main/electron/notifier';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';

const dirs: string[] = [];
const cores: Core[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp() {
  const d = await mkdtemp(join(tmpdir(), 'haul-centre-test-'));
  dirs.push(d);
  return d;
}

const AT = new Date(2026, 11, 1, 12, 0).getTime();
const draft = (n: number, over: Partial<NoticeDraft> = {}): NoticeDraft => ({
  id: `j${n % 3}#${n}`,
  kind: 'jobState',
  jobName: `j${n % 3}`,
  title: `t${n}`,
  body: 'b',
  at: AT,
  ...over,
});

async function centre(settings: NotificationSettings = DEFAULT_SETTINGS, withShell = false) {
  const dir = await tmp();
  const shown: HaulNotice[] = [];
  const emitted: HaulNotice[] = [];
  const c = new NotificationCentre({
    store: centreStore(dir),
    settings: async () => settings,
    ...(withShell ? { notifier: { show: (n) => shown.push(n) } } : {}),
    emit: (n) => emitted.push(n),
    now: () => AT,
  });
  return { c, dir, shown, emitted };
}

describe('notification centre', () => {
  it('keeps every notice, unread, and pops it up in the page (browser mode) or in the shell (Electron)', async () => {
    const page = await centre();
    await page.c.deliver([draft(1)]);
    expect(page.emitted).toEqual([expect.objectContaining({ id: 'j1#1', read: false, popup: 'page' })]);
    const shell = await centre(DEFAULT_SETTINGS, true);
    await shell.c.deliver([draft(1)]);
    expect(shell.shown.map((n) => n.id)).toEqual(['j1#1']);
    expect(shell.emitted[0]!.popup).toBe('shell');
  });

  it('a kind switched off or a muted job: kept as read, no popup; quiet hours: kept unread, no popup', async () => {
    const off = await centre({ ...DEFAULT_SETTINGS, kinds: { progress: false }, mutedJobs: ['j2'] }, true);
    await off.c.deliver([draft(1, { kind: 'progress' }), draft(2), draft(3)]);
    expect(off.emitted.map((n) => [n.id, n.read, n.popup])).toEqual([
      ['j1#1', true, 'none'],
      ['j2#2', true, 'none'],
      ['j0#3', false, 'shell'],
    ]);
    expect(off.shown.map((n) => n.id)).toEqual(['j0#3']);
    expect((await off.c.list()).unread).toBe(1);
    const quiet = await centre(
      { ...DEFAULT_SETTINGS, quietHours: { enabled: true, start: '11:00', end: '13:00' } },
      true,
    );
    await quiet.c.deliver([draft(1)]);
    expect(quiet.emitted.map((n) => [n.read, n.popup])).toEqual([[false, 'none']]);
    expect(quiet.shown).toEqual([]);
  });

  it('drops an id it already has, keeps the last 200 in the data folder, newest first, and marks read', async () => {
    const { c, dir, emitted } = await centre();
    await c.deliver(Array.from({ length: 150 }, (_, i) => draft(i)));
    await c.deliver(Array.from({ length: 100 }, (_, i) => draft(i + 100)));
    expect(emitted).toHaveLength(250 - 50); // 100..149 came twice
    const list = await c.list();
    expect(list.notices).toHaveLength(200);
    expect(list.notices[0]!.title).toBe('t199');
    expect(list.notices.at(-1)!.title).toBe('t0');
    expect(await c.markRead({ ids: [list.notices[0]!.id] })).toBe(199);
    expect(await c.markRead({ all: true })).toBe(0);
    const onDisk = JSON.parse(await readFile(join(dir, CENTRE_FILE), 'utf8')) as { notices: HaulNotice[] };
    expect(onDisk.notices.every((n) => n.read)).toBe(true);
  });
});

describe('Electron notifier', () => {
  it("shows the notice's words and opens its job on click", () => {
    const made: { options: { title: string; body: string }; handlers: Record<string, () => void>; shown: boolean }[] =
      [];
    class FakeNotification implements NotificationLike {
      private readonly rec: (typeof made)[number];
      constructor(options: { title: string; body: string }) {
        this.rec = { options, handlers: {}, shown: false };
        made.push(this.rec);
      }
      static isSupported() {
        return true;
      }
      show() {
        this.rec.shown = true;
      }
      on(event: 'click' | 'close', fn: () => void) {
        this.rec.handlers[event] = fn;
        return this;
      }
    }
    const opened: string[] = [];
    const notifier = createElectronNotifier(FakeNotification, (job) => opened.push(job));
    notifier.show({
      ...draft(4),
      title: 'Job j1 is Completed',
      body: 'Download the logs.',
      read: false,
      popup: 'shell',
    });
    expect(made).toEqual([
      expect.objectContaining({ options: { title: 'Job j1 is Completed', body: 'Download the logs.' }, shown: true }),
    ]);
    made[0]!.handlers.click!();
    expect(opened).toEqual(['j1']);
  });
});

describe('notifications channels', () => {
  it('settings are checked at the gate, kept in the data folder, and the tracker answers its status', async () => {
    const dir = await tmp();
    const core = await createCore({ dataDir: dir });
    cores.push(core);
    const bad = await dispatch(core.handlers, 'notifications.settings.set', {
      ...DEFAULT_SETTINGS,
      quietHours: { enabled: true, start: '25:00', end: '07:00' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('22:00') } });
    const next = { ...DEFAULT_SETTINGS, kinds: { driveState: false }, mutedJobs: ['old-job'] };
    expect(await dispatch(core.handlers, 'notifications.settings.set', next)).toEqual({ ok: true, value: next });
    await core.dispose();
    cores.pop();
    const again = await createCore({ dataDir: dir });
    cores.push(again);
    expect(await dispatch(again.handlers, 'notifications.settings.get', {})).toEqual({ ok: true, value: next });
    expect(await dispatch(again.handlers, 'tracker.status', {})).toMatchObject({
      ok: true,
      value: { state: 'disconnected' },
    });
    expect(await dispatch(again.handlers, 'notifications.list', {})).toEqual({
      ok: true,
      value: { notices: [], unread: 0 },
    });
    expect(await dispatch(again.handlers, 'notifications.markRead', { ids: [] })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
