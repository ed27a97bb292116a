// The plan: files are distributed over the drives by free space, never split, first fit in the
// walk order (so folders stay together), up to 10 drives per job. What does not fit is refused
// with the number of extra drives of a given size that would take it.
import { BLOCK_SIZE } from '../../../../shared/formats/driveManifest';
import type { PlanSummary, PlannedDrive } from '../../../../shared/prep/types';
import type { FileTable } from './fileTable';

export const MAX_DRIVES = 10;
/** space kept free on every drive for the manifest, header and file system bookkeeping */
export const DRIVE_RESERVE = 8 * 1024 * 1024;
const ALLOC = 4096;

export interface PlanDrive {
  driveId: string;
  target: string;
  capacity: number;
  free: number;
  /** the file system's allocation unit (statfs bsize: 4 KiB on ext4 and NTFS, often 128 KiB on exFAT); default 4 KiB */
  allocUnit?: number;
}

/**
 * What a file costs on a drive: its size in allocation units, its directory entry and inode, and
 * its share of the manifest.
 */
export function fileCost(size: number, blobPathLength: number, allocUnit = ALLOC): number {
  const blocks = Math.max(1, Math.ceil(size / BLOCK_SIZE));
  return Math.ceil(size / allocUnit) * allocUnit + ALLOC + 200 + blobPathLength * 3 + blocks * 90;
}

export interface PlanInput {
  table: FileTable;
  drives: PlanDrive[];
  /** file index -> drive index to try first (a changed file goes back where it was) */
  preferred?: Map<number, number>;
  alreadyDoneFiles?: number;
  alreadyDoneBytes?: number;
  /** size of the drives to count "more drives needed" in; default the largest target, else 4 TB */
  driveSize?: number;
}

const DEFAULT_DRIVE_SIZE = 4e12;

/**
 * Assigns table.drive[i] for every file with flags[i] === 0. Returns the summary; `fits` is false
 * when some files were left unplaced (table.drive[i] === 255).
 */
export function makePlan(input: PlanInput): PlanSummary {
  const steps = planSteps(input);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same plan, giving the event loop a turn every few milliseconds: a million files take about a
 * second to place, which would hold the app's engine thread (and its window's messages) that long.
 */
export async function makePlanInTurns(input: PlanInput, turnMs = 8): Promise<PlanSummary> {
  const steps = planSteps(input);
  let turn = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - turn > turnMs) {
      await new Promise((r) => setImmediate(r));
      turn = performance.now();
    }
  }
}

/** The plan, pausing every 4,096 files (see `makePlan`, `makePlanInTurns`). */
function* planSteps(input: PlanInput): Generator<void, PlanSummary> {
  const { table, drives } = input;
  const left = drives.map((d) => Math.max(0, d.free - DRIVE_RESERVE));
  const planned = drives.map(() => ({
    bytes: 0,
    cost: 0,
    files: 0,
    dest: new Map<string, { files: number; bytes: number }>(),
  }));
  let unplacedFiles = 0;
  let unplacedBytes = 0;
  let totalFiles = 0;
  let totalBytes = 0;
  const unplacedCosts: number[] = [];
  const widestAlloc = Math.max(ALLOC, ...drives.map((d) => d.allocUnit ?? ALLOC));
  let cursor = 0; // first drive that may still have room (first fit keeps earlier drives filling first)
  // a folder's files share their destination prefix (unless a file has a blob name of its own)
  const prefixOf = new Map<number, string>();
  const destination = (i: number): string => {
    const f = table.folderIndex(i);
    const own = table.blobOverride.has(i) || table.folderOf(i).blobPrefix === '';
    let p = own ? undefined : prefixOf.get(f);
    if (p === undefined) {
      p = topPrefix(table.blobPath(i));
      if (!own) prefixOf.set(f, p);
    }
    return p;
  };
  for (let i = 0; i < table.count; i++) {
    if ((i & 4095) === 4095) yield;
    if (table.flags[i] !== 0) continue;
    const size = table.size(i);
    const blobLength = table.blobPathLength(i);
    const cost = (d: number) => fileCost(size, blobLength, drives[d]!.allocUnit);
    totalFiles++;
    totalBytes += size;
    let chosen = -1;
    const pref = input.preferred?.get(i);
    if (pref !== undefined && left[pref]! >= cost(pref)) chosen = pref;
    else {
      for (let d = cursor; d < drives.length; d++) {
        if (left[d]! >= cost(d)) {
          chosen = d;
          break;
        }
      }
    }
    if (chosen < 0) {
      table.drive[i] = 255;
      unplacedFiles++;
      unplacedBytes += size;
      unplacedCosts.push(fileCost(size, blobLength, widestAlloc)); // on more drives like these
      continue;
    }
    table.drive[i] = chosen;
    const c = cost(chosen);
    left[chosen] = left[chosen]! - c;
    const p = planned[chosen]!;
    p.bytes += size;
    p.cost += c;
    p.files++;
    const prefix = destination(i);
    const dst = p.dest.get(prefix) ?? { files: 0, bytes: 0 };
    dst.files++;
    dst.bytes += size;
    if (p.dest.size < 50 || p.dest.has(prefix)) p.dest.set(prefix, dst);
    while (cursor < drives.length && left[cursor]! < ALLOC * 2) cursor++;
  }
  const out = plannedDrives(drives, planned);
  const summary: PlanSummary = {
    totalFiles,
    totalBytes,
    alreadyDoneFiles: input.alreadyDoneFiles ?? 0,
    alreadyDoneBytes: input.alreadyDoneBytes ?? 0,
    drives: out,
    unplacedFiles,
    unplacedBytes,
    fits: unplacedFiles === 0,
  };
  if (unplacedFiles) {
    let size = input.driveSize ?? (Math.max(0, ...drives.map((d) => d.capacity)) || DEFAULT_DRIVE_SIZE);
    // a file larger than that size: count drives of a size that takes it (never split), rounded up
    const largest = unplacedCosts.reduce((m, c) => (c > m ? c : m), 0) + DRIVE_RESERVE;
    if (largest > size) size = Math.ceil(largest / 1e11) * 1e11;
    summary.moreDrivesNeeded = { count: drivesNeeded(unplacedCosts, size), size };
  }
  return summary;
}

/** Each drive as the plan fills it: its files, bytes, how full it will be and its main destinations. */
function plannedDrives(
  drives: PlanDrive[],
  planned: { bytes: number; cost: number; files: number; dest: Map<string, { files: number; bytes: number }> }[],
): PlannedDrive[] {
  return drives.map((d, k) => {
    const p = planned[k]!;
    // what the drive will hold, as the copy counts it: each file's allocated size and manifest
    // share, and the reserve kept for the manifest and the file system
    const used = d.capacity - d.free + (p.files ? DRIVE_RESERVE + p.cost : 0);
    return {
      driveId: d.driveId,
      target: d.target,
      capacity: d.capacity,
      free: d.free,
      plannedBytes: p.bytes,
      plannedFiles: p.files,
      fillPercent: d.capacity ? Math.min(100, Math.ceil((used / d.capacity) * 1000) / 10) : 0,
      destinations: [...p.dest.entries()]
        .sort((a, b) => b[1].bytes - a[1].bytes)
        .slice(0, 10)
        .map(([prefix, v]) => ({ prefix, ...v })),
    };
  });
}

/** How many empty drives of `size` bytes take these file costs (first fit). */
export function drivesNeeded(costs: number[], size: number): number {
  const budget = size - DRIVE_RESERVE;
  if (budget <= 0) return costs.length ? Infinity : 0;
  const bins: number[] = [];
  for (const c of costs) {
    if (c > budget) return Infinity;
    let placed = false;
    for (let b = 0; b < bins.length; b++)
      if (bins[b]! >= c) {
        bins[b] = bins[b]! - c;
        placed = true;
        break;
      }
    if (!placed) bins.push(budget - c);
  }
  return bins.length;
}

function topPrefix(blob: string): string {
  const parts = blob.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length === 2 ? `${parts[0]}/` : blob;
}
