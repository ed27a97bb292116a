// The one service client: a small typed interface over the official `@azure/arm-storageimportexport`
// client (jobs, BitLocker keys, locations) and `@azure/storage-blob` (the copy-log blobs), built
// from a Connection. Whatever the service answers is checked with shared/arm's read schemas; an
// ARM error becomes a ServiceCallError — the one error shape (shared/errors.ts) — with ARM's code,
// message and target, and what the SDK threw as its cause; a service that cannot be
// reached becomes `offline` with the time of its last good answer. Never a stack trace.
import { StorageImportExport, type PutJobParameters, type UpdateJobParameters } from '@azure/arm-storageimportexport';
import { BlobClient } from '@azure/storage-blob';
import type { z } from 'zod';
import {
  ArmErrorSchema,
  JobResponseReadSchema,
  LocationReadSchema,
  type ArmJob,
  type ArmLocation,
} from '../../../shared/arm/schemas';
import { messageOf } from '../../../shared/errors';
import { HandlerError } from '../../../shared/ipc/contract';
import { formatTime } from '../../../shared/jobs';
import type { Connection } from './connection';
import type { ServiceHealth } from './health';

export type { PutJobParameters, UpdateJobParameters };

export interface ServiceClient {
  /** For messages: "the local sandbox" or the Azure subscription's name. */
  readonly label: string;
  readonly kind: Connection['kind'];
  readonly resourceGroup: string;
  /** Every job of the connection's resource group (all pages, following nextLink). */
  listJobs(): Promise<ArmJob[]>;
  getJob(name: string): Promise<ArmJob>;
  /** Like getJob, but `undefined` when the service has no such job (deleted, or never existed). */
  findJob(name: string): Promise<ArmJob | undefined>;
  createJob(name: string, body: PutJobParameters): Promise<ArmJob>;
  updateJob(name: string, body: UpdateJobParameters): Promise<ArmJob>;
  deleteJob(name: string): Promise<void>;
  bitLockerKeys(name: string): Promise<{ driveId: string; bitLockerKey: string }[]>;
  listLocations(): Promise<ArmLocation[]>;
  /** The text of a copy-log blob (G4) at a URI the service gave for one of the job's drives. */
  readLogBlob(uri: string): Promise<string>;
}

/** A HandlerError that also says which HTTP status the service answered with (404 tells "gone"). */
export class ServiceCallError extends HandlerError {
  constructor(
    code: string,
    message: string,
    target: string | undefined,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(code, message, target, options);
    this.name = 'ServiceCallError';
  }
}

export interface ServiceClientOptions {
  /** Each call's time limit; a service that does not answer in time is reported offline. */
  timeoutMs?: number;
  /** Largest log blob Haul reads. */
  maxLogBytes?: number;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'REQUEST_SEND_ERROR',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface RestLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  response?: { bodyAsText?: string | null };
}

function restLike(err: unknown): RestLike {
  return typeof err === 'object' && err !== null ? (err as RestLike) : { message: String(err) };
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?)]$/.test(t) ? t : `${t}.`;
}

/** What an HTTP status means for the person, when ARM's own message says nothing more useful. */
function statusAdvice(status: number, kind: Connection['kind']): string {
  if (status === 401 || status === 403) {
    return kind === 'local'
      ? " The local sandbox did not accept Haul's token; restart Haul to reconnect to it."
      : " Sign in again, or ask the subscription's owner for access to the resource group.";
  }
  if (status === 429) return ' The service is busy; wait a minute and try again.';
  if (status >= 500) return " The problem is on the service's side; try again in a few minutes.";
  return '';
}

/** Where the client calls and how long it waits: what its errors name and whom they tell. */
interface Reach {
  connection: Connection;
  health: ServiceHealth;
  timeoutMs: number;
  /** The service as a sentence names it. */
  where: string;
}

export function createServiceClient(
  connection: Connection,
  health: ServiceHealth,
  options: ServiceClientOptions = {},
): ServiceClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxLogBytes = options.maxLogBytes ?? 64 * 1024 * 1024;
  const arm = new StorageImportExport(connection.credential, connection.subscriptionId, {
    endpoint: connection.endpoint,
    ...(connection.ca ? { tlsOptions: { ca: connection.ca } } : {}),
    // One retry for a dropped connection; the app's own poll is the retry beyond that.
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  });
  const rg = connection.resourceGroup;
  const where =
    connection.kind === 'local' ? 'the local Import/Export sandbox' : `the Import/Export service (${connection.label})`;
  const reach: Reach = { connection, health, timeoutMs, where };
  const call = <T>(what: string, fn: (signal: AbortSignal) => Promise<T>) => callService(reach, what, fn);
  const readJob = (v: unknown, what: string) => parseAnswer(where, JobResponseReadSchema, v, what);

  return {
    label: connection.label,
    kind: connection.kind,
    resourceGroup: rg,
    async listJobs() {
      const raw = await call('List Jobs', async (abortSignal) => {
        const out: unknown[] = [];
        for await (const j of arm.jobs.listByResourceGroup(rg, { abortSignal })) out.push(j);
        return out;
      });
      return raw.map((j) => readJob(j, 'List Jobs'));
    },
    async getJob(name) {
      return readJob(
        await call(`Get Job ${name}`, (abortSignal) => arm.jobs.get(name, rg, { abortSignal })),
        `Get Job ${name}`,
      );
    },
    async findJob(name) {
      try {
        return await this.getJob(name);
      } catch (err) {
        if (err instanceof ServiceCallError && err.status === 404) return undefined;
        throw err;
      }
    },
    async createJob(name, body) {
      return readJob(
        await call(`Create job ${name}`, (abortSignal) => arm.jobs.create(name, rg, body, { abortSignal })),
        `Create job ${name}`,
      );
    },
    async updateJob(name, body) {
      return readJob(
        await call(`Update job ${name}`, (abortSignal) => arm.jobs.update(name, rg, body, { abortSignal })),
        `Update job ${name}`,
      );
    },
    async deleteJob(name) {
      await call(`Delete job ${name}`, (abortSignal) => arm.jobs.delete(name, rg, { abortSignal }));
    },
    async bitLockerKeys(name) {
      const keys = await call(`BitLocker keys of ${name}`, async (abortSignal) => {
        const out: { driveId: string; bitLockerKey: string }[] = [];
        for await (const k of arm.bitLockerKeys.list(name, rg, { abortSignal })) {
          if (k.driveId && k.bitLockerKey) out.push({ driveId: k.driveId, bitLockerKey: k.bitLockerKey });
        }
        return out;
      });
      return keys;
    },
    async listLocations() {
      const raw = await call('List Locations', async (abortSignal) => {
        const out: unknown[] = [];
        for await (const l of arm.locations.list({ abortSignal })) out.push(l);
        return out;
      });
      return raw.map((l) => parseAnswer(where, LocationReadSchema, l, 'List Locations'));
    },
    readLogBlob: (uri) => readLogBlob(reach, maxLogBytes, uri),
  };
}

/** The service could not be reached: the health hears it, and the error says since when and what to do. */
function offline(r: Reach, problem: string): ServiceCallError {
  r.health.unreachable(problem);
  const last = r.health.snapshot().lastOkAt;
  const since = last
    ? `Its last answer was at ${formatTime(Date.parse(last))}.`
    : 'It has not answered since Haul started.';
  const todo =
    r.connection.kind === 'local'
      ? 'The sandbox may have stopped: see the status bar, or restart Haul.'
      : "Check this computer's network connection; Haul tries again on its own.";
  return new ServiceCallError(
    'offline',
    `Haul cannot reach ${r.where} (${problem}). ${since} ${todo}`,
    undefined,
    undefined,
  );
}

/** ARM's own error (code, message, target) from a response body, when the body is one. */
function armErrorOf(body: string): { code: string; message: string; target?: string | undefined } | undefined {
  try {
    const parsed = ArmErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON (a proxy's page): keep what the SDK made of it.
  }
  return undefined;
}

/** Any error of a call as a ServiceCallError: offline when nothing answered, else the service's own words. */
function failure(r: Reach, err: unknown, what: string): ServiceCallError {
  if (err instanceof ServiceCallError) return err;
  const e = restLike(err);
  if (e.name === 'AbortError' || e.name === 'TimeoutError')
    return offline(r, `no answer within ${Math.round(r.timeoutMs / 1000)} s`);
  if (typeof e.statusCode !== 'number' || e.statusCode === 0) {
    const code = e.code ?? 'unreachable';
    return offline(
      r,
      NETWORK_CODES.has(code)
        ? code === 'ECONNREFUSED'
          ? 'connection refused'
          : code
        : sentence(e.message ?? code).replace(/\.$/, ''),
    );
  }
  r.health.answered();
  let code = e.code ?? `Http${e.statusCode}`;
  let message = e.message ?? '';
  let target: string | undefined;
  const body = e.response?.bodyAsText;
  const armError = body ? armErrorOf(body) : undefined;
  if (armError) {
    code = armError.code;
    message = armError.message;
    target = armError.target;
  }
  if (!message || message === body) message = `${what} failed with HTTP ${e.statusCode}.`;
  return new ServiceCallError(
    code,
    `${sentence(message)}${statusAdvice(e.statusCode, r.connection.kind)}`,
    target,
    e.statusCode,
    { cause: err },
  );
}

/** An answer checked against its schema; one Haul does not understand says so. */
function parseAnswer<S extends z.ZodType>(where: string, schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ServiceCallError(
    'bad-answer',
    `${where} answered ${what} with something Haul does not understand (${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'unexpected shape'}). Haul may be older than the service; update Haul.`,
    undefined,
    undefined,
  );
}

/** One call to the service within the time limit; the health hears how it went. */
async function callService<T>(r: Reach, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    const value = await fn(AbortSignal.timeout(r.timeoutMs));
    r.health.answered();
    return value;
  } catch (err) {
    throw failure(r, err, what);
  }
}

/** A drive's log blob as text, refused when larger than Haul shows. */
async function readLogBlob(r: Reach, maxLogBytes: number, uri: string): Promise<string> {
  let credential: Awaited<ReturnType<Connection['blobCredential']>>;
  try {
    credential = await r.connection.blobCredential(uri);
  } catch (err) {
    throw new ServiceCallError('log-unavailable', messageOf(err), undefined, undefined, { cause: err });
  }
  const blob = new BlobClient(uri, credential, { retryOptions: { maxTries: 2 } });
  try {
    const props = await blob.getProperties({ abortSignal: AbortSignal.timeout(r.timeoutMs) });
    if ((props.contentLength ?? 0) > maxLogBytes) {
      throw new ServiceCallError(
        'log-too-large',
        `The log is ${Math.round((props.contentLength ?? 0) / 1048576)} MiB, more than Haul shows (${Math.round(maxLogBytes / 1048576)} MiB). Download it from the storage account with Azure Storage Explorer.`,
        undefined,
        undefined,
      );
    }
    const buf = await blob.downloadToBuffer(0, undefined, { abortSignal: AbortSignal.timeout(r.timeoutMs) });
    return buf.toString('utf8');
  } catch (err) {
    throw logReadFailure(r, err);
  }
}

/** Why a log blob could not be read: gone, refused by the storage account, or not reached. */
function logReadFailure(r: Reach, err: unknown): ServiceCallError {
  if (err instanceof ServiceCallError) return err;
  const e = restLike(err);
  if (e.statusCode === 404) {
    return new ServiceCallError(
      'log-not-found',
      'The log blob no longer exists in the storage account (it may have been deleted there).',
      undefined,
      404,
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode > 0) {
    return new ServiceCallError(
      'log-unavailable',
      `The storage account refused to hand out the log (HTTP ${e.statusCode}${e.code ? `, ${e.code}` : ''}).${statusAdvice(e.statusCode, r.connection.kind)}`,
      undefined,
      e.statusCode,
    );
  }
  const problem =
    e.name === 'AbortError' ? `no answer within ${Math.round(r.timeoutMs / 1000)} s` : (e.code ?? 'unreachable');
  return new ServiceCallError(
    'offline',
    `Haul cannot reach the storage that holds the log (${problem}). ${r.connection.kind === 'local' ? 'The sandbox storage may have stopped; restart Haul.' : 'Check the network connection and try again.'}`,
    undefined,
    undefined,
  );
}
