// Where each state and arrow of a state diagram goes, and how it is drawn, computed from the
// transition tables of shared/lifecycle (via diagram()). Pure: no React, no DOM, so the unit
// tests check exactly what the SVG shows.
//
// Layout: the states flow left to right in columns (longest path from the initial states, back
// edges ignored); Faulted, which every active state can fall into and leave again (F1/F2), sits
// in a row of its own below. Arrows between neighbouring columns are straight; an arrow that
// skips columns arcs above or below the row so it never crosses a state. Two arrows between the
// same pair of states are drawn as one line with two heads.
//
// Status of a state: the current one; the ones on the path taken; the ones still reachable from
// the current one; and the ones no longer reachable (dimmed). Faulted is a detour (F2 returns to
// the state left), so reachability does not pass through it.
import { diagram, driveTransitions, jobTransitions, type Diagram, type Side } from '../../../../shared/lifecycle';

export type DiagramKind = 'job' | 'drive';
export type NodeStatus = 'current' | 'visited' | 'reachable' | 'unreachable';

export interface LaidNode {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  column: number;
  status: NodeStatus;
  initial: boolean;
  terminal: boolean;
}

export interface LaidEdge {
  /** Stable key: the two states in table order. */
  key: string;
  from: string;
  to: string;
  /** SVG path data. */
  d: string;
  /** Arrow heads: at `to`, and at `from` when the reverse edge exists too. */
  headAtTo: boolean;
  headAtFrom: boolean;
  /** On the path taken (in either drawn direction). */
  taken: boolean;
  /** Leads somewhere still reachable from the current state. */
  possible: boolean;
  /** Into or out of the Faulted detour. */
  fault: boolean;
  labels: string[];
  rules: string[];
  sides: Side[];
}

export interface DiagramLayout {
  kind: DiagramKind;
  width: number;
  height: number;
  nodes: LaidNode[];
  edges: LaidEdge[];
  /** The states passed through, in order (observations with gaps filled from the table). */
  path: string[];
  current?: string;
}

export interface LayoutInput {
  kind: DiagramKind;
  current?: string;
  /** States observed, oldest first (the timeline). The current state may or may not end it. */
  observed?: readonly string[];
  /** For a Faulted current state: the state it left (F1), when known. */
  faultedFrom?: string;
}

const FAULTED = 'Faulted';
const NODE_HEIGHT = 36;
const COLUMN_GAP = 44;
const STACK_GAP = 20;
const MARGIN = 16;
const ARC_STEP = 15;
const CHAR_WIDTH = 7.4; // average width of a 13 px UI font, enough for the widest state names
const NODE_PADDING = 22;

export function nodeWidth(label: string): number {
  return Math.ceil(label.length * CHAR_WIDTH + NODE_PADDING);
}

function tableOf(kind: DiagramKind) {
  return kind === 'job' ? jobTransitions : driveTransitions;
}

/** Successors over the merged edges, without self-loops. */
function successors(d: Diagram): Map<string, string[]> {
  const next = new Map<string, string[]>(d.nodes.map((n) => [n.id, []]));
  for (const e of d.edges) if (e.from !== e.to) next.get(e.from)?.push(e.to);
  return next;
}

/** States reachable from `start` (excluded), not travelling on through Faulted (a detour, F2). */
export function reachableFrom(kind: DiagramKind, start: string, faultedFrom?: string): Set<string> {
  const next = successors(diagram(kind));
  const seen = new Set<string>();
  const queue: string[] = [];
  const visit = (s: string) => {
    for (const t of next.get(s) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      if (t !== FAULTED) queue.push(t);
    }
  };
  if (start === FAULTED) {
    // F2: back to the state it left, or (unknown) wherever the table lets it go.
    if (faultedFrom) {
      seen.add(faultedFrom);
      queue.push(faultedFrom);
    } else visit(start);
  } else visit(start);
  while (queue.length) visit(queue.shift()!);
  seen.delete(start);
  if (start === FAULTED && faultedFrom) seen.add(faultedFrom);
  return seen;
}

/** The shortest route from `a` to `b` in the table (both ends included), not through Faulted; undefined if none. */
function shortestRoute(kind: DiagramKind, a: string, b: string): string[] | undefined {
  const next = successors(diagram(kind));
  const back = new Map<string, string>();
  const queue = [a];
  const seen = new Set([a]);
  while (queue.length) {
    const s = queue.shift()!;
    if (s === b) break;
    if (s === FAULTED && s !== a) continue;
    for (const t of next.get(s) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      back.set(t, s);
      queue.push(t);
    }
  }
  if (!seen.has(b)) return undefined;
  const route = [b];
  for (let s = b; s !== a; ) {
    s = back.get(s)!;
    route.unshift(s);
  }
  return route;
}

/**
 * The path taken: the observed states (repeats collapsed), the current one appended when the
 * observations end elsewhere, the way from an initial state to the first observation, and a gap
 * between two observations (the app polls, so it may miss a state) filled with the table's
 * shortest route between them.
 */
export function pathTaken(kind: DiagramKind, observed: readonly string[] = [], current?: string): string[] {
  const known = new Set(tableOf(kind).nodes as readonly string[]);
  const points = observed.filter((s) => known.has(s));
  if (current && known.has(current) && points[points.length - 1] !== current) points.push(current);
  // Every job and drive begins in an initial state (J1, D1, D2): a first sight later than that
  // means the states before it were passed too.
  const initial = tableOf(kind).initial as readonly string[];
  const first = points[0];
  if (first !== undefined && !initial.includes(first)) {
    const routes = initial.map((i) => shortestRoute(kind, i, first)).filter((r): r is string[] => r !== undefined);
    const best = routes.sort((a, b) => a.length - b.length)[0];
    if (best) points.unshift(...best.slice(0, -1));
  }
  const path: string[] = [];
  for (const s of points) {
    const last = path[path.length - 1];
    if (last === s) continue;
    if (last === undefined) {
      path.push(s);
      continue;
    }
    const direct = diagram(kind).edges.some((e) => e.from === last && e.to === s);
    const route = direct ? undefined : shortestRoute(kind, last, s);
    path.push(...(route ? route.slice(1) : [s]));
  }
  return path;
}

/** Column of each state: the longest path from the initial states, back edges and Faulted left out. */
function columns(d: Diagram, initial: readonly string[]): Map<string, number> {
  const order = d.nodes.map((n) => n.id).filter((id) => id !== FAULTED);
  const next = successors(d);
  // Depth-first from the initial states, in table order, marks back edges (to a state still on the stack).
  const state = new Map<string, 'open' | 'done'>();
  const forward: Array<[string, string]> = [];
  const dfs = (s: string) => {
    state.set(s, 'open');
    for (const t of next.get(s) ?? []) {
      if (t === FAULTED) continue;
      if (state.get(t) === 'open') continue; // back edge
      forward.push([s, t]);
      if (!state.has(t)) dfs(t);
    }
    state.set(s, 'done');
  };
  for (const s of [...initial, ...order]) if (!state.has(s)) dfs(s);
  const col = new Map<string, number>(order.map((s) => [s, 0]));
  // Longest path over the forward edges (a DAG): relax as many times as there are states.
  for (let i = 0; i < order.length; i++)
    for (const [a, b] of forward) if ((col.get(b) ?? 0) < (col.get(a) ?? 0) + 1) col.set(b, (col.get(a) ?? 0) + 1);
  return col;
}

/** The one line between two states: the table's edges in both directions merged. */
interface EdgePair {
  a: string;
  b: string;
  labels: string[];
  rules: string[];
  sides: Side[];
  /** The reverse edge exists too (a head at each end). */
  both: boolean;
}

/** An arrow that skips columns: an arc above or below the row, `level` steps out from it. */
interface Arc {
  p: EdgePair;
  side: 'above' | 'below';
  lo: number;
  hi: number;
  level: number;
}

/** Where a state of the row sits: its left edge, and its top relative to the row's centre line. */
interface RowPlace {
  x: number;
  yOffset: number;
  width: number;
}

/** The heights that follow from the row and its arcs. */
interface VerticalFrame {
  centerY: number;
  /** Half the height of the tallest column's stack. */
  rowHalf: number;
  faultY: number;
  height: number;
}

/** Where arcs and fault lines meet a state's top or bottom (x), for one edge. */
type PortOf = (node: LaidNode, side: 'top' | 'bottom', edge: EdgePair) => number;

const stackHeight = (n: number) => n * NODE_HEIGHT + (n - 1) * STACK_GAP;

export function layoutDiagram(input: LayoutInput): DiagramLayout {
  const { kind, current } = input;
  const d = diagram(kind, current);
  const path = pathTaken(kind, input.observed, current);
  const onPath = new Set(path);
  const reachable = current ? reachableFrom(kind, current, input.faultedFrom) : new Set(d.nodes.map((n) => n.id));
  const statusOf = (id: string): NodeStatus =>
    id === current ? 'current' : onPath.has(id) ? 'visited' : reachable.has(id) ? 'reachable' : 'unreachable';

  const col = columns(d, tableOf(kind).initial);
  const { place, rowWidth, tallest } = placeRow(d, col);
  const pairs = mergeEdges(d);
  // Arcs first (their heights decide how much room the row needs above and below).
  const arcs = stackArcs(pairs, col, place);
  const frame = verticalFrame(d, tallest, arcs);
  const nodes = laidNodes(d, { col, place, rowWidth, frame, statusOf });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const port = portsOf(pairs, arcs, nodes, at);

  const takenPairs = new Set<string>();
  for (let i = 1; i < path.length; i++) takenPairs.add(`${path[i - 1]}\u0000${path[i]}`);
  const isTaken = (a: string, b: string) => takenPairs.has(`${a}\u0000${b}`);
  const isOpen = (id: string) => id === current || reachable.has(id);

  const edges: LaidEdge[] = [...pairs.values()].map((p) => {
    const arc = arcs.find((s) => s.p === p);
    return {
      key: `${p.a}\u0000${p.b}`,
      from: p.a,
      to: p.b,
      d: edgePath(p, at.get(p.a)!, at.get(p.b)!, arc, { nodes, port, frame }),
      headAtTo: true,
      headAtFrom: p.both,
      taken: isTaken(p.a, p.b) || (p.both && isTaken(p.b, p.a)),
      possible: (isOpen(p.a) && reachable.has(p.b)) || (p.both && isOpen(p.b) && reachable.has(p.a)),
      fault: p.a === FAULTED || p.b === FAULTED,
      labels: p.labels,
      rules: p.rules,
      sides: p.sides,
    };
  });

  return { kind, width: Math.ceil(rowWidth), height: Math.ceil(frame.height), nodes, edges, path, current };
}

/** The row's columns side by side, each column's states stacked about the centre line. */
function placeRow(d: Diagram, col: Map<string, number>) {
  const columnCount = Math.max(...col.values()) + 1;
  const byColumn: string[][] = Array.from({ length: columnCount }, () => []);
  for (const n of d.nodes) if (n.id !== FAULTED) byColumn[col.get(n.id)!]!.push(n.id);
  const colWidth = byColumn.map((ids) => Math.max(...ids.map((id) => nodeWidth(id))));
  const colX: number[] = [];
  let x = MARGIN;
  for (const w of colWidth) {
    colX.push(x);
    x += w + COLUMN_GAP;
  }
  const place = new Map<string, RowPlace>();
  byColumn.forEach((ids, c) => {
    const h = stackHeight(ids.length);
    ids.forEach((id, i) => {
      const w = nodeWidth(id);
      place.set(id, {
        x: colX[c]! + (colWidth[c]! - w) / 2,
        yOffset: -h / 2 + i * (NODE_HEIGHT + STACK_GAP),
        width: w,
      });
    });
  });
  return {
    place,
    rowWidth: x - COLUMN_GAP + MARGIN,
    tallest: Math.max(...byColumn.map((ids) => ids.length)),
  };
}

/** One EdgePair per pair of states, keyed by the first edge's direction; self-loops left out. */
function mergeEdges(d: Diagram): Map<string, EdgePair> {
  const pairs = new Map<string, EdgePair>();
  for (const e of d.edges) {
    if (e.from === e.to) continue;
    const existing = pairs.get(`${e.to}\u0000${e.from}`);
    if (existing) {
      existing.both = true;
      for (const l of e.labels) if (!existing.labels.includes(l)) existing.labels.push(l);
      for (const r of e.rules) if (!existing.rules.includes(r)) existing.rules.push(r);
      for (const s of e.sides) if (!existing.sides.includes(s)) existing.sides.push(s);
    } else
      pairs.set(`${e.from}\u0000${e.to}`, {
        a: e.from,
        b: e.to,
        labels: [...e.labels],
        rules: [...e.rules],
        sides: [...e.sides],
        both: false,
      });
  }
  return pairs;
}

/**
 * The arrows that skip columns, shortest first, each on the side of the row its ends lean to
 * (below when either end sits in the lower half) and one level further out than any arc it
 * overlaps there.
 */
function stackArcs(pairs: Map<string, EdgePair>, col: Map<string, number>, place: Map<string, RowPlace>): Arc[] {
  const lowerHalf = (id: string) => place.get(id)!.yOffset + NODE_HEIGHT / 2 > 0;
  const arcs: Arc[] = [];
  const skips = [...pairs.values()]
    .filter((p) => p.a !== FAULTED && p.b !== FAULTED && Math.abs(col.get(p.a)! - col.get(p.b)!) > 1)
    .map((p) => ({ p, lo: Math.min(col.get(p.a)!, col.get(p.b)!), hi: Math.max(col.get(p.a)!, col.get(p.b)!) }))
    .sort((s, t) => s.hi - s.lo - (t.hi - t.lo) || s.lo - t.lo);
  for (const s of skips) {
    const side = lowerHalf(s.p.a) || lowerHalf(s.p.b) ? 'below' : 'above';
    const overlapping = arcs.filter((a) => a.side === side && a.lo < s.hi && s.lo < a.hi);
    arcs.push({ ...s, side, level: 1 + Math.max(0, ...overlapping.map((a) => a.level)) });
  }
  return arcs;
}

/** The row's centre line below the arcs above it, Faulted's row below the arcs below it. */
function verticalFrame(d: Diagram, tallest: number, arcs: Arc[]): VerticalFrame {
  const levels = (side: 'above' | 'below') => Math.max(0, ...arcs.filter((a) => a.side === side).map((a) => a.level));
  const hasFaulted = d.nodes.some((n) => n.id === FAULTED);
  const rowHalf = stackHeight(tallest) / 2;
  const above = levels('above') * ARC_STEP + (levels('above') ? 8 : 0);
  const below = levels('below') * ARC_STEP + (levels('below') ? 8 : 0);
  const centerY = MARGIN + above + rowHalf;
  const faultY = centerY + rowHalf + below + 32;
  const height = (hasFaulted ? faultY + NODE_HEIGHT : centerY + rowHalf) + MARGIN;
  return { centerY, rowHalf, faultY, height };
}

function laidNodes(
  d: Diagram,
  g: {
    col: Map<string, number>;
    place: Map<string, RowPlace>;
    rowWidth: number;
    frame: VerticalFrame;
    statusOf: (id: string) => NodeStatus;
  },
): LaidNode[] {
  return d.nodes.map((n) => {
    const common = {
      id: n.id,
      label: n.label,
      status: g.statusOf(n.id),
      initial: n.initial,
      terminal: n.terminal,
      height: NODE_HEIGHT,
    };
    if (n.id === FAULTED) {
      const faultEdges = d.edges.filter((e) => e.from !== e.to && (e.from === FAULTED || e.to === FAULTED)).length;
      const w = Math.max(nodeWidth(n.id), faultEdges * 18);
      return { ...common, x: (g.rowWidth - w) / 2, y: g.frame.faultY, width: w, column: -1 };
    }
    const p = g.place.get(n.id)!;
    return { ...common, x: p.x, y: g.frame.centerY + p.yOffset, width: p.width, column: g.col.get(n.id)! };
  });
}

/** Whether a state is the lowest of its column (Faulted counts as lowest): fault lines leave from its bottom. */
function lowestInColumn(nodes: LaidNode[], n: LaidNode): boolean {
  return n.column < 0 || Math.max(...nodes.filter((m) => m.column === n.column).map((m) => m.y)) === n.y;
}

/**
 * Ports: where arcs and fault lines meet a state's top or bottom, spread across its width in
 * the order of the other ends, so arrows that share a state do not share a point.
 */
function portsOf(pairs: Map<string, EdgePair>, arcs: Arc[], nodes: LaidNode[], at: Map<string, LaidNode>): PortOf {
  const portRequests = new Map<string, Array<{ edge: EdgePair; otherX: number }>>();
  const request = (node: LaidNode, side: 'top' | 'bottom', edge: EdgePair, other: LaidNode) => {
    const k = `${node.id}\u0000${side}`;
    const list = portRequests.get(k) ?? [];
    list.push({ edge, otherX: other.x + other.width / 2 });
    portRequests.set(k, list);
  };
  for (const p of pairs.values()) {
    const a = at.get(p.a)!;
    const b = at.get(p.b)!;
    const arc = arcs.find((s) => s.p === p);
    if (p.a === FAULTED || p.b === FAULTED) {
      const [row, f] = p.a === FAULTED ? [b, a] : [a, b];
      if (!lowestInColumn(nodes, row)) continue;
      request(row, 'bottom', p, f);
      request(f, 'top', p, row);
    } else if (arc) {
      const side = arc.side === 'above' ? 'top' : 'bottom';
      request(a, side, p, b);
      request(b, side, p, a);
    }
  }
  return (node, side, edge) => {
    const list = [...(portRequests.get(`${node.id}\u0000${side}`) ?? [])].sort((u, v) => u.otherX - v.otherX);
    const i = list.findIndex((q) => q.edge === edge);
    const spread = node.id === FAULTED ? 0.8 : 0.6;
    return node.x + node.width * ((1 - spread) / 2 + (spread * (i + 1)) / (list.length + 1));
  };
}

/** The SVG path of the line from `a` to `b`. */
function edgePath(
  p: EdgePair,
  a: LaidNode,
  b: LaidNode,
  arc: Arc | undefined,
  g: { nodes: LaidNode[]; port: PortOf; frame: VerticalFrame },
): string {
  if (p.a === FAULTED || p.b === FAULTED) return faultPath(p, a, b, g.nodes, g.port);
  if (arc) {
    const sign = arc.side === 'above' ? -1 : 1;
    const edgeY = (n: LaidNode) => (arc.side === 'above' ? n.y : n.y + n.height);
    const x1 = g.port(a, arc.side === 'above' ? 'top' : 'bottom', p);
    const x2 = g.port(b, arc.side === 'above' ? 'top' : 'bottom', p);
    const y1 = edgeY(a);
    const y2 = edgeY(b);
    // Clear the whole row (stacked states of the columns in between), not just the two ends.
    const { centerY, rowHalf } = g.frame;
    const peak = (arc.side === 'above' ? centerY - rowHalf : centerY + rowHalf) + sign * (arc.level * ARC_STEP);
    return `M ${r(x1)} ${r(y1)} C ${r(x1)} ${r(peak)} ${r(x2)} ${r(peak)} ${r(x2)} ${r(y2)}`;
  }
  if (a.column === b.column) {
    const x1 = a.x + a.width / 2;
    const [y1, y2] = a.y < b.y ? [a.y + a.height, b.y] : [a.y, b.y + b.height];
    return `M ${r(x1)} ${r(y1)} L ${r(x1)} ${r(y2)}`;
  }
  const forward = a.x < b.x;
  const x1 = forward ? a.x + a.width : a.x;
  const x2 = forward ? b.x : b.x + b.width;
  return `M ${r(x1)} ${r(a.y + a.height / 2)} L ${r(x2)} ${r(b.y + b.height / 2)}`;
}

/** A line into or out of Faulted: from the bottom of the row state to the top of Faulted. */
function faultPath(p: EdgePair, a: LaidNode, b: LaidNode, nodes: LaidNode[], port: PortOf): string {
  const [row, f] = p.a === FAULTED ? [b, a] : [a, b];
  const fy = f.y;
  if (lowestInColumn(nodes, row)) {
    const fx = port(f, 'top', p);
    const sx = port(row, 'bottom', p);
    const sy = row.y + row.height;
    const my = (sy + fy) / 2;
    return p.a === FAULTED
      ? `M ${r(fx)} ${r(fy)} C ${r(fx)} ${r(my)} ${r(sx)} ${r(my)} ${r(sx)} ${r(sy)}`
      : `M ${r(sx)} ${r(sy)} C ${r(sx)} ${r(my)} ${r(fx)} ${r(my)} ${r(fx)} ${r(fy)}`;
  }
  // A state stacked above another: along Faulted's row, up the gap right of the column, into its right side.
  const colRight = Math.max(...nodes.filter((n) => n.column === row.column).map((n) => n.x + n.width));
  const gx = colRight + COLUMN_GAP / 2;
  const fxr = f.x + f.width;
  const fmy = f.y + f.height / 2;
  const sx = row.x + row.width;
  const sy = row.y + row.height / 2;
  const k = 10;
  const out = `M ${r(fxr)} ${r(fmy)} L ${r(gx - k)} ${r(fmy)} Q ${r(gx)} ${r(fmy)} ${r(gx)} ${r(fmy - k)} L ${r(gx)} ${r(sy + k)} Q ${r(gx)} ${r(sy)} ${r(gx - k)} ${r(sy)} L ${r(sx)} ${r(sy)}`;
  const back = `M ${r(sx)} ${r(sy)} L ${r(gx - k)} ${r(sy)} Q ${r(gx)} ${r(sy)} ${r(gx)} ${r(sy + k)} L ${r(gx)} ${r(fmy - k)} Q ${r(gx)} ${r(fmy)} ${r(gx - k)} ${r(fmy)} L ${r(fxr)} ${r(fmy)}`;
  return p.a === FAULTED ? out : back;
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The text alternative: where it is now, the path taken, what may still come, what no longer can. */
export function describeDiagram(layout: DiagramLayout): string {
  const subject = layout.kind === 'job' ? 'Job' : 'Drive';
  const list = (status: NodeStatus) => layout.nodes.filter((n) => n.status === status).map((n) => n.label);
  const parts: string[] = [];
  parts.push(layout.current ? `${subject} state now: ${layout.current}.` : `${subject} state unknown.`);
  if (layout.path.length > 1) parts.push(`Path taken: ${layout.path.join(' → ')}.`);
  const still = list('reachable');
  parts.push(still.length ? `Still possible: ${still.join(', ')}.` : 'No further state is possible.');
  const gone = list('unreachable');
  if (gone.length) parts.push(`No longer reachable: ${gone.join(', ')}.`);
  return parts.join(' ');
}
