// Fifty updates of one job at once: every one is answered, the job ends as one of them left it
// (never a mixture, never lost), and what a restart reads from disk is what was last answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, importJobBody, jobPath, startTestService, type TestService } from './helpers';

let t: TestService;
let dir: string;
beforeAll(async () => {
  t = await startTestService();
  dir = t.dataDir;
});
afterAll(async () => {
  await t?.cleanup();
});

describe('concurrent updates', () => {
  it('50 parallel PATCHes of one job: all answered 200, the last state is one whole update, and it survives a restart', async () => {
    const path = `${jobPath(t, 'parallel')}${API}`;
    expect((await t.raw('PUT', path, importJobBody(t.storageAccountId()))).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.raw('PATCH', path, { tags: { n: String(i), half: String(i % 2), tenth: String(i % 10) } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const now = (await t.raw('GET', path)).json as { tags: Record<string, string> };
    const n = Number(now.tags.n);
    // one update whole: its three tags agree
    expect(now.tags).toEqual({ n: String(n), half: String(n % 2), tenth: String(n % 10) });
    await t.stop();
    const again = await startTestService({}, dir);
    try {
      expect(((await again.raw('GET', path)).json as { tags: unknown }).tags).toEqual(now.tags);
    } finally {
      await again.stop();
    }
  });
});
