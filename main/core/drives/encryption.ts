// The drive list's BitLocker column: each drive's volumes (file system, BitLocker locked or
// unlocked) from main/core/bitlocker, looked up for all drives at once and kept a few seconds, so
// a screen that refreshes or a hot-plug poll does not run blkid and cryptsetup again each time.
import { messageOf } from '../../../shared/errors';
import type { DriveEncryption } from '../../../shared/bitlocker';
import type { ClassifiedDrive } from '../../../shared/prep/types';
import { drivesEncryption, systemTools, type BitLockerTools } from '../bitlocker';

export class DriveEncryptionProbe {
  private readonly cache = new Map<string, { at: number; value: DriveEncryption }>();

  constructor(
    private readonly tools: BitLockerTools = systemTools(),
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  private key(d: ClassifiedDrive): string {
    return `${d.device}|${d.size}|${d.mountpoints.join('|')}`;
  }

  /** The drives with their `encryption`; a lookup that fails says why on each drive, never throws. */
  async attach(drives: ClassifiedDrive[]): Promise<ClassifiedDrive[]> {
    const t = this.now();
    const stale = drives.filter((d) => {
      const c = this.cache.get(this.key(d));
      return !c || t - c.at > this.ttlMs;
    });
    if (stale.length) {
      let found: Map<string, DriveEncryption>;
      try {
        found = await drivesEncryption(stale, this.tools);
      } catch (e) {
        const error = messageOf(e);
        found = new Map(stale.map((d) => [d.device, { volumes: [], support: 'full' as const, error }]));
      }
      for (const d of stale) {
        const value = found.get(d.device);
        if (value) this.cache.set(this.key(d), { at: t, value });
      }
    }
    return drives.map((d) => {
      const value = this.cache.get(this.key(d))?.value;
      return value ? { ...d, encryption: value } : d;
    });
  }

  /** Forget what was seen (after a drive was unlocked, locked or encrypted). */
  clear(): void {
    this.cache.clear();
  }
}
