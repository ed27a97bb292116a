// When small files written behind get their syncfs (flush/flusher.ts, syncfsDue): the kernel writes
// a copy's pages back only when told, so a drive at a hard drive's speed sits idle until the first
// syncfs, and every second it waits at the start is a second added at the end of the copy.
import { describe, expect, it } from 'vitest';
import {
  BEHIND_BYTES,
  BEHIND_MS,
  BEHIND_SOON_BYTES,
  BEHIND_SOON_MS,
  syncfsDue,
  type BehindState,
} from '../../main/core/prep/flush/flusher';

const MiB = 1024 * 1024;
const at = 1_000_000;
const waiting = (over: Partial<BehindState>): BehindState => ({
  bytes: 0,
  files: 0,
  since: at,
  syncing: false,
  lastStart: 0,
  ...over,
});

describe('syncfs of small files written behind', () => {
  it('the first syncfs of a copy starts once 4 MiB wait, not after 64 MiB: the drive starts writing at once', () => {
    expect(BEHIND_SOON_BYTES).toBe(4 * MiB);
    expect(syncfsDue(waiting({ bytes: 4 * MiB, files: 64 }), at)).toBe(true);
    expect(syncfsDue(waiting({ bytes: 4 * MiB - 1, files: 64 }), at)).toBe(false);
  });

  it('the drive is kept writing: the next starts as soon as the one before ended, at most one every 100 ms', () => {
    const after = (ms: number) => waiting({ bytes: 8 * MiB, files: 100, since: at, lastStart: at - ms });
    expect(syncfsDue(after(BEHIND_SOON_MS), at)).toBe(true);
    expect(syncfsDue(after(BEHIND_SOON_MS - 1), at)).toBe(false);
    // one still running: the next waits for it (below 64 MiB)
    expect(syncfsDue({ ...after(500), syncing: true }, at)).toBe(false);
  });

  it('past 64 MiB or a second waiting one is due whatever runs; nothing waiting, none', () => {
    expect(syncfsDue(waiting({ bytes: BEHIND_BYTES, files: 1000, syncing: true, lastStart: at }), at)).toBe(true);
    expect(syncfsDue(waiting({ bytes: 1, files: 1, syncing: true, lastStart: at }), at + BEHIND_MS + 1)).toBe(true);
    expect(syncfsDue(waiting({ bytes: 1, files: 1, lastStart: at }), at + BEHIND_MS)).toBe(false);
    expect(syncfsDue(waiting({}), at + 10 * BEHIND_MS)).toBe(false);
  });
});
