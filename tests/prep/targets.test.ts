// Where a preparation may write, and that a run never outlives its result: on loop-mounted ext4
// drives (temp folders where loop devices are missing; the tests that need a real mount are
// skipped there). Pre-flight refuses a read-only drive, a drive the drive list blocks and a folder
// that is not a drive of its own (unless allowed), compares real paths, notes what Azure's data
// center cannot read; the id a plan shows is the one the copy writes, and a drive that gets no
// file is left as it was.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepEvent } from '../../shared/prep/types';
import type { RawDrive } from '../../main/core/drives/list';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import type { KeepAwakePort } from '../../main/core/prep/engine/keepAwake';
import { PrepSession, type SessionConfig } from '../../main/core/prep/engine/session';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-targets-'));
let drives: TestDrives;
beforeAll(() => {
  drives = makeDrives(work, 2, 48);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const sh = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function session(name: string, src: string, extra: Partial<SessionConfig> = {}) {
  const s = new PrepSession({
    journal: join(work, `${name}.jrn`),
    session: name,
    jobName: 'job-targets',
    keepAwake: false,
    entries: pickedEntries([src], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]! }],
    allowFolders: drives.allowFolders,
    ...extra,
  });
  const events: PrepEvent[] = [];
  s.onEvent((e) => events.push(e));
  return { s, events };
}

/** A keep-awake port that counts what is held, and runs `onAcquire` (after planning, before the headers). */
function countingKeepAwake(onAcquire: () => void = () => undefined) {
  const held = { now: 0 };
  const port: KeepAwakePort = {
    acquire: async () => {
      onAcquire();
      held.now++;
      return {
        active: true,
        message: 'kept awake (test)',
        release: () => {
          held.now--;
        },
      };
    },
  };
  return { port, held };
}

describe('a preparation run never outlives its result', () => {
  it('a manifest that cannot be read for the verify pass ends the run unverified, said as such: then no event at all', async () => {
    drives.clear();
    const src = join(work, 'src-verify');
    makeSource(src, 1, 5 * 1024 * 1024, 5);
    const awake = countingKeepAwake();
    const { s, events } = session('leak1', src, { verify: true, keepAwake: awake.port });
    // Another program spoils the manifest right after it was written, before the verify pass reads it.
    s.onEvent((e) => {
      if (e.type === 'drive-done') writeFileSync(join(e.target, 'DriveManifest.xml'), 'not a manifest');
    });
    const res = await s.start();
    // the verify's finding, not a crash of the run: the drive did not verify, the manifest is named
    expect(res.ok).toBe(false);
    // no hash is reported for a manifest that is not on the drive (the job would fault the drive)
    expect(res.drives).toEqual([]);
    expect(res.message).toMatch(/the manifest on .* is not the one this run wrote/);
    expect(res.message).toMatch(/verification did not pass .* resume to write the manifests again/);
    const failed = events.find((e) => e.type === 'verify-result');
    expect(failed?.type === 'verify-result' && failed.mismatches.join(' ')).toMatch(/DriveManifest\.xml/);
    const seen = events.length;
    await sleep(1000);
    expect(events.slice(seen).map((e) => e.type)).toEqual([]);
    expect(awake.held.now).toBe(0);
    expect(existsSync(join(work, 'leak1.jrn.lock'))).toBe(false);
    expect(s.running).toBe(false);
  }, 60_000);

  it('a manifest another program wrote again with the same bytes is still the one the run reports', async () => {
    drives.clear();
    const src = join(work, 'src-rewritten');
    makeSource(src, 1, 5 * 1024 * 1024, 5);
    const { s, events } = session('rewritten', src);
    // Another program writes the manifest again, unchanged, as a new file: not the file the run
    // wrote (another inode, another time), but the same bytes, so the drive still holds what the
    // run reports.
    let rewrote = false;
    s.onEvent((e) => {
      if (e.type !== 'drive-done') return;
      const manifest = join(e.target, 'DriveManifest.xml');
      writeFileSync(`${manifest}.again`, readFileSync(manifest));
      renameSync(`${manifest}.again`, manifest);
      rewrote = true;
    });
    const res = await s.start();
    expect(rewrote).toBe(true);
    expect(res.ok).toBe(true);
    expect(res.message).not.toMatch(/is not the one this run wrote/);
    const done = events.find((e) => e.type === 'drive-done');
    expect(res.drives.map((d) => d.manifestHash)).toEqual([done?.type === 'drive-done' && done.manifestHash]);
  }, 60_000);

  it('a drive header that cannot be written ends the run with the drive named: nothing held, no event after', async () => {
    drives.clear();
    const src = join(work, 'src-header');
    makeSource(src, 0, 0, 3);
    // The root takes a probe file, but HaulDrive.json is a folder: the header write fails.
    mkdirSync(join(drives.mounts[0]!, 'HaulDrive.json'));
    const awake = countingKeepAwake();
    const { s, events } = session('leak2', src, { keepAwake: awake.port });
    const err = await s.start().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`Could not write the drive header on ${drives.mounts[0]}`);
    const seen = events.length;
    await sleep(600);
    expect(events.slice(seen)).toEqual([]);
    expect(events.some((e) => e.type === 'progress')).toBe(false);
    expect(awake.held.now).toBe(0);
    expect(existsSync(join(work, 'leak2.jrn.lock'))).toBe(false);
    rmSync(join(drives.mounts[0]!, 'HaulDrive.json'), { recursive: true });
  }, 60_000);
});

describe('pre-flight: only drives Haul may write to', () => {
  it('a drive mounted read-only is a target problem naming the drive, in the plan and before any copy', async () => {
    if (!drives.loopMode) return;
    drives.clear();
    const src = join(work, 'src-ro');
    makeSource(src, 0, 0, 2);
    const before = listing(drives.mounts[0]!);
    sh('mount', '-o', 'remount,ro', drives.mounts[0]!);
    try {
      const { s } = session('ro1', src);
      const plan = await s.plan();
      expect(plan.ready).toBe(false);
      const p = plan.targetProblems.find((x) => x.code === 'not-writable');
      expect(p?.target).toBe(drives.mounts[0]);
      expect(p?.message).toContain(`${drives.mounts[0]}: it is mounted read-only`);
      expect(p?.fix).toMatch(/read-write/);
      const res = await s.start();
      expect(res.outcome).toBe('refused');
    } finally {
      sh('mount', '-o', 'remount,rw', drives.mounts[0]!);
    }
    expect(listing(drives.mounts[0]!)).toEqual(before);
  }, 60_000);

  it('a drive whose root refuses a test file (immutable) is a target problem with the error', async () => {
    if (!drives.loopMode) return;
    drives.clear();
    const src = join(work, 'src-ro');
    sh('chattr', '+i', drives.mounts[1]!);
    try {
      const { s } = session('ro2', src, { targets: [{ path: drives.mounts[1]! }] });
      const plan = await s.plan();
      expect(plan.ready).toBe(false);
      const p = plan.targetProblems.find((x) => x.code === 'not-writable');
      expect(p?.message).toContain(`${drives.mounts[1]}: a test file could not be written in it (EPERM`);
    } finally {
      sh('chattr', '-i', drives.mounts[1]!);
    }
  }, 60_000);

  it('refuses the system drive itself, as the drive list blocks it (nothing is written: plan only)', async () => {
    const src = join(work, 'src-ro');
    const { s } = session('sys1', src, { targets: [{ path: '/' }], allowFolders: true });
    const plan = await s.plan();
    expect(plan.ready).toBe(false);
    const p = plan.targetProblems.find((x) => x.target === '/');
    expect(p?.code).toBe('blocked');
    expect(p?.message).toMatch(/system drive/);
  });

  it('refuses a target on a drive the drive list blocks (here: read-only there), with its reason', async () => {
    const src = join(work, 'src-ro');
    const lister = async (): Promise<RawDrive[]> => [
      {
        device: '/dev/sdz',
        description: 'Write-protected stick',
        size: 48e6,
        mountpoints: [drives.mounts[0]!],
        removable: true,
        system: false,
        readOnly: true,
        virtual: false,
      },
    ];
    const { s } = session('blk1', src, { listDrives: lister });
    const plan = await s.plan();
    const p = plan.targetProblems.find((x) => x.code === 'blocked');
    expect(p?.message).toContain('/dev/sdz, Write-protected stick');
    expect(p?.message).toMatch(/read-only/);
  });

  it('a folder that is not a drive of its own (an empty mount point) needs the person to allow it, and is noted then', async () => {
    const src = join(work, 'src-ro');
    const folder = join(work, 'mnt-not-mounted');
    mkdirSync(folder, { recursive: true });
    const refused = await session('fold1', src, { targets: [{ path: folder }], allowFolders: false }).s.plan();
    expect(refused.ready).toBe(false);
    const p = refused.targetProblems.find((x) => x.target === folder);
    expect(p?.code).toBe('folder');
    expect(p?.message).toMatch(/not a drive of its own|a folder on the system drive/);
    expect(p?.fix).toMatch(/confirm/);
    expect(readdirSync(folder)).toEqual([]);

    for (const extra of [{ allowFolders: true }, { targets: [{ path: folder, allowFolder: true }] }]) {
      const { s, events } = session('fold1', src, { targets: [{ path: folder }], ...extra });
      const ok = await s.plan();
      expect(ok.ready, ok.message).toBe(true);
      expect(ok.targetNotes.map((n) => n.code)).toEqual(['folder']);
      const planEvent = events.find((e) => e.type === 'plan');
      expect(planEvent?.type === 'plan' && planEvent.targetNotes?.[0]?.target).toBe(folder);
    }
  });
});

describe('pre-flight compares real paths', () => {
  it('a source reached through a symlink into the target is caught: the copy would copy the drive into itself', async () => {
    drives.clear();
    writeFileSync(join(drives.mounts[0]!, 'old.txt'), 'already on the drive');
    const link = join(work, 'link-to-drive');
    symlinkSync(drives.mounts[0]!, link);
    const { s } = session('real1', link);
    const plan = await s.plan();
    expect(plan.ready).toBe(false);
    expect(plan.targetProblems.map((p) => p.code)).toContain('inside-source');
    rmSync(link);
  });

  it('a journal reached through a symlink onto a target is caught, also when its folder does not exist yet', async () => {
    drives.clear();
    const src = join(work, 'src-ro');
    const link = join(work, 'journals-link');
    symlinkSync(drives.mounts[0]!, link);
    for (const journal of [join(link, 'j.jrn'), join(link, 'not', 'yet', 'j.jrn')]) {
      const plan = await session('real2', src, { journal }).s.plan();
      const p = plan.targetProblems.find((x) => x.code === 'holds-journal');
      expect(p?.target).toBe(drives.mounts[0]);
    }
    expect(existsSync(join(drives.mounts[0]!, 'not'))).toBe(false);
    rmSync(link);
  });
});

describe('one run per journal, however it is reached', () => {
  it('a second run on the same journal through a symlink to it is refused while the first runs', async () => {
    drives.clear();
    const src = join(work, 'src-lock');
    makeSource(src, 3, 5 * 1024 * 1024, 0);
    const journal = join(work, 'lk.jrn');
    writeFileSync(journal, '');
    const link = join(work, 'lk-link.jrn');
    symlinkSync(journal, link);
    const a = session('lk1', src, { journal, maxRate: 1024 * 1024 });
    const b = session('lk1', src, { journal: link });
    const first = a.s.start();
    await new Promise<void>((resolve) => a.s.onEvent((e) => e.type === 'progress' && resolve()));
    // settled either way before anything is asserted, so no run is left on the drive
    const second = await b.s.start().then(
      () => undefined,
      (e: Error) => e,
    );
    a.s.cancel();
    expect((await first).outcome).toBe('stopped');
    expect(second?.message).toBe(
      `Another preparation is using the journal ${link}; wait for it to finish or stop it first.`,
    );
    rmSync(link);
  }, 60_000);
});

describe('a job bound for Azure', () => {
  it('notes a drive that is not NTFS and one without BitLocker; the sandbox (no flag) says nothing', async () => {
    if (!drives.loopMode) return;
    drives.clear();
    const src = join(work, 'src-ro');
    const targets = [{ path: drives.mounts[0]! }, { path: drives.mounts[1]!, bitLockerKey: '1'.repeat(48) }];
    const azure = await session('az1', src, { targets, forAzure: true }).s.plan();
    expect(azure.ready).toBe(true);
    const notes = azure.targetNotes.map((n) => `${n.code} ${n.target}`).sort();
    expect(notes).toEqual(
      [`no-bitlocker ${drives.mounts[0]}`, `not-ntfs ${drives.mounts[0]}`, `not-ntfs ${drives.mounts[1]}`].sort(),
    );
    expect(azure.targetNotes.find((n) => n.code === 'not-ntfs')?.message).toMatch(/formatted ext4.*only NTFS/);
    const sandbox = await session('az1', src, { targets }).s.plan();
    expect(sandbox.targetNotes).toEqual([]);
  });
});

describe('drive ids and drives that get no file', () => {
  it('the id a plan shows is the id a later, separate run writes on the drive', async () => {
    drives.clear();
    const src = join(work, 'src-id');
    makeSource(src, 0, 0, 2);
    const planned = await session('id1', src).s.plan();
    const shown = planned.targets[0]!.driveId;
    expect(planned.targets[0]!.idSource).not.toBe('header');
    const res = await session('id1', src).s.start();
    expect(res.outcome, res.message).toBe('done');
    expect(res.drives.map((d) => d.driveId)).toEqual([shown]);
  }, 60_000);

  it('a planned drive that receives no file is left as it was, the plan and result say so, and another job may use it', async () => {
    drives.clear();
    const src = join(work, 'src-unused');
    makeSource(src, 0, 0, 3);
    const before = listing(drives.mounts[1]!);
    const targets = [{ path: drives.mounts[0]! }, { path: drives.mounts[1]! }];
    const { s, events } = session('unused1', src, { targets });
    const plan = await s.plan();
    expect(plan.plan?.drives.map((d) => d.unused ?? false)).toEqual([false, true]);
    expect(plan.message).toContain(`(${drives.mounts[1]}) gets no file and is left as it is`);
    const res = await s.start();
    expect(res.outcome, res.message).toBe('done');
    expect(res.drives.map((d) => d.target)).toEqual([drives.mounts[0]]);
    expect(res.message).toContain(`Not used, left as it was: ${drives.mounts[1]}`);
    expect(listing(drives.mounts[1]!)).toEqual(before);
    expect(events.some((e) => e.type === 'drive-done' && e.target === drives.mounts[1])).toBe(false);
    const other = await session('unused2', src, {
      jobName: 'another-job',
      targets: [{ path: drives.mounts[1]! }],
    }).s.plan();
    expect(other.targetProblems).toEqual([]);
  }, 60_000);
});
