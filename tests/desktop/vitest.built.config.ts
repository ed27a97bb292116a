// The built-artifact phase of `npm test` (tests/run.mjs runs it right after the build): tests that
// load what `node main/build.mjs` produced in out/ — the Electron main and preload bundles with a
// stand-in `electron`, and the packaging configuration against the built tree. Files end in
// `.built.ts` so the unit phase (which may run before any build) never picks them up.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  test: {
    include: ['tests/desktop/**/*.built.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
