// The HTTPS front door: loopback only, Bearer token, body size limit, JSON in and out, the ARM
// error shape for every refusal, and a small route table. Handlers never see an unauthenticated
// request, an oversize body or malformed JSON.
import { messageOf } from '../shared/errors';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { ArmHttpError } from './errors';
import { SUPPORTED_API_VERSIONS } from '../shared/arm/schemas';
import { wireLines } from './wireLog';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface RequestContext {
  method: string;
  url: URL;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when the request had none). */
  body: unknown;
  requestId: string;
}

/** A JSON text already serialized (served as is), for hot paths that cache their JSON. */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  pattern: RegExp;
  /** Names of the pattern's capture groups, in order. */
  names: string[];
  /** ARM routes require a supported api-version; operator routes do not. */
  arm: boolean;
  /** The resource provider and api-versions of an ARM route (default: Microsoft.ImportExport's). */
  api?: ApiVersions;
  handle(ctx: RequestContext): Promise<Reply> | Reply;
}

export interface ApiVersions {
  provider: string;
  versions: readonly string[];
}

export const IMPORT_EXPORT_API: ApiVersions = { provider: 'Microsoft.ImportExport', versions: SUPPORTED_API_VERSIONS };

export interface HttpOptions {
  token: string;
  cert: string;
  key: string;
  routes: Route[];
  bodyLimit?: number;
  log?: (line: string) => void;
  /** The wire log (`--verbose`): each request and response, secrets masked (wireLog.ts). */
  wire?: (line: string) => void;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m || !m[1]) return false;
  return timingSafeEqual(digest(m[1]), digest(token));
}

/** Sends a JSON reply; returns what was sent (for the wire log). */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): { payload: string; headers: Record<string, string> } | undefined {
  if (res.headersSent) return undefined;
  const payload = body === undefined ? '' : body instanceof RawJson ? body.text : JSON.stringify(body);
  const all = {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
    ...headers,
  };
  res.writeHead(status, all);
  res.end(payload);
  return { payload, headers: all };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(tooLarge(limit, declared));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => (over ? reject(tooLarge(limit, size)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function tooLarge(limit: number, size: number): ArmHttpError {
  return new ArmHttpError(
    413,
    'RequestEntityTooLarge',
    `The request body is ${size} bytes; this service accepts at most ${limit} bytes per request. Send fewer drives or shorter lists.`,
    undefined,
    [],
    { connection: 'close' },
  );
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  const text = buf.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ArmHttpError(
      400,
      'InvalidRequestContent',
      `The request body is not valid JSON (${messageOf(e)}). Send a JSON object as described in the API reference.`,
    );
  }
}

function checkApiVersion(url: URL, api: ApiVersions): void {
  const v = url.searchParams.get('api-version');
  if (!v) {
    throw new ArmHttpError(
      400,
      'MissingApiVersionParameter',
      `The api-version query parameter (?api-version=) is required for all requests. Supported versions of ${api.provider}: ${api.versions.join(', ')}.`,
      'api-version',
    );
  }
  if (!api.versions.includes(v)) {
    throw new ArmHttpError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${v}' is not supported by ${api.provider} in this sandbox. Supported versions: ${api.versions.join(', ')}.`,
      'api-version',
    );
  }
}

/**
 * A file-system failure under the service (a full disk, a folder made read-only) in words: what
 * happened, where, and what to do. Undefined for anything else.
 */
export function storageFailure(e: unknown): ArmHttpError | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err.code !== 'string' || typeof err.syscall !== 'string') return undefined;
  const where = err.path ? ` (${dirname(err.path)})` : '';
  const notApplied = 'The request was not applied.';
  switch (err.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ArmHttpError(
        507,
        'InsufficientStorage',
        `The service could not save this change: the disk holding its data${where} is full${err.code === 'EDQUOT' ? ' (your disk quota is used up)' : ''}. ${notApplied} Free some space on that disk, then send the request again.`,
      );
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new ArmHttpError(
        500,
        'DataFolderNotWritable',
        `The service could not save this change: its data folder${where} ${err.code === 'EROFS' ? 'is on a disk that is now read-only' : 'may not be written by the user the service runs as'}. ${notApplied} Make the folder writable again (a disk remounted read-only needs checking first), then restart the service.`,
      );
    case 'EIO':
      return new ArmHttpError(
        500,
        'DataFolderIoError',
        `The service could not read or write its data${where}: the disk answered with an input/output error. ${notApplied} Check that disk (it may be failing), then restart the service.`,
      );
    case 'EMFILE':
    case 'ENFILE':
      return new ArmHttpError(
        503,
        'ServerBusy',
        `The service has too many files open right now. ${notApplied} Send the request again in a moment.`,
        undefined,
        [],
        { 'retry-after': '5' },
      );
    default:
      return undefined;
  }
}

export async function handleRequest(req: IncomingMessage, res: ServerResponse, opts: HttpOptions): Promise<void> {
  const requestId = randomUUID();
  const started = performance.now();
  const common = { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId };
  let status = 500;
  let requestText: string | undefined;
  let sent: ReturnType<typeof send>;
  try {
    const url = new URL(req.url ?? '/', `https://127.0.0.1:${req.socket.localPort ?? 443}`);
    refuseUnauthorized(req, opts.token);
    const method = (req.method ?? 'GET').toUpperCase();
    const { route, match } = findRoute(req, opts.routes, method, url.pathname.replace(/\/+$/, '') || '/');
    if (route.arm) checkApiVersion(url, route.api ?? IMPORT_EXPORT_API);
    const raw = await readBody(req, opts.bodyLimit ?? DEFAULT_BODY_LIMIT);
    if (opts.wire) requestText = raw.toString('utf8');
    const body = parseJson(raw);
    const params = routeParams(route, match);
    const reply = await route.handle({ method, url, params, headers: req.headers, body, requestId });
    status = reply.status;
    sent = send(res, reply.status, reply.body, { ...common, ...(reply.headers ?? {}) });
  } catch (e) {
    ({ status, sent } = sendFailure(req, res, opts, common, e));
  } finally {
    logRequest(req, opts, { requestId, status, requestText, sent, ms: performance.now() - started });
  }
}

/** Refuses a request without this service's token (the body is left unread). */
function refuseUnauthorized(req: IncomingMessage, token: string): void {
  if (tokenMatches(req.headers.authorization, token)) return;
  req.resume();
  const missing = !req.headers.authorization;
  throw new ArmHttpError(
    401,
    missing ? 'AuthenticationFailed' : 'InvalidAuthenticationToken',
    missing
      ? 'The request has no Authorization header. Send "Authorization: Bearer <token>" with the token the service printed when it started (also in connection.json in its data folder).'
      : 'The access token is not valid for this service. Use the token the service printed when it started (also in connection.json in its data folder).',
    undefined,
    [],
    { 'www-authenticate': 'Bearer realm="haul-import-export-sandbox"' },
  );
}

/** The route for the method and path; 405 when the path is served for other methods, 404 when not at all. */
function findRoute(
  req: IncomingMessage,
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; match: RegExpExecArray } {
  let pathMatched = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (r.method === method) return { route: r, match: m };
  }
  req.resume();
  if (pathMatched) throw new ArmHttpError(405, 'MethodNotAllowed', `${method} is not supported on ${path}.`);
  throw new ArmHttpError(
    404,
    'NotFound',
    `No API matches ${method} ${path}. This sandbox serves Microsoft.ImportExport (api-version ${SUPPORTED_API_VERSIONS.join(' or ')}, as in storageimportexport.json) and the storage accounts of Microsoft.Storage (list and get).`,
  );
}

/** The route's named path segments, decoded. */
function routeParams(route: Route, match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  route.names.forEach((n, i) => {
    const v = match[i + 1];
    if (v !== undefined) {
      try {
        params[n] = decodeURIComponent(v);
      } catch {
        throw new ArmHttpError(400, 'InvalidPath', `The path segment "${v}" is not valid percent-encoding.`);
      }
    }
  });
  return params;
}

/** Answers a failed request: an ARM error the caller can act on, or a 500 whose details go to the log. */
function sendFailure(
  req: IncomingMessage,
  res: ServerResponse,
  opts: HttpOptions,
  common: Record<string, string>,
  e: unknown,
): { status: number; sent: ReturnType<typeof send> } {
  const known = e instanceof ArmHttpError ? e : storageFailure(e);
  if (known) {
    if (!(e instanceof ArmHttpError))
      opts.log?.(`${req.method} ${req.url?.split('?')[0]}: ${known.code}: ${messageOf(e)}`);
    return { status: known.status, sent: send(res, known.status, known.toBody(), { ...common, ...known.headers }) };
  }
  opts.log?.(
    `internal error on ${req.method} ${req.url?.split('?')[0]}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
  );
  const sent = send(
    res,
    500,
    {
      error: {
        code: 'InternalServerError',
        message:
          'The service met an unexpected error; the request was not applied. The service log (stderr) has the details.',
        details: [],
      },
    },
    common,
  );
  return { status: 500, sent };
}

/** One line per request in the log, or the request and answer in full in the wire log. */
function logRequest(
  req: IncomingMessage,
  opts: HttpOptions,
  r: { requestId: string; status: number; requestText: string | undefined; sent: ReturnType<typeof send>; ms: number },
): void {
  // The wire log's own lines say the same and more.
  if (!opts.wire) opts.log?.(`${req.method} ${(req.url ?? '').split('?')[0]} -> ${r.status} ${r.ms.toFixed(1)}ms`);
  else {
    for (const line of wireLines({
      requestId: r.requestId,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      requestHeaders: req.headers,
      requestBody: r.requestText,
      status: r.status,
      responseHeaders: r.sent?.headers ?? {},
      responseBody: r.sent?.payload ?? '',
      ms: r.ms,
    }))
      opts.wire(line);
  }
}

export function createHttpsServer(opts: HttpOptions): Server {
  const server = createServer({ cert: opts.cert, key: opts.key, keepAlive: true }, (req, res) => {
    void handleRequest(req, res, opts);
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return server;
}

/**
 * Builds a route from a template such as `/subscriptions/{subscriptionId}/jobs`. Fixed segments
 * match case-insensitively (ARM). `arm`: true for an ARM route of Microsoft.ImportExport, the
 * provider's api-versions for another provider's, false for an operator route (no api-version).
 */
export function route(
  method: Route['method'],
  template: string,
  handle: Route['handle'],
  arm: boolean | ApiVersions = true,
): Route {
  const names: string[] = [];
  const src = template
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)\}$/.exec(seg);
      if (m && m[1]) {
        names.push(m[1]);
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const pattern = new RegExp(`^${src}$`, 'i');
  return typeof arm === 'boolean'
    ? { method, pattern, names, arm, handle }
    : { method, pattern, names, arm: true, api: arm, handle };
}
