// Browser mode's page reaches only the folders the person who started `haul serve` chose: fs.browse
// lists nothing outside them (not /proc, not a link out of them), and a prep that would copy from,
// read a CSV from, or write to a place outside them is refused before anything is read.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { BrowseResult } from '../../shared/prep/session';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { defaultReadRoots } from '../../main/core/bridge/readRoots';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';

const work = mkdtempSync(join(tmpdir(), 'haul-read-roots-'));
const allowed = join(work, 'allowed');
const outside = join(work, 'outside');
let core: Core;
let desktop: Core;

beforeAll(async () => {
  mkdirSync(join(allowed, 'photos'), { recursive: true });
  mkdirSync(join(allowed, 'drive'), { recursive: true });
  writeFileSync(join(allowed, 'photos', 'a.jpg'), 'a');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'not for the page', { mode: 0o600 });
  symlinkSync(outside, join(allowed, 'way-out'));
  core = await createCore({
    dataDir: join(work, 'data'),
    listDrives: async () => [],
    keepAwake: noKeepAwake,
    readRoots: [allowed],
  });
  desktop = await createCore({
    dataDir: join(work, 'data-desktop'),
    listDrives: async () => [],
    keepAwake: noKeepAwake,
  });
});
afterAll(async () => {
  await core?.dispose();
  await desktop?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const refused = async (c: Core, channel: string, payload: unknown) => {
  const r = (await dispatch(c.handlers, channel, payload)) as BridgeResult<unknown>;
  expect(r.ok).toBe(false);
  return r.ok ? { code: '', message: '' } : r.error;
};

describe('fs.browse in browser mode', () => {
  it('starts in the first allowed folder, offers only the allowed folders as places, and has no parent above them', async () => {
    const r = (await dispatch(core.handlers, 'fs.browse', {})) as BridgeResult<BrowseResult>;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.path).toBe(allowed);
    expect(r.value.places).toEqual([{ name: allowed, path: allowed }]);
    expect(r.value.parent).toBeUndefined();
    const inner = (await dispatch(core.handlers, 'fs.browse', {
      path: join(allowed, 'photos'),
    })) as BridgeResult<BrowseResult>;
    expect(inner.ok && inner.value.parent).toBe(allowed);
  });

  it('refuses /proc, a folder outside, and a link that leads out, naming the folders and the flag that allows more', async () => {
    for (const path of ['/proc', outside, join(allowed, 'way-out'), join(allowed, '..')]) {
      const e = await refused(core, 'fs.browse', { path });
      expect(e.code).toBe('no-access');
      expect(e.message).toContain(allowed);
      expect(e.message).toMatch(/haul serve --allow-dir/);
    }
  });

  it('the desktop app (no folders given) browses as the user may', async () => {
    const r = (await dispatch(desktop.handlers, 'fs.browse', { path: outside })) as BridgeResult<BrowseResult>;
    expect(r.ok && r.value.entries.map((e) => e.name)).toEqual(['secret.txt']);
  });
});

describe('prep in browser mode', () => {
  const spec = (over: Record<string, unknown>) => ({
    jobName: 'job1',
    sources: { kind: 'picked', paths: [join(allowed, 'photos')], destination: 'media/' },
    targets: [{ path: join(allowed, 'drive'), allowFolder: true }],
    ...over,
  });

  it('refuses to copy from a folder outside, or through a link that leads out', async () => {
    for (const p of [outside, join(allowed, 'way-out', 'secret.txt')]) {
      const e = await refused(
        core,
        'prep.plan',
        spec({ sources: { kind: 'picked', paths: [p], destination: 'media/' } }),
      );
      expect(e.code).toBe('no-access');
      expect(e.message).toMatch(/copies from folders only inside the folders it was started with/);
    }
  });

  it('refuses a dataset.csv kept outside, and one inside that lists a folder outside', async () => {
    const header = 'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n';
    writeFileSync(join(outside, 'dataset.csv'), `${header}${allowed}/photos/,media/,,,,\n`);
    writeFileSync(join(allowed, 'dataset.csv'), `${header}${outside}/,media/,,,,\n`);
    const csvOutside = await refused(
      core,
      'prep.plan',
      spec({ sources: { kind: 'dataset', dataset: { path: join(outside, 'dataset.csv') } } }),
    );
    expect(csvOutside.message).toMatch(/reads files only inside/);
    const listsOutside = await refused(
      core,
      'prep.plan',
      spec({ sources: { kind: 'dataset', dataset: { path: join(allowed, 'dataset.csv') } } }),
    );
    expect(listsOutside.message).toContain(outside);
    const asText = await refused(
      core,
      'prep.plan',
      spec({ sources: { kind: 'dataset', dataset: { text: `${header}${outside}/,media/,,,,\n` } } }),
    );
    expect(asText.code).toBe('no-access');
  });

  it('refuses to write to a folder outside, and to verify a drive outside', async () => {
    const e = await refused(core, 'prep.plan', spec({ targets: [{ path: outside, allowFolder: true }] }));
    expect(e.message).toMatch(/writes only inside/);
    const v = await refused(core, 'prep.verify', { targets: [outside] });
    expect(v.code).toBe('no-access');
  });

  it('plans a prep that stays inside', async () => {
    const r = await dispatch(core.handlers, 'prep.plan', spec({}));
    expect(r.ok).toBe(true);
  });
});

describe('haul serve by default', () => {
  it('lets the page reach the home folder and the removable-media folders that exist, nothing else', () => {
    const roots = defaultReadRoots();
    expect(roots[0]).toBe(homedir());
    for (const r of roots.slice(1)) expect(r).toMatch(/^\/(media|run\/media|mnt|Volumes)/);
    expect(roots).not.toContain('/');
  });
});
