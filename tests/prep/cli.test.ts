// The CLI end to end on two small loop-mounted ext4 file systems (as root; temp folders with a
// printed note where loop devices are missing): the plan must split, kill -9 at random moments
// resumes to a complete verified result, a drive filled to ENOSPC hands its files to the other,
// and `haul verify` confirms every block and catches a flipped byte.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  readSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDriveManifest, parseDriveHeader, parseDriveInfo } from '../../shared/formats/driveManifest';
import type { PrepEvent } from '../../shared/prep/types';
import { Journal } from '../../main/core/prep/journal/journal';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-prep-cli-'));
const IMAGE_MB = 48;
const mounts: string[] = [];
const loops: string[] = [];
let loopMode = false;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

beforeAll(() => {
  for (const name of ['d1', 'd2']) {
    const mnt = join(work, `mnt-${name}`);
    mkdirSync(mnt);
    mounts.push(mnt);
  }
  try {
    if (process.getuid?.() !== 0) throw new Error('not root');
    for (const [k, mnt] of mounts.entries()) {
      const img = join(work, `d${k + 1}.img`);
      sh('truncate', ['-s', `${IMAGE_MB}M`, img]);
      const dev = sh('losetup', ['-f', '--show', img]);
      loops.push(dev);
      sh('mkfs.ext4', ['-q', '-m', '0', dev]);
      sh('mount', [dev, mnt]);
    }
    loopMode = true;
  } catch (e) {
    cleanupMounts();
    console.log(
      `NOTE: loop devices unavailable (${(e as Error).message}); the prep CLI tests run on temp folders, so ENOSPC uses a filler file on the same disk.`,
    );
  }
});

function cleanupMounts() {
  for (const m of mounts) spawnSync('umount', [m]);
  for (const l of loops) spawnSync('losetup', ['-d', l]);
  loops.length = 0;
}

afterAll(() => {
  cleanupMounts();
  rmSync(work, { recursive: true, force: true });
});

function clearDrives() {
  for (const m of mounts)
    for (const e of readdirSync(m)) if (e !== 'lost+found') rmSync(join(m, e), { recursive: true, force: true });
}

/** A source tree: some multi-block files (last block shorter) and many small files. */
function makeSource(name: string, big: number, bigSize: number, small: number): Map<string, string> {
  const dir = join(work, name);
  const hashes = new Map<string, string>();
  for (let i = 0; i < big; i++) {
    const rel = `videos/clip-${i}.bin`;
    mkdirSync(join(dir, 'videos'), { recursive: true });
    const data = randomBytes(bigSize);
    writeFileSync(join(dir, rel), data);
    hashes.set(rel, createHash('md5').update(data).digest('hex'));
  }
  for (let i = 0; i < small; i++) {
    const rel = `docs/${i % 7}/note-${i}.txt`;
    mkdirSync(join(dir, 'docs', String(i % 7)), { recursive: true });
    const data = randomBytes(1000 + i * 37);
    writeFileSync(join(dir, rel), data);
    hashes.set(rel, createHash('md5').update(data).digest('hex'));
  }
  return hashes;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: PrepEvent[];
  stderr: string;
  stdout: string;
}

function haul(args: string[], onEvent?: (e: PrepEvent, child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    // temp folders (no loop devices) are not drives of their own: prep takes them only when allowed
    const allow = args[0] === 'prep' && !loopMode && mounts.some((m) => args.includes(m)) ? ['--allow-folder'] : [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', ...args, ...allow], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: PrepEvent[] = [];
    let stdout = '';
    let stderr = '';
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as PrepEvent;
        events.push(e);
        onEvent?.(e, child);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code, signal) => resolve({ code, signal, events, stderr, stdout }));
  });
}

/** Every source file is on exactly one drive, byte-identical, and listed in that drive's manifest. */
function checkDrives(session: string, hashes: Map<string, string>, container = 'media/') {
  const found = new Map<string, string>();
  for (const m of mounts) {
    if (!existsSync(join(m, 'DriveManifest.xml'))) continue;
    const manifest = parseDriveManifest(readFileSync(join(m, 'DriveManifest.xml'), 'utf8'));
    const header = parseDriveHeader(readFileSync(join(m, 'HaulDrive.json'), 'utf8'));
    expect(header.manifestHash).toBe(
      createHash('md5')
        .update(readFileSync(join(m, 'DriveManifest.xml')))
        .digest('hex')
        .toUpperCase(),
    );
    expect(existsSync(join(m, '.haul-tmp'))).toBe(false);
    for (const b of manifest.blobs) {
      const rel = b.blobPath.slice(container.length);
      expect(found.has(rel), `${rel} is on two drives`).toBe(false);
      found.set(rel, m);
      const data = readFileSync(join(m, b.filePath));
      expect(createHash('md5').update(data).digest('hex'), rel).toBe(hashes.get(rel));
      expect(b.filePath).toBe(`${session}/${b.blobPath}`);
      // blocks of 4 MiB, the last one shorter, hashes computed independently here
      b.blocks.forEach((blk, k) => {
        expect(blk.offset).toBe(k * 4 * 1024 * 1024);
        expect(blk.hash).toBe(
          createHash('md5')
            .update(data.subarray(blk.offset, blk.offset + blk.length))
            .digest('hex')
            .toUpperCase(),
        );
      });
    }
  }
  expect([...found.keys()].sort()).toEqual([...hashes.keys()].sort());
  return found;
}

/**
 * What a kill -9 leaves on the drives, checked as the customer and the data center meet it: every
 * file the journal counts (a resume skips it, the next manifest lists it) and every blob of a
 * drive's manifest is byte-identical to its source. Any other file of the session may be one the
 * kill caught between its creation in its place and its write (a small file: see "What lands
 * where" in main/core/prep/README.md): it counts nowhere, and the next run overwrites it. Returns
 * the drives holding such a file, which `haul verify` must call unfinished.
 */
function checkAfterKill(session: string, hashes: Map<string, string>, journalPath: string, container = 'media/') {
  const journal = Journal.read(journalPath);
  const unfinished: string[] = [];
  for (const m of mounts) {
    if (!existsSync(join(m, session))) continue;
    // the header goes on before the copy starts
    const driveId = parseDriveHeader(readFileSync(join(m, 'HaulDrive.json'), 'utf8')).driveId;
    const counted = new Set(journal.filesOnDrive(driveId).map((f) => f.path));
    if (existsSync(join(m, 'DriveManifest.xml')))
      for (const b of parseDriveManifest(readFileSync(join(m, 'DriveManifest.xml'), 'utf8')).blobs)
        counted.add(b.filePath);
    for (const path of counted)
      expect(existsSync(join(m, path)), `${path} is journaled or listed but not on ${m}`).toBe(true);
    let loose = 0;
    for (const f of walk(join(m, session))) {
      const path = relative(m, f).split(sep).join('/');
      const rel = path.slice(session.length + 1 + container.length);
      const same = createHash('md5').update(readFileSync(f)).digest('hex') === hashes.get(rel);
      if (counted.has(path)) expect(same, `${rel} is journaled or listed and differs from its source`).toBe(true);
      else if (!same) loose++;
    }
    if (loose) unfinished.push(m);
  }
  return unfinished;
}

const KEY = '060456-014509-132033-080300-252615-584177-672089-411631';

describe('haul prep / haul verify on two drives', () => {
  it('splits a dataset over two drives, verifies every block, writes DriveInfo with the BitLocker key but never prints it', async () => {
    clearDrives();
    const hashes = makeSource('src1', 6, 6 * 1024 * 1024 + 12345, 120);
    const src = join(work, 'src1');
    writeFileSync(
      join(work, 'dataset.csv'),
      `BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n"${src}/",media/,BlockBlob,rename,None,None\n`,
    );
    writeFileSync(
      join(work, 'driveset.csv'),
      `DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n${mounts[0]},AlreadyFormatted,SilentMode,AlreadyEncrypted,${KEY}\n${mounts[1]},AlreadyFormatted,SilentMode,None,\n`,
    );
    const journal = join(work, 'j1.jrn');
    const r = await haul([
      'prep',
      '--journal',
      journal,
      '--session',
      's1',
      '--dataset',
      join(work, 'dataset.csv'),
      '--driveset',
      join(work, 'driveset.csv'),
      '--verify',
      '--json',
    ]);
    expect(r.stderr + r.stdout).not.toContain(KEY);
    expect(r.code, r.stderr).toBe(0);
    const plan = r.events.find((e) => e.type === 'plan');
    expect(plan?.type === 'plan' && loopMode ? plan.plan.drives.every((d) => d.plannedFiles > 0) : true).toBe(true);
    const verified = r.events.filter((e) => e.type === 'verify-result');
    expect(verified.length).toBe(loopMode ? 2 : verified.length);
    for (const v of verified) expect(v.type === 'verify-result' && v.ok).toBe(true);
    const progress = r.events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    checkDrives('s1', hashes);
    const id1 = parseDriveHeader(readFileSync(join(mounts[0]!, 'HaulDrive.json'), 'utf8')).driveId;
    const infoPath = join(work, `j1_DriveInfo_${id1}.xml`);
    const info = parseDriveInfo(readFileSync(infoPath, 'utf8'));
    expect(info.bitLockerKey).toBe(KEY);
    expect(statSync(infoPath).mode & 0o777).toBe(0o600);
    expect(info.manifestHash).toBe(
      parseDriveHeader(readFileSync(join(mounts[0]!, 'HaulDrive.json'), 'utf8')).manifestHash,
    );

    // standalone verify from the manifest alone
    for (const m of mounts) {
      const v = await haul(['verify', m]);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toMatch(/every block matches the manifest/);
    }
    // a flipped byte is caught, naming the file and the block
    const manifest = parseDriveManifest(readFileSync(join(mounts[0]!, 'DriveManifest.xml'), 'utf8'));
    const victim = manifest.blobs.find((b) => b.length > 5 * 1024 * 1024)!;
    const fd = openSync(join(mounts[0]!, victim.filePath), 'r+');
    const one = Buffer.alloc(1);
    const at = 4 * 1024 * 1024 + 100;
    readSync(fd, one, 0, 1, at);
    writeSync(fd, Buffer.from([one[0]! ^ 0xff]), 0, 1, at);
    closeSync(fd);
    const bad = await haul(['verify', mounts[0]!]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${victim.filePath}: block 1`);
    // running prep again skips everything that is done and still on the drives
    const again = await haul([
      'prep',
      '--journal',
      journal,
      '--session',
      's1',
      '--dataset',
      join(work, 'dataset.csv'),
      '--driveset',
      join(work, 'driveset.csv'),
      '--json',
    ]);
    expect(again.code).toBe(0);
    const done = again.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.filesCopied).toBe(0);
    expect(done?.type === 'done' && done.filesSkipped).toBe(hashes.size);
  }, 240_000);

  it('survives kill -9 at random moments and resumes to a complete, verified result', async () => {
    clearDrives();
    const hashes = makeSource('src2', 5, 5 * 1024 * 1024 + 777, 150);
    const src = join(work, 'src2');
    const journal = join(work, 'j2.jrn');
    const args = [
      'prep',
      '--journal',
      journal,
      '--session',
      's2',
      '--source',
      src,
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--target',
      mounts[1]!,
      '--max-rate',
      '8MB',
      '--json',
    ];
    let kills = 0;
    // the kill moments come from a seeded generator: a failing run prints its seed to replay it
    const seed = Number(process.env.HAUL_TEST_SEED ?? Date.now() % 2 ** 31);
    const delays = fc.sample(fc.integer({ min: 100, max: 1299 }), { seed, numRuns: 4 });
    console.log(`kill -9 moments: seed ${seed} (HAUL_TEST_SEED=${seed} replays them): ${delays.join(', ')} ms`);
    for (let round = 0; round < 4; round++) {
      const delay = delays[round]!;
      let armed = false;
      // the first round dies at any moment of the copy, later ones once some files are done
      const r = await haul(args, (e, child) => {
        if (e.type === 'progress' && !armed && (round === 0 || e.filesDone > 0)) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delay);
        }
      });
      if (r.signal !== 'SIGKILL') {
        expect(r.code, r.stderr).toBe(0);
        break;
      }
      kills++;
      if (round === 0) {
        // A kill between a small file's creation in its place and its write leaves it there, empty
        // and in no journal. That moment is a few microseconds wide, so the test puts one there.
        const rel = [...hashes.keys()]
          .reverse()
          .find((k) => !mounts.some((m) => existsSync(join(m, 's2', 'media', k))));
        const drive = mounts.find((m) => existsSync(join(m, 'HaulDrive.json')));
        expect(rel && drive, 'the first kill came before any file or after the last').toBeTruthy();
        mkdirSync(join(drive!, 's2', 'media', rel!, '..'), { recursive: true });
        writeFileSync(join(drive!, 's2', 'media', rel!), '');
      }
      // What the journal counts and the manifest lists is exact; a drive holding anything else is
      // unfinished, and says so: the data center imports only what the manifest lists, block by
      // block, and `haul verify` (what a customer runs before shipping) refuses it.
      for (const m of checkAfterKill('s2', hashes, journal)) {
        const v = await haul(['verify', m]);
        expect(v.code, v.stdout).toBe(1);
        expect(v.stdout).toMatch(/is UNFINISHED/);
      }
    }
    expect(kills).toBeGreaterThan(0);
    const final = await haul([...args.filter((a) => a !== '8MB' && a !== '--max-rate'), '--verify']);
    expect(final.code, final.stderr).toBe(0);
    const done = final.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.filesCopied + done.filesSkipped).toBe(hashes.size);
    expect(done?.type === 'done' && done.filesSkipped).toBeGreaterThan(0);
    checkDrives('s2', hashes);
    // nothing a kill left is left now: every drive given files verifies with nothing unlisted
    for (const m of mounts.filter((d) => existsSync(join(d, 'DriveManifest.xml')))) {
      const v = await haul(['verify', m]);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toMatch(/ OK — /);
    }
    expect(existsSync(`${journal}.lock`)).toBe(false);
  }, 300_000);

  it('fills one drive to ENOSPC mid-copy and carries on with the other drive, counting nothing twice', async () => {
    clearDrives();
    const hashes = makeSource('src3', 0, 0, 0);
    const dir = join(work, 'src3');
    mkdirSync(join(dir, 'videos'), { recursive: true });
    for (let i = 0; i < 10; i++) {
      const data = randomBytes(2 * 1024 * 1024 + i);
      writeFileSync(join(dir, 'videos', `v${i}.bin`), data);
      hashes.set(`videos/v${i}.bin`, createHash('md5').update(data).digest('hex'));
    }
    const journal = join(work, 'j3.jrn');
    let filled = false;
    const filler = join(mounts[0]!, 'someone-elses-file.bin');
    const r = await haul(
      [
        'prep',
        '--journal',
        journal,
        '--session',
        's3',
        '--source',
        dir,
        '--dest',
        'media/',
        '--target',
        mounts[0]!,
        '--target',
        mounts[1]!,
        '--max-rate',
        '6MB',
        '--json',
      ],
      (e) => {
        if (filled || e.type !== 'progress') return;
        const d1 = e.drives[0]!;
        if (d1.filesDone >= 1) {
          filled = true;
          // another program takes the drive's space while Haul copies
          const free = statfsSync(mounts[0]!).bavail * statfsSync(mounts[0]!).bsize;
          spawnSync('fallocate', ['-l', String(Math.max(0, free - 256 * 1024)), filler]);
        }
      },
    );
    expect(filled).toBe(true);
    const full = r.events.find((e) => e.type === 'drive-full');
    expect(full, r.stdout.slice(-2000)).toBeDefined();
    expect(full?.type === 'drive-full' && full.movedFiles).toBeGreaterThan(0);
    expect(r.code, r.stderr).toBe(0);
    const done = r.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.filesCopied).toBe(hashes.size);
    expect(done?.type === 'done' && done.bytesCopied).toBe(
      [...Array(10).keys()].reduce((s, i) => s + 2 * 1024 * 1024 + i, 0),
    );
    const journalFiles = readFileSync(journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l.replace(/\t[0-9a-f]{8}$/, '')) as { t: string }) // each line: JSON, tab, CRC-32
      .filter((x) => x.t === 'file');
    expect(journalFiles.length).toBe(hashes.size);
    const placed = checkDrives('s3', hashes);
    expect(new Set(placed.values()).size).toBe(2);
    rmSync(filler, { force: true });
    const v = await haul(['verify', mounts[0]!, mounts[1]!]);
    expect(v.code, v.stdout).toBe(0);
  }, 240_000);

  it('stops a drive that is pulled mid-copy with "the drive was removed", writes nothing where it was, and resumes once it is back', async () => {
    if (!loopMode) {
      console.log('NOTE: the removed-drive test needs loop devices; skipped');
      return;
    }
    clearDrives();
    // 24 MB at 3 MB/s: about 8 s of copying, so the pull lands mid-copy even when this machine is
    // slow to hand the test the first progress event
    const hashes = makeSource('src5', 8, 3 * 1024 * 1024, 20);
    const dir = join(work, 'src5');
    const journal = join(work, 'j5.jrn');
    const args = [
      'prep',
      '--journal',
      journal,
      '--session',
      's5',
      '--source',
      dir,
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--json',
    ];
    let pulled = false;
    try {
      const r = await haul([...args, '--max-rate', '3MB'], (e) => {
        if (!pulled && e.type === 'progress' && e.filesDone >= 1) {
          pulled = true;
          sh('umount', ['-l', mounts[0]!]);
        }
      });
      expect(pulled).toBe(true);
      expect(r.code, r.stdout.slice(-2000)).toBe(1);
      const removed = r.events.find((e) => e.type === 'drive-removed');
      expect(removed?.type === 'drive-removed' && removed.message).toMatch(/The drive was removed/);
      // the drive's lock went with the drive: no word of another run taking it over
      expect(r.events.filter((e) => e.type === 'file-error' && e.code === 'EBUSY')).toEqual([]);
      // nothing landed in the empty mount point left behind
      expect(readdirSync(mounts[0]!)).toEqual([]);
    } finally {
      // the drive goes back even when an assertion failed, so the tests after this one have it
      if (pulled) sh('mount', [loops[0]!, mounts[0]!]);
    }
    const again = await haul([...args, '--verify']);
    expect(again.code, again.stderr).toBe(0);
    const done = again.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.filesSkipped).toBeGreaterThan(0);
    checkDrives('s5', hashes);
  }, 240_000);

  it('lists a source it may not read (EACCES), copies everything else, and ends non-zero', async () => {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) {
      console.log('NOTE: the EACCES test runs the CLI as "nobody" and needs root and setpriv; skipped');
      return;
    }
    // root reads everything, so this copy runs as nobody, onto a folder nobody owns
    const base = join(work, 'eacces');
    const dir = join(base, 'src');
    mkdirSync(join(dir, 'a'), { recursive: true });
    mkdirSync(join(dir, 'z'), { recursive: true });
    writeFileSync(join(dir, 'a', 'big.bin'), randomBytes(6 * 1024 * 1024));
    writeFileSync(join(dir, 'z', 'later.txt'), 'read me');
    writeFileSync(join(dir, 'z', 'secret.txt'), 'not for you');
    const target = join(base, 'target');
    mkdirSync(target);
    sh('chmod', ['755', work, base]);
    sh('chown', ['-R', '65534:65534', base]);
    const run = (args: string[], onEvent?: (e: PrepEvent) => void) =>
      new Promise<Run>((resolve) => {
        const child = spawn(
          'setpriv',
          [
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            process.execPath,
            '--import',
            'tsx',
            'main/cli/haul.ts',
            ...args,
            '--allow-folder', // the target is a folder nobody owns, not a drive of its own
          ],
          { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const events: PrepEvent[] = [];
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const lines = stdout.split('\n');
          for (const l of lines.slice(events.length, -1)) {
            const e = JSON.parse(l) as PrepEvent;
            events.push(e);
            onEvent?.(e);
          }
        });
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
        });
        child.on('close', (code, signal) => resolve({ code, signal, events, stderr, stdout }));
      });
    // 1. unreadable before the start: pre-flight names it, nothing is written
    sh('chmod', ['000', join(dir, 'z', 'secret.txt')]);
    const pre = await run([
      'prep',
      '--journal',
      join(base, 'j.jrn'),
      '--session',
      's6',
      '--source',
      dir,
      '--dest',
      'media/',
      '--target',
      target,
      '--json',
    ]);
    expect(pre.code).toBe(2);
    const problems = pre.events.find((e) => e.type === 'preflight');
    expect(problems?.type === 'preflight' && problems.problems.map((p) => [p.code, p.source])).toEqual([
      ['unreadable', join(dir, 'z', 'secret.txt')],
    ]);
    expect(readdirSync(target)).toEqual([]);
    // 2. made unreadable while the copy runs: listed, the rest copied, exit 1
    sh('chmod', ['644', join(dir, 'z', 'secret.txt')]);
    let locked = false;
    const mid = await run(
      [
        'prep',
        '--journal',
        join(base, 'j.jrn'),
        '--session',
        's6',
        '--source',
        dir,
        '--dest',
        'media/',
        '--target',
        target,
        '--max-rate',
        '3MB',
        '--json',
      ],
      (e) => {
        if (!locked && e.type === 'progress' && e.bytesDone > 0) {
          locked = true;
          sh('chmod', ['000', join(dir, 'z', 'secret.txt')]);
        }
      },
    );
    expect(locked).toBe(true);
    expect(mid.code).toBe(1);
    const err = mid.events.find((e) => e.type === 'file-error');
    expect(err?.type === 'file-error' && [err.code, err.source]).toEqual(['EACCES', join(dir, 'z', 'secret.txt')]);
    const done = mid.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.failed.map((f) => f.source)).toEqual([join(dir, 'z', 'secret.txt')]);
    expect(done?.type === 'done' && done.filesCopied).toBe(2);
    expect(readFileSync(join(target, 's6', 'media', 'z', 'later.txt'), 'utf8')).toBe('read me');
  }, 240_000);

  it('a new session adds data to a prepared drive, and a drive added to the journal takes what no longer fits', async () => {
    clearDrives();
    const journal = join(work, 'j7.jrn');
    const first = makeSource('src7a', 2, 5 * 1024 * 1024, 10);
    const r1 = await haul([
      'prep',
      '--journal',
      journal,
      '--session',
      'day1',
      '--source',
      join(work, 'src7a'),
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--json',
    ]);
    expect(r1.code, r1.stderr).toBe(0);
    const idA = parseDriveHeader(readFileSync(join(mounts[0]!, 'HaulDrive.json'), 'utf8')).driveId;
    // day 2: more data than drive A has left, so drive B joins the same journal
    const freeA = statfsSync(mounts[0]!).bavail * statfsSync(mounts[0]!).bsize;
    const second = makeSource('src7b', Math.ceil(freeA / (5 * 1024 * 1024)) + 1, 5 * 1024 * 1024, 5);
    const r2 = await haul([
      'prep',
      '--journal',
      journal,
      '--session',
      'day2',
      '--source',
      join(work, 'src7b'),
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--target',
      mounts[1]!,
      '--verify',
      '--json',
    ]);
    expect(r2.code, r2.stderr).toBe(0);
    const headerA = parseDriveHeader(readFileSync(join(mounts[0]!, 'HaulDrive.json'), 'utf8'));
    expect(headerA.driveId).toBe(idA);
    expect(headerA.sessionIds).toEqual(['day1', 'day2']);
    const manifestA = parseDriveManifest(readFileSync(join(mounts[0]!, 'DriveManifest.xml'), 'utf8'));
    const manifestB = parseDriveManifest(readFileSync(join(mounts[1]!, 'DriveManifest.xml'), 'utf8'));
    expect(manifestA.blobs.filter((b) => b.filePath.startsWith('day1/')).length).toBe(first.size);
    expect(manifestB.blobs.length).toBeGreaterThan(0);
    const day2 = [...manifestA.blobs, ...manifestB.blobs].filter((b) => b.filePath.startsWith('day2/'));
    expect(day2.map((b) => b.blobPath.slice('media/'.length)).sort()).toEqual([...second.keys()].sort());
    for (const b of day2) {
      const m = manifestA.blobs.includes(b) ? mounts[0]! : mounts[1]!;
      expect(
        createHash('md5')
          .update(readFileSync(join(m, b.filePath)))
          .digest('hex'),
      ).toBe(second.get(b.blobPath.slice('media/'.length)));
    }
    const v = await haul(['verify', mounts[0]!, mounts[1]!]);
    expect(v.code, v.stdout).toBe(0);
  }, 240_000);

  it('Ctrl-C stops cleanly: what is done stays on the drive with a valid manifest, and the same command continues', async () => {
    clearDrives();
    const hashes = makeSource('src8', 6, 3 * 1024 * 1024, 5);
    const journal = join(work, 'j8.jrn');
    const args = [
      'prep',
      '--journal',
      journal,
      '--session',
      's8',
      '--source',
      join(work, 'src8'),
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--json',
    ];
    let sent = false;
    const r = await haul([...args, '--max-rate', '4MB'], (e, child) => {
      if (!sent && e.type === 'progress' && e.filesDone >= 2) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const done = r.events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.stopped).toBe(true);
    expect(done?.type === 'done' && done.message).toMatch(/Run the same command again to continue/);
    // the partial drive is consistent: its manifest lists exactly what is on it, and it verifies
    const v = await haul(['verify', mounts[0]!]);
    expect(v.code, v.stdout).toBe(0);
    const partial = parseDriveManifest(readFileSync(join(mounts[0]!, 'DriveManifest.xml'), 'utf8')).blobs.length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(hashes.size);
    const again = await haul(args);
    expect(again.code, again.stderr).toBe(0);
    const done2 = again.events.find((e) => e.type === 'done');
    expect(done2?.type === 'done' && done2.filesSkipped).toBe(partial);
    checkDrives('s8', hashes);
  }, 240_000);

  it('refuses before writing when the data does not fit, saying how many more drives are needed', async () => {
    clearDrives();
    const dir = join(work, 'src4');
    mkdirSync(dir, { recursive: true });
    const free = statfsSync(mounts[0]!).bavail * statfsSync(mounts[0]!).bsize;
    // one sparse file larger than both drives together is "too large"; many mid-size ones "do not fit"
    const n = Math.ceil((free * 2.5) / (4 * 1024 * 1024));
    for (let i = 0; i < n; i++) spawnSync('truncate', ['-s', String(4 * 1024 * 1024), join(dir, `f${i}.bin`)]);
    const r = await haul([
      'prep',
      '--journal',
      join(work, 'j4.jrn'),
      '--session',
      's4',
      '--source',
      dir,
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--target',
      mounts[1]!,
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Does not fit: \d+ files .* You need \d+ more drives? of/);
    for (const m of mounts) expect(readdirSync(m).filter((e) => e !== 'lost+found')).toEqual([]);
  }, 120_000);

  it('prints help for each command and refuses bad arguments with exit 2', async () => {
    for (const c of ['prep', 'verify', 'drives', 'preview-export']) {
      const r = await haul([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage:/);
    }
    const r = await haul(['prep', '--session', 's1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--journal is required/);
    clearDrives();
    const onTarget = await haul([
      'prep',
      '--journal',
      join(mounts[0]!, 'j.jrn'),
      '--session',
      's1',
      '--source',
      join(work, 'src1'),
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
    ]);
    expect(onTarget.code).toBe(2);
    expect(onTarget.stderr).toMatch(/is on the target drive .*keep it on this machine/);
    const badCsv = join(work, 'bad.csv');
    writeFileSync(
      badCsv,
      'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n/x/,media/,AppendBlob,rename,None,None\n',
    );
    const csv = await haul([
      'prep',
      '--journal',
      join(work, 'jx.jrn'),
      '--session',
      's1',
      '--dataset',
      badCsv,
      '--target',
      mounts[0]!,
    ]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/bad\.csv, row 2, column BlobType/);
  }, 120_000);
});

describe('haul verify after a kill -9 (the manifest older than the data)', () => {
  it('calls the drive unfinished with its session and the files the manifest lacks, exits 1, and OK once the same command finished', async () => {
    clearDrives();
    makeSource('srcK', 3, 5 * 1024 * 1024 + 1, 20);
    const args = [
      'prep',
      '--journal',
      join(work, 'jK.jrn'),
      '--session',
      'sK',
      '--source',
      join(work, 'srcK'),
      '--dest',
      'media/',
      '--target',
      mounts[0]!,
      '--json',
    ];
    const killed = await haul([...args, '--max-rate', '4MB'], (e, child) => {
      if (e.type === 'progress' && e.filesDone > 0) child.kill('SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');
    const early = await haul(['verify', mounts[0]!]);
    expect(early.code).toBe(1);
    expect(early.stdout).not.toMatch(/ OK /);
    expect(early.stdout).toMatch(/UNFINISHED/);
    expect(early.stdout).toMatch(/session sK has \d+ files? on the drive that DriveManifest\.xml does not list/);
    expect(early.stdout).toMatch(/Run the same haul prep command again with the same journal to finish it/);

    const finished = await haul(args);
    expect(finished.code, finished.stderr).toBe(0);
    const late = await haul(['verify', mounts[0]!]);
    expect(late.code, late.stdout).toBe(0);
    expect(late.stdout).toMatch(/ OK — 23 files/);
  }, 180_000);
});

describe('haul prep: targets, and a run that ends', () => {
  const prepArgs = (name: string, src: string, ...targets: string[]) => [
    'prep',
    '--journal',
    join(work, `${name}.jrn`),
    '--session',
    name,
    '--source',
    src,
    '--dest',
    'media/',
    ...targets.flatMap((t) => ['--target', t]),
  ];
  const smallSource = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b.txt'), 'bb');
    return dir;
  };

  it('refuses the system drive the drive list blocks: --plan-only --target / exits 2 and names it', async () => {
    const r = await haul([...prepArgs('t1', smallSource('srct1'), '/'), '--plan-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/haul prep: The target \/ is on a drive the drive list blocks .*system drive/);
  }, 60_000);

  it('refuses a folder that is not a drive of its own unless --allow-folder, and notes it then', async () => {
    const folder = join(work, 'not-a-mount');
    mkdirSync(folder, { recursive: true });
    const src = smallSource('srct2');
    const refused = await haul([...prepArgs('t2', src, folder), '--plan-only']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`The target ${folder} is a folder`);
    expect(refused.stderr).toContain('add --allow-folder');
    const allowed = await haul([...prepArgs('t2', src, folder), '--plan-only', '--allow-folder']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain(`Note: The target ${folder} is a folder`);
    expect(readdirSync(folder)).toEqual([]);
  }, 60_000);

  it('refuses a drive mounted read-only in --plan-only, naming it', async () => {
    if (!loopMode) return;
    clearDrives();
    spawnSync('mount', ['-o', 'remount,ro', mounts[0]!]);
    try {
      const r = await haul([...prepArgs('t3', smallSource('srct3'), mounts[0]!), '--plan-only']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Nothing can be written on the target ${mounts[0]}: it is mounted read-only.`);
    } finally {
      spawnSync('mount', ['-o', 'remount,rw', mounts[0]!]);
    }
  }, 60_000);

  it('a header it cannot write: the error is the last thing printed and the process exits by itself', async () => {
    clearDrives();
    mkdirSync(join(mounts[0]!, 'HaulDrive.json')); // the root is writable, the header is not
    const started = Date.now();
    const r = await haul(prepArgs('t4', smallSource('srct4'), mounts[0]!));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(2);
    const lines = r.stderr.split(/[\r\n]+/).filter((l) => l.replace(/\x1b\[K/g, '').trim());
    expect(lines.at(-1)).toMatch(new RegExp(`^haul prep: Could not write the drive header on ${mounts[0]}`));
    expect(r.stderr + r.stdout).not.toMatch(/Copying/);
    rmSync(join(mounts[0]!, 'HaulDrive.json'), { recursive: true });
  }, 60_000);

  it('--plan-only shows the drive id the real run then writes, and a drive given no file is left as it was', async () => {
    clearDrives();
    const src = smallSource('srct5');
    const plan = await haul([...prepArgs('t5', src, mounts[0]!, mounts[1]!), '--plan-only', '--json']);
    expect(plan.code, plan.stderr).toBe(0);
    const planned = plan.events.find((e) => e.type === 'plan');
    const ids = planned?.type === 'plan' ? planned.plan.drives.map((d) => d.driveId) : [];
    expect(planned?.type === 'plan' && planned.plan.drives.map((d) => d.unused ?? false)).toEqual([false, true]);
    const text = await haul([...prepArgs('t5', src, mounts[0]!, mounts[1]!), '--plan-only']);
    expect(text.stdout).toContain(`${ids[1]}  ${mounts[1]}: no file planned; not used, left as it is`);
    const r = await haul([...prepArgs('t5', src, mounts[0]!, mounts[1]!), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const header = parseDriveHeader(readFileSync(join(mounts[0]!, 'HaulDrive.json'), 'utf8'));
    expect(header.driveId).toBe(ids[0]);
    expect(readdirSync(mounts[1]!).filter((e) => e !== 'lost+found')).toEqual([]);
  }, 60_000);
});

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
