// Azurite (the Azure Storage emulator) as the sandbox's storage: one child process per service,
// listening on 127.0.0.1 only, telemetry off, data in `<dataDir>/azurite`, with one Azurite account
// per storage account named by the jobs. A child process (not in-process) keeps the service's event
// loop free while blobs stream, and stops completely on SIGTERM.
import { messageOf } from '../../shared/errors';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import * as z from 'zod';
import { writeFileAtomic } from '../../shared/node/atomicWrite';
import type { AzuriteAccount, AzuriteHandle, StartAzuriteOptions } from './types';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/** Azure storage account names: 3 to 24 lower-case letters and digits. */
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

export function checkAccountName(name: string): void {
  if (!ACCOUNT_NAME.test(name)) {
    throw new Error(
      `Storage account name "${name}" is not valid: use 3 to 24 lower-case letters and digits (as in Azure).`,
    );
  }
}

/**
 * The storage account name of an ARM storageAccountId
 * (`/subscriptions/…/providers/Microsoft.Storage/storageAccounts/<name>`, also Microsoft.ClassicStorage).
 */
export function storageAccountName(storageAccountId: string): string {
  const m = /\/providers\/Microsoft\.(?:Classic)?Storage\/storageAccounts\/([^/]+)\/?$/i.exec(storageAccountId);
  if (!m?.[1]) {
    throw new Error(
      `storageAccountId "${storageAccountId}" is not a storage account resource id; expected /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>.`,
    );
  }
  const name = m[1].toLowerCase();
  checkAccountName(name);
  return name;
}

const stateSchema = z.object({
  port: z.number().int().min(1).max(65535).optional(),
  accounts: z.record(z.string(), z.string().min(1)),
});
type State = z.infer<typeof stateSchema>;

async function loadState(file: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { accounts: {} };
    throw e;
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch (e) {
    throw new Error(
      `${file} is damaged (${messageOf(e)}); it holds the sandbox storage account keys. Restore it from a backup or delete it (the sandbox then makes new keys).`,
    );
  }
}

/** The state holds the account keys: written durably (a lost rename would make new keys), for the user only. */
async function saveState(file: string, state: State): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Our own entry for the Azurite child (see azuriteChild.mjs). From source it sits next to this file;
 * in the build it is the `azuriteChild` entry of main/build.mjs in out/cli/, next to the chunk this
 * module is bundled into, where import.meta.url points. Falls back to Azurite's own bin.
 */
function azuriteEntry(): string {
  const own = fileURLToPath(new URL('./azuriteChild.mjs', import.meta.url));
  if (existsSync(own)) return own;
  return createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
}

interface Running {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

async function launch(
  location: string,
  accounts: Record<string, string>,
  port: number,
  log: (line: string) => void,
): Promise<Running> {
  const { AZURITE_DB: _sqlDb, ...inherited } = process.env; // never switch Azurite to an SQL database by accident
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    // Electron's binary behaves as Node with this; plain Node ignores it.
    ELECTRON_RUN_AS_NODE: '1',
    AZURITE_ACCOUNTS: Object.entries(accounts)
      .map(([n, k]) => `${n}:${k}`)
      .join(';'),
  };
  const args = [
    azuriteEntry(),
    '--blobHost',
    HOST,
    '--blobPort',
    String(port),
    '--location',
    location,
    '--silent',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
  ];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], windowsHide: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output: string[] = [];
  return new Promise<Running>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, p?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, port: p as number, exited });
    };
    const onLine = (line: string) => {
      log(line);
      if (output.length < 50) output.push(line);
      const m = /successfully listens on https?:\/\/[^:]+:(\d+)/.exec(line);
      if (m?.[1]) finish(null, Number(m[1]));
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', (e) => finish(new Error(`Azurite could not be started (${e.message}).`)));
    child.once('exit', (code, signal) =>
      finish(
        new Error(
          `Azurite exited while starting (code ${code ?? signal}) on ${HOST}:${port}, data in ${location}. Its output: ${output.join(' | ') || '(none)'}`,
        ),
      ),
    );
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `Azurite did not start within ${START_TIMEOUT_MS / 1000} s (data in ${location}). Its output: ${output.join(' | ') || '(none)'}`,
          ),
        ),
      START_TIMEOUT_MS,
    );
  });
}

async function terminate(r: Running): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill('SIGTERM');
  const timer = setTimeout(() => r.child.kill('SIGKILL'), STOP_GRACE_MS);
  await r.exited;
  clearTimeout(timer);
}

class Azurite implements AzuriteHandle {
  readonly host = HOST;
  private running: Running;
  private state: State;
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private restarting: Promise<void> | null = null;
  private stopped = false;
  private readonly onExit = () => {
    // The service is going away without stop(): do not leave Azurite behind.
    if (this.running.child.exitCode === null) this.running.child.kill('SIGKILL');
  };

  constructor(
    private readonly location: string,
    private readonly stateFile: string,
    private readonly log: (line: string) => void,
    running: Running,
    state: State,
  ) {
    this.running = running;
    this.state = state;
    process.once('exit', this.onExit);
    this.watch(running);
  }

  private crashes: number[] = [];

  /** Brings Azurite back on the same port when it dies on its own (at most 5 times a minute). */
  private watch(r: Running): void {
    void r.exited.then(() => {
      if (this.stopped || this.running !== r || this.restarting) return; // an exit we asked for
      const why = r.child.signalCode ?? `code ${r.child.exitCode ?? '?'}`;
      const now = Date.now();
      this.crashes = this.crashes.filter((t) => now - t < 60_000);
      this.crashes.push(now);
      if (this.crashes.length > 5) {
        this.log(
          `Azurite exited unexpectedly (${why}) for the 6th time within a minute; not restarting it again. Restart the service.`,
        );
        return;
      }
      this.log(`Azurite (pid ${r.child.pid ?? '?'}) exited unexpectedly (${why}); restarting it on port ${r.port}.`);
      this.restarting = this.relaunch(r.port)
        .catch((e: unknown) => this.log(`Azurite could not be restarted: ${messageOf(e)}`))
        .finally(() => {
          this.restarting = null;
        });
    });
  }

  private async relaunch(port: number): Promise<void> {
    let next: Running;
    try {
      next = await launch(this.location, this.state.accounts, port, this.log);
    } catch {
      // Someone took the port in the meantime: any free port (the endpoint changes).
      next = await launch(this.location, this.state.accounts, 0, this.log);
    }
    if (this.stopped) {
      await terminate(next);
      return;
    }
    this.running = next;
    this.watch(next);
    if (next.port !== this.state.port) {
      this.state = { ...this.state, port: next.port };
      await saveState(this.stateFile, this.state);
    }
  }

  get port(): number {
    return this.running.port;
  }

  get pid(): number {
    return this.running.child.pid ?? -1;
  }

  accounts(): Record<string, AzuriteAccount> {
    return Object.fromEntries(Object.keys(this.state.accounts).map((n) => [n, this.account(n)]));
  }

  account(name: string): AzuriteAccount {
    const key = this.state.accounts[name];
    if (key === undefined) {
      throw new Error(
        `Storage account "${name}" is not served by the sandbox storage (served: ${Object.keys(this.state.accounts).join(', ') || 'none'}); add it with ensureAccounts.`,
      );
    }
    const blobEndpoint = `http://${HOST}:${this.port}/${name}`;
    return {
      name,
      key,
      blobEndpoint,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${name};AccountKey=${key};BlobEndpoint=${blobEndpoint};`,
    };
  }

  credential(name: string): StorageSharedKeyCredential {
    return new StorageSharedKeyCredential(name, this.account(name).key);
  }

  client(name: string): BlobServiceClient {
    const a = this.account(name);
    return new BlobServiceClient(a.blobEndpoint, this.credential(name), { retryOptions: { maxTries: 3 } });
  }

  async ensureAccounts(names: string[]): Promise<void> {
    for (const n of names) checkAccountName(n);
    for (;;) {
      if (this.stopped) throw new Error('The sandbox storage (Azurite) has been stopped.');
      const missing = names.filter((n) => this.state.accounts[n] === undefined);
      if (!missing.length) return;
      if (this.restarting) {
        await this.restarting;
        continue;
      }
      this.restarting = this.restart(missing).finally(() => {
        this.restarting = null;
      });
      await this.restarting;
    }
  }

  /** Runs fn while holding Azurite up (no restart happens in between). */
  async lease<T>(names: string[], fn: () => Promise<T>): Promise<T> {
    await this.ensureAccounts(names);
    while (this.restarting) await this.restarting;
    if (this.stopped) throw new Error('The sandbox storage (Azurite) has been stopped.');
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async restart(missing: string[]): Promise<void> {
    const accounts = { ...this.state.accounts };
    for (const n of missing) accounts[n] = randomBytes(64).toString('base64');
    if (this.active > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await terminate(this.running);
    // Keys first, so a crash right after does not bring Azurite back without the new accounts.
    this.state = { ...this.state, accounts };
    await saveState(this.stateFile, this.state);
    await this.relaunch(this.running.port);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    while (this.restarting) await this.restarting.catch(() => undefined);
    process.removeListener('exit', this.onExit);
    await terminate(this.running);
  }
}

/**
 * Starts Azurite's blob service for the sandbox. Resolves once it accepts requests.
 * Account keys are generated once per data folder and kept (mode 0600) in `<dataDir>/azurite/accounts.json`,
 * with the port, so that endpoints and log URIs stay the same across restarts when the port is free.
 */
export async function startAzurite(opts: StartAzuriteOptions): Promise<AzuriteHandle> {
  for (const n of opts.accounts) checkAccountName(n);
  const location = path.join(path.resolve(opts.dataDir), 'azurite');
  await mkdir(location, { recursive: true });
  const stateFile = path.join(location, 'accounts.json');
  const state = await loadState(stateFile);
  let changed = false;
  for (const n of opts.accounts) {
    if (state.accounts[n] === undefined) {
      state.accounts[n] = randomBytes(64).toString('base64');
      changed = true;
    }
  }
  const log = opts.log ?? (() => undefined);
  let running: Running;
  if (opts.port !== undefined) {
    running = await launch(location, state.accounts, opts.port, log);
  } else if (state.port !== undefined) {
    try {
      running = await launch(location, state.accounts, state.port, log);
    } catch {
      running = await launch(location, state.accounts, 0, log);
    }
  } else {
    running = await launch(location, state.accounts, 0, log);
  }
  if (changed || state.port !== running.port) {
    state.port = running.port;
    await saveState(stateFile, state);
  }
  return new Azurite(location, stateFile, log, running, state);
}

/** Runs fn with the accounts present and no Azurite restart in between (used by import and export). */
export function withAzurite<T>(handle: AzuriteHandle, accounts: string[], fn: () => Promise<T>): Promise<T> {
  if (handle instanceof Azurite) return handle.lease(accounts, fn);
  return handle.ensureAccounts(accounts).then(fn);
}
