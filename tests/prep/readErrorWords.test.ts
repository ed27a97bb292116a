// A small file whose read stops with an input/output error after its first 64 KiB (a bad sector, a
// network or FUSE source that fails): the read comes back short first, then fails. That is an
// input/output error — said as such, as for big files — not "changed while it was being copied",
// which every run would say again. A file that really shrank is still "changed".
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const fault = vi.hoisted(() => ({ shortThen: undefined as undefined | 'EIO' | 'EOF', calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readSync = ((fd: number, buf: Buffer, at: number, len: number, pos: number) => {
    if (!fault.shortThen) return fs.readSync(fd, buf, at, len, pos);
    fault.calls++;
    if (fault.calls === 1) return fs.readSync(fd, buf, at, Math.min(len, 64 * 1024), pos);
    if (fault.shortThen === 'EOF') return 0;
    throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
  }) as typeof fs.readSync;
  return { ...fs, default: { ...fs, readSync }, readSync };
});

const { copySmallFile, SourceFailed, Target } = await import('../../main/core/prep/copy/copyFiles');

const work = mkdtempSync(join(tmpdir(), 'haul-read-error-words-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(() => {
  fault.calls = 0;
});

function copy(): unknown {
  const src = join(work, 'src.bin');
  writeFileSync(src, Buffer.alloc(200 * 1024, 7));
  const st = statSync(src);
  const sfd = openSync(src, 'r');
  const dfd = openSync(join(work, 'dst.bin'), 'w');
  const hasher = { room: (n: number) => ({ buf: Buffer.alloc(n), at: 0 }), add: () => undefined };
  try {
    copySmallFile(
      new Target(work, statSync(work).dev),
      { id: 0, src, rel: 'dst.bin', size: st.size, mtime: st.mtimeMs },
      sfd,
      dfd,
      { size: st.size, mtimeMs: st.mtimeMs },
      hasher,
      false,
    );
    return undefined;
  } catch (e) {
    return e;
  } finally {
    closeSync(sfd);
    closeSync(dfd);
  }
}

describe('a small file that fails after 64 KiB', () => {
  it('is an input/output error, named as such, not a file that changed', () => {
    fault.shortThen = 'EIO';
    const e = copy();
    expect(e).toBeInstanceOf(SourceFailed);
    expect((e as InstanceType<typeof SourceFailed>).code).toBe('EIO');
    expect((e as Error).message).toMatch(/failed with an input\/output error .*the source disk may be failing/);
    expect((e as Error).message).not.toMatch(/changed/);
  });

  it('one that really ends early (it shrank) is still a file that changed', () => {
    fault.shortThen = 'EOF';
    const e = copy();
    expect((e as InstanceType<typeof SourceFailed>).code).toBe('ECHANGED');
  });

  it('one that reads whole copies', () => {
    fault.shortThen = undefined;
    expect(copy()).toBeUndefined();
  });
});
