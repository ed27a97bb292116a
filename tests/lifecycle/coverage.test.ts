// Every rule of docs/lifecycle.md is proven by a test that names its id at the start of its title
// (`it('J5: …')`), so a rule added to the document without a test fails here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(p);
    return /\.(test|spec)\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('docs/lifecycle.md', () => {
  const doc = readFileSync(path.join(root, 'docs/lifecycle.md'), 'utf8');
  const ids = [...new Set([...doc.matchAll(/^- \*\*((?:G|J|JE|D|DE|F|A)\d+)\*\*/gm)].map((m) => m[1] ?? ''))];

  it('lists the rules of every section of the life cycle', () => {
    // G1-G4, J1-J14, A1, JE1-JE5, D1-D8, DE1-DE2, F1-F2
    expect(ids).toHaveLength(36);
  });

  it('has a test for every rule id, named by the id at the start of its title', () => {
    const titles = testFiles(path.join(root, 'tests')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/\bit\(\s*(['"`])(.*?)\1/g)].map((m) => m[2] ?? ''),
    );
    const unproven = ids.filter((id) => !titles.some((t) => new RegExp(`^(?:[A-Z]+\\d+[,/ ]+)*${id}\\b`).test(t)));
    expect(unproven).toEqual([]);
  });
});
