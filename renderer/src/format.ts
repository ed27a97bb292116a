/** 1500000000 -> "1.5 GB" (decimal units, as drive makers label drives). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = value >= 100 || unit === 0 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

export function platformName(platform: string): string {
  return ({ linux: 'Linux', win32: 'Windows', darwin: 'macOS' } as Record<string, string>)[platform] ?? platform;
}
