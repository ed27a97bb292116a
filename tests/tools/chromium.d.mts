// Types of chromium.mjs for the TypeScript that imports it (the Playwright config, benchmarks).
export type ChromiumKind = 'env' | 'debian' | 'playwright';
export interface ChromiumWhere {
  env?: NodeJS.ProcessEnv;
  debian?: string;
  playwright?: () => string;
}
export declare const DEBIAN_CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare function playwrightChromium(): string;
export declare function chooseChromium(where?: ChromiumWhere): { path: string; kind: ChromiumKind };
export declare function chromiumPath(): string;
export declare function ensureChromium(
  options?: ChromiumWhere & { install?: () => void; log?: (line: string) => void },
): { path: string; kind: ChromiumKind; installed: boolean };
