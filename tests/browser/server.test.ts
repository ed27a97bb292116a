// Browser mode's door: token, cookie, origin, host and loopback checks (the WebSocket bridge refuses
// a connection without the token and one from another origin), the cookie bound to the run's own
// folder (cookies ignore ports), and one socket's flood that holds no one else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createCore, type Core } from '../../main/core/bridge/core';
import {
  isLoopbackAddress,
  isLoopbackHostHeader,
  MAX_RUNNING_PER_SOCKET,
  startBrowserServer,
  type BrowserServer,
} from '../../main/core/browser/server';

let server: BrowserServer;
let core: Core;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'haul-browser-'));
const rendererDir = path.join(tmp, 'renderer');

/** The app's folder for this run: "/<random>/". */
const base = (srv: BrowserServer = server) => new URL(srv.url).pathname;

function get(
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: pathname, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function openSocket(
  headers: Record<string, string>,
  srv: BrowserServer = server,
  pathname = `${base(srv)}bridge`,
): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}${pathname}`, { headers });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({}));
  });
}

const cookie = (srv: BrowserServer = server) => `haul-${srv.port}=${encodeURIComponent(srv.token)}`;
const origin = (srv: BrowserServer = server) => `http://127.0.0.1:${srv.port}`;

beforeAll(async () => {
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Haul</title>');
  writeFileSync(path.join(tmp, 'secret.txt'), 'outside the renderer');
  core = await createCore({ dataDir: path.join(tmp, 'data'), listDrives: async () => [] });
  server = await startBrowserServer({ core, rendererDir, port: 0 });
});
afterAll(async () => {
  await server.close();
  await core.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('browser mode: pages', () => {
  it('refuses the page without the token (401) and says how to get in', async () => {
    const res = await get(base());
    expect(res.status).toBe(401);
    expect(res.body).toMatch(/token/);
  });

  it('a wrong token is refused too', async () => {
    expect((await get(`${base()}?token=not-the-token`)).status).toBe(401);
    expect((await get(base(), { cookie: `haul-${server.port}=not-the-token` })).status).toBe(401);
  });

  it('takes the token from the URL once, keeps it in an HttpOnly SameSite=Strict cookie, and drops it from the address', async () => {
    const res = await get(`${base()}?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(base());
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain(`haul-${server.port}=`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
  });

  it('binds the cookie to this run\'s own random folder, never to "/": cookies ignore ports, so a cookie at "/" would reach every other web server on this computer', async () => {
    const setCookie = String((await get(`${base()}?token=${server.token}`)).headers['set-cookie']);
    expect(base()).toMatch(/^\/[A-Za-z0-9_-]{16,}\/$/);
    expect(setCookie).toContain(`Path=${base()}`);
    expect(setCookie).not.toMatch(/Path=\/(;|$)/);
    expect(server.urlWithToken).toBe(`http://127.0.0.1:${server.port}${base()}?token=${server.token}`);
    // A second start has another folder: a folder learnt once opens nothing later.
    const other = await startBrowserServer({ core, rendererDir, port: 0 });
    try {
      expect(base(other)).not.toBe(base());
    } finally {
      await other.close();
    }
  });

  it('answers nothing outside its folder, not even with the token, and says where to go', async () => {
    for (const p of ['/', '/index.html', `/?token=${server.token}`, '/bridge']) {
      const res = await get(p, { cookie: cookie() });
      expect(res.status).toBe(404);
      expect(res.body).toMatch(/haul serve/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const { ws, status } = await openSocket({ origin: origin(), cookie: cookie() }, server, '/bridge');
    ws?.close();
    expect(status).toBe(404);
  });

  it('serves the app with the cookie, under a CSP', async () => {
    const res = await get(base(), { cookie: cookie() });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Haul</title>');
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it('never serves a file outside the app folder', async () => {
    const res = await get(`${base()}../secret.txt`, { cookie: cookie() });
    expect(res.body).not.toContain('outside the renderer');
    const encoded = await get(`${base()}%2e%2e/secret.txt`, { cookie: cookie() });
    expect(encoded.body).not.toContain('outside the renderer');
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    const res = await get(base(), { cookie: cookie(), host: 'evil.example:80' });
    expect(res.status).toBe(403);
  });
});

describe('browser mode: the bridge socket', () => {
  it('refuses a socket without the token (401)', async () => {
    const { ws, status } = await openSocket({ origin: origin() });
    ws?.close();
    expect(status).toBe(401);
  });

  it('refuses a socket from another origin even with the token (403)', async () => {
    const { ws, status } = await openSocket({ origin: 'http://evil.example', cookie: cookie() });
    ws?.close();
    expect(status).toBe(403);
  });

  it('refuses a socket with no origin at all (403)', async () => {
    const { ws, status } = await openSocket({ cookie: cookie() });
    ws?.close();
    expect(status).toBe(403);
  });

  it('with token and our origin, carries the contract: app.info answers, a bad payload is refused', async () => {
    const { ws } = await openSocket({ origin: origin(), cookie: cookie() });
    expect(ws).toBeDefined();
    const answers = new Map<number, unknown>();
    const done = new Promise<void>((resolve) => {
      ws!.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { id: number; result: unknown };
        answers.set(frame.id, frame.result);
        if (answers.size === 2) resolve();
      });
    });
    ws!.send(JSON.stringify({ id: 1, channel: 'app.info', payload: {} }));
    ws!.send(JSON.stringify({ id: 2, channel: 'app.info', payload: { extra: 1 } }));
    await done;
    ws!.close();
    expect(answers.get(1)).toEqual({ ok: true, value: expect.objectContaining({ platform: process.platform }) });
    expect(answers.get(2)).toEqual({ ok: false, error: expect.objectContaining({ code: 'bad-request' }) });
  });

  it('pushes core events to the page', async () => {
    const { ws } = await openSocket({ origin: origin(), cookie: cookie() });
    const got = new Promise<unknown>((resolve) => ws!.on('message', (d) => resolve(JSON.parse(String(d)))));
    const notice = {
      id: 'j1#1',
      kind: 'driveState',
      jobName: 'j1',
      title: 'Drive received',
      body: 'The data center received drive WD-1.',
      at: 1,
      read: false,
      popup: 'page',
    } as const;
    core.events.emit('notification', notice);
    expect(await got).toEqual({ event: 'notification', payload: notice });
    ws!.close();
  });

  it('closes the socket on a frame that is not a bridge request', async () => {
    const { ws } = await openSocket({ origin: origin(), cookie: cookie() });
    const closed = new Promise<number>((resolve) => ws!.on('close', (code) => resolve(code)));
    ws!.send('{"not":"a frame"}');
    expect(await closed).toBe(1008);
  });
});

describe('browser mode: who may connect', () => {
  it('counts only loopback addresses as this computer', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.5')).toBe(false);
    expect(isLoopbackAddress('192.168.1.20')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
    expect(isLoopbackHostHeader('127.0.0.1:7420')).toBe(true);
    expect(isLoopbackHostHeader('localhost:7420')).toBe(true);
    expect(isLoopbackHostHeader('[::1]:7420')).toBe(true);
    expect(isLoopbackHostHeader('haul.example.com')).toBe(false);
  });
});

describe('browser mode: one socket cannot hold the others', () => {
  it('a flood of 10,000 drives.list from one socket runs one listing at a time, and another page is answered in the middle of it', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    // A drive listing that takes a turn of the event loop, as drivelist + lsblk take a few ms.
    const slow = await createCore({
      dataDir: path.join(tmp, 'flood'),
      listDrives: async () => {
        calls++;
        most = Math.max(most, ++running);
        await new Promise((r) => setImmediate(r));
        running--;
        return [];
      },
    });
    const srv = await startBrowserServer({ core: slow, rendererDir, port: 0 });
    try {
      const a = (await openSocket({ origin: origin(srv), cookie: cookie(srv) }, srv)).ws!;
      const b = (await openSocket({ origin: origin(srv), cookie: cookie(srv) }, srv)).ws!;
      const flood = 10_000;
      let answeredA = 0;
      let busyA = 0;
      let listedA = 0;
      const allA = new Promise<void>((resolve) =>
        a.on('message', (d) => {
          const frame = JSON.parse(String(d)) as {
            result: { ok: boolean; error?: { code: string } };
          };
          if (frame.result.error?.code === 'busy') busyA++;
          if (frame.result.ok) listedA++;
          if (++answeredA === flood) resolve();
        }),
      );
      const someA = new Promise<void>((resolve) => a.on('message', () => listedA >= 8 && resolve()));
      for (let id = 1; id <= flood; id++) a.send(JSON.stringify({ id, channel: 'drives.list', payload: {} }));
      await someA;
      const answerB = new Promise<{ result: { ok: boolean } }>((resolve) =>
        b.once('message', (d) => resolve(JSON.parse(String(d)) as { result: { ok: boolean } })),
      );
      b.send(JSON.stringify({ id: 1, channel: 'drives.list', payload: {} }));
      const gotB = await answerB;
      const aWhenB = listedA;
      await allA;
      a.close();
      b.close();
      expect(gotB.result.ok).toBe(true);
      // B did not wait behind A's flood: A had most of its answers still to come.
      expect(aWhenB).toBeLessThan(listedA / 2);
      // Never more than one listing at once, and far fewer listings than requests.
      expect(most).toBe(1);
      expect(calls).toBeLessThan(flood / MAX_RUNNING_PER_SOCKET + 10);
      // What did not fit in the socket's queue was answered at once, in words.
      expect(busyA).toBeGreaterThan(0);
    } finally {
      await srv.close();
      await slow.dispose();
    }
  });
});
