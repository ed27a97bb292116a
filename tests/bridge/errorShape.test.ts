// One error shape: whatever fails in main reaches the page as { code, message, target? }, and
// whatever arrives at the page — even a malformed answer — is read as that shape with a sentence
// the person can act on, never an empty message or "[object Object]".
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeBridge, type Transport } from '../../shared/ipc/bridge';
import { BridgeCallError, HandlerError, type BridgeResult } from '../../shared/ipc/contract';
import { ErrorShape, HaulError, messageOf } from '../../shared/errors';
import { dispatch } from '../../main/core/bridge/dispatch';
import { createCore, type Handlers } from '../../main/core/bridge/core';
import { ServiceCallError } from '../../main/core/service/client';
import { answer, errorCode, errorTarget, errorText } from '../../renderer/src/bridge/answer';
import { unwrap } from '../../renderer/src/bridge';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A window.haul whose transport answers every call with `raw`, as a broken main or frame might. */
const bridgeAnswering = (raw: unknown) => {
  const transport: Transport = {
    invoke: async () => raw as BridgeResult<unknown>,
    subscribe: () => () => {},
  };
  return makeBridge(transport);
};

const clear = (message: string) => {
  expect(message.length).toBeGreaterThan(20);
  expect(message).not.toMatch(/\[object Object\]|^undefined$|^null$/);
};

describe('the page reads every error answer in the one shape', () => {
  const malformed: Array<[string, unknown]> = [
    ['no error at all', { ok: false }],
    ['an error with a number for its message', { ok: false, error: { code: 'failed', message: 42 } }],
    ['an empty message', { ok: false, error: { code: 'failed', message: '' } }],
    ['a blank string', { ok: false, error: '  ' }],
    ['nothing', undefined],
    ['not an answer', 'garbage'],
  ];
  it.each(malformed)('%s: the page still shows a clear message', async (_, raw) => {
    const r = await bridgeAnswering(raw).jobsList();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(ErrorShape.safeParse(r.error).success).toBe(true);
    clear(r.error.message);
    expect(r.error.message).toContain('jobs.list');
  });

  it('keeps what a malformed error does carry: its message, code and field', async () => {
    const r = await bridgeAnswering({
      ok: false,
      error: { message: 'The drive is full.', target: 'targets' },
    }).jobsList();
    expect(r).toEqual({ ok: false, error: { code: 'failed', message: 'The drive is full.', target: 'targets' } });
    const bare = await bridgeAnswering({ ok: false, error: 'The drive is full.' }).jobsList();
    expect(bare).toEqual({ ok: false, error: { code: 'failed', message: 'The drive is full.' } });
  });

  it('a well-formed error passes unchanged, and a value is still a value', async () => {
    const error = { code: 'not-found', message: 'There is no job named x.', target: 'name' };
    expect(await bridgeAnswering({ ok: false, error }).jobsGet({ name: 'x' })).toEqual({ ok: false, error });
    expect(await bridgeAnswering({ ok: true, value: 7 }).jobsList()).toEqual({ ok: true, value: 7 });
  });

  it("the renderer's unwrap helpers throw the shape, and errorText/errorCode/errorTarget read it", async () => {
    const raw = { ok: false as const, error: { code: 'bad-input', message: 'Pick a folder.', target: 'path' } };
    const thrown = await answer('fs.browse', Promise.resolve(raw)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(BridgeCallError);
    expect([errorText(thrown), errorCode(thrown), errorTarget(thrown)]).toEqual([
      'Pick a folder.',
      'bad-input',
      'path',
    ]);
    const plain = await unwrap(Promise.resolve(raw)).catch((e: unknown) => e);
    expect([errorText(plain), errorCode(plain), errorTarget(plain)]).toEqual(['Pick a folder.', 'bad-input', 'path']);
    // a malformed error met directly by answer() still gives a sentence
    const bad = await answer('jobs.list', Promise.resolve({ ok: false, error: {} } as never)).catch((e: unknown) => e);
    clear(errorText(bad));
  });
});

describe('every error main sends has the shape', () => {
  it('whatever a handler throws', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-error-shape-'));
    made.push(dir);
    const core = await createCore({ dataDir: dir, listDrives: async () => [] });
    try {
      const throws: unknown[] = [
        new HandlerError('refused', 'Haul will not format this drive.', 'format'),
        new HandlerError('refused', ''),
        new Error('disk on fire'),
        new Error(''),
        'a string',
        { not: 'an error' },
        undefined,
        new ServiceCallError('ResourceNotFound', 'The job is gone.', 'name', 404),
      ];
      for (const thrown of throws) {
        const handlers = {
          ...core.handlers,
          'jobs.list': async () => {
            throw thrown;
          },
        } as Handlers;
        const r = await dispatch(handlers, 'jobs.list', {});
        expect(r.ok).toBe(false);
        if (r.ok) continue;
        expect(ErrorShape.strict().safeParse(r.error).success, JSON.stringify(r.error)).toBe(true);
        expect(r.error.message.trim()).not.toBe('');
      }
      const bad = await dispatch(core.handlers, 'jobs.get', { name: 5 });
      const unknown = await dispatch(core.handlers, 'nope', {});
      for (const r of [bad, unknown]) if (!r.ok) expect(ErrorShape.strict().safeParse(r.error).success).toBe(true);
    } finally {
      await core.dispose();
    }
  });

  it("a handler's code and field reach the page; the cause stays in main", async () => {
    const handlers = {
      'jobs.list': async () => {
        throw new ServiceCallError('InvalidJobState', 'Ship the drives first.', 'state', 409, {
          cause: new Error('HTTP 409 from https://127.0.0.1:7443 with token abc'),
        });
      },
    } as unknown as Handlers;
    const r = await dispatch(handlers, 'jobs.list', {});
    expect(r).toEqual({
      ok: false,
      error: { code: 'InvalidJobState', message: 'Ship the drives first.', target: 'state' },
    });
  });
});

describe('messageOf', () => {
  it('takes the message of whatever was thrown', () => {
    expect(messageOf(new Error('Disk full.'))).toBe('Disk full.');
    expect(messageOf('Disk full.')).toBe('Disk full.');
    expect(messageOf({ message: 'Disk full.' })).toBe('Disk full.');
    expect(messageOf(42)).toBe('42');
  });

  it("the service client's errors carry the shape, with the cause in words", () => {
    const e = new ServiceCallError('log-unavailable', 'The log cannot be read.', undefined, undefined, {
      cause: new Error('ENOTFOUND'),
    });
    expect(e).toBeInstanceOf(HaulError);
    expect(e.shape()).toEqual({ code: 'log-unavailable', message: 'The log cannot be read.', cause: 'ENOTFOUND' });
  });
});

describe('what the person sees', () => {
  it('the Jobs list shows a sentence when main answers with a malformed error', async () => {
    const g = globalThis as unknown as { window?: unknown };
    const had = g.window;
    g.window = { haul: bridgeAnswering({ ok: false, error: { code: 'failed', message: { text: 'x' } } }) };
    try {
      const { useHaul } = await import('../../renderer/src/store');
      await useHaul.getState().jobs.refresh();
      const error = useHaul.getState().jobs.error;
      expect(ErrorShape.safeParse(error).success).toBe(true);
      clear(error!.message);
    } finally {
      g.window = had;
    }
  });
});
