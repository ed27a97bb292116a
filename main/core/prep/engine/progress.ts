// Progress arithmetic: speed over a sliding window and the time left.

export class SpeedWindow {
  private samples: { t: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 10_000) {}

  add(t: number, totalBytes: number): void {
    this.samples.push({ t, bytes: totalBytes });
    while (this.samples.length > 2 && this.samples[0]!.t < t - this.windowMs) this.samples.shift();
  }

  /** bytes per second over the window; 0 until two samples half a second apart exist */
  speed(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < 500) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  eta(remaining: number): number | undefined {
    const s = this.speed();
    return s > 0 ? remaining / s : undefined;
  }
}
