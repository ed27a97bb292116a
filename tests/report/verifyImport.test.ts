// Verify the import as a run in main, like a prep session: progress as it goes, cancel that stops
// it (a read in flight is abandoned), one run per job at a time, and the byte budget that bounds
// what is read back even with files checked side by side. The storage account is a stand-in here;
// tests/report/endOfJob.test.ts checks against Azurite.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CoreEvents } from '../../main/core/events';
import type { ReportService } from '../../main/core/report/reports';
import { knownKey } from '../../main/core/report/reports';
import type { KnownFile } from '../../main/core/report/sources';
import type { BlobAccess } from '../../main/core/verifyImport/storage';
import { createVerifyImportRuns } from '../../main/core/verifyImport/runs';
import type { ReportRow, VerifyImportStatus } from '../../shared/report/schemas';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();

function files(n: number, size: number): { rows: ReportRow[]; known: Map<string, KnownFile>; data: Buffer } {
  const data = Buffer.alloc(size, 7);
  const blocks = [];
  for (let o = 0; o < size; o += 4 * MiB) blocks.push(md5(data.subarray(o, Math.min(size, o + 4 * MiB))));
  const rows: ReportRow[] = [];
  const known = new Map<string, KnownFile>();
  for (let i = 0; i < n; i++) {
    const blobPath = `c/f${i}.bin`;
    rows.push({
      driveId: 'D1',
      sourcePath: `/src/f${i}.bin`,
      blobPath,
      filePath: `s1/${blobPath}`,
      length: size,
      outcome: { kind: 'imported', label: 'Imported', tone: 'success', text: 'Imported.' },
    });
    known.set(knownKey('D1', `s1/${blobPath}`), {
      blobPath,
      filePath: `s1/${blobPath}`,
      length: size,
      md5: '',
      blocks: blocks.join(''),
    });
  }
  return { rows, known, data };
}

function setup(n: number, size: number, access: (data: Buffer) => BlobAccess) {
  const f = files(n, size);
  const events: VerifyImportStatus[] = [];
  const reports = {
    built: async () => ({
      report: {} as never,
      rows: f.rows,
      known: f.known,
      view: { storageAccountId: '/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a' },
    }),
  } as unknown as ReportService;
  const bus: CoreEvents = {
    emit: (event, payload) => {
      if (event === 'verifyImport.progress') events.push(payload as VerifyImportStatus);
    },
    on: () => () => undefined,
  };
  const runs = createVerifyImportRuns({
    reports,
    connections: { current: () => undefined, onChange: () => () => undefined },
    events: bus,
    storage: async () => access(f.data),
    progressIntervalMs: 0,
  });
  return { runs, events };
}

/** A storage account that answers at once and hands out the data in 1 MiB chunks, waiting `gate` before each. */
function store(gate: () => Promise<void> = async () => undefined): (data: Buffer) => BlobAccess & { reads: number } {
  return (data) => {
    const a = {
      label: 'storage account a',
      reads: 0,
      facts: async () => ({ exists: true, length: data.length }),
      async *read(_name: string, signal: AbortSignal) {
        a.reads += 1;
        for (let o = 0; o < data.length; o += MiB) {
          await gate();
          if (signal.aborted) throw new DOMException('aborted', 'AbortError');
          yield data.subarray(o, o + MiB);
        }
      },
    };
    return a;
  };
}

describe('verify the import as a run', () => {
  it('cancel stops it part way: the status says cancelled and how far it got', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let chunks = 0;
    const { runs, events } = setup(
      6,
      6 * MiB,
      store(async () => {
        chunks += 1;
        if (chunks > 3) await held;
      }),
    );
    const started = await runs.start('job1', 1e12);
    expect(started).toMatchObject({ state: 'running', total: { files: 6, bytes: 36 * MiB } });
    while (chunks <= 3) await new Promise((r) => setTimeout(r, 5));
    runs.cancel('job1');
    release();
    await runs.whenEnded('job1');
    const s = runs.status('job1')!;
    expect(s.state).toBe('cancelled');
    expect(s.checked.files).toBeLessThan(6);
    expect(s.mismatchCount).toBe(0);
    expect(events.at(-1)).toMatchObject({ state: 'cancelled' });
    expect(events.some((e) => e.state === 'running' && e.bytesRead > 0)).toBe(true);
  });

  it('one run per job: starting again while it runs answers the running one', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { runs } = setup(
      1,
      MiB,
      store(() => held),
    );
    const a = await runs.start('job2', 1e12);
    const b = await runs.start('job2', 1e12);
    expect(b.runId).toBe(a.runId);
    release();
    await runs.whenEnded('job2');
    expect(runs.status('job2')).toMatchObject({ state: 'done', matching: 1, byReadBack: 1 });
  });

  it('the budget holds with files read side by side: what does not fit is checked by length only', async () => {
    const access = store();
    let made: ReturnType<ReturnType<typeof store>> | undefined;
    const { runs } = setup(5, 5 * MiB, (data) => (made = access(data)));
    await runs.start('job3', 12 * MiB);
    await runs.whenEnded('job3');
    const s = runs.status('job3')!;
    expect(s).toMatchObject({ state: 'done', byReadBack: 2, matching: 2, lengthOnly: { files: 3 }, mismatchCount: 0 });
    expect(s.bytesRead).toBeLessThanOrEqual(12 * MiB);
    expect(made?.reads).toBe(2);
  });
});
