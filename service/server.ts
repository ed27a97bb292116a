// Starts the local Import/Export service: TLS identity, clock, job store, sandbox storage
// (Azurite), the ARM and operator routes on https://127.0.0.1:PORT, timers and (optionally) the
// auto operator. Used by `haul service` and by tests (in-process).
import { messageOf } from '../shared/errors';
import { readFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { CONNECTION_FILE, type ServiceConnection } from '../shared/service/connection';
import { RESOURCE_GROUP_RE, STORAGE_ACCOUNT_RE, SUBSCRIPTION_ID_RE } from '../shared/arm/schemas';
import { writeFileAtomic } from '../shared/node/atomicWrite';
import { ServiceClock } from './clock';
import { createHttpsServer, DEFAULT_BODY_LIMIT } from './http';
import { JobService } from './jobs';
import { armRoutes } from './routes';
import { storageAccountRoutes, type SandboxStorageAccount } from './storageAccounts';
import { DataCenter, opsRoutes } from './ops';
import { JobStore } from './store';
import { ensureTlsIdentity } from './tls';
import { AutoOperator, type AutoOptions } from './auto';
import { startAzurite } from './datacenter';
import type { AzuriteHandle } from './datacenter/types';
import { describeIssues } from '../shared/validation';
import { makeDataDirPrivate } from './privateDir';

export interface ServiceOptions {
  dataDir: string;
  port?: number;
  token?: string;
  /** Storage accounts to create in the sandbox storage in addition to those it already has. */
  storageAccounts?: string[];
  /** false: run without Azurite (API only; copying drives answers 503). Default true. */
  storage?: boolean;
  /** Play the operators automatically. */
  auto?: boolean | AutoOptions;
  bodyLimit?: number;
  pageSize?: number;
  /** Wall clock (tests). */
  wall?: () => number;
  log?: (line: string) => void;
  /** Log every request, and the wire log: each request and response, secrets masked (default false: errors and changes only). */
  logRequests?: boolean;
  progressIntervalMs?: number;
}

export interface RunningService {
  connection: ServiceConnection;
  jobs: JobService;
  azurite: AzuriteHandle | undefined;
  dataDir: string;
  close(): Promise<void>;
}

const ServiceFile = z.object({
  subscriptionId: z.string().regex(SUBSCRIPTION_ID_RE),
  resourceGroup: z.string().regex(RESOURCE_GROUP_RE),
  storageAccounts: z.array(z.string().regex(STORAGE_ACCOUNT_RE)),
  /** When each storage account was created (ISO time), for the ARM view's creationTime. */
  storageAccountsCreatedAt: z.record(z.string(), z.iso.datetime()).optional(),
});
type ServiceConfig = z.infer<typeof ServiceFile>;

export const DEFAULT_STORAGE_ACCOUNT = 'haulsandbox';

async function loadConfig(dataDir: string): Promise<ServiceConfig> {
  const file = join(dataDir, 'service.json');
  try {
    const r = ServiceFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!r.success)
      throw new Error(
        `${file} is damaged (${describeIssues(r.error)}); fix it or move it away to start a new sandbox identity.`,
      );
    return r.data;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const cfg: ServiceConfig = {
    subscriptionId: randomUUID(),
    resourceGroup: 'haul-sandbox',
    storageAccounts: [DEFAULT_STORAGE_ACCOUNT],
    storageAccountsCreatedAt: { [DEFAULT_STORAGE_ACCOUNT]: new Date().toISOString() },
  };
  await writeFileAtomic(file, `${JSON.stringify(cfg, null, 2)}\n`);
  return cfg;
}

/** The storage accounts the service keeps (its own and those asked for), each with the date it was made; saved when new. */
async function recordAccounts(cfg: ServiceConfig, asked: string[], saveConfig: () => Promise<void>): Promise<string[]> {
  const wanted = [...new Set([...cfg.storageAccounts, ...asked])];
  const created = (cfg.storageAccountsCreatedAt ??= {});
  const undated = wanted.filter((n) => created[n] === undefined);
  for (const n of undated) created[n] = new Date().toISOString();
  if (wanted.length !== cfg.storageAccounts.length || undated.length) {
    cfg.storageAccounts = wanted;
    await saveConfig();
  }
  return wanted;
}

/** Listens on loopback; when it cannot, Azurite is stopped and the error says to choose another port. */
async function listenOrStop(
  server: ReturnType<typeof createHttpsServer>,
  port: number,
  azurite: AzuriteHandle | undefined,
): Promise<void> {
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', rej);
        res();
      });
    });
  } catch (e) {
    await azurite?.stop();
    throw new Error(
      `Cannot listen on 127.0.0.1:${port} (${messageOf(e)}); choose another --port or 0 for any free port.`,
    );
  }
}

/**
 * The storage accounts the service keeps: their names (Azurite's when it runs), adding one (kept in
 * service.json with its date), and each as the storage account routes show it.
 */
function keptAccounts(
  cfg: ServiceConfig,
  azurite: AzuriteHandle | undefined,
  saveConfig: () => Promise<void>,
): {
  accountNames: () => string[];
  addAccount: (name: string) => Promise<void>;
  sandboxAccounts: () => SandboxStorageAccount[];
} {
  const created = (cfg.storageAccountsCreatedAt ??= {});
  const accountNames = () => (azurite ? Object.keys(azurite.accounts()) : cfg.storageAccounts).slice().sort();
  const addAccount = async (name: string) => {
    if (azurite) await azurite.ensureAccounts([name]);
    if (!cfg.storageAccounts.includes(name)) {
      cfg.storageAccounts.push(name);
      created[name] ??= new Date().toISOString();
      await saveConfig();
    }
  };
  const sandboxAccounts = (): SandboxStorageAccount[] =>
    accountNames().map((name) => {
      const blobEndpoint = azurite?.accounts()[name]?.blobEndpoint;
      return {
        name,
        createdAt: Date.parse(created[name] ?? '') || 0,
        ...(blobEndpoint ? { blobEndpoint } : {}),
      };
    });

  return { accountNames, addAccount, sandboxAccounts };
}

/** Stops the service once, whoever asks: the operator, the data center, the server (idle connections at once, the rest after 2 s), the jobs and Azurite. */
function closer(
  server: ReturnType<typeof createHttpsServer>,
  jobs: JobService,
  dc: DataCenter,
  auto: AutoOperator | undefined,
  azurite: AzuriteHandle | undefined,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await auto?.stop();
      await dc.stop();
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await jobs.close();
      await azurite?.stop();
    })();
    return closing;
  };
  return close;
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  const dataDir = resolve(opts.dataDir);
  const log = opts.log ?? ((l: string) => process.stderr.write(`${new Date().toISOString()} haul-service ${l}\n`));
  await makeDataDirPrivate(dataDir);
  const cfg = await loadConfig(dataDir);
  const saveConfig = () => writeFileAtomic(join(dataDir, 'service.json'), `${JSON.stringify(cfg, null, 2)}\n`);
  const wanted = await recordAccounts(cfg, opts.storageAccounts ?? [], saveConfig);
  const tls = await ensureTlsIdentity(dataDir);
  const clock = await ServiceClock.open(dataDir, opts.wall);
  const store = await JobStore.open(dataDir, log);

  let azurite: AzuriteHandle | undefined;
  if (opts.storage !== false) {
    azurite = await startAzurite({ dataDir, accounts: wanted, log: (l) => log(`azurite: ${l}`) });
  }
  const { accountNames, addAccount, sandboxAccounts } = keptAccounts(cfg, azurite, saveConfig);

  const jobs = new JobService({
    store,
    clock,
    subscriptionId: cfg.subscriptionId,
    accounts: { names: accountNames },
    log,
    ...(opts.pageSize ? { pageSize: opts.pageSize } : {}),
  });
  const ctx = {
    jobs,
    dataDir,
    azurite,
    log,
    ...(opts.progressIntervalMs !== undefined ? { progressIntervalMs: opts.progressIntervalMs } : {}),
  };
  const dc = new DataCenter(ctx);
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const server = createHttpsServer({
    token,
    cert: tls.cert,
    key: tls.key,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routes: [
      ...armRoutes(jobs),
      ...storageAccountRoutes({
        subscriptionId: cfg.subscriptionId,
        resourceGroup: cfg.resourceGroup,
        accounts: sandboxAccounts,
      }),
      ...opsRoutes(ctx, dc, { accounts: accountNames, addAccount }),
    ],
    log: (l) => {
      if (opts.logRequests || !/ -> [23]\d\d /.test(l) || /^(PUT|PATCH|DELETE|POST)/.test(l)) log(l);
    },
    ...(opts.logRequests ? { wire: log } : {}),
  });
  await listenOrStop(server, opts.port ?? 0, azurite);
  const port = (server.address() as AddressInfo).port;
  const connection: ServiceConnection = {
    endpoint: `https://127.0.0.1:${port}`,
    ca: tls.certPath,
    token,
    subscriptionId: cfg.subscriptionId,
    resourceGroup: cfg.resourceGroup,
  };
  await writeFileAtomic(join(dataDir, CONNECTION_FILE), `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });

  // Deadlines that fell due while the service was stopped fire now (once: fired ones are persisted).
  await jobs.fireDue();
  await dc.faultInterruptedCopies();

  let auto: AutoOperator | undefined;
  if (opts.auto) {
    auto = new AutoOperator(jobs, dc, { ...(typeof opts.auto === 'object' ? opts.auto : {}), log, dataDir });
    auto.start();
  }

  const close = closer(server, jobs, dc, auto, azurite);
  return { connection, jobs, azurite, dataDir, close };
}
