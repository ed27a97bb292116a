// Browser mode: main/core hosted in Node, the built renderer served on loopback, and the bridge
// carried over a WebSocket. It is a product feature (a headless preparation station used through
// an SSH tunnel) and how the end-to-end tests run.
//
// Security: a random token, given once in the URL (like Jupyter), then kept in an HttpOnly,
// SameSite=Strict cookie. Cookies ignore ports: a cookie for 127.0.0.1 at "/" would go to every
// other web server on this computer. So the app lives in a random folder of its own per run
// (`http://127.0.0.1:PORT/<base>/`, as JupyterHub serves each server under its own base URL) and
// the cookie is bound to that folder: another server never receives it unless it already knows
// the folder. Refused: any page, asset or socket without the token (401); a path outside the
// folder (404); a socket whose Origin is not this server (403); a Host header that is not a
// loopback name (403, stops DNS rebinding); a client that is not on loopback unless
// --allow-remote was given (403).
// Each socket has at most a few requests running; the rest wait in that socket's own queue, so one
// page (or script) that floods the bridge with expensive requests delays only itself.
// A client that misbehaves (a malformed WebSocket frame, a reset connection) is closed; the
// server, and with it `haul serve` and the local service, keeps running.
import { messageOf } from '../../../shared/errors';
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { parseCookie, stringifySetCookie } from 'cookie';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import { CSP } from '../../../shared/csp';
import { ClientFrame, type ServerFrame } from '../../../shared/ipc/wire';
import { BRIDGE_PATH } from '../../../shared/ipc/names';
import type { Core } from '../bridge/core';
import { dispatch } from '../bridge/dispatch';

export interface BrowserServerOptions {
  core: Pick<Core, 'handlers' | 'events'>;
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

export { CSP };

/** The largest bridge frame a page may send (a request is a channel name and a small payload). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Requests of one socket that run at once; the socket's next requests wait for one of them. */
export const MAX_RUNNING_PER_SOCKET = 4;
/** Requests one socket may have waiting; beyond this its requests are answered "busy" at once. */
export const MAX_WAITING_PER_SOCKET = 256;

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

type Gate = { ok: true } | { ok: false; status: 401 | 403; message: string };

/** Whether a request may reach the app: from this computer (unless remote is allowed), by a loopback name, with the token. */
function gate(req: http.IncomingMessage, hasToken: boolean, allowRemote: boolean): Gate {
  if (!allowRemote && !isLoopbackAddress(req.socket.remoteAddress)) {
    return {
      ok: false,
      status: 403,
      message:
        'Haul in browser mode accepts connections from this computer only. Reach it through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT station), or start it with --allow-remote.',
    };
  }
  if (!allowRemote && !isLoopbackHostHeader(req.headers.host)) {
    return {
      ok: false,
      status: 403,
      message: `Haul in browser mode answers only to 127.0.0.1 or localhost, not to "${req.headers.host ?? ''}".`,
    };
  }
  if (!hasToken) {
    return {
      ok: false,
      status: 401,
      message:
        'This Haul page needs its access token. Open the full URL that `haul serve` printed (it ends in ?token=…).',
    };
  }
  return { ok: true };
}

/** Static files of the built renderer; traversal is refused by sirv (only files under the folder). */
function rendererAssets(rendererDir: string) {
  return sirv(rendererDir, {
    dev: true, // look files up on each request: a rebuild is served without a restart
    dotfiles: false,
    setHeaders: (res, pathname) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader(
        'cache-control',
        pathname === '/' || pathname === '/index.html' ? 'no-store' : 'private, max-age=300',
      );
    },
  });
}

/** What one run of the server serves, and where: its folder, token, cookie and the renderer's files. */
interface Site {
  token: string;
  /** The app's folder: new at every start, the only path the token cookie is sent to. */
  base: string;
  rendererDir: string;
  allowRemote: boolean;
  /** Named for the port once the server listens. */
  cookieName: string;
  assets: ReturnType<typeof sirv>;
}

const readCookie = (site: Site, req: http.IncomingMessage) =>
  req.headers.cookie ? parseCookie(req.headers.cookie)[site.cookieName] : undefined;

/** A page or asset request: refused, sent on to the cookie (token in the URL), or served from the renderer's files. */
function handle(site: Site, req: http.IncomingMessage, res: http.ServerResponse): void {
  const { base, token, rendererDir } = site;
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (!url.pathname.startsWith(base)) {
    const verdict = gate(req, true, site.allowRemote);
    res.writeHead(verdict.ok ? 404 : verdict.status, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(
      verdict.ok
        ? 'Haul is not at this address. Open the full URL that `haul serve` printed (it ends in ?token=…); it changes at every start.'
        : verdict.message,
    );
    return;
  }
  const queryToken = url.searchParams.get('token');
  const cookieToken = readCookie(site, req);
  const viaQuery = sameToken(queryToken, token);
  const verdict = gate(req, viaQuery || sameToken(cookieToken, token), site.allowRemote);
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
      'set-cookie': stringifySetCookie(site.cookieName, token, { httpOnly: true, sameSite: 'strict', path: base }),
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
  // sirv serves from the folder's root: hand it the path below our base.
  req.url = `/${url.pathname.slice(base.length)}${url.search}`;
  site.assets(req, res, () => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    const home = url.pathname === base || url.pathname === `${base}index.html`;
    res.end(
      home && !existsSync(path.join(rendererDir, 'index.html'))
        ? `The app is not built: ${rendererDir} has no index.html. Run "npm run build" first.`
        : 'Not found.',
    );
  });
}

/** One page's bridge socket: its requests dispatched a few at a time from its own queue, main's events sent to it. */
function serveSocket(ws: WebSocket, core: BrowserServerOptions['core']): void {
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = core.events.on((event, payload) => send({ event, payload }));
  // This socket's own queue: a flood from it waits here, behind its own requests only.
  const waiting: ClientFrame[] = [];
  let running = 0;
  const next = () => {
    while (running < MAX_RUNNING_PER_SOCKET && waiting.length > 0 && ws.readyState === ws.OPEN) {
      const frame = waiting.shift()!;
      running++;
      void dispatch(core.handlers, frame.channel, frame.payload).then((result) => {
        running--;
        send({ id: frame.id, result });
        next();
      });
    }
  };
  ws.on('close', () => {
    unsubscribe();
    waiting.length = 0;
  });
  // A malformed frame (too large, a reserved opcode or RSV bit, invalid UTF-8, unmasked): ws has
  // already failed the connection with the right close code; drop this client, nothing more.
  ws.on('error', () => ws.terminate());
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
    if (waiting.length >= MAX_WAITING_PER_SOCKET) {
      send({
        id: frame.id,
        result: {
          ok: false,
          error: {
            code: 'busy',
            message: `This page has ${MAX_WAITING_PER_SOCKET} requests waiting for Haul; wait for their answers, then try again.`,
          },
        },
      });
      return;
    }
    waiting.push(frame);
    next();
  });
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const rendererDir = path.resolve(options.rendererDir);
  const site: Site = {
    token,
    base: `/${randomBytes(12).toString('base64url')}/`,
    rendererDir,
    allowRemote: !!options.allowRemote,
    cookieName: 'haul',
    assets: rendererAssets(rendererDir),
  };
  const { base } = site;

  const server = http.createServer((req, res) => {
    try {
      handle(site, req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Haul could not answer this request: ${messageOf(err)}`);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    // An upgraded socket has no error listener of its own: a client that resets must not crash us.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n\r\n${message}`,
      );
    };
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== `${base}${BRIDGE_PATH}`) return refuse(404, 'No socket here.');
    const verdict = gate(req, sameToken(readCookie(site, req), token), site.allowRemote);
    if (!verdict.ok) return refuse(verdict.status, verdict.message);
    const origin = req.headers.origin;
    if (!origin || origin !== `http://${req.headers.host ?? ''}`) {
      return refuse(403, `A socket from another origin (${origin ?? 'none'}) may not use Haul's bridge.`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.core));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  site.cookieName = `haul-${port}`;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}${base}`;
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
