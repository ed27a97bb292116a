// How long the functions of the app's code are: every function, method, constructor, accessor and
// arrow function in main/, renderer/, shared/ and service/, measured in lines from its first token
// to its last (a nested function counts on its own and inside its parent). `npm test` prints this
// as a report; it never fails the run.
//
//   npx tsx tests/tools/functionLengths.ts [--top 15] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

export const FOLDERS = ['main', 'renderer', 'shared', 'service'];
export const LIMITS = [60, 100, 150] as const;
const SKIP = new Set(['node_modules', 'out', 'dist']);

export interface FunctionLength {
  /** The file, relative to the root, with `/` separators. */
  file: string;
  /** The line the function starts on (1-based). */
  line: number;
  name: string;
  lines: number;
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) found.push(...sourceFiles(full));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

/** A readable name: the declaration's own, else what it is assigned to or passed to. */
function nameOf(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) {
    const cls = node.parent;
    return `${cls.name?.getText(sf) ?? '(class)'}.constructor`;
  }
  if (node.name) {
    const own = node.name.getText(sf);
    const cls = node.parent;
    return ts.isClassLike(cls) && cls.name ? `${cls.name.getText(sf)}.${own}` : own;
  }
  const p = node.parent;
  if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p))
    return p.name.getText(sf);
  if (ts.isCallExpression(p)) return `(callback of ${p.expression.getText(sf).slice(0, 40)})`;
  if (ts.isNewExpression(p)) return `(callback of new ${p.expression.getText(sf).slice(0, 40)})`;
  if (ts.isJsxExpression(p)) return '(JSX callback)';
  return '(anonymous)';
}

/** Every function-like node of one file's text, with its length in lines. */
export function measureText(file: string, text: string): FunctionLength[] {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
      out.push({ file, line: start + 1, name: nameOf(fn, sf), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every function of the app's code under `root`, longest first. */
export function measure(root: string, folders: readonly string[] = FOLDERS): FunctionLength[] {
  const all: FunctionLength[] = [];
  for (const folder of folders)
    for (const full of sourceFiles(path.join(root, folder)))
      all.push(...measureText(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8')));
  return all.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file) || a.line - b.line);
}

/** How many functions are longer than each limit. */
export function countOver(all: readonly FunctionLength[]): Record<number, number> {
  return Object.fromEntries(LIMITS.map((limit) => [limit, all.filter((f) => f.lines > limit).length]));
}

/** The report `npm test` prints. */
export function report(all: readonly FunctionLength[], top = 15): string {
  const over = countOver(all);
  const lines = [
    `${all.length} functions in ${FOLDERS.map((f) => `${f}/`).join(', ')}: ` +
      LIMITS.map((limit) => `${over[limit]} over ${limit} lines`).join(', '),
  ];
  if (all.length && top > 0) {
    lines.push(`The ${Math.min(top, all.length)} longest:`);
    for (const f of all.slice(0, top))
      lines.push(`  ${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name.replace(/\s+/g, ' ')}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { top: { type: 'string', default: '15' }, json: { type: 'boolean', default: false } },
  });
  const all = measure(fileURLToPath(new URL('../..', import.meta.url)));
  if (values.json) console.log(JSON.stringify({ over: countOver(all), functions: all }, null, 2));
  else console.log(report(all, Number(values.top)));
}
