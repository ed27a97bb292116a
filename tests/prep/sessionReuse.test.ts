// Reusing a session with another source that maps to a blob the session already holds replaces
// that blob on the drive: the plan says so, naming the blob and both sources, before anything is
// written (it said nothing, and the copy reported "1 copied now").
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';

const work = mkdtempSync(join(tmpdir(), 'haul-session-reuse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const target = join(work, 'drive');

const session = (src: string) =>
  new PrepSession({
    journal: join(work, 'job.jrn'),
    session: 's1',
    jobName: 'job1',
    keepAwake: false,
    entries: pickedEntries([src], 'docs/', 'BlockBlob', 'rename'),
    targets: [{ path: target }],
    allowFolders: true,
    listDrives: async () => [],
  });

describe('a session reused with another source', () => {
  it('says, before anything is written, which blob another source would replace', async () => {
    const [a, b] = [join(work, 'a'), join(work, 'b')];
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'x.txt'), 'from a');
    writeFileSync(join(b, 'x.txt'), 'from b');
    mkdirSync(target);
    expect((await session(a).start()).outcome).toBe('done');

    const plan = await session(b).plan();
    const note = plan.targetNotes.find((n) => n.code === 'replaces');
    expect(note?.message).toBe(
      `1 file of session s1 would be replaced on the drives by another source with the same blob name: docs/x.txt (was ${join(a, 'x.txt')}, now ${join(b, 'x.txt')}).`,
    );
    expect(note?.fix).toMatch(/another destination or use another session id/);
    expect(readFileSync(join(target, 's1', 'docs', 'x.txt'), 'utf8')).toBe('from a');
    // The same source again (unchanged) is no replacement.
    expect((await session(a).plan()).targetNotes.filter((n) => n.code === 'replaces')).toEqual([]);
  });
});
