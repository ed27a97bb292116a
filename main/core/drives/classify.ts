// Classifies drives for use as targets: blocked (never write there) or warned (ask first), with
// the reason in words.
import { readdirSync } from 'node:fs';
import { sep } from 'node:path';
import type { ClassifiedDrive, DriveReason } from '../../../shared/prep/types';
import { formatBytes } from '../../../shared/prep/names';
import type { RawDrive } from './list';
import { realPath } from './target';

export interface ClassifyContext {
  /** source paths of the dataset: a drive holding one is blocked */
  sources?: string[];
  /** the smallest file of the plan: a drive smaller than this can take nothing */
  smallestFile?: number;
  /** lists a mount point's entries (injectable for tests) */
  readDir?: (path: string) => string[];
}

/** Entries a fresh or already prepared-by-Haul drive may hold without counting as "not empty". */
const HARMLESS = new Set([
  'lost+found',
  'System Volume Information',
  '$RECYCLE.BIN',
  '.Trashes',
  '.Spotlight-V100',
  '.fseventsd',
]);

// real paths: a source reached through a symlink is where the link points
const inside = (child: string, parent: string): boolean => {
  const c = realPath(child);
  const p = realPath(parent);
  return c === p || c.startsWith(p.endsWith(sep) ? p : p + sep);
};

export function classifyDrive(d: RawDrive, ctx: ClassifyContext = {}): ClassifiedDrive {
  const reasons: DriveReason[] = [];
  const block = (code: DriveReason['code'], message: string) => reasons.push({ code, severity: 'blocked', message });
  const warn = (code: DriveReason['code'], message: string) => reasons.push({ code, severity: 'warned', message });
  if (d.system) block('system', 'This is the system drive (it holds the operating system); Haul never writes to it.');
  if (d.readOnly) block('read-only', 'The drive is read-only; remove its write protection or pick another drive.');
  const holding = (ctx.sources ?? []).filter(
    (s) => d.mountpoints.some((m) => m !== '/' && inside(s, m)) || (d.system && d.mountpoints.includes('/')),
  );
  if (holding.length && !d.system)
    block('holds-source', `The drive holds data you are copying (${holding[0]}); copy onto a different drive.`);
  if (ctx.smallestFile !== undefined && d.size > 0 && d.size < ctx.smallestFile) {
    block(
      'too-small',
      `The drive (${formatBytes(d.size)}) is smaller than the smallest file in the plan (${formatBytes(ctx.smallestFile)}).`,
    );
  }
  if (!d.removable)
    warn(
      'not-removable',
      'The drive is not removable (an internal disk?); make sure this is the drive you mean to ship.',
    );
  if (d.mountpoints.length === 0)
    warn('not-mounted', 'The drive has no mounted file system; format or mount it before copying.');
  if (d.mountpoints.length > 1)
    warn(
      'mounted-elsewhere',
      `The drive is mounted in more than one place (${d.mountpoints.join(', ')}); another program may be using it.`,
    );
  const readDir = ctx.readDir ?? ((p: string) => readdirSync(p));
  for (const m of d.mountpoints) {
    if (d.system) break;
    let entries: string[] = [];
    try {
      entries = readDir(m);
    } catch {
      continue;
    }
    const other = entries.filter((e) => !HARMLESS.has(e));
    if (
      other.length &&
      !other.every((e) => e === 'HaulDrive.json' || e === 'DriveManifest.xml' || isSessionFolder(e, entries))
    ) {
      warn(
        'not-empty',
        `The drive is not empty (${m} holds ${other.length} item${other.length === 1 ? '' : 's'} such as "${other[0]}"); its free space is used and existing files stay.`,
      );
    } else if (other.includes('HaulDrive.json')) {
      warn(
        'not-empty',
        `The drive already holds a Haul drive preparation (${m}/HaulDrive.json); new data is added to it.`,
      );
    }
  }
  const status = reasons.some((r) => r.severity === 'blocked') ? 'blocked' : reasons.length ? 'warned' : 'ok';
  const out: ClassifiedDrive = {
    device: d.device,
    description: d.description,
    size: d.size,
    mountpoints: d.mountpoints,
    removable: d.removable,
    system: d.system,
    readOnly: d.readOnly,
    status,
    reasons,
  };
  if (d.serial) out.serial = d.serial;
  return out;
}

// A prepared drive holds session folders next to HaulDrive.json: they do not make it "foreign".
function isSessionFolder(name: string, entries: string[]): boolean {
  return entries.includes('HaulDrive.json') && !name.includes('.');
}
