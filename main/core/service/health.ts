// Whether the Import/Export service answers: set by the service client after every call (an ARM
// error is an answer; only a call that cannot reach the service counts as offline), read by the
// status bar (service.status) and by the `offline` error's message.
export interface HealthSnapshot {
  /** Absent until the first call. */
  online?: boolean;
  /** ISO time of the last good answer. */
  lastOkAt?: string;
  /** Why the last call failed to reach the service, in words. */
  lastProblem?: string;
}

export class ServiceHealth {
  private state: HealthSnapshot = {};
  private readonly listeners = new Set<(s: HealthSnapshot) => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  snapshot(): HealthSnapshot {
    return { ...this.state };
  }

  /** The service answered (with a result or with an ARM error). */
  answered(): void {
    const was = this.state.online;
    this.state = { online: true, lastOkAt: this.now().toISOString() };
    if (was !== true) this.notify();
  }

  /** A call could not reach the service. */
  unreachable(problem: string): void {
    const was = this.state.online;
    this.state = { ...this.state, online: false, lastProblem: problem };
    if (was !== false) this.notify();
  }

  /** A new connection: nothing is known about it yet. */
  reset(): void {
    const had = this.state.online !== undefined;
    this.state = {};
    if (had) this.notify();
  }

  onChange(listener: (s: HealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    const s = this.snapshot();
    for (const l of this.listeners) l(s);
  }
}
