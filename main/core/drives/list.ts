// The list of drives attached to this machine: drivelist for the drives, plus the serial number
// (the job's driveId), which drivelist does not give: lsblk on Linux, PowerShell on Windows,
// system_profiler on macOS. Only the Linux path is exercised in tests; the Windows and macOS
// lookups are written to the tools' documented output but untested here.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { drivelistList } from '../drivelist';

const run = promisify(execFile);

export interface RawDrive {
  device: string;
  description: string;
  size: number;
  mountpoints: string[];
  removable: boolean;
  system: boolean;
  readOnly: boolean;
  virtual: boolean;
  serial?: string;
}

export type DriveLister = () => Promise<RawDrive[]>;

/**
 * Whether a device is a drive a person could ship: not swap or a disk in memory (zram, ram) and not
 * a loop device with nothing mounted (a file some program set up, not a drive). A mounted loop device
 * stays: it is how a disk image is used as a drive.
 */
export function isShippableDevice(d: { device: string; mountpoints: readonly unknown[] }): boolean {
  const name = d.device.replace(/^\/dev\//, '');
  if (/^(zram|ram)\d+$/.test(name)) return false;
  if (/^loop\d+$/.test(name) && d.mountpoints.length === 0) return false;
  return true;
}

/** Lists the drives with their serial numbers (swap, RAM disks and unused loop devices left out). */
export const listDrives: DriveLister = async () => {
  // two listings of the system's tools, asked at once
  const [all, serials] = await Promise.all([drivelistList(), serialNumbers().catch(() => new Map<string, string>())]);
  const drives = all.filter((d) => isShippableDevice({ device: d.device, mountpoints: d.mountpoints ?? [] }));
  return drives.map((d) => {
    const out: RawDrive = {
      device: d.device,
      description: d.description ?? '',
      size: d.size ?? 0,
      mountpoints: (d.mountpoints ?? []).map((m) => m.path),
      removable: !!d.isRemovable,
      system: !!d.isSystem,
      readOnly: !!d.isReadOnly,
      virtual: !!d.isVirtual,
    };
    const serial = serials.get(d.device);
    if (serial) out.serial = serial;
    return out;
  });
};

/** device path -> serial number, for this platform. */
export async function serialNumbers(): Promise<Map<string, string>> {
  if (process.platform === 'linux') return linuxSerials();
  if (process.platform === 'win32') return windowsSerials();
  if (process.platform === 'darwin') return macSerials();
  return new Map();
}

interface LsblkNode {
  name: string;
  serial?: string | null;
  children?: LsblkNode[];
}

export function parseLsblkSerials(json: string): Map<string, string> {
  const out = new Map<string, string>();
  const doc = JSON.parse(json) as { blockdevices?: LsblkNode[] };
  const walk = (n: LsblkNode, inherited?: string) => {
    const serial = n.serial?.trim() || inherited;
    if (serial) out.set(`/dev/${n.name}`, serial);
    for (const c of n.children ?? []) walk(c, serial);
  };
  for (const n of doc.blockdevices ?? []) walk(n);
  return out;
}

async function linuxSerials(): Promise<Map<string, string>> {
  const { stdout } = await run('lsblk', ['-J', '-o', 'NAME,SERIAL'], { timeout: 10_000 });
  return parseLsblkSerials(stdout);
}

/** Serial of one block device (a partition inherits its disk's serial). */
export async function linuxSerialOf(device: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('lsblk', ['-J', '-s', '-o', 'NAME,SERIAL', device], { timeout: 10_000 });
    // -s lists the device then its parents (inverse tree): take the first serial found.
    const doc = JSON.parse(stdout) as { blockdevices?: LsblkNode[] };
    const find = (n: LsblkNode): string | undefined => n.serial?.trim() || (n.children ?? []).map(find).find(Boolean);
    for (const n of doc.blockdevices ?? []) {
      const s = find(n);
      if (s) return s;
    }
  } catch {
    /* no lsblk, or not a block device */
  }
  return undefined;
}

/**
 * The file system types from a block device up to its disk (lsblk -s): ["ntfs", "BitLocker", ""]
 * for NTFS inside a BitLocker volume opened with cryptsetup. Empty when lsblk cannot tell.
 */
export async function linuxFsChain(device: string): Promise<string[]> {
  try {
    const { stdout } = await run('lsblk', ['-J', '-s', '-o', 'NAME,FSTYPE', device], { timeout: 10_000 });
    interface Node {
      fstype?: string | null;
      children?: Node[];
    }
    const out: string[] = [];
    const walk = (n: Node) => {
      out.push(n.fstype ?? '');
      for (const c of n.children ?? []) walk(c);
    };
    for (const n of (JSON.parse(stdout) as { blockdevices?: Node[] }).blockdevices ?? []) walk(n);
    return out;
  } catch {
    return [];
  }
}

async function windowsSerials(): Promise<Map<string, string>> {
  // Win32_DiskDrive: DeviceID is \\.\PHYSICALDRIVEn, the same path drivelist reports.
  const { stdout } = await run(
    'powershell.exe',
    [
      '-NoProfile',
      '-Command',
      'Get-CimInstance Win32_DiskDrive | Select-Object DeviceID,SerialNumber | ConvertTo-Json',
    ],
    { timeout: 20_000 },
  );
  const rows = JSON.parse(stdout) as
    | { DeviceID: string; SerialNumber?: string }
    | { DeviceID: string; SerialNumber?: string }[];
  const out = new Map<string, string>();
  for (const r of Array.isArray(rows) ? rows : [rows])
    if (r.SerialNumber?.trim()) out.set(r.DeviceID, r.SerialNumber.trim());
  return out;
}

async function macSerials(): Promise<Map<string, string>> {
  // system_profiler lists USB and SATA storage with "bsd_name" (disk2) and "serial_num".
  const { stdout } = await run('system_profiler', ['-json', 'SPUSBDataType', 'SPSerialATADataType', 'SPNVMeDataType'], {
    timeout: 30_000,
  });
  const out = new Map<string, string>();
  const visit = (node: unknown, serial?: string) => {
    if (Array.isArray(node)) {
      node.forEach((n) => visit(n, serial));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const s =
      typeof o.serial_num === 'string' ? o.serial_num : typeof o.device_serial === 'string' ? o.device_serial : serial;
    if (typeof o.bsd_name === 'string' && s) out.set(`/dev/${o.bsd_name}`, s);
    for (const v of Object.values(o)) if (typeof v === 'object') visit(v, s);
  };
  visit(JSON.parse(stdout));
  return out;
}
