// The local sandbox service as the app's default backend: main starts `haul service` as its own
// process (so its Azurite and its timers never block the app), reads the one ready line, and
// keeps the connection (token included) in main. The token never reaches the renderer or a log.
// The child holds an IPC channel to this process: when main dies, even by kill -9, the channel
// closes and the service stops (its Azurite with it) instead of running on for good.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ServiceConnectionSchema, type ServiceConnection } from '../../../shared/service/connection';
import type { ServiceStatus } from '../../../shared/ipc/contract';

export interface LocalServiceOptions {
  /** Program and arguments that run the `haul` CLI (node + haul.mjs, or Electron as node). */
  command: [string, ...string[]];
  /** Extra environment for the child (e.g. ELECTRON_RUN_AS_NODE=1 under Electron). */
  env?: NodeJS.ProcessEnv;
  /** The service's own data folder (jobs, certificate, Azurite). */
  dataDir: string;
  /** How long to wait for the ready line (Azurite's first start takes a few seconds). */
  readyTimeoutMs?: number;
  onStatus?: (status: ServiceStatus) => void;
}

export interface LocalService {
  status(): ServiceStatus;
  /** The connection, once ready; main only. */
  connection(): ServiceConnection | undefined;
  stop(): Promise<void>;
}

export function startLocalService(options: LocalServiceOptions): LocalService {
  // Only this user may enter: the sandbox keeps BitLocker keys in its job files (docs/security.md).
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(options.dataDir, 0o700);
  const logFile = path.join(options.dataDir, 'service.log');
  let status: ServiceStatus = { state: 'starting', kind: 'local', logFile };
  let connection: ServiceConnection | undefined;
  let stopping = false;
  const set = (next: ServiceStatus) => {
    status = next;
    options.onStatus?.(next);
  };

  const { child, log } = spawnService(options, logFile);

  const timer = setTimeout(() => {
    if (status.state === 'starting') {
      set({
        state: 'failed',
        kind: 'local',
        logFile,
        message: `The local Import/Export service did not start within ${Math.round((options.readyTimeoutMs ?? 60_000) / 1000)} s. See ${logFile}.`,
      });
      child.kill('SIGTERM');
    }
  }, options.readyTimeoutMs ?? 60_000);
  timer.unref();

  readline.createInterface({ input: child.stdout! }).once('line', (line) => {
    clearTimeout(timer);
    const ready = readyLine(line, logFile);
    if (ready.connection) connection = ready.connection;
    set(ready.status);
  });

  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      set({
        state: 'failed',
        kind: 'local',
        logFile,
        message: `Haul could not start its local Import/Export service (${err.message}).`,
      });
      resolve();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      connection = undefined;
      if (status.state === 'failed') {
        // Already explained (timeout, unreadable ready line): keep that message.
      } else if (!stopping) {
        set({
          state: 'failed',
          kind: 'local',
          logFile,
          message: `The local Import/Export service stopped (${signal ?? `exit ${code}`}). See ${logFile}; restart Haul to start it again.`,
        });
      } else {
        set({ state: 'off', kind: 'local', logFile });
      }
      log.end();
      resolve();
    });
  });

  return {
    status: () => status,
    connection: () => connection,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

/** Runs `haul service` as a child with a lifeline channel to main; its stderr goes to the log file. */
function spawnService(
  options: LocalServiceOptions,
  logFile: string,
): { child: ChildProcess; log: ReturnType<typeof createWriteStream> } {
  const [program, ...args] = options.command;
  const child: ChildProcess = spawn(program, [...args, 'service', '--data-dir', options.dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
    windowsHide: true,
  });
  // The channel is only a lifeline: it must not keep main alive.
  child.channel?.unref();
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr?.pipe(log);

  return { child, log };
}

/** The service's one ready line: its connection and the ready status, or failed when Haul cannot read it. */
function readyLine(line: string, logFile: string): { connection?: ServiceConnection; status: ServiceStatus } {
  let parsed: ServiceConnection;
  try {
    parsed = ServiceConnectionSchema.parse(JSON.parse(line));
  } catch {
    return {
      status: {
        state: 'failed',
        kind: 'local',
        logFile,
        message: `The local Import/Export service answered something Haul does not understand. See ${logFile}.`,
      },
    };
  }
  return {
    connection: parsed,
    status: {
      state: 'ready',
      kind: 'local',
      logFile,
      endpoint: parsed.endpoint,
      subscriptionId: parsed.subscriptionId,
      resourceGroup: parsed.resourceGroup,
    },
  };
}
