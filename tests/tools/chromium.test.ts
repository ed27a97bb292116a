// npm test on a fresh machine: Debian's Chromium where it is, else Playwright's own, installed with
// Playwright's installer and said so, rather than a run that fails for want of a browser.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseChromium, ensureChromium } from './chromium.mjs';

describe('which Chromium the tests use', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'haul-chromium-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const debian = path.join(dir, 'usr-bin-chromium');
  const missing = path.join(dir, 'no-such-chromium');

  it("uses Debian's where it exists, and installs nothing", () => {
    writeFileSync(debian, '');
    const lines: string[] = [];
    let installs = 0;
    const r = ensureChromium({
      env: {},
      debian,
      playwright: () => missing,
      install: () => void installs++,
      log: (l) => lines.push(l),
    });
    expect(r).toEqual({ path: debian, kind: 'debian', installed: false });
    expect([installs, lines]).toEqual([0, []]);
  });

  it('HAUL_CHROMIUM wins over both', () => {
    expect(chooseChromium({ env: { HAUL_CHROMIUM: '/opt/chrome' }, debian, playwright: () => missing })).toEqual({
      path: '/opt/chrome',
      kind: 'env',
    });
  });

  it("without Debian's, installs Playwright's own with Playwright's installer, says so, and uses it", () => {
    const own = path.join(dir, 'ms-playwright-chrome');
    const lines: string[] = [];
    const r = ensureChromium({
      env: {},
      debian: missing,
      playwright: () => own,
      install: () => writeFileSync(own, ''),
      log: (l) => lines.push(l),
    });
    expect(r).toEqual({ path: own, kind: 'playwright', installed: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /is missing, so the tests use Playwright's own Chromium; installing it with Playwright's installer/,
    );
    // Installed once: the next run uses it without installing again.
    let installs = 0;
    expect(
      ensureChromium({
        env: {},
        debian: missing,
        playwright: () => own,
        install: () => void installs++,
        log: () => {},
      }),
    ).toMatchObject({ path: own, installed: false });
    expect(installs).toBe(0);
  });

  it('an installer that fails leaves a message that says what to do', () => {
    expect(() =>
      ensureChromium({ env: {}, debian: missing, playwright: () => missing, install: () => {}, log: () => {} }),
    ).toThrow(/installer finished, but its Chromium is not at/);
  });
});
