// The local sandbox's clock, as the tracker and the job views reckon deadlines with it: the wall
// clock plus the offset `haul ops advance` writes to the service's clock.json (a documented file
// of its data folder), re-read at most once a second. Against Azure the wall clock is the clock.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function sandboxNow(serviceDataDir: string, wall: () => number = Date.now): () => number {
  const file = path.join(serviceDataDir, 'clock.json');
  let offset = 0;
  let readAt = -Infinity;
  return () => {
    const t = wall();
    if (t - readAt > 1000) {
      readAt = t;
      try {
        const v = (JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs;
        offset = typeof v === 'number' && Number.isFinite(v) ? v : 0;
      } catch {
        offset = 0;
      }
    }
    return t + offset;
  };
}
