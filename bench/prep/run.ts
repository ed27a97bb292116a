// Benchmark of drive preparation, every number a ratio against a baseline measured in the same run
// on the same kind of target (a loop-mounted ext4 image when running as root with losetup, else a
// temp folder — printed). haul prep's data is on the disk when it ends (each journaled file is
// flushed, or confirmed by a syncfs, before the manifest that lists it), so the baselines that
// count end with `sync` too (`sync -f` of the target: only its file system, not the other work
// the machine does).
//
// haul prep is timed the way a customer runs it: a fresh process of the built CLI
// (`node out/cli/haul.mjs prep …`, main/build.mjs builds it first), from the command to its exit —
// starting Node, loading the bundle, the keep-awake helper, the workers' start, the plan, the copy,
// the manifests. The same copy as a PrepSession inside the bench's own process (code loaded and
// warm, keep-awake off) is printed next to it, with the main event-loop lag that only it can
// measure, and the start of the bare CLI (`haul prep --help`): the three say where a customer's
// run spends what the copy itself does not. What it measures:
//   large files (default 4 x 256 MiB) and small files (default 20,000 x 16 KiB): haul prep vs
//     `cp -r` + `sync` (goal >= 0.9x large, >= 0.8x small) and vs `cp -r` + `md5sum` of every file
//     + `sync`, the two-pass way (goal >= 1.3x); the same without `sync` are printed as information;
//   main event-loop lag p99 during the copy, in process (goal < 20 ms);
//   resume after kill -9 at about 50 %: bytes copied twice (goal <= one file + 4 MiB);
//   planning 1,000,000 generated empty files: peak RSS of the planning process (goal < 500 MB),
//     next to the peak RSS of the same process that only loads the code (baseline).
// With --throttled, against the drive's own limit instead: the loop device's writes are held to a
// hard drive's speed (150 MiB/s, blkio throttle, root only, set back to no limit at the end, on
// Ctrl-C too), and 1 GiB of large files is timed against `dd bs=4M oflag=direct` of the same files
// onto the same drive, 20,000 small files against `cp -r` + `sync` (goal >= 0.95x of both).
// With --vs DIR, the haul prep of another checkout (e.g. `git worktree add ../before main`, with
// its node_modules; built here with its own main/build.mjs) runs in the same rotation, so old and
// new compare within one run.
//
//   npx tsx bench/prep/run.ts [--quick] [--throttled] [--vs DIR] [--repeat 3] [--skip large,small,resume,plan] …
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { PrepEvent } from '../../shared/prep/types';
import { Journal } from '../../main/core/prep/journal/journal';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    'large-count': { type: 'string' },
    'large-mib': { type: 'string' },
    'small-count': { type: 'string' },
    'small-kib': { type: 'string', default: '16' },
    'plan-files': { type: 'string' },
    inodes: { type: 'string' },
    skip: { type: 'string' },
    folder: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    quick: { type: 'boolean', default: false },
    throttled: { type: 'boolean', default: false },
    'write-bps': { type: 'string', default: '157286400' },
    'no-build': { type: 'boolean', default: false },
    vs: { type: 'string' },
    'plan-child': { type: 'string' },
    'plan-target': { type: 'string' },
    'baseline-child': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const quick = opt.quick;
const throttled = opt.throttled;
const o = {
  largeCount: Number(opt['large-count'] ?? (quick ? 2 : 4)),
  largeMib: Number(opt['large-mib'] ?? (quick ? 128 : 256)),
  smallCount: Number(opt['small-count'] ?? (quick ? 5000 : 20000)),
  smallKib: Number(opt['small-kib']),
  planFiles: Number(opt['plan-files'] ?? (quick ? 100_000 : 1_000_000)),
  repeat: Number(opt.repeat ?? (quick || throttled ? 2 : 3)),
  // the throttled run compares copies only: resume and the planner's memory do not depend on the drive
  skip: opt.skip ?? (throttled ? 'resume,plan' : ''),
  writeBps: Number(opt['write-bps']),
};
if (opt.help) {
  console.log(`Usage: npx tsx bench/prep/run.ts [options]

Benchmarks haul prep — a fresh process of the built CLI per run, timed from the command to its
exit — against cp -r + sync and cp -r + md5sum + sync (and the same without sync) on a
loop-mounted ext4 image (as root with losetup) or a temp folder, plus event-loop lag, resume
after kill -9 and the planner's memory on many files. About 5 minutes on 2 quiet cores.

  --quick           a short run (about a minute): 2 x 128 MiB, 5,000 small files, best of 2,
                    100,000 files to plan; any option below still applies
  --throttled       against the drive's own limit (root and a loop device only): the target's writes
                    held to --write-bps (blkio throttle, set back to no limit at the end); large
                    files vs dd bs=4M oflag=direct + sync, small files vs cp -r + sync (goal >= 0.95x);
                    best of 2, resume and plan skipped unless --repeat / --skip say otherwise
  --write-bps N     the throttle, bytes a second (default 157286400: 150 MiB/s, a hard drive)
  --large-count N   large files (default 4)            --large-mib N   their size in MiB (default 256)
  --small-count N   small files (default 20000)        --small-kib N   their size in KiB (default 16)
  --plan-files N    files for the planning memory test (default 1000000)
  --inodes N        inodes of the target's ext4 (default: enough for the files the run makes)
  --skip LIST       leave out some of: large,small,resume,plan
  --folder          use a temp folder even when a loop device is possible
  --repeat N        runs of each method, in turn; the best counts (default 3)
  --no-build        time the out/cli/haul.mjs already built (default: node main/build.mjs --no-renderer first)
  --vs DIR          also time the haul prep of another checkout of Haul (with its node_modules, built
                    with its own main/build.mjs) in the same rotation: old and new side by side
  -h, --help        this help`);
  process.exit(0);
}

// ---- child modes: measure the planner's peak RSS in a process of its own
if (opt['baseline-child'] || opt['plan-child']) {
  const { scanDataset } = await import('../../main/core/prep/plan/scan');
  const { makePlan } = await import('../../main/core/prep/plan/plan');
  const t0 = performance.now();
  let files = 0;
  if (opt['plan-child']) {
    const target = {
      path: opt['plan-target']!,
      free: 4e12,
      caseInsensitive: false,
      maxNameBytes: 255,
      maxPathBytes: 4095,
    };
    const scan = await scanDataset(
      [
        {
          row: 2,
          basePath: `${opt['plan-child']}/`,
          isFolder: true,
          destination: 'bench/',
          blobType: 'BlockBlob',
          disposition: 'rename',
        },
      ],
      { sessionId: 's1', targets: [target] },
    );
    const plan = makePlan({
      table: scan.table,
      drives: [
        { driveId: 'D1', target: target.path, capacity: 4e12, free: 4e12 },
        { driveId: 'D2', target: '/x', capacity: 4e12, free: 4e12 },
      ],
    });
    files = plan.totalFiles;
  }
  console.log(
    JSON.stringify({
      files,
      seconds: (performance.now() - t0) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
    }),
  );
  process.exit(0);
}

if (throttled && (process.getuid?.() !== 0 || opt.folder)) {
  console.error('bench/prep --throttled needs root and a loop device (it throttles the loop device the target is on).');
  process.exit(2);
}

const { build } = await import('esbuild');
const skip = new Set(o.skip.split(',').filter(Boolean));
const work = mkdtempSync(join(tmpdir(), 'haul-bench-prep-'));
const mnt = join(work, 'mnt');
mkdirSync(mnt);
let loopDev: string | undefined;
let mounted = false;
/** The throttle's file and the loop device's MAJ:MIN while a throttle is set. */
const BLKIO_WRITE = '/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device';
let throttledDev: string | undefined;
/** The haul prep process running now, if any: ended on Ctrl-C before the target is unmounted. */
let running: ChildProcess | undefined;

const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}…: ${r.stderr}`);
  return r.stdout.trim();
};

/**
 * A guard in a process of its own that undoes the setup if this process dies without doing it (a
 * kill -9, or tsx's wrapper, which kills -9 a child busy in a synchronous step on Ctrl-C): it waits
 * for this process to end, then lifts the throttle, unmounts, detaches the loop device that still
 * holds our image (found by the image, never by number) and removes the temp folder. A normal end
 * stops it first.
 */
let guard: ChildProcess | undefined;
function startGuard(img: string): void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.2; done
[ -n "$DEV" ] && echo "$DEV 0" > ${BLKIO_WRITE}
umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
for d in $(losetup -n -O NAME -j "$IMG"); do losetup -d "$d"; done
rm -rf "$WORK"`;
  const dev = readFileSync(`/sys/class/block/${basename(loopDev!)}/dev`, 'utf8').trim();
  guard = spawn('sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, DEV: throttled ? dev : '', MNT: mnt, IMG: img, WORK: work },
  });
  guard.unref();
}

/** Everything the bench set up, undone: safe to call twice, and from a signal. */
function cleanup(): void {
  if (throttledDev) {
    try {
      writeFileSync(BLKIO_WRITE, `${throttledDev} 0`);
      throttledDev = undefined;
    } catch (e) {
      console.error(
        `bench/prep: could not lift the write throttle on ${throttledDev} (${(e as Error).message}); lift it with: echo "${throttledDev} 0" > ${BLKIO_WRITE}`,
      );
    }
  }
  if (running && running.exitCode === null) running.kill('SIGKILL');
  if (mounted) {
    // a haul prep just killed may hold files open for a moment: retry, then detach lazily
    for (let i = 0; i < 20 && mounted; i++) {
      mounted = spawnSync('umount', [mnt]).status !== 0;
      if (mounted) spawnSync('sleep', ['0.1']);
    }
    if (mounted) spawnSync('umount', ['-l', mnt]);
    mounted = false;
  }
  if (loopDev) {
    spawnSync('losetup', ['-d', loopDev]);
    loopDev = undefined;
  }
  rmSync(work, { recursive: true, force: true });
  if (guard && guard.exitCode === null) guard.kill();
  guard = undefined;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, () => {
    console.error(`\nbench/prep: ${sig}, cleaning up (throttle lifted, target unmounted, loop device detached)…`);
    cleanup();
    process.exit(130);
  });
process.on('exit', cleanup);

type Session = typeof import('../../main/core/prep/engine/session').PrepSession;
interface Haul {
  name: string;
  /** The built CLI a customer runs: `node <checkout>/out/cli/haul.mjs`. */
  cli: string;
  PrepSession: Session;
  workerDir: URL;
}
/**
 * A checkout's haul as shipped: its CLI built by its own main/build.mjs (timed as a fresh process),
 * and its session with its workers bundled the way main/build.mjs bundles them (timed in process).
 * A checkout from before main/core/prep had folders keeps every file, workers too, in main/core/prep.
 */
async function loadHaul(name: string, checkout: string): Promise<Haul> {
  const dir = resolve(checkout);
  if (!opt['no-build']) {
    const r = spawnSync(process.execPath, ['main/build.mjs', '--no-renderer'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${dir} failed: ${r.stderr.trim().slice(-2000)}`);
  }
  const cli = join(dir, 'out/cli/haul.mjs');
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run node main/build.mjs in ${dir} (or leave out --no-build)`);
  const prep = join(dir, 'main/core/prep');
  const inFolders = existsSync(join(prep, 'engine/session.ts'));
  const { PrepSession } = (await import(
    pathToFileURL(join(prep, inFolders ? 'engine/session.ts' : 'session.ts')).href
  )) as {
    PrepSession: Session;
  };
  const { WORKERS, WORKER_SOURCES } = (await import(
    pathToFileURL(join(prep, inFolders ? 'threads/workerBoot.ts' : 'workerBoot.ts')).href
  )) as { WORKERS: readonly string[]; WORKER_SOURCES?: Record<string, string> };
  const source = (w: string) => `main/core/prep/${WORKER_SOURCES?.[w] ?? `${w}.ts`}`;
  const out = join(work, `workers-${name}`);
  await build({
    absWorkingDir: dir,
    entryPoints: Object.fromEntries(WORKERS.map((w) => [w, source(w)])),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __haulCreateRequire } from 'node:module'; const require = __haulCreateRequire(import.meta.url);",
    },
  });
  return { name, cli, PrepSession, workerDir: pathToFileURL(`${out}/`) };
}

const time = (f: () => void) => {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
};
const fmt = (s: number) => `${s.toFixed(2)} s`;
const clearTarget = () => {
  for (const e of readdirSync(mnt)) if (e !== 'lost+found') rmSync(join(mnt, e), { recursive: true, force: true });
  spawnSync('sync', ['-f', mnt]);
};

function setupTarget(bytes: number, inodes: number): string {
  if (!opt.folder && process.getuid?.() === 0) {
    try {
      const img = join(work, 'target.img');
      sh('truncate', ['-s', String(Math.ceil(bytes * 1.3) + 512 * 2 ** 20), img]);
      loopDev = sh('losetup', ['-f', '--show', img]);
      sh('mkfs.ext4', ['-q', '-m', '0', '-N', String(inodes), '-E', 'lazy_itable_init=0,lazy_journal_init=0', loopDev]);
      sh('mount', [loopDev, mnt]);
      mounted = true;
      startGuard(img);
      return `loop-mounted ext4 image (${loopDev}, ${(statSync(img).size / 1e9).toFixed(1)} GB, ${inodes.toLocaleString('en')} inodes)`;
    } catch (e) {
      if (loopDev) spawnSync('losetup', ['-d', loopDev]);
      loopDev = undefined;
      if (throttled) throw e;
      console.log(`(loop device unavailable: ${(e as Error).message.split('\n')[0]})`);
    }
  }
  return `temp folder ${mnt} (no loop device)`;
}

/** Holds the loop device's writes to `bps` bytes a second (0: no limit) through cgroup v1's blkio throttle. */
function throttle(bps: number): void {
  const dev = readFileSync(`/sys/class/block/${basename(loopDev!)}/dev`, 'utf8').trim(); // MAJ:MIN
  throttledDev = dev;
  writeFileSync(BLKIO_WRITE, `${dev} ${bps}`);
  if (bps === 0) throttledDev = undefined;
}

function makeFiles(dir: string, count: number, size: number, perDir: number): void {
  const chunk = randomBytes(Math.min(size, 4 * 2 ** 20) || 1);
  for (let i = 0; i < count; i++) {
    const d = join(dir, `d${Math.floor(i / perDir)}`);
    if (i % perDir === 0) mkdirSync(d, { recursive: true });
    const fd = openSync(join(d, `f${i}.bin`), 'w');
    for (let off = 0; off < size; off += chunk.length) {
      chunk.writeUInt32LE(i, 0);
      chunk.writeUInt32LE(off / chunk.length, 4);
      writeSync(fd, chunk, 0, Math.min(chunk.length, size - off));
    }
    closeSync(fd);
  }
}

/**
 * One haul prep as a customer runs it: a fresh `node out/cli/haul.mjs prep …`, from the command to
 * its exit. Its phases come from when its lines arrive (stdout is a pipe, written synchronously):
 * the command to the "Plan:" line (Node's start, the bundle, the scan and the plan), the plan to
 * its last line (the copy and the manifests), the last line to the exit (the workers' and the
 * process's end).
 */
interface CliRun {
  seconds: number;
  ok: boolean;
  toPlan: number;
  toLast: number;
}
function cliOnce(haul: Haul, src: string, journal: string): Promise<CliRun> {
  rmSync(journal, { force: true });
  const args = [haul.cli, 'prep', '--journal', journal, '--session', 's1', '--source', src, '--dest', 'bench/'];
  args.push('--target', mnt, ...(loopDev ? [] : ['--allow-folder']));
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    running = child;
    let out = '';
    let toPlan = NaN;
    let toLast = NaN;
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-4000);
    };
    child.stdout.on('data', (d: Buffer) => {
      const at = (performance.now() - t) / 1000;
      if (Number.isNaN(toPlan) && /(^|\n)Plan:/.test(out + d.toString())) toPlan = at;
      toLast = at;
      keep(d);
    });
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      const seconds = (performance.now() - t) / 1000;
      running = undefined;
      if (code !== 0)
        console.log(`  (haul prep ended with exit status ${code}:\n${out.trim().replace(/^/gm, '    ')})`);
      resolve({ seconds, ok: code === 0, toPlan, toLast });
    });
  });
}

/** The same copy as a PrepSession in this process (code loaded, warm after its first run; no keep-awake). */
async function inProcessOnce(
  haul: Haul,
  src: string,
  journal: string,
): Promise<{ seconds: number; toPlan: number; lagP99: number; lagMax: number; ok: boolean }> {
  rmSync(journal, { force: true });
  const h = monitorEventLoopDelay({ resolution: 5 });
  const t = performance.now();
  let ok = false;
  let toPlan = NaN;
  const session = new haul.PrepSession({
    journal,
    session: 's1',
    keepAwake: false,
    workerDir: haul.workerDir,
    allowFolders: !loopDev,
    entries: [
      {
        row: 2,
        basePath: `${src}/`,
        isFolder: true,
        destination: 'bench/',
        blobType: 'BlockBlob',
        disposition: 'rename',
      },
    ],
    targets: [{ path: mnt }],
  });
  session.onEvent((e: PrepEvent) => {
    if (e.type === 'plan') {
      h.enable(); // the lag goal is about the copy: measured from the plan on
      toPlan = (performance.now() - t) / 1000;
    }
    if (e.type === 'done') ok = e.ok;
  });
  await session.start();
  const seconds = (performance.now() - t) / 1000;
  h.disable();
  return { seconds, toPlan, lagP99: h.percentile(99) / 1e6, lagMax: h.max / 1e6, ok };
}

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;

/**
 * CPU seconds (user + system, every thread) of this process's children that have ended and been
 * waited for, from /proc/self/stat (in USER_HZ, 100 a second); NaN where there is no /proc. A
 * child's own children count once it has waited for them (sh -c, xargs).
 */
function childrenCpu(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // fields 16 and 17: cutime, cstime
  } catch {
    return NaN;
  }
}

/** A way of copying the dataset that haul prep is measured against; `goal` makes its ratio a goal. */
interface Baseline {
  run: () => number;
  goal?: number;
}

/** `cp -r` of the dataset and its variants, each timed from the command to the end of the last step. */
function cpBaselines(src: string, goalCp: number | undefined, goalMd5: number | undefined): Record<string, Baseline> {
  const dst = join(mnt, 'cp');
  const md5all = `find "${dst}" -type f -print0 | xargs -0 md5sum > /dev/null`;
  return {
    'cp -r + sync': {
      goal: goalCp,
      run: () =>
        time(() => {
          sh('cp', ['-r', src, dst]);
          sh('sync', ['-f', mnt]);
        }),
    },
    'cp -r + md5sum + sync': {
      goal: goalMd5,
      run: () =>
        time(() => {
          sh('cp', ['-r', src, dst]);
          sh('sh', ['-c', md5all]);
          sh('sync', ['-f', mnt]);
        }),
    },
    'cp -r': { run: () => time(() => sh('cp', ['-r', src, dst])) },
    'cp -r + md5sum': {
      run: () =>
        time(() => {
          sh('cp', ['-r', src, dst]);
          sh('sh', ['-c', md5all]);
        }),
    },
  };
}

/** Some of the baselines (against a throttled drive, an unflushed copy says nothing of the drive). */
const only = (b: Record<string, Baseline>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(b).filter(([k]) => keys.includes(k)));

/** Every file of the dataset written with `dd bs=4M oflag=direct` (the drive's own speed, no page cache), then `sync -f`. */
function ddBaseline(src: string, goal: number): Record<string, Baseline> {
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => statSync(join(src, f)).isFile());
  return {
    'dd oflag=direct + sync': {
      goal,
      run: () =>
        time(() => {
          const dst = join(mnt, 'dd');
          for (const f of files) {
            const to = join(dst, f);
            mkdirSync(resolve(to, '..'), { recursive: true });
            sh('dd', [`if=${join(src, f)}`, `of=${to}`, 'bs=4M', 'oflag=direct', 'status=none']);
          }
          sh('sync', ['-f', mnt]);
        }),
    },
  };
}

async function compare(name: string, src: string, baselines: Record<string, Baseline>) {
  spawnSync('sh', ['-c', `find "${src}" -type f -print0 | xargs -0 cat > /dev/null`]); // warm the source cache for everyone
  const lags = new Map<string, { seconds: number; toPlan: number; lagP99: number; lagMax: number; ok: boolean }[]>();
  const oks = new Map<string, boolean[]>();
  const bestRun = new Map<string, CliRun>();
  const methods: Record<string, () => Promise<number>> = {};
  for (const [k, b] of Object.entries(baselines)) methods[k] = async () => b.run();
  const label = (haul: Haul) => (haul.name === 'haul' ? 'haul prep' : 'haul prep (--vs)');
  for (const haul of hauls) {
    oks.set(haul.name, []);
    lags.set(haul.name, []);
    methods[label(haul)] = async () => {
      const h = await cliOnce(haul, src, join(work, 'compare.jrn'));
      oks.get(haul.name)!.push(h.ok);
      if (h.seconds < (bestRun.get(haul.name)?.seconds ?? Infinity)) bestRun.set(haul.name, h);
      return h.seconds;
    };
    methods[`${label(haul)} in process`] = async () => {
      const h = await inProcessOnce(haul, src, join(work, 'compare.jrn'));
      lags.get(haul.name)!.push(h);
      return h.seconds;
    };
  }
  const best: Record<string, number> = {};
  const first: Record<string, number> = {};
  /** the CPU of each method's best run: its processes' (the in-process copy's: this process's) */
  const cpuOfBest: Record<string, number> = {};
  // every method runs --repeat times, in turn (cp, haul, cp, haul, …) so that a slow moment of the
  // shared machine hits them alike; the best time of each counts
  const loadBefore = load();
  for (let r = 0; r < o.repeat; r++) {
    for (const [k, f] of Object.entries(methods)) {
      clearTarget();
      const inProcess = k.endsWith(' in process');
      const [c0, p0] = [childrenCpu(), process.cpuUsage()];
      const t = await f();
      const { user, system } = process.cpuUsage(p0);
      const cpu = inProcess ? (user + system) / 1e6 : childrenCpu() - c0;
      first[k] ??= t;
      if (t < (best[k] ?? Infinity)) cpuOfBest[k] = cpu;
      best[k] = Math.min(best[k] ?? Infinity, t);
    }
  }
  clearTarget();
  console.log(`\n${name}: best of ${o.repeat} (${loadBefore} before, ${load()} after)`);
  console.log(
    `  ${Object.entries(best)
      .map(([k, t]) => `${k} ${fmt(t)}`)
      .join(' | ')}`,
  );
  console.log(
    `  CPU of each best run (user + system, every thread of its processes; the kernel's writeback of the drive not counted): ${Object.entries(
      cpuOfBest,
    )
      .map(([k, c]) => `${k} ${fmt(c)}`)
      .join(' | ')}`,
  );
  for (const haul of hauls) {
    const who = label(haul);
    const h = best[who]!;
    const inProc = best[`${who} in process`]!;
    const ratio = (k: string, of = h) => (best[k]! / of).toFixed(2);
    for (const [k, b] of Object.entries(baselines))
      if (b.goal !== undefined) console.log(`  ${who} vs ${k}: ${ratio(k)}x  (goal >= ${b.goal}x)`);
    const l = lags.get(haul.name)!;
    console.log(`  ${who}: all files ok, every run: ${oks.get(haul.name)!.every(Boolean) && l.every((x) => x.ok)}`);
    const b = bestRun.get(haul.name)!;
    console.log(
      `  ${who}'s best run: command to its plan ${fmt(b.toPlan)}, plan to its last line ${fmt(b.toLast - b.toPlan)}, last line to exit ${fmt(b.seconds - b.toLast)}`,
    );
    console.log(
      `  ${who} in process (information: the copy without the process start; its first run ${fmt(first[`${who} in process`]!)}): ${fmt(inProc)} (its plan at ${fmt(l.find((x) => x.seconds === inProc)!.toPlan)}), ${Object.entries(
        baselines,
      )
        .filter(([, b]) => b.goal !== undefined)
        .map(([k]) => `${ratio(k, inProc)}x of ${k}`)
        .join(
          ', ',
        )}; main event-loop lag during the copy (plan to done): p99 ${Math.max(...l.map((x) => x.lagP99)).toFixed(1)} ms, max ${Math.max(...l.map((x) => x.lagMax)).toFixed(1)} ms (goal p99 < 20 ms)`,
    );
    const info = Object.entries(baselines).filter(([, b]) => b.goal === undefined);
    if (info.length)
      console.log(`  ${who} (information, other baselines) ${info.map(([k]) => `vs ${k}: ${ratio(k)}x`).join(', ')}`);
  }
}

/** What starting the CLI costs before it copies anything: Node alone, and `haul prep --help` (the bundle loaded). */
function startCost() {
  const bestOf = (args: string[]) => {
    let b = Infinity;
    for (let i = 0; i < 5; i++)
      b = Math.min(
        b,
        time(() => sh(process.execPath, args)),
      );
    return b;
  };
  for (const haul of hauls) {
    const loads = prepLoads(haul.cli);
    console.log(
      `\nstarting the CLI (best of 5): node -e 0 ${fmt(bestOf(['-e', '0']))}, ${haul.name === 'haul' ? 'haul' : 'haul (--vs)'} prep --help ${fmt(bestOf([haul.cli, 'prep', '--help']))} (loads ${(loads.bytes / 2 ** 20).toFixed(1)} MiB of code in ${loads.files} file(s))`,
    );
  }
}

/**
 * What `haul prep` loads of the built CLI: haul.mjs and the file holding main/cli/prep.ts (found by
 * the source maps), each with the files it imports statically.
 */
function prepLoads(cli: string): { files: number; bytes: number } {
  const dir = dirname(cli);
  const prepFile = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs.map'))
    .find((f) =>
      (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { sources: string[] }).sources.some((s) =>
        s.endsWith('main/cli/prep.ts'),
      ),
    );
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s*)?"(\.\/[^"]+)"/gm))
      visit(join(dir, m[1]!));
  };
  visit(cli);
  if (prepFile) visit(join(dir, prepFile.slice(0, -'.map'.length)));
  return { files: seen.size, bytes: [...seen].reduce((n, f) => n + statSync(f).size, 0) };
}

async function resumeAfterKill(src: string, largest: number) {
  clearTarget();
  const journal = join(work, 'resume.jrn');
  rmSync(journal, { force: true });
  const args = [
    hauls[0]!.cli,
    'prep',
    '--journal',
    journal,
    '--session',
    's1',
    '--source',
    src,
    '--dest',
    'bench/',
    '--target',
    mnt,
    ...(loopDev ? [] : ['--allow-folder']),
    '--json',
  ];
  let atKill = 0;
  let total = 0;
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });
    running = child;
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const e = JSON.parse(buf.slice(0, nl)) as PrepEvent;
        buf = buf.slice(nl + 1);
        if (e.type === 'progress' && e.bytesTotal && e.bytesDone >= e.bytesTotal / 2 && !atKill) {
          atKill = e.bytesDone;
          total = e.bytesTotal;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('close', () => {
      running = undefined;
      resolve();
    });
  });
  // bytes on the drive that no journal entry covers = what the resumed run must copy again
  const tmp = join(mnt, '.haul-tmp');
  const partial = existsSync(tmp) ? readdirSync(tmp).reduce((s, f) => s + statSync(join(tmp, f)).size, 0) : 0;
  // the journal as prep reads it (checksummed records), files only
  const journaled = [...Journal.read(journal).files.values()].reduce((s, r) => s + r.size, 0);
  let copiedAgain = 0;
  let ok = false;
  let skipped = 0;
  const session = new hauls[0]!.PrepSession({
    journal,
    session: 's1',
    keepAwake: false,
    workerDir: hauls[0]!.workerDir,
    allowFolders: !loopDev,
    entries: [
      {
        row: 2,
        basePath: `${src}/`,
        isFolder: true,
        destination: 'bench/',
        blobType: 'BlockBlob',
        disposition: 'rename',
      },
    ],
    targets: [{ path: mnt }],
  });
  session.onEvent((e) => {
    if (e.type === 'done') {
      ok = e.ok;
      copiedAgain = e.bytesCopied;
      skipped = e.filesSkipped;
    }
  });
  await session.resume();
  const finalFiles = sh('sh', ['-c', `find "${join(mnt, 's1')}" -type f | wc -l`]);
  const recopied = journaled + copiedAgain - total;
  console.log(`\nresume after kill -9 at ${((atKill / total) * 100).toFixed(0)} %:`);
  console.log(
    `  journaled before the kill ${(journaled / 2 ** 20).toFixed(0)} MiB, partial temporary removed ${(partial / 2 ** 20).toFixed(0)} MiB, resumed run copied ${(copiedAgain / 2 ** 20).toFixed(0)} MiB (skipped ${skipped} files), complete: ${ok} (${finalFiles} files)`,
  );
  console.log(
    `  copied twice: ${(Math.max(0, partial) / 2 ** 20).toFixed(1)} MiB written before the kill and redone; copied in total minus data = ${(recopied / 2 ** 20).toFixed(1)} MiB; goal <= one file + 4 MiB = ${((largest + 4 * 2 ** 20) / 2 ** 20).toFixed(0)} MiB`,
  );
}

function planRss(n: number) {
  // generated on the target file system (a fresh ext4 when a loop device is used: fast metadata)
  const dir = join(loopDev ? mnt : work, 'plan-src');
  const t = time(() => {
    for (let i = 0; i < n; i++) {
      if (i % 1000 === 0) mkdirSync(join(dir, `d${i / 1000}`), { recursive: true });
      closeSync(openSync(join(dir, `d${Math.floor(i / 1000)}`, `empty-file-${i}.txt`), 'w'));
    }
  });
  const child = (extra: string[]) =>
    JSON.parse(
      sh(process.execPath, ['--import', 'tsx', join(root, 'bench/prep/run.ts'), ...extra])
        .split('\n')
        .pop()!,
    ) as { files: number; seconds: number; maxRssMB: number };
  const base = child(['--baseline-child']);
  const plan = child(['--plan-child', dir, '--plan-target', mnt]);
  console.log(
    `\nplanning ${plan.files.toLocaleString('en')} empty files (generated in ${t.toFixed(0)} s): ${plan.seconds.toFixed(1)} s, peak RSS ${plan.maxRssMB.toFixed(0)} MB (code loaded only: ${base.maxRssMB.toFixed(0)} MB; ratio ${(plan.maxRssMB / base.maxRssMB).toFixed(1)}x); goal < 500 MB`,
  );
  rmSync(dir, { recursive: true, force: true });
}

let hauls: Haul[] = [];
try {
  hauls = [await loadHaul('haul', root)];
  if (opt.vs) hauls.push(await loadHaul('vs', opt.vs));
  const largeSize = o.largeMib * 2 ** 20;
  const smallSize = o.smallKib * 1024;
  const need = Math.max(
    skip.has('large') && skip.has('resume') ? 0 : o.largeCount * largeSize,
    skip.has('small') ? 0 : o.smallCount * (smallSize + 4096),
  );
  const inodes = Number(opt.inodes ?? Math.max(o.smallCount * 2, skip.has('plan') ? 0 : o.planFiles) + 10_000);
  const kind = setupTarget(need, inodes);
  if (throttled) throttle(o.writeBps);
  console.log(
    `haul prep benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — target: ${kind}${throttled ? `, writes throttled to ${(o.writeBps / 2 ** 20).toFixed(0)} MiB/s` : ''}; source: ${work}`,
  );
  console.log(
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; datasets: ${o.largeCount} x ${o.largeMib} MiB, ${o.smallCount} x ${o.smallKib} KiB; each method best of ${o.repeat}; ${load()}${opt.vs ? `; --vs ${resolve(opt.vs)}` : ''}`,
  );
  console.log('haul prep is a fresh `node out/cli/haul.mjs prep` process per run, timed from the command to its exit');
  startCost();
  if (!skip.has('large') || !skip.has('resume')) {
    const src = join(work, 'large');
    makeFiles(src, o.largeCount, largeSize, 1000);
    if (!skip.has('large'))
      await compare(
        `large files (${o.largeCount} x ${o.largeMib} MiB)${throttled ? ', throttled' : ''}`,
        src,
        throttled
          ? { ...ddBaseline(src, 0.95), ...only(cpBaselines(src, undefined, undefined), 'cp -r + sync') }
          : cpBaselines(src, 0.9, 1.3),
      );
    if (!skip.has('resume')) await resumeAfterKill(src, largeSize);
    rmSync(src, { recursive: true, force: true });
  }
  if (!skip.has('small')) {
    const src = join(work, 'small');
    makeFiles(src, o.smallCount, smallSize, 1000);
    await compare(
      `small files (${o.smallCount} x ${o.smallKib} KiB)${throttled ? ', throttled' : ''}`,
      src,
      throttled ? only(cpBaselines(src, 0.95, undefined), 'cp -r + sync') : cpBaselines(src, 0.8, 1.3),
    );
    rmSync(src, { recursive: true, force: true });
  }
  if (!skip.has('plan')) planRss(o.planFiles);
} finally {
  cleanup();
}
