// A copy is never readable by more users than its source: a file in a folder only its owner may
// enter (0700) is copied readable by its owner only, whatever its own bits; a private file (0600)
// stays private; a file everyone may read keeps its bits. The umask applies on top, as for cp.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';

const work = mkdtempSync(join(tmpdir(), 'haul-copy-modes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the permissions of copies', () => {
  it('keep what the source withholds: its own bits and those of the folders above it', async () => {
    chmodSync(work, 0o755);
    const src = join(work, 'src');
    mkdirSync(join(src, 'private'), { recursive: true });
    mkdirSync(join(src, 'public'));
    chmodSync(src, 0o755);
    chmodSync(join(src, 'public'), 0o755);
    const files: [string, number][] = [
      ['private/shared-looking.txt', 0o644],
      ['private/key.pem', 0o600],
      ['public/readme.txt', 0o644],
      ['public/secret.txt', 0o600],
      ['public/group.txt', 0o640],
    ];
    files.push(['private/big.bin', 0o644]); // a big file goes through a temporary, renamed into place
    for (const [rel, mode] of files) {
      writeFileSync(join(src, rel), rel.endsWith('.bin') ? Buffer.alloc(6 * 1024 * 1024, 1) : rel);
      chmodSync(join(src, rel), mode);
    }
    chmodSync(join(src, 'private'), 0o700);
    const target = join(work, 'drive');
    mkdirSync(target);
    const r = await new PrepSession({
      journal: join(work, 'job.jrn'),
      session: 's1',
      jobName: 'job1',
      keepAwake: false,
      entries: pickedEntries([src], 'docs/', 'BlockBlob', 'rename'),
      targets: [{ path: target }],
      allowFolders: true,
      listDrives: async () => [],
    }).start();
    expect(r.outcome).toBe('done');
    const umask = process.umask(0o022);
    process.umask(umask);
    const modeOf = (rel: string) => statSync(join(target, 's1', 'docs', rel)).mode & 0o777;
    expect(Object.fromEntries(files.map(([rel]) => [rel, modeOf(rel).toString(8)]))).toEqual({
      'private/shared-looking.txt': (0o600 & ~umask).toString(8),
      'private/key.pem': (0o600 & ~umask).toString(8),
      'public/readme.txt': (0o644 & ~umask).toString(8),
      'public/secret.txt': (0o600 & ~umask).toString(8),
      'public/group.txt': (0o640 & ~umask).toString(8),
      'private/big.bin': (0o600 & ~umask).toString(8),
    });
  });
});
