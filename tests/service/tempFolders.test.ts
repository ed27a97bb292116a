// Tests clean up after themselves: the service tests that make data folders, run in a child
// Vitest with a temp folder of their own, leave it empty (each `npm test` used to leave ~22 behind).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'haul-tmpcheck-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('temporary folders', () => {
  it('the timer and store tests leave none behind', () => {
    const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
    const r = spawnSync(
      process.execPath,
      [vitest, 'run', '-c', 'tests/vitest.config.ts', 'tests/service/timers.test.ts', 'tests/service/store.test.ts'],
      {
        cwd: root,
        env: { ...process.env, TMPDIR: tmp, CI: '1' },
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  }, 300_000);
});
