// The state diagrams: drawn from the life cycle's transition tables, the current state
// highlighted, the path taken marked, states no longer reachable dimmed, and a text alternative.
import { describe, expect, it } from 'vitest';
import { DRIVE_STATES, JOB_STATES, diagram } from '../../shared/lifecycle';
import {
  describeDiagram,
  layoutDiagram,
  pathTaken,
  reachableFrom,
  type DiagramLayout,
} from '../../renderer/src/components/StateDiagram/layout';

const overlaps = (a: DiagramLayout['nodes'][number], b: DiagramLayout['nodes'][number]) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe.each([
  ['job', JOB_STATES],
  ['drive', DRIVE_STATES],
] as const)('the %s diagram', (kind, states) => {
  it.each(states.map((s) => [s]))(
    'draws every state exactly once, inside the picture and apart from the others, with %s highlighted',
    (current) => {
      const layout = layoutDiagram({ kind, current });
      expect(layout.nodes.map((n) => n.id).sort()).toEqual([...states].sort());
      expect(layout.nodes.filter((n) => n.status === 'current').map((n) => n.id)).toEqual([current]);
      for (const n of layout.nodes) {
        expect(n.x).toBeGreaterThanOrEqual(0);
        expect(n.y).toBeGreaterThanOrEqual(0);
        expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
        expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
        for (const m of layout.nodes) if (m !== n) expect(overlaps(n, m), `${n.id} overlaps ${m.id}`).toBe(false);
      }
    },
  );

  it('draws one arrow per pair of states the table connects, and none the table does not', () => {
    const layout = layoutDiagram({ kind });
    const table = diagram(kind).edges.filter((e) => e.from !== e.to);
    const drawn = new Set(
      layout.edges.flatMap((e) => [`${e.from}>${e.to}`, ...(e.headAtFrom ? [`${e.to}>${e.from}`] : [])]),
    );
    expect([...drawn].sort()).toEqual(table.map((e) => `${e.from}>${e.to}`).sort());
    for (const e of layout.edges) expect(e.d).toMatch(/^M [\d.]+ [\d.]+ /);
  });
});

describe('what the diagram marks', () => {
  it('J1/J7: a job first seen Received had been Creating and Shipping: those are marked passed, the states ahead stay possible', () => {
    const layout = layoutDiagram({ kind: 'job', current: 'Received' });
    const status = Object.fromEntries(layout.nodes.map((n) => [n.id, n.status]));
    expect(status).toMatchObject({
      Creating: 'visited',
      Shipping: 'visited',
      Received: 'current',
      Transferring: 'reachable',
      Packaging: 'reachable',
      Completed: 'reachable',
      Closed: 'reachable',
      Faulted: 'reachable',
    });
    expect(layout.path).toEqual(['Creating', 'Shipping', 'Received']);
  });

  it('D4/D5: a drive being copied can no longer be NeverReceived, so that state is dimmed', () => {
    const layout = layoutDiagram({ kind: 'drive', current: 'Transferring', observed: ['Specified', 'Received'] });
    expect(layout.nodes.filter((n) => n.status === 'unreachable').map((n) => n.id)).toEqual(['NeverReceived']);
    // The arrows into it are dimmed too; the ones ahead are not.
    expect(layout.edges.find((e) => e.from === 'Specified' && e.to === 'NeverReceived')?.possible).toBe(false);
    expect(layout.edges.find((e) => e.from === 'Transferring' && e.to === 'Completed')?.possible).toBe(true);
  });

  it('the path taken is marked and not dimmed: Creating and Shipping of a Received job were passed', () => {
    const layout = layoutDiagram({ kind: 'job', current: 'Received', observed: ['Creating', 'Shipping'] });
    const status = Object.fromEntries(layout.nodes.map((n) => [n.id, n.status]));
    expect(status.Creating).toBe('visited');
    expect(status.Shipping).toBe('visited');
    const taken = layout.edges.filter((e) => e.taken).map((e) => `${e.from}>${e.to}`);
    expect(taken.sort()).toEqual(['Creating>Shipping', 'Shipping>Received']);
  });

  it('J7/J8: a state the app did not observe between two it did is filled in from the table', () => {
    expect(pathTaken('job', ['Creating', 'Shipping', 'Transferring'])).toEqual([
      'Creating',
      'Shipping',
      'Received',
      'Transferring',
    ]);
    expect(pathTaken('job', ['Creating'], 'Completed')).toEqual(['Creating', 'Completed']); // J14: cancelled while Creating
    expect(pathTaken('job', ['Creating', 'Creating', 'Shipping'], 'Shipping')).toEqual(['Creating', 'Shipping']);
    // J1: a job made elsewhere and first seen Shipping was Creating before.
    expect(pathTaken('job', ['Shipping'])).toEqual(['Creating', 'Shipping']);
    // D2: an export drive starts Received, so nothing is prepended to it.
    expect(pathTaken('drive', ['Received', 'Transferring'])).toEqual(['Received', 'Transferring']);
  });

  it('a terminal job reaches nothing more: every state off its path is dimmed', () => {
    const layout = layoutDiagram({
      kind: 'job',
      current: 'Completed',
      observed: ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed'],
    });
    expect(
      layout.nodes
        .filter((n) => n.status === 'unreachable')
        .map((n) => n.id)
        .sort(),
    ).toEqual(['Closed', 'Faulted']);
    expect(layout.nodes.filter((n) => n.status === 'reachable')).toEqual([]);
  });

  it('D7/D8: a drive that finished with issues can only be shipped back; Completed, NeverReceived and Faulted are out of reach', () => {
    const layout = layoutDiagram({
      kind: 'drive',
      current: 'CompletedMoreInfo',
      observed: ['Specified', 'Received', 'Transferring'],
    });
    const status = Object.fromEntries(layout.nodes.map((n) => [n.id, n.status]));
    expect(status).toMatchObject({
      ShippedBack: 'reachable',
      Completed: 'unreachable',
      NeverReceived: 'unreachable',
      Faulted: 'unreachable',
      Specified: 'visited',
      Received: 'visited',
      Transferring: 'visited',
    });
  });

  it('DE1: a NeverReceived drive may still arrive, so Received and everything after it stays possible', () => {
    expect([...reachableFrom('drive', 'NeverReceived')].sort()).toEqual([
      'Completed',
      'CompletedMoreInfo',
      'Faulted',
      'Received',
      'ShippedBack',
      'Transferring',
    ]);
  });

  it('F2: a Faulted job returns to the state it left, so what lies behind that state is dimmed', () => {
    const fromTransferring = reachableFrom('job', 'Faulted', 'Transferring');
    expect(fromTransferring.has('Transferring')).toBe(true);
    expect(fromTransferring.has('Creating')).toBe(false);
    expect(fromTransferring.has('Shipping')).toBe(false);
    // Not knowing where it came from, every way out of Faulted stays open.
    expect(reachableFrom('job', 'Faulted').has('Creating')).toBe(true);
  });

  it('the text alternative names the current state, the path taken, and what is still possible and no longer reachable', () => {
    const text = describeDiagram(layoutDiagram({ kind: 'job', current: 'Shipping', observed: ['Creating'] }));
    expect(text).toBe(
      'Job state now: Shipping. Path taken: Creating → Shipping. Still possible: Received, Transferring, Packaging, Completed, Closed, Faulted.',
    );
    expect(
      describeDiagram(
        layoutDiagram({
          kind: 'drive',
          current: 'ShippedBack',
          observed: ['Specified', 'Received', 'Transferring', 'Completed'],
        }),
      ),
    ).toBe(
      'Drive state now: ShippedBack. Path taken: Specified → Received → Transferring → Completed → ShippedBack. No further state is possible. No longer reachable: NeverReceived, CompletedMoreInfo, Faulted.',
    );
  });
});
