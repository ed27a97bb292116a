// Browser mode: main/core hosted in Node, the built renderer served on loopback, and the bridge
// carried over a WebSocket. It is a product feature (a headless preparation station used through
// an SSH tunnel) and how the end-to-end tests run.
//
// Security: a random token, given once in the URL (like Jupyter), then kept in an HttpOnly,
// SameSite=Strict cookie. Refused: any page, asset or socket without the token (401); a socket
// whose Origin is not this server (403); a Host header that is not a loopback name (403, stops
// DNS rebinding); a client that is not on loopback unless --allow-remote was given (403).
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrame, type ServerFrame } from '../../../shared/ipc/wire';
import { BRIDGE_PATH } from '../../../shared/ipc/names';
import type { Core } from '../bridge/core';
import { dispatch } from '../bridge/dispatch';

export interface BrowserServerOptions {
  core: Core;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  port?: number;
  host?: string;
  token?: string;
  /** Accept clients that are not on this computer (off by default). */
  allowRemote?: boolean;
}

export interface BrowserServer {
  url: string;
  /** The URL with the token: what the person opens. */
  urlWithToken: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Fluent UI's CSS-in-JS inserts style rules at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name ?? '');
}

function sameToken(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

type Gate = { ok: true } | { ok: false; status: 401 | 403; message: string };

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const rendererDir = path.resolve(options.rendererDir);
  let cookieName = 'haul';
  let port = 0;

  const gate = (req: http.IncomingMessage, hasToken: boolean): Gate => {
    if (!options.allowRemote && !isLoopbackAddress(req.socket.remoteAddress)) {
      return { ok: false, status: 403, message: 'Haul in browser mode accepts connections from this computer only. Reach it through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT station), or start it with --allow-remote.' };
    }
    if (!options.allowRemote && !isLoopbackHostHeader(req.headers.host)) {
      return { ok: false, status: 403, message: `Haul in browser mode answers only to 127.0.0.1 or localhost, not to "${req.headers.host ?? ''}".` };
    }
    if (!hasToken) {
      return { ok: false, status: 401, message: 'This Haul page needs its access token. Open the full URL that `haul serve` printed (it ends in ?token=…).' };
    }
    return { ok: true };
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Haul could not answer this request: ${err instanceof Error ? err.message : String(err)}`);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const queryToken = url.searchParams.get('token');
    const cookieToken = readCookie(req.headers.cookie, cookieName);
    const viaQuery = sameToken(queryToken, token);
    const verdict = gate(req, viaQuery || sameToken(cookieToken, token));
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(verdict.message);
      return;
    }
    if (viaQuery) {
      // Keep the token in a cookie and take it out of the address bar and the history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: url.pathname + (url.search || ''),
        'set-cookie': `${cookieName}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Haul in browser mode serves pages only; the app talks to it over its WebSocket.');
      return;
    }
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(rendererDir, `.${rel}`);
    if (file !== rendererDir && !file.startsWith(rendererDir + path.sep)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.');
      return;
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(rel === '/index.html' ? `The app is not built: ${rendererDir} has no index.html. Run "npm run build" first.` : 'Not found.');
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': rel === '/index.html' ? 'no-store' : 'private, max-age=300',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\n${message}`);
    };
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== BRIDGE_PATH) return refuse(404, 'No socket here.');
    const verdict = gate(req, sameToken(readCookie(req.headers.cookie, cookieName), token));
    if (!verdict.ok) return refuse(verdict.status, verdict.message);
    const origin = req.headers.origin;
    if (!origin || origin !== `http://${req.headers.host ?? ''}`) {
      return refuse(403, `A socket from another origin (${origin ?? 'none'}) may not use Haul's bridge.`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  function serve(ws: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = options.core.events.on((event, payload) => send({ event, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = ClientFrame.parse(JSON.parse(data.toString()));
      } catch {
        // A frame we cannot even answer by id: close with a policy error.
        ws.close(1008, 'Malformed bridge frame');
        return;
      }
      void dispatch(options.core.handlers, frame.channel, frame.payload).then((result) => send({ id: frame.id, result }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  cookieName = `haul-${port}`;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
