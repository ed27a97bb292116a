// The prep journal is the customer's only record of what is on the drives: damage to it (garbage
// lines, a flipped byte, an editor's re-encoding or CRLF) is reported and kept aside, never
// multiplied — the next run lists each blob once under its own name, and copies again exactly the
// files whose records were lost. A record that would break the manifest is refused on append.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrepEvent } from '../../shared/prep/types';
import { readManifest } from '../../main/core/prep/drive-format/driveFiles';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { fileRecord, plainlyWhole, recordToBlob, type FileRecord } from '../../main/core/prep/drive-format/fileRecord';
import { manifestBlob } from '../../shared/formats/driveManifest';
import { Journal } from '../../main/core/prep/journal/journal';
import { PrepSession } from '../../main/core/prep/engine/session';
import { makeDrives, makeSource, type TestDrives } from './drives.helpers';

const work = mkdtempSync(join(tmpdir(), 'haul-prep-journal-'));
let drives: TestDrives;

beforeAll(() => {
  drives = makeDrives(work, 1, 32);
});
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** A source with a multi-block file, a few small ones and one with a non-ASCII name. */
function source(name: string): string[] {
  const src = join(work, `src-${name}`);
  const hashes = makeSource(src, 1, 5 * 1024 * 1024 + 3, 5);
  writeFileSync(join(src, 'docs', 'café-ü.txt'), 'non-ASCII name');
  return [...hashes.keys(), 'docs/café-ü.txt'].map((rel) => `media/${rel}`).sort();
}

function sessionFor(name: string, verify = true): PrepSession {
  return new PrepSession({
    journal: join(work, `${name}.jrn`),
    session: name,
    jobName: 'job-journal-test',
    keepAwake: false,
    verify,
    entries: pickedEntries([join(work, `src-${name}`)], 'media/', 'BlockBlob', 'rename'),
    targets: [{ path: drives.mounts[0]! }],
  });
}

async function prep(name: string, verify = true) {
  const s = sessionFor(name, verify);
  const events: PrepEvent[] = [];
  s.onEvent((e) => events.push(e));
  const res = await s.start();
  const journalNotes = events.flatMap((e) => (e.type === 'file-error' && e.code === 'EJOURNAL' ? [e.message] : []));
  return { res, events, journalNotes };
}

const blobsOnDrive = (): string[] => (readManifest(drives.mounts[0]!)?.blobs ?? []).map((b) => b.blobPath).sort();
const asideCopies = (name: string): string[] => readdirSync(work).filter((f) => f.startsWith(`${name}.damaged-`));

/** Changes the journal's bytes line by line (lines split on LF, as written). */
function editLines(path: string, edit: (lines: Buffer[]) => Buffer[]): void {
  const bytes = readFileSync(path);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++)
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  writeFileSync(path, Buffer.concat(edit(lines).map((l) => Buffer.concat([l, Buffer.from('\n')]))));
}

describe('a damaged journal is reported and kept aside, never multiplied', () => {
  it('garbage lines in the middle: each blob listed once, the damage kept aside and named, nothing grows on later runs', async () => {
    drives.clear();
    const expected = source('garbage');
    const first = await prep('garbage');
    expect(first.res.outcome, first.res.message).toBe('done');
    const path = join(work, 'garbage.jrn');
    // the session record overwritten with bytes that are not UTF-8, and a line of text added
    editLines(path, (lines) => [
      Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x28, 0x7b]),
      lines[1]!,
      Buffer.from('this is not a record'),
      ...lines.slice(2),
    ]);
    const damaged = readFileSync(path);

    // planning reads only: it names the damage, writes nothing
    const planner = sessionFor('garbage');
    const planNotes: string[] = [];
    planner.onEvent((e) => void (e.type === 'file-error' && e.code === 'EJOURNAL' && planNotes.push(e.message)));
    await planner.plan();
    expect(planNotes.join('\n')).toMatch(/lines 1 and 3 could not be read.*The next run keeps the journal/);
    expect(readFileSync(path)).toEqual(damaged);
    expect(asideCopies('garbage')).toEqual([]);

    const second = await prep('garbage');
    expect(second.res.outcome, second.res.message).toBe('done');
    expect(blobsOnDrive()).toEqual(expected);
    expect(second.journalNotes.join('\n')).toMatch(/garbage\.jrn is damaged: lines 1 and 3 could not be read/);
    const copies = asideCopies('garbage');
    expect(copies).toHaveLength(1);
    expect(second.journalNotes.join('\n')).toContain(copies[0]);
    expect(readFileSync(join(work, copies[0]!))).toEqual(damaged);
    expect(readFileSync(path).includes(0)).toBe(false);
    expect(second.res.filesCopied).toBe(0); // the good records were kept: nothing copied twice

    const size = readFileSync(path).length;
    const third = await prep('garbage');
    expect(third.journalNotes).toEqual([]);
    expect(blobsOnDrive()).toEqual(expected);
    expect(asideCopies('garbage')).toHaveLength(1);
    expect(readFileSync(path).length).toBeLessThan(size + 400); // a verified record at most, no repeated damage
  }, 120_000);

  it('a flipped byte in a blob name: no blob under the corrupted name; the file is named as lost and copied again', async () => {
    drives.clear();
    const expected = source('flip');
    await prep('flip');
    const path = join(work, 'flip.jrn');
    let victim = '';
    editLines(path, (lines) =>
      lines.map((l) => {
        const text = l.toString('utf8');
        if (victim || !text.includes('"t":"file"') || !text.includes('note-1')) return l;
        victim = /"blob":"([^"]+)"/.exec(text)![1]!;
        const at = l.indexOf('note-1') + 2;
        const flipped = Buffer.from(l);
        flipped[at] = flipped[at]! ^ 0x01; // 'note-1' becomes 'noue-1'
        return flipped;
      }),
    );
    expect(victim).toMatch(/note-1/);

    const second = await prep('flip');
    expect(second.res.outcome, second.res.message).toBe('done');
    expect(blobsOnDrive()).toEqual(expected);
    const note = second.journalNotes.join('\n');
    expect(note).toMatch(/line \d+ could not be read/);
    expect(note).toContain(victim.replace('note-1', 'noue-1'));
    expect(second.res.filesCopied).toBe(1);
    expect(second.events.some((e) => e.type === 'verify-result' && e.ok)).toBe(true);
  }, 120_000);

  it('an editor re-encoded the journal to Latin-1 with CRLF: no NULs, no mangled names, only the changed records are copied again', async () => {
    drives.clear();
    const expected = source('latin');
    await prep('latin');
    const path = join(work, 'latin.jrn');
    const text = readFileSync(path, 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(path, Buffer.from(text, 'latin1'));

    const second = await prep('latin');
    expect(second.res.outcome, second.res.message).toBe('done');
    expect(blobsOnDrive()).toEqual(expected);
    expect(readFileSync(path).includes(0)).toBe(false);
    expect(readFileSync(path).includes(0x0d)).toBe(false);
    expect(second.journalNotes.join('\n')).toMatch(/media\/docs\/café-ü\.txt/);
    expect(second.res.filesCopied).toBe(1); // only the record with the non-ASCII name was changed
    expect(asideCopies('latin')).toHaveLength(1);
  }, 120_000);

  it('a journal of the earlier format (JSON lines without checksums) opens as it is, and new records are added after it', () => {
    const path = join(work, 'old.jrn');
    const rec: FileRecord = {
      t: 'file',
      s: 's1',
      blob: 'cc1/a.txt',
      src: '/data/a.txt',
      size: 1,
      mtime: 1,
      drive: 'D1',
      path: 's1/cc1/a.txt',
      disp: 'rename',
      type: 'BlockBlob',
      md5: 'A'.repeat(32),
      blocks: 'B'.repeat(32),
    };
    writeFileSync(
      path,
      [{ t: 'session', s: 's1', job: 'j', at: 1 }, { t: 'drive', drive: 'D1', target: '/x', at: 1 }, rec]
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(''),
    );
    const j = Journal.open(path);
    expect(j.damage?.message).toBeUndefined();
    expect([...j.files.values()]).toEqual([rec]);
    j.append([{ ...rec, blob: 'cc1/b.txt', path: 's1/cc1/b.txt' }]);
    j.close();
    const again = Journal.open(path);
    expect(again.damage).toBeUndefined();
    expect([...again.files.keys()].length).toBe(2);
    again.close();
    expect(asideCopies('old')).toEqual([]);
  });
});

describe('a journal whose last newline was lost', () => {
  it('keeps its last record and the next one apart (an editor that drops the final newline)', () => {
    const path = join(work, 'nolf.jrn');
    const j = Journal.open(path);
    j.append([
      { t: 'session', s: 's1', job: 'j', at: 1 },
      { t: 'drive', drive: 'D1', target: '/x', at: 1 },
    ]);
    j.close();
    writeFileSync(path, readFileSync(path).subarray(0, -1));
    const again = Journal.open(path);
    again.append([{ t: 'session', s: 's2', job: 'k', at: 2 }]);
    again.close();
    const last = Journal.open(path);
    expect(last.damaged).toEqual([]);
    expect([...last.drives.keys()]).toEqual(['D1']);
    expect([...last.sessions.keys()]).toEqual(['s1', 's2']);
    last.close();
  });
});

describe('a journal an editor saved with a byte-order mark', () => {
  it('keeps every record, says what changed, keeps the file as it was aside and writes it back without the mark', () => {
    const path = join(work, 'bom.jrn');
    const j = Journal.open(path);
    j.append([
      { t: 'session', s: 's1', job: 'j', at: 1 },
      { t: 'drive', drive: 'D1', target: '/x', at: 1 },
    ]);
    j.close();
    writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(path)]));
    const again = Journal.open(path);
    expect(again.damage?.message).toMatch(
      /bom\.jrn was changed by an editor \(a byte-order mark was added\); each record is intact/,
    );
    expect(again.sessions.get('s1')).toBe('j');
    expect([...again.drives.keys()]).toEqual(['D1']);
    again.close();
    expect(readFileSync(path)[0]).toBe(0x7b);
    expect(asideCopies('bom')).toHaveLength(1);
  });
});

describe('a record that would break the manifest is refused on append', () => {
  const rec = (blob: string): FileRecord => ({
    t: 'file',
    s: 's1',
    blob,
    src: `/data/${blob}`,
    size: 5,
    mtime: 1,
    drive: 'D1',
    path: `s1/${blob}`,
    disp: 'rename',
    type: 'BlockBlob',
    md5: 'A'.repeat(32),
    blocks: 'B'.repeat(32),
  });

  it('a backslash in a name is refused with a message naming the source file; the other records of the batch are kept', () => {
    const dir = join(work, 'refuse');
    mkdirSync(dir);
    const path = join(dir, 'r.jrn');
    const j = Journal.open(path);
    const refused = j.append([rec('cc1/good.txt'), rec('cc1/dir\\bad.txt'), rec('BadContainer/x.txt')]);
    j.close();
    expect(refused.map((e) => e.message)).toEqual([
      expect.stringMatching(/^\/data\/cc1\/dir\\bad\.txt was copied but not journaled: .*"\\".*rename it/),
      expect.stringMatching(
        /^\/data\/BadContainer\/x\.txt was copied but not journaled: container name "BadContainer"/,
      ),
    ]);
    for (const e of refused) expect(e.message).not.toMatch(/"code":|invalid_/);
    const again = Journal.open(path);
    expect([...again.files.keys()].map((k) => k.split('\u0000')[1])).toEqual(['cc1/good.txt']);
    expect(again.damage).toBeUndefined();
    again.close();
  });
});

describe("the journal's quick look at a file record takes only what the schemas take", () => {
  const good: FileRecord = {
    t: 'file',
    s: 's1',
    blob: 'cc1/a/b.txt',
    src: '/data/a/b.txt',
    size: 4 * 1024 * 1024 + 5,
    mtime: 1.5,
    drive: 'D1',
    path: 's1/cc1/a/b.txt',
    disp: 'rename',
    type: 'BlockBlob',
    md5: '',
    blocks: 'A'.repeat(32) + '0123456789ABCDEF'.repeat(2),
    q: 3,
  };
  const odd: Record<keyof FileRecord, unknown[]> = {
    t: ['session', 'File', undefined],
    s: ['', 5, undefined],
    blob: ['', 7, null],
    src: ['', 1, undefined],
    size: [-1, 1.5, NaN, Infinity, 2 ** 53, '5', 0, 4 * 1024 * 1024, 4 * 1024 * 1024 + 6, 8 * 1024 * 1024 + 1],
    mtime: [NaN, Infinity, -1, '1', undefined],
    drive: ['', 3, undefined],
    path: ['', 's1//cc1/a', 's1/./cc1', 's1/../x', 's1\\cc1\\a', '/s1/cc1/a', 3],
    disp: ['Rename', 'keep', undefined, 'overwrite'],
    type: ['PageBlob', 'blockblob', undefined],
    md5: [3, undefined, 'x'],
    blocks: ['', 'a'.repeat(64), 'A'.repeat(63), 'A'.repeat(96), 'G'.repeat(64), 5, undefined],
    meta: ['/data/m.xml', 5, null],
    props: ['/data/p.xml', {}, null],
    q: [-1, 1.5, '3', NaN, 0],
  };

  it('every variant it calls whole passes the record schema and its manifest entry passes the manifest schema', () => {
    expect(plainlyWhole(good)).toBe(true); // the engine's usual record takes the quick way
    let whole = 0;
    for (const [key, values] of Object.entries(odd))
      for (const v of values) {
        const r = { ...good, [key]: v };
        if (!plainlyWhole(r)) continue;
        whole++;
        expect(fileRecord.safeParse(r).success, `${key}: ${String(v)}`).toBe(true);
        expect(manifestBlob.safeParse(recordToBlob(r)).success, `${key}: ${String(v)}`).toBe(true);
      }
    expect(whole).toBeGreaterThan(3); // the variants that are fine (sidecars, q 0, another disposition)
    expect(plainlyWhole({ ...good, size: 0, blocks: '' })).toBe(true);
    expect(plainlyWhole(null)).toBe(false);
  });
});
