// Job records: what Haul observed of each job and when, kept per connection in the data folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArmJob } from '../../shared/arm/schemas';
import {
  connectionKey,
  createJobRecords,
  jsonRecordStores,
  recordsFile,
  type RecordsDocument,
  type RecordStorePort,
} from '../../main/core/jobs/records';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'haul-records-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const job = (name: string, state: string, drives: [string, string][] = [['WD1', 'Specified']]): ArmJob => ({
  name,
  properties: { state, jobType: 'Import', driveList: drives.map(([driveId, s]) => ({ driveId, state: s })) },
});
const key = connectionKey({ kind: 'local', subscriptionId: 'AAAA-1', resourceGroup: 'Haul-Sandbox' });

describe('job records', () => {
  it('write down when a job was first seen and each job and drive state once, with its first time', async () => {
    const records = createJobRecords(key, jsonRecordStores(dir)(key));
    await records.see([job('a', 'Creating')], at(0));
    await records.see([job('a', 'Creating')], at(5));
    await records.see([job('a', 'Shipping')], at(10), { via: 'haul' });
    await records.see([job('a', 'Received', [['WD1', 'Received']])], at(20));
    const r = await records.get('a');
    expect(r?.firstSeenAt).toBe(at(0).toISOString());
    expect(r?.states).toEqual([
      { state: 'Creating', at: at(0).toISOString(), via: 'first-seen' },
      { state: 'Shipping', at: at(10).toISOString(), via: 'haul' },
      { state: 'Received', at: at(20).toISOString(), via: 'polled' },
    ]);
    expect(r?.drives.WD1?.states.map((s) => s.state)).toEqual(['Specified', 'Received']);
  });

  it('survive a restart: a new store over the same file reads them back', async () => {
    const again = createJobRecords(key, jsonRecordStores(dir)(key));
    expect((await again.get('a'))?.states).toHaveLength(3);
  });

  it('mark a job gone when a full list no longer holds it, once', async () => {
    const records = createJobRecords(key, jsonRecordStores(dir)(key));
    await records.see([job('b', 'Creating')], at(30));
    const first = await records.see([job('b', 'Creating')], at(40), { complete: true });
    expect(first.gone.map((g) => g.name)).toEqual(['a']);
    expect(first.records.a?.goneAt).toBe(at(40).toISOString());
    const second = await records.see([job('b', 'Creating')], at(50), { complete: true });
    expect(second.gone).toEqual([]);
  });

  it('keep one file per connection, named without the subscription id in the clear, readable only by the user', async () => {
    const other = connectionKey({ kind: 'azure', subscriptionId: 'BBBB-2', resourceGroup: 'prod' });
    const records = createJobRecords(other, jsonRecordStores(dir)(other));
    await records.see([job('z', 'Creating')], at(0));
    const files = (await readdir(join(dir, 'jobs'))).filter((f) => f.endsWith('.json')).sort();
    expect(files).toHaveLength(2);
    expect(files.join(' ')).not.toMatch(/aaaa|bbbb/i);
    expect(Object.keys(await records.all())).toEqual(['z']);
    const doc = JSON.parse(await readFile(recordsFile(dir, other), 'utf8')) as RecordsDocument;
    expect(doc.connection).toBe('azure/bbbb-2/prod');
  });

  it('start again from nothing when the file is damaged, keeping the damaged file aside', async () => {
    const k = connectionKey({ kind: 'local', subscriptionId: 'CCCC', resourceGroup: 'rg' });
    await writeFile(recordsFile(dir, k), '{"version":1,"connection":');
    const store = jsonRecordStores(dir)(k);
    const records = createJobRecords(k, store);
    expect(await records.all()).toEqual({});
    expect((await readdir(join(dir, 'jobs'))).some((f) => f.includes('.corrupt-'))).toBe(true);
  });

  it('do not rewrite the file when an answer changed nothing', async () => {
    let writes = 0;
    let doc: RecordsDocument = { version: 1, connection: 'mem', jobs: {} };
    const port: RecordStorePort = {
      read: async () => doc,
      update: async (change) => {
        writes++;
        doc = change(doc);
        return doc;
      },
    };
    const records = createJobRecords('mem', port);
    await records.see([job('m', 'Creating')], at(0));
    await records.see([job('m', 'Creating')], at(0.5));
    expect(writes).toBe(1);
    await records.see([job('m', 'Shipping')], at(1));
    expect(writes).toBe(2);
  });

  it('never answer from a stale copy: what another store (or another program) wrote to the file is what is read', async () => {
    const k = connectionKey({ kind: 'local', subscriptionId: 'DDDD', resourceGroup: 'two' });
    const one = createJobRecords(k, jsonRecordStores(dir)(k));
    const two = createJobRecords(k, jsonRecordStores(dir)(k));
    await one.see([job('x', 'Creating')], at(0));
    expect((await two.get('x'))?.states.map((s) => s.state)).toEqual(['Creating']);
    await two.see([job('x', 'Shipping')], at(1));
    expect((await one.get('x'))?.states.map((s) => s.state)).toEqual(['Creating', 'Shipping']);
    // Changed by hand, same size and all: still read again.
    const file = recordsFile(dir, k);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"Shipping"', '"Received"'));
    expect((await one.get('x'))?.states.map((s) => s.state)).toEqual(['Creating', 'Received']);
    await one.see([job('x', 'Received')], at(2));
    expect((await two.all()).x?.states.map((s) => s.state)).toEqual(['Creating', 'Received']);
  });

  it("note Haul's own updates (J3 restarts the 14 days of J2)", async () => {
    const records = createJobRecords(key, jsonRecordStores(dir)(key));
    await records.markUpdated('b', at(60));
    expect((await records.get('b'))?.updatedByHaulAt).toBe(at(60).toISOString());
  });
});
