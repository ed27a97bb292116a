// Hot-plug: polls the drive list (about once a second) and reports drives added and removed.
import { EventEmitter } from 'node:events';
import { listDrives, type DriveLister, type RawDrive } from './list';

export interface DriveDiff {
  added: RawDrive[];
  removed: RawDrive[];
}

export function diffDrives(before: RawDrive[], after: RawDrive[]): DriveDiff {
  const key = (d: RawDrive) => `${d.device}|${d.serial ?? ''}`;
  const b = new Map(before.map((d) => [key(d), d]));
  const a = new Map(after.map((d) => [key(d), d]));
  return {
    added: [...a.entries()].filter(([k]) => !b.has(k)).map(([, d]) => d),
    removed: [...b.entries()].filter(([k]) => !a.has(k)).map(([, d]) => d),
  };
}

export interface DriveWatcherEvents {
  added: [RawDrive];
  removed: [RawDrive];
  change: [RawDrive[]];
  error: [Error];
}

/**
 * Emits 'added' / 'removed' per drive and 'change' with the full list whenever it changes.
 * The first poll establishes the baseline (no 'added' for drives already present).
 */
export class DriveWatcher extends EventEmitter<DriveWatcherEvents> {
  private timer: NodeJS.Timeout | undefined;
  private current: RawDrive[] | undefined;
  private busy = false;

  constructor(
    private readonly lister: DriveLister = listDrives,
    private readonly intervalMs = 1000,
  ) {
    super();
  }

  async start(): Promise<RawDrive[]> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    return this.current ?? [];
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  drives(): RawDrive[] {
    return this.current ?? [];
  }

  /** One poll (public for tests and for "refresh now"). */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const next = await this.lister();
      if (this.current) {
        const { added, removed } = diffDrives(this.current, next);
        this.current = next;
        for (const d of removed) this.emit('removed', d);
        for (const d of added) this.emit('added', d);
        if (added.length || removed.length) this.emit('change', next);
      } else {
        this.current = next;
      }
    } catch (e) {
      if (this.listenerCount('error')) this.emit('error', e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.busy = false;
    }
  }
}
