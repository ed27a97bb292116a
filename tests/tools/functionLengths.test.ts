// The function-length report counts what a reader would count: each function from its first line
// to its last, nested ones on their own too, in .ts and .tsx, and nothing under node_modules.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countOver, measure, measureText, report } from './functionLengths';

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join('\n');

describe('function-length report', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'haul-fnlen-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('measures functions, methods, arrows and nested functions by their lines', () => {
    const text = [
      'export function long() {', // line 1: 1 + 149 + 1 = 151 lines
      body(149),
      '}',
      'class Store {',
      '  load() {', // 1 + 99 + 1 = 101 lines
      body(99),
      '  }',
      '}',
      'export const arrow = () => {', // 1 + 60 + 1 = 62 lines, with a nested 3-line function
      '  function inner() {',
      '    return 1;',
      '  }',
      body(57),
      '};',
    ].join('\n');
    const found = measureText('x.ts', text);
    expect(found.map((f) => [f.name, f.lines, f.line])).toEqual([
      ['long', 151, 1],
      ['Store.load', 101, 153],
      ['arrow', 62, 255],
      ['inner', 3, 256],
    ]);
    expect(countOver(found)).toEqual({ 60: 3, 100: 2, 150: 1 });
  });

  it('reads main/, renderer/, shared/ and service/ (tsx too), longest first, and skips node_modules', () => {
    mkdirSync(path.join(root, 'renderer', 'src'), { recursive: true });
    mkdirSync(path.join(root, 'service', 'node_modules', 'dep'), { recursive: true });
    mkdirSync(path.join(root, 'bench'), { recursive: true });
    writeFileSync(
      path.join(root, 'renderer', 'src', 'Big.tsx'),
      `export function Big() {\n${body(70)}\n  return <div />;\n}\n`,
    );
    writeFileSync(
      path.join(root, 'service', 'node_modules', 'dep', 'x.ts'),
      `export function x() {\n${body(200)}\n}\n`,
    );
    writeFileSync(path.join(root, 'bench', 'y.ts'), `export function y() {\n${body(200)}\n}\n`);
    const all = measure(root);
    expect(all.map((f) => [f.file, f.name, f.lines])).toEqual([['renderer/src/Big.tsx', 'Big', 73]]);
    expect(report(all)).toMatch(
      /^1 functions in main\/, renderer\/, shared\/, service\/: 1 over 60 lines, 0 over 100 lines, 0 over 150 lines\n/,
    );
    expect(report(all)).toContain('73  renderer/src/Big.tsx:1  Big');
  });
});
