export function platformName(platform: string): string {
  return ({ linux: 'Linux', win32: 'Windows', darwin: 'macOS' } as Record<string, string>)[platform] ?? platform;
}
