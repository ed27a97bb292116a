// The transition tables as data: what the renderer draws, and how a damaged persisted job is reported.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DRIVE_STATES,
  EVENT_SIDE,
  JOB_STATES,
  diagram,
  driveTransitions,
  jobAccepts,
  jobTransitions,
  parseJob,
  serializeJob,
} from '../../shared/lifecycle';
import { Sim } from './helpers';

describe('transition tables', () => {
  it('name every job and drive state as a node, and give each edge the side of its event', () => {
    expect([...jobTransitions.nodes]).toEqual([...JOB_STATES]);
    expect([...driveTransitions.nodes]).toEqual([...DRIVE_STATES]);
    for (const e of [...jobTransitions.edges, ...driveTransitions.edges]) {
      expect(e.side).toBe(EVENT_SIDE[e.event]);
      expect(e.rules.length).toBeGreaterThan(0);
    }
    // Who moves what, as the source's pictures show it.
    const side = (from: string, to: string) => jobTransitions.edges.find((e) => e.from === from && e.to === to)?.side;
    expect(side('Creating', 'Shipping')).toBe('customer');
    expect(side('Shipping', 'Received')).toBe('datacenter');
    expect(side('Shipping', 'Closed')).toBe('clock');
  });

  it('J13 and A1 are read from the table: cancel and delete are accepted exactly where the rules say', () => {
    expect(JOB_STATES.filter((s) => jobAccepts(s, 'Cancel'))).toEqual(['Creating', 'Shipping']);
    expect(JOB_STATES.filter((s) => jobAccepts(s, 'Delete'))).toEqual(['Creating', 'Completed']);
    expect(JOB_STATES.filter((s) => jobAccepts(s, 'SetShipping'))).toEqual(['Creating', 'Shipping']);
  });

  it('the diagram helper flags the current state and merges parallel edges with their sides', () => {
    const d = diagram('job', 'Packaging');
    expect(d.nodes.filter((n) => n.current).map((n) => n.id)).toEqual(['Packaging']);
    expect(d.nodes.find((n) => n.id === 'Creating')).toMatchObject({ initial: true, terminal: false });
    expect(d.nodes.filter((n) => n.terminal).map((n) => n.id)).toEqual(['Completed', 'Closed']);
    expect(d.edges.every((e) => e.from !== e.to)).toBe(true);
    const toClosed = d.edges
      .filter((e) => e.to === 'Closed')
      .map((e) => e.from)
      .sort();
    expect(toClosed).toEqual(['Packaging', 'Received', 'Shipping', 'Transferring']);
    const packagingClosed = d.edges.find((e) => e.from === 'Packaging' && e.to === 'Closed');
    expect(packagingClosed?.sides.sort()).toEqual(['clock', 'datacenter']);
    expect(packagingClosed?.rules).toEqual(expect.arrayContaining(['J11', 'JE4']));
    const withLoops = diagram('job', undefined, { selfLoops: true });
    expect(withLoops.edges.find((e) => e.from === 'Creating' && e.to === 'Creating')?.rules).toContain('J3');
    const drives = diagram('drive', 'NeverReceived');
    expect(drives.nodes.filter((n) => n.initial).map((n) => n.id)).toEqual(['Specified', 'Received']);
    expect(drives.edges.find((e) => e.from === 'NeverReceived')?.to).toBe('Received');
  });
});

describe('persisted jobs', () => {
  it('a damaged job record is refused with the field at fault, not loaded half-broken', () => {
    const s = new Sim().ship().arrive();
    const raw = JSON.parse(serializeJob(s.job));
    raw.drives[1].state = 'Lost';
    expect(() => parseJob(JSON.stringify(raw), 'jobs/rg/photos-2026.json')).toThrow(
      /^jobs\/rg\/photos-2026\.json has an invalid field drives\.1\.state: .*restore it from a backup or delete it\.$/,
    );
    expect(() => parseJob('{"name": ', 'jobs/x.json')).toThrow(/jobs\/x\.json is not valid JSON/);
  });
});

describe('the module', () => {
  it('imports nothing outside shared/ except zod', () => {
    const dir = fileURLToPath(new URL('../../shared/lifecycle/', import.meta.url));
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(dir + f, 'utf8');
      const specs = [...src.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      for (const spec of specs)
        expect(
          spec === 'zod' || /^\.\.?\/[\w.]+$/.test(spec ?? '') || /^\.\.\/\w+\/[\w.]+$/.test(spec ?? ''),
          `${f} imports ${spec}`,
        ).toBe(true);
    }
  });
});
