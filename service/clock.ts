// The service clock: wall-clock time plus an offset that operators move with `advance --days N`.
// The offset is persisted, so a moved clock stays moved across restarts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../shared/node/atomicWrite';
import { describeIssues } from '../shared/validation';

const ClockFile = z.object({ offsetMs: z.number().finite() });
export const DAY_MS = 86_400_000;

export class ServiceClock {
  private constructor(
    private readonly file: string,
    private offset: number,
    private readonly wall: () => number,
  ) {}

  static async open(dataDir: string, wall: () => number = Date.now): Promise<ServiceClock> {
    const file = join(dataDir, 'clock.json');
    let offset = 0;
    try {
      const parsed = ClockFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) offset = parsed.data.offsetMs;
      else
        throw new Error(
          `${file} is damaged (${describeIssues(parsed.error)}); fix or delete it to reset the service clock.`,
        );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    return new ServiceClock(file, offset, wall);
  }

  now(): number {
    return this.wall() + this.offset;
  }
  get offsetMs(): number {
    return this.offset;
  }

  /** Moves the clock forward (never back) and persists the new offset before returning. */
  async advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error('The service clock only moves forward: give a positive number of days.');
    this.offset += ms;
    await writeFileAtomic(this.file, `${JSON.stringify({ offsetMs: this.offset })}\n`);
    return this.now();
  }
}
