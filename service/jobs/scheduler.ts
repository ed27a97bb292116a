// One timer for all the jobs' deadlines: armed for the earliest one (in service-clock time), it
// runs the firing, one at a time; a firing asked for during another waits for it and runs again.
import { messageOf } from '../../shared/errors';
import type { ServiceClock } from '../clock';

export interface SchedulerOptions {
  clock: ServiceClock;
  /** The earliest deadline of all jobs, or undefined when none is pending. */
  earliest: () => number | undefined;
  /** Fires every deadline due at the clock's current time. */
  fire: () => Promise<void>;
  log: (line: string) => void;
}

export class DeadlineScheduler {
  private timer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: SchedulerOptions) {}

  /** Fires what is due now, after any firing in progress, then re-arms the timer. */
  fireDue(): Promise<void> {
    const p = (this.firing ?? Promise.resolve()).catch(() => undefined).then(() => this.o.fire());
    this.firing = p;
    return p.finally(() => {
      this.reschedule();
    });
  }

  reschedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const earliest = this.o.earliest();
    if (earliest === undefined) return;
    // setTimeout takes at most 2^31-1 ms; a later deadline is re-armed when this one fires.
    const delay = Math.max(0, Math.min(earliest - this.o.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      void this.fireDue().catch((e: unknown) => this.o.log(`timer error: ${messageOf(e)}`));
    }, delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.firing?.catch(() => undefined);
  }
}
