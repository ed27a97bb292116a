// `npm test`: lint (layer rules included), type-check, build, unit tests (Vitest), end-to-end tests
// (Playwright in Debian's Chromium, or Playwright's own where Debian's is missing, against browser
// mode; the Electron smoke test where a binary exists), then the function-length report, which
// prints and never fails the run. Every step runs even when an earlier one fails, so one run shows
// everything; the last line is the total, as "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './tools/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// Outside test-results/: Playwright empties that folder when it starts.
const reports = path.join(root, '.tmp', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const vitestJson = path.join(reports, 'vitest.json');
const playwrightJson = path.join(reports, 'playwright.json');
const builtJson = path.join(reports, 'built.json');

// The browser of the end-to-end tests: HAUL_CHROMIUM, else Debian's, else Playwright's own, which a
// machine without Debian's gets here from Playwright's installer (tests/tools/chromium.mjs).
let chromium;
try {
  chromium = ensureChromium();
} catch (e) {
  console.log(`chromium: ${e instanceof Error ? e.message : String(e)}`);
}

const hasDisplay = Boolean(process.env.DISPLAY);
const xvfb = !hasDisplay && spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;

const steps = [
  { name: 'format', cmd: [bin('prettier'), '--check', '--log-level', 'warn', '.'] },
  { name: 'lint', cmd: [bin('eslint'), '--max-warnings', '0', '.'] },
  { name: 'type-check (node)', cmd: [bin('tsc'), '-p', 'main/tsconfig.json'] },
  { name: 'type-check (web)', cmd: [bin('tsc'), '-p', 'renderer/tsconfig.json'] },
  { name: 'build', cmd: [process.execPath, 'main/build.mjs'] },
  {
    name: 'unit',
    cmd: [
      bin('vitest'),
      'run',
      '-c',
      'tests/vitest.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
  },
  // What the build produced, loaded as Electron would load it (tests/desktop/*.built.ts): the main
  // and preload bundles under a stand-in electron, so a bundle that throws on load fails here.
  {
    name: 'built',
    cmd: [
      bin('vitest'),
      'run',
      '-c',
      'tests/desktop/vitest.built.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${builtJson}`,
    ],
    needs: 'build',
  },
  {
    name: 'e2e',
    // The Electron smoke test needs a display where it can run; Chromium runs headless either way.
    cmd: [...(xvfb ? ['xvfb-run', '-a'] : []), bin('playwright'), 'test', '-c', 'tests/e2e/playwright.config.ts'],
    env: { HAUL_PW_REPORTER: playwrightJson, ...(chromium ? { HAUL_CHROMIUM: chromium.path } : {}) },
    needs: 'build',
  },
];

const results = [];
for (const step of steps) {
  if (step.needs && results.find((r) => r.name === step.needs)?.status !== 0) {
    results.push({ name: step.name, status: 'not run', seconds: 0, why: `${step.needs} failed` });
    continue;
  }
  console.log(
    `\n=== ${step.name}: ${step.cmd.map((a) => (a.startsWith(root) ? path.relative(root, a) : path.basename(a))).join(' ')}`,
  );
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  results.push({ name: step.name, status: r.status ?? 1, seconds: (Date.now() - started) / 1000 });
}

// A report, not a gate: how long the app's functions are (tests/tools/functionLengths.ts). It prints;
// whatever it finds (or if it cannot run) the run's result is the same.
console.log('\n=== report: function lengths (npx tsx tests/tools/functionLengths.ts)');
const lengths = spawnSync(process.execPath, ['--import', 'tsx', 'tests/tools/functionLengths.ts'], {
  cwd: root,
  encoding: 'utf8',
});
const lengthsReport = lengths.status === 0 ? lengths.stdout.trim() : '';
console.log(lengthsReport || `could not measure: ${(lengths.stderr || String(lengths.error)).trim().slice(0, 500)}`);

const count = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const phaseFailed = {};
for (const [name, label, file] of [
  ['unit', 'unit (Vitest)', vitestJson],
  ['built', 'built (Vitest)', builtJson],
]) {
  if (!existsSync(file)) continue;
  const v = JSON.parse(readFileSync(file, 'utf8'));
  phaseFailed[name] = v.numFailedTests;
  count.passed += v.numPassedTests;
  count.failed += v.numFailedTests;
  count.skipped += v.numPendingTests + v.numTodoTests;
  lines.push(
    `${label}: ${v.numPassedTests} passed, ${v.numFailedTests} failed, ${v.numPendingTests + v.numTodoTests} skipped`,
  );
}
if (existsSync(playwrightJson)) {
  const p = JSON.parse(readFileSync(playwrightJson, 'utf8'));
  const s = p.stats;
  count.passed += s.expected + s.flaky;
  count.failed += s.unexpected;
  phaseFailed.e2e = s.unexpected;
  count.skipped += s.skipped;
  lines.push(`e2e (Playwright): ${s.expected + s.flaky} passed, ${s.unexpected} failed, ${s.skipped} skipped`);
  const skippedWhy = [];
  const walk = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        for (const a of t.annotations ?? []) if (a.type === 'skip') skippedWhy.push(`${spec.title}: ${a.description}`);
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of p.suites ?? []) walk(suite);
  for (const why of skippedWhy) lines.push(`  skipped — ${why}`);
}

console.log('\n=== summary');
for (const r of results) {
  const verdict = r.status === 0 ? 'ok' : r.status === 'not run' ? `not run (${r.why})` : `FAILED (exit ${r.status})`;
  console.log(`${r.name.padEnd(20)} ${verdict}${r.seconds ? `  ${r.seconds.toFixed(1)} s` : ''}`);
}
for (const line of lines) console.log(line);
if (lengthsReport) console.log(`function lengths (report only): ${lengthsReport.split('\n')[0]}`);
const stepFailures = results.filter((r) => r.status !== 0).length;
// A failed lint, type-check or build counts as a failure in the total too.
// So does a test phase that failed with no failed test to show for it (a suite whose beforeAll threw).
const failed =
  count.failed + results.filter((r) => r.status !== 0 && r.status !== 'not run' && !phaseFailed[r.name]).length;
console.log(`${count.passed} passed, ${failed} failed, ${count.skipped} skipped`);
process.exitCode = stepFailures > 0 ? 1 : 0;
