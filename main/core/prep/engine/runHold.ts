// What one prep run holds — its lock, journal, keep-awake, workers and progress timers — kept in
// one place and released there, last taken first, however the run ends (refused, does not fit,
// a header or manifest that cannot be written, a crashed worker, cancel, a thrown error). Events
// go out through its gate, which closes before anything is released: nothing is emitted after
// the run's result.

type Release = () => void | Promise<void>;

export class RunHold {
  private readonly held: Release[] = [];
  private open = true;

  /** Keeps `release` to be called when the run ends. */
  hold(release: Release): void {
    this.held.push(release);
  }

  /** Calls `fn` every `ms` until the returned stop (or the end of the run); stopping twice is harmless. */
  every(fn: () => void, ms: number): () => void {
    const timer = setInterval(() => {
      if (this.open) fn();
    }, ms);
    const stop = () => clearInterval(timer);
    this.hold(stop);
    return stop;
  }

  /** `send`, as long as the run has not ended. */
  gate<T>(send: (e: T) => void): (e: T) => void {
    return (e) => {
      if (this.open) send(e);
    };
  }

  /** Ends the run: the gate closes, then everything held is released (a failing release does not stop the others). */
  async release(): Promise<void> {
    this.open = false;
    for (const release of this.held.splice(0).reverse()) {
      try {
        await release();
      } catch {
        /* released as far as it can be; the others still go */
      }
    }
  }
}
