// prep.*, fs.browse and drafts.* through `dispatch`, as the renderer reaches them: requests are
// checked against the channel schemas, errors come back coded and in words, drafts survive a
// restart of main, and a prep session started over the bridge reports through prep.progress.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { Draft, DraftSummary } from '../../shared/prep/draft';
import type { BrowseResult, PrepPlanResult, PrepProgressPayload, PrepSessionInfo } from '../../shared/prep/session';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-bridge-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const core = (dataDir: string): Promise<Core> =>
  createCore({ dataDir, listDrives: async () => [], keepAwake: noKeepAwake });

async function call<T>(c: Core, channel: string, payload: unknown): Promise<T> {
  const r = (await dispatch(c.handlers, channel, payload)) as BridgeResult<T>;
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value;
}
async function refusal(c: Core, channel: string, payload: unknown) {
  const r = await dispatch(c.handlers, channel, payload);
  expect(r.ok).toBe(false);
  return r.ok ? undefined : r.error;
}

describe('fs.browse', () => {
  it('lists folders first, then files, with sizes; hidden entries only when asked, and counted', async () => {
    const c = await core(join(work, 'data-browse'));
    const dir = join(work, 'browse');
    mkdirSync(join(dir, 'b-folder'), { recursive: true });
    mkdirSync(join(dir, 'z-folder'));
    writeFileSync(join(dir, 'a-file.txt'), 'hello');
    writeFileSync(join(dir, '.hidden'), 'x');
    const r = await call<BrowseResult>(c, 'fs.browse', { path: dir });
    expect(r.entries.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'folder:b-folder',
      'folder:z-folder',
      'file:a-file.txt',
    ]);
    expect(r.entries.find((e) => e.name === 'a-file.txt')?.size).toBe(5);
    expect(r.hiddenCount).toBe(1);
    expect(r.parent).toBe(work);
    const all = await call<BrowseResult>(c, 'fs.browse', { path: dir, showHidden: true });
    expect(all.entries.map((e) => e.name)).toContain('.hidden');
    const folders = await call<BrowseResult>(c, 'fs.browse', { path: dir, foldersOnly: true });
    expect(folders.entries.every((e) => e.kind === 'folder')).toBe(true);
    const home = await call<BrowseResult>(c, 'fs.browse', {});
    expect(home.path).toBe(home.home);
    expect(home.places[0]).toEqual({ name: 'Home', path: home.home });
    await c.dispose();
  });

  it('names what went wrong instead of an empty list', async () => {
    const c = await core(join(work, 'data-browse2'));
    const missing = await refusal(c, 'fs.browse', { path: join(work, 'no-such-folder') });
    expect(missing).toMatchObject({ code: 'not-found', target: 'path' });
    expect(missing?.message).toContain(join(work, 'no-such-folder'));
    writeFileSync(join(work, 'plain.txt'), 'x');
    expect(await refusal(c, 'fs.browse', { path: join(work, 'plain.txt') })).toMatchObject({ code: 'not-a-folder' });
    expect(await refusal(c, 'fs.browse', { path: 'relative/path' })).toMatchObject({ code: 'not-absolute' });
    expect(await refusal(c, 'fs.browse', { path: work, sneaky: 1 })).toMatchObject({ code: 'bad-request' });
    if (process.getuid?.() !== 0) {
      const locked = join(work, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0);
      expect(await refusal(c, 'fs.browse', { path: locked })).toMatchObject({ code: 'no-access' });
      chmodSync(locked, 0o755);
    }
    await c.dispose();
  });
});

describe('drafts', () => {
  it('saves, lists and deletes drafts, and they survive a restart of main', async () => {
    const dataDir = join(work, 'data-drafts');
    const first = await core(dataDir);
    const saved = await call<Draft>(first, 'drafts.save', {
      draft: {
        step: 'data',
        values: {
          type: { kind: 'import', jobName: 'half-done', location: 'West US' },
          importData: { mode: 'picked', paths: ['/data/photos'], destination: 'photos/' },
        },
      },
    });
    expect(saved.id).toMatch(/^[A-Za-z0-9-]+$/);
    expect(saved.values.shipping.returnAddress).toEqual({});
    // what the person typed is kept even when it is not valid yet: the wizard checks each step itself
    const again = await call<Draft>(first, 'drafts.save', {
      draft: {
        id: saved.id,
        step: 'shipping',
        values: { ...saved.values, shipping: { ...saved.values.shipping, returnAddress: { email: 'not-an-email' } } },
      },
    });
    expect(again.createdAt).toBe(saved.createdAt);
    expect(await refusal(first, 'drafts.save', { draft: { step: 'nowhere', values: {} } })).toMatchObject({
      code: 'bad-request',
    });
    await first.dispose();

    const second = await core(dataDir);
    const list = await call<DraftSummary[]>(second, 'drafts.list', {});
    expect(list).toEqual([
      { id: saved.id, jobName: 'half-done', kind: 'import', step: 'shipping', updatedAt: again.updatedAt },
    ]);
    const got = await call<Draft>(second, 'drafts.get', { id: saved.id });
    expect(got.values.shipping.returnAddress.email).toBe('not-an-email');
    expect(await call(second, 'drafts.delete', { id: saved.id })).toEqual({ deleted: true });
    expect(await refusal(second, 'drafts.get', { id: saved.id })).toMatchObject({ code: 'not-found' });
    expect(await call(second, 'drafts.list', {})).toEqual([]);
    await second.dispose();
  });
});

describe('prep over the bridge', () => {
  it('previews an export from a blob list', async () => {
    const c = await core(join(work, 'data-export'));
    const r = await call<{ drives: { blobs: unknown[] }[]; tooLarge: unknown[] }>(c, 'prep.previewExport', {
      blobListText: 'photos/a.jpg,20MB\nphotos/b.jpg,20MB\nphotos/huge.bin,2GB\n',
      driveSize: 50_000_000,
    });
    expect(r.drives.map((d) => d.blobs.length)).toEqual([2]);
    expect(r.tooLarge).toHaveLength(1);
    expect(await refusal(c, 'prep.previewExport', { blobListText: 'no-slash,5', driveSize: 1e9 })).toMatchObject({
      code: 'bad-input',
    });
    await c.dispose();
  });

  it('plans, refuses an unconfirmed start, copies with prep.progress events and lists the session', async () => {
    const c = await core(join(work, 'data-prep'));
    const progress: PrepProgressPayload[] = [];
    c.events.on((event, payload) => {
      if (event === 'prep.progress') progress.push(payload as PrepProgressPayload);
    });
    const src = join(work, 'bridge-src');
    mkdirSync(join(src, 'a'), { recursive: true });
    for (let i = 0; i < 5; i++) writeFileSync(join(src, 'a', `f${i}.txt`), `file ${i}`.repeat(1000));
    const target = join(work, 'bridge-drive');
    mkdirSync(target);
    const spec = {
      jobName: 'bridge-job',
      sources: { kind: 'picked', paths: [src], destination: 'docs/' },
      // a temp folder stands in for the drive: the person confirmed it
      targets: [{ path: target, allowFolder: true }],
    };
    const plan = await call<PrepPlanResult>(c, 'prep.plan', spec);
    expect(plan).toMatchObject({ ready: true, problems: [], targetProblems: [] });
    expect(plan.plan?.totalFiles).toBe(5);
    expect(await refusal(c, 'prep.start', { ...spec, confirmedDriveIds: [] })).toMatchObject({
      code: 'not-confirmed',
      target: 'confirmedDriveIds',
    });
    const badDest = await call<PrepPlanResult>(c, 'prep.plan', {
      ...spec,
      sources: { ...spec.sources, destination: 'Bad_Container/' },
    });
    expect(badDest.ready).toBe(false);
    expect(badDest.problems[0]).toMatchObject({ code: 'container-name', source: `${src}/` });
    const started = await call<PrepSessionInfo>(c, 'prep.start', {
      ...spec,
      confirmedDriveIds: plan.targets.map((t) => t.driveId),
    });
    await c.context.prep!.whenEnded(started.sessionId);
    const [listed] = await call<PrepSessionInfo[]>(c, 'prep.sessions', {});
    expect(listed).toMatchObject({ sessionId: started.sessionId, state: 'finished', result: { ok: true } });
    expect(listed!.result!.drives[0]!.verified).toBe(true);
    expect(progress.some((p) => p.sessionId === started.sessionId && p.event.type === 'done')).toBe(true);
    const verified = await call<{ ok: boolean }[]>(c, 'prep.verify', { sessionId: started.sessionId });
    expect(verified.map((v) => v.ok)).toEqual([true]);
    expect(await refusal(c, 'prep.resume', { sessionId: 'no-such-session' })).toMatchObject({ code: 'not-found' });
    expect(await call(c, 'prep.forget', { sessionId: started.sessionId })).toEqual({ forgotten: true });
    expect(await call(c, 'prep.sessions', {})).toEqual([]);
    await c.dispose();
  }, 120_000);
});
