// The app's preparation sessions in main (PrepManager): started only on the exact confirmed
// drives, one copy per drive at a time, progress at most about 4 a second, Cancel and Resume,
// and after a kill -9 of main the unfinished session is listed from its journal and resumes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PrepProgressPayload, PrepSessionInfo } from '../../shared/prep/session';
import type { PrepEvent } from '../../shared/prep/types';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { PrepManager, PrepRefused, ProgressThrottle } from '../../main/core/prep/app/manager';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { Journal } from '../../main/core/prep/journal/journal';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-prep-manager-'));
let drives: TestDrives;
beforeAll(() => {
  drives = makeDrives(work, 2, 48);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

function manager(
  dataDir: string,
  progress: { at: number; p: PrepProgressPayload }[] = [],
  sessions: PrepSessionInfo[] = [],
): PrepManager {
  return new PrepManager({
    dataDir,
    onProgress: (p) => progress.push({ at: Date.now(), p }),
    onSession: (s) => sessions.push(s),
    keepAwake: noKeepAwake,
  });
}

const spec = (src: string, targets: string[], extra: Record<string, unknown> = {}) => ({
  jobName: 'manager-job',
  sources: { kind: 'picked' as const, paths: [src], destination: 'media/' },
  targets: targets.map((path) => ({ path, ...(drives.allowFolders ? { allowFolder: true } : {}) })),
  ...extra,
});

/** Every source file is on the drives under the session's folder, byte for byte. */
function expectAllCopied(sessionId: string, hashes: Map<string, string>): void {
  const found = new Map<string, string>();
  for (const m of drives.mounts) {
    for (const b of readManifest(m)?.blobs ?? []) {
      if (b.filePath.startsWith(`${sessionId}/`))
        found.set(
          b.blobPath.slice('media/'.length),
          createHash('md5')
            .update(readFileSync(join(m, b.filePath)))
            .digest('hex'),
        );
    }
  }
  expect(Object.fromEntries(found)).toEqual(Object.fromEntries(hashes));
}

describe('ProgressThrottle', () => {
  it('passes progress at most once per interval, always the latest, and every other event at once', () => {
    vi.useFakeTimers();
    try {
      const sent: PrepEvent[] = [];
      const t = new ProgressThrottle(
        (e) => sent.push(e),
        250,
        () => Date.now(),
      );
      const progress = (n: number): PrepEvent => ({
        type: 'progress',
        phase: 'copy',
        bytesDone: n,
        bytesTotal: 100,
        filesDone: 0,
        filesTotal: 1,
        speed: 0,
        drives: [],
      });
      for (let i = 0; i < 20; i++) {
        t.push(progress(i));
        vi.advanceTimersByTime(50);
      } // 20 a second for one second
      expect(sent.length).toBeLessThanOrEqual(5);
      expect(sent.length).toBeGreaterThanOrEqual(4);
      t.push({ type: 'file-error', source: '/x', code: 'EACCES', message: 'no' });
      // the progress held back goes out first, then the error, in order
      expect(sent.at(-2)).toMatchObject({ type: 'progress', bytesDone: 19 });
      expect(sent.at(-1)).toMatchObject({ type: 'file-error' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('PrepManager', () => {
  it('starts only on the drives the person confirmed, and never two copies on one drive', async () => {
    drives.clear();
    const src = join(work, 'src-confirm');
    makeSource(src, 2, 5 * 1024 * 1024, 5);
    const m = manager(join(work, 'data-confirm'));
    const plan = await m.plan(spec(src, [drives.mounts[0]!], { maxRate: 2 * 1024 * 1024 }));
    expect(plan.ready).toBe(true);
    const id = plan.targets[0]!.driveId;
    await expect(m.start(spec(src, [drives.mounts[0]!]), ['SOMETHING-ELSE'])).rejects.toMatchObject({
      code: 'not-confirmed',
    });
    expect(readdirSync(drives.mounts[0]!).filter((f) => f !== 'lost+found')).toEqual([]);
    const running = await m.start(spec(src, [drives.mounts[0]!], { maxRate: 2 * 1024 * 1024 }), [id]);
    expect(running.targets[0]!.driveId).toBe(id);
    const clash = m.start(spec(src, [drives.mounts[0]!]), [id]);
    await expect(clash).rejects.toBeInstanceOf(PrepRefused);
    await expect(clash).rejects.toMatchObject({ code: 'busy' });
    await m.cancel(running.sessionId);
    await m.whenEnded(running.sessionId);
    const [listed] = await m.list();
    expect(listed).toMatchObject({ sessionId: running.sessionId, state: 'stopped', resumable: true });
  }, 120_000);

  it('sends progress at most about 4 times a second, then the result with what the job needs per drive', async () => {
    drives.clear();
    const src = join(work, 'src-rate');
    const hashes = makeSource(src, 4, 5 * 1024 * 1024, 20);
    const progress: { at: number; p: PrepProgressPayload }[] = [];
    const m = manager(join(work, 'data-rate'), progress);
    const s = spec(src, drives.mounts, { maxRate: 5 * 1024 * 1024, verify: true });
    const plan = await m.plan(s);
    const started = await m.start(
      s,
      plan.targets.map((t) => t.driveId),
      'draft-1',
    );
    await m.whenEnded(started.sessionId);
    const ticks = progress.filter((x) => x.p.event.type === 'progress').map((x) => x.at);
    expect(ticks.length).toBeGreaterThan(4);
    // At most about 4 a second; an event of another kind (a drive done, verify starting) sends the
    // progress held back first, so it may add one within its second.
    const others = progress.filter((x) => x.p.event.type !== 'progress').map((x) => x.at);
    const within = (list: number[], from: number, to: number) => list.filter((u) => u >= from && u < to).length;
    // an event of another kind up to 250 ms before the second, or in it, may add one
    for (const t of ticks)
      expect(within(ticks, t, t + 1000) - within(others, t - 250, t + 1000)).toBeLessThanOrEqual(5);
    expect(progress.every((x) => x.p.sessionId === started.sessionId && x.p.jobName === 'manager-job')).toBe(true);
    const last = progress.filter((x) => x.p.event.type === 'progress').at(-1)!.p.event;
    expect(last.type === 'progress' && last.bytesDone).toBe(last.type === 'progress' && last.bytesTotal);
    const [info] = await m.list();
    expect(info).toMatchObject({
      state: 'finished',
      draftId: 'draft-1',
      resumable: false,
      result: { ok: true, outcome: 'done' },
    });
    expect(info!.result!.drives.map((d) => d.verified)).toEqual(info!.result!.drives.map(() => true));
    for (const d of info!.result!.drives) {
      expect(d.manifestHash).toMatch(/^[0-9A-F]{32}$/);
      expect(d.driveHeaderHash).toMatch(/^[0-9A-F]{32}$/);
      expect(existsSync(d.driveInfoFile)).toBe(true);
      expect(d.driveInfoFile.startsWith(join(work, 'data-rate', 'prep', 'journals'))).toBe(true);
    }
    expectAllCopied(started.sessionId, hashes);
    // The log viewer's lookup: a drive file (as a DriveLog writes it, \folder\file) back to its source.
    const d0 = info!.result!.drives[0]!;
    const rec = [...Journal.read(info!.journal).files.values()].find((f) => f.drive === d0.driveId)!;
    const asLogged = { driveId: d0.driveId, filePath: `\\${rec.path.replace(/\//g, '\\')}`, blobPath: 'elsewhere/x' };
    expect(m.sourceOf({ jobName: 'manager-job', ...asLogged })).toBe(rec.src);
    expect(m.sourceOf({ jobName: 'another-job', ...asLogged })).toBeUndefined();
  }, 180_000);

  it('after a kill -9 of main lists the unfinished session from its journal, and Resume finishes it', async () => {
    drives.clear();
    const src = join(work, 'src-kill');
    const hashes = makeSource(src, 4, 4 * 1024 * 1024 + 5, 30);
    const dataDir = join(work, 'data-kill');
    mkdirSync(dataDir);
    const index = join(dataDir, 'prep', 'sessions.json');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'tests/prep/fixtures/managerChild.ts',
          dataDir,
          src,
          drives.mounts[0]!,
          String(3 * 1024 * 1024),
        ],
        { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let buf = '';
      let killed = false;
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = JSON.parse(buf.slice(0, nl)) as { event?: PrepEvent };
          buf = buf.slice(nl + 1);
          // killed once files are journaled and the index says it is copying
          if (
            !killed &&
            line.event?.type === 'progress' &&
            line.event.filesDone > 0 &&
            existsSync(index) &&
            readFileSync(index, 'utf8').includes('"copying"')
          ) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      });
      child.on('close', (_code, signal) =>
        signal === 'SIGKILL'
          ? resolve()
          : reject(new Error(`the child ended by itself (${signal ?? 'exit'}) before it was killed`)),
      );
    });
    const sessions: PrepSessionInfo[] = [];
    const m = manager(dataDir, [], sessions);
    const [listed] = await m.list();
    expect(listed).toMatchObject({ jobName: 'killed-job', state: 'interrupted', resumable: true });
    expect(listed!.notes.join(' ')).toMatch(/the journal holds [1-9]\d* finished files?.*Resume continues/);
    expect(listed!.progress?.type === 'progress' && listed!.progress.drives.every((d) => d.state !== 'copying')).toBe(
      true,
    );
    const resumed = await m.resume(listed!.sessionId);
    expect(resumed.state).toBe('planning');
    await m.whenEnded(listed!.sessionId);
    const [after] = await m.list();
    expect(after).toMatchObject({ state: 'finished', result: { ok: true, outcome: 'done' } });
    expect(after!.result!.filesSkipped).toBeGreaterThan(0);
    expect(after!.result!.filesSkipped + after!.result!.filesCopied).toBe(hashes.size);
    expect(sessions.map((s) => s.state)).toContain('copying');
    expectAllCopied(listed!.sessionId, hashes);
  }, 240_000);
});

describe('PrepManager: targets the app passes', () => {
  it('a folder picked with "Use a folder" that is not a drive of its own is planned only once the person confirms it', async () => {
    const dataDir = join(work, 'data-folder');
    const src = join(work, 'src-folder');
    makeSource(src, 0, 0, 2);
    const folder = join(work, 'picked-folder');
    mkdirSync(folder, { recursive: true });
    const m = manager(dataDir);
    const asked = await m.plan({ ...spec(src, []), targets: [{ path: folder }] });
    expect(asked.ready).toBe(false);
    expect(asked.targetProblems.map((p) => [p.code, p.target])).toEqual([['folder', folder]]);
    await expect(m.start({ ...spec(src, []), targets: [{ path: folder }] }, [])).rejects.toBeInstanceOf(PrepRefused);
    expect(readdirSync(folder)).toEqual([]);
    const confirmed = await m.plan({ ...spec(src, []), targets: [{ path: folder, allowFolder: true }] });
    expect(confirmed.ready, confirmed.message).toBe(true);
    expect(confirmed.targetNotes.map((n) => n.code)).toEqual(['folder']);
  });

  it('notes for a job bound for Azure come from the connection: none for the sandbox', async () => {
    const src = join(work, 'src-folder');
    const s = spec(src, drives.mounts.slice(0, 1));
    const sandbox = await manager(join(work, 'data-az1')).plan(s);
    expect(sandbox.targetNotes.filter((n) => n.code !== 'folder')).toEqual([]);
    const azure = new PrepManager({
      dataDir: join(work, 'data-az2'),
      onProgress: () => undefined,
      onSession: () => undefined,
      keepAwake: noKeepAwake,
      forAzure: () => true,
    });
    const notes = (await azure.plan(s)).targetNotes.map((n) => n.code);
    expect(notes).toContain('no-bitlocker');
  });
});

describe('PrepManager: a session that ends badly', () => {
  it('a verify pass that cannot read its manifest leaves nothing running in main; the session stays finished, nothing follows', async () => {
    drives.clear();
    const src = join(work, 'src-bad-end');
    makeSource(src, 1, 5 * 1024 * 1024, 3);
    const sent: { p: PrepProgressPayload; after: boolean }[] = [];
    const infos: PrepSessionInfo[] = [];
    let finished = false;
    const m = new PrepManager({
      dataDir: join(work, 'data-bad-end'),
      onProgress: (p) => {
        sent.push({ p, after: finished });
        // another program spoils the manifest before the verify pass reads it
        if (p.event.type === 'drive-done') writeFileSync(join(p.event.target, 'DriveManifest.xml'), 'not a manifest');
      },
      onSession: (s) => {
        infos.push(s);
        if (s.state === 'finished') finished = true;
      },
      keepAwake: noKeepAwake,
    });
    const s = spec(src, drives.mounts.slice(0, 1), { verify: true });
    const plan = await m.plan(s);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const started = await m.start(
      s,
      plan.targets.map((t) => t.driveId),
    );
    await m.whenEnded(started.sessionId);
    await new Promise((r) => setTimeout(r, 1000));
    // nothing of the run keeps going in main (a progress ticker left running would be one more timer)
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    const [info] = await m.list();
    expect(info?.state).toBe('finished');
    // the manifest as read back is the verify's finding, said as such: not a crash of the run
    expect(info?.result?.outcome).toBe('incomplete');
    // no hash is reported for a manifest that is not on the drive (the job would fault the drive)
    expect(info?.result?.drives).toEqual([]);
    expect(info?.result?.message).toMatch(/verification did not pass .* resume to write the manifests again/);
    expect(
      sent.some((x) => x.p.event.type === 'verify-result' && /DriveManifest\.xml/.test(JSON.stringify(x.p.event))),
    ).toBe(true);
    expect(infos.at(-1)?.state).toBe('finished');
    expect(sent.filter((x) => x.after).map((x) => x.p.event.type)).toEqual([]);
  }, 60_000);
});
