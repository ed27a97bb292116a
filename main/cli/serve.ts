// `haul serve`: Haul in a browser. Hosts main/core in this process, serves the built app on
// loopback and prints the URL to open (with its one-time token).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { createCore } from '../core/bridge/core';
import { startBrowserServer } from '../core/browser/server';
import { defaultReadRoots } from '../core/bridge/readRoots';
import { defaultDataDir } from '../core/paths';
import { parseCommandArgs, UsageError } from './args';

const HELP = `Usage: haul serve [--port N] [--data-dir DIR] [--allow-dir DIR]... [--host ADDR --allow-remote] [--json]

Runs Haul in your browser: the same app as the desktop window, served on this computer.

  --port N         port to listen on (default 7420; 0 picks any free port)
  --data-dir DIR   where Haul keeps its data (default ${defaultDataDir()})
  --allow-dir DIR  a folder the page may browse, copy from and write to (repeatable); by default
                   your home folder and the removable-media folders (/media, /mnt …); the page
                   reaches nothing outside these folders
  --host ADDR      address to listen on (default 127.0.0.1)
  --allow-remote   accept clients that are not on this computer (needs --host); prefer an SSH tunnel:
                   ssh -L 7420:127.0.0.1:7420 station, then open the printed URL locally
  --json           print one JSON line {"url","port","token"} instead of the sentence
  --no-service     do not start the local Import/Export service (the sandbox backend)
`;

const Options = z.object({
  port: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535))
    .default(7420),
  'data-dir': z.string().min(1).optional(),
  'allow-dir': z.array(z.string().min(1)).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  'allow-remote': z.boolean().default(false),
  json: z.boolean().default(false),
  'no-service': z.boolean().default(false),
});

/**
 * How to run this same CLI again as a child process: the bundle's entry (this code sits in a chunk
 * next to haul.mjs, main/build.mjs), or the source under tsx.
 */
export function selfCommand(): [string, ...string[]] {
  const self = fileURLToPath(import.meta.url);
  return self.endsWith('.mjs')
    ? [process.execPath, path.join(path.dirname(self), 'haul.mjs')]
    : [process.execPath, ...process.execArgv, path.join(path.dirname(self), 'haul.ts')];
}

/** The built renderer, whether we run from source (tsx) or from out/cli. */
export function findRendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../out/renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseCommandArgs(
      'serve',
      argv,
      {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'allow-dir': { type: 'string', multiple: true },
        host: { type: 'string' },
        'allow-remote': { type: 'boolean' },
        json: { type: 'boolean' },
        'no-service': { type: 'boolean' },
      },
      Options,
    );
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  const rendererDir = findRendererDir();
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    console.error(`haul serve: the app is not built (no index.html in ${rendererDir}). Run "npm run build" first.`);
    return 1;
  }
  const dataDir = path.resolve(opts['data-dir'] ?? defaultDataDir());
  const readRoots = opts['allow-dir']?.map((d) => path.resolve(d)) ?? defaultReadRoots();
  const missing = readRoots.filter((d) => !existsSync(d));
  if (missing.length) {
    console.error(`haul serve: --allow-dir ${missing.join(', ')} does not exist; give folders that do.`);
    return 2;
  }
  const core = await createCore({
    dataDir,
    watchDrives: true,
    readRoots,
    ...(opts['no-service'] ? {} : { localService: { command: selfCommand() } }),
  });
  let server;
  try {
    server = await startBrowserServer({
      core,
      rendererDir,
      port: opts.port,
      host: opts.host,
      allowRemote: opts['allow-remote'],
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(
        `haul serve: port ${opts.port} is in use. Pick another with --port N, or --port 0 for any free port.`,
      );
      return 1;
    }
    throw err;
  }
  if (opts.json) {
    console.log(JSON.stringify({ url: server.urlWithToken, port: server.port, token: server.token }));
  } else {
    console.log(
      `Haul is running in browser mode (data in ${dataDir}).\nThe page may browse, copy from and write to: ${readRoots.join(', ')} (more with --allow-dir DIR).\nOpen this URL in a browser on this computer:\n\n  ${server.urlWithToken}\n\nPress Ctrl+C to stop.`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await core.dispose();
  return 0;
}
