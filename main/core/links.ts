// The only URLs the shell may hand to the operating system's browser: https links that main
// itself produced (a carrier's tracking page, the service's documentation). A URL that merely
// shows up in a page, or one of another scheme, is never opened.
export class ExternalLinks {
  private readonly allowed = new Set<string>();

  /** Records a link main made; returns it for convenience. Only https is accepted. */
  produce(url: string): string {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') throw new Error(`Haul opens only https links, not ${parsed.protocol} (${url}).`);
    this.allowed.add(parsed.href);
    return parsed.href;
  }

  isAllowed(url: string): boolean {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'https:' && this.allowed.has(parsed.href);
    } catch {
      return false;
    }
  }
}
