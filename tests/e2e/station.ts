// A browser-mode station for end-to-end tests: `haul serve` (the built CLI) on its own temp data
// folder, with the local service it starts. Tests that must stop and start the server (a restart
// in the middle of a prep, a draft that survives) start their own; the rest share the one that
// global-setup starts. `service()` waits for the local service and hands out what the official
// SDK and `haul ops` need to play the data center.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { ServiceConnectionSchema, type ServiceConnection } from '../../shared/service/connection';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where a screenshot goes: test-results/screenshots/ on an ordinary run (a test run leaves the
 * tree as it was), docs/screenshots/ — the README's pictures — with HAUL_SCREENSHOTS=docs
 * (`npm run screenshots`).
 */
export function shotPath(file: string): string {
  const dir = process.env.HAUL_SCREENSHOTS === 'docs' ? 'docs/screenshots' : 'test-results/screenshots';
  return path.join(ROOT, dir, file);
}
export const CLI = path.join(ROOT, 'out/cli/haul.mjs');

export interface Station {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (and its local service); the data folder stays for a restart. */
  stop(): Promise<void>;
  /** Starts `haul serve` again on the same data folder (a new port and token). */
  restart(): Promise<Station>;
  /** Stops and removes the data folder. */
  dispose(): Promise<void>;
}

export interface StationService {
  connection: ServiceConnection;
  ca: string;
  /** The official ARM client, trusting exactly the sandbox's certificate. */
  client: StorageImportExport;
  /** `haul ops <args…>` against this station's service; resolves with its output, rejects on a non-zero exit. */
  ops(...args: string[]): Promise<string>;
}

export async function startStation(dataDir = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-'))): Promise<Station> {
  if (!existsSync(CLI)) throw new Error(`The e2e tests need the build: ${CLI} is missing. Run "npm run build" first.`);
  // The page may reach home (where its folder browser opens) and the temp folder, where the tests'
  // sources and drives live.
  const allow = ['--allow-dir', os.homedir(), '--allow-dir', os.tmpdir()];
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'serve', '--port', '0', '--json', '--data-dir', dataDir, ...allow],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('haul serve did not print its URL within 20 s')), 20_000);
    readline.createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`haul serve exited with ${code} before it was ready`)));
  });
  const info = JSON.parse(line) as { url: string; port: number; token: string };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: info.url,
    port: info.port,
    dataDir,
    stop,
    restart: async () => {
      await stop();
      return startStation(dataDir);
    },
    dispose: async () => {
      await stop();
      // the sandbox's storage may still be writing its last file as it closes: retries for up to
      // about 5 s instead of ENOTEMPTY
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
    },
  };
}

/** Waits for the station's local service to be ready and returns its connection, SDK client and `haul ops`. */
export async function stationService(dataDir: string, timeoutMs = 60_000): Promise<StationService> {
  const serviceDir = path.join(dataDir, 'service');
  const file = path.join(serviceDir, 'connection.json');
  const deadline = Date.now() + timeoutMs;
  let connection: ServiceConnection | undefined;
  while (!connection) {
    try {
      connection = ServiceConnectionSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      if (Date.now() > deadline)
        throw new Error(`The local service did not write ${file} within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ca = readFileSync(connection.ca, 'utf8');
  const token = connection.token;
  const client = new StorageImportExport(
    { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    connection.subscriptionId,
    {
      endpoint: connection.endpoint,
      tlsOptions: { ca },
      retryOptions: { maxRetries: 0 },
    },
  );
  const ops = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'ops', ...args, '--data-dir', serviceDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`haul ops ${args.join(' ')} exited ${code}: ${out}`)),
      );
    });
  return { connection, ca, client, ops };
}
