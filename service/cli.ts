// `haul service --data-dir DIR [--port N] [--auto] [--token T]`: runs the local Import/Export
// service. Prints exactly one JSON line on stdout when ready
// ({"endpoint","ca","token","subscriptionId","resourceGroup"}); everything else goes to stderr.
// SIGTERM / SIGINT stop it cleanly (Azurite included). Started by the app (or `haul serve`) with an
// IPC channel, it also stops when that channel closes: the app is gone, even by kill -9.
import { messageOf } from '../shared/errors';
import { parseArgs } from 'node:util';
import { DataDirError } from './privateDir';
import { startService } from './server';

const HELP = `Usage: haul service --data-dir DIR [options]

Runs the local Import/Export service (Microsoft.ImportExport ARM API) on https://127.0.0.1.

Options:
  --data-dir DIR           where jobs, the certificate, the clock and the sandbox storage live (required)
  --port N                 port to listen on (default 0: any free port)
  --token T                the Bearer token clients must send (default: a new random one per start)
  --storage-account NAME   add a storage account to the sandbox storage (repeatable; "haulsandbox" always exists)
  --auto                   play the operators automatically (one simulated day every few seconds)
  --auto-day-ms N          real milliseconds per simulated day in --auto mode (default 5000)
  --no-storage             run without Azurite (API only; copying drives is refused)
  --verbose                log each request and response to stderr (headers and bodies, secrets masked)

When ready it prints one JSON line on stdout:
  {"endpoint":"https://127.0.0.1:PORT","ca":"<PEM path>","token":"...","subscriptionId":"...","resourceGroup":"..."}
The same is written to DIR/connection.json (mode 0600) for "haul ops".`;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'storage-account': { type: 'string', multiple: true },
        auto: { type: 'boolean' },
        'auto-day-ms': { type: 'string' },
        'no-storage': { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`haul service: ${messageOf(e)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dataDir = values['data-dir'];
  if (!dataDir) {
    console.error(`haul service: --data-dir is required.\n\n${HELP}`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`haul service: --port "${values.port}" is not a port number (0-65535).`);
    return 2;
  }
  if (values.token !== undefined && values.token.length < 16) {
    console.error('haul service: --token must be at least 16 characters.');
    return 2;
  }
  const dayMs = values['auto-day-ms'] === undefined ? undefined : Number(values['auto-day-ms']);
  if (dayMs !== undefined && (!Number.isFinite(dayMs) || dayMs < 50)) {
    console.error('haul service: --auto-day-ms must be a number of milliseconds, at least 50.');
    return 2;
  }

  // Everything the service and its Azurite create is for this user only (jobs hold BitLocker keys).
  if (process.platform !== 'win32') process.umask(0o077);
  let svc;
  try {
    svc = await startService({
      dataDir,
      port,
      ...(values.token ? { token: values.token } : {}),
      ...(values['storage-account'] ? { storageAccounts: values['storage-account'].map((s) => s.toLowerCase()) } : {}),
      storage: !values['no-storage'],
      ...(values.auto ? { auto: dayMs ? { dayMs } : true } : {}),
      logRequests: !!values.verbose,
    });
  } catch (e) {
    if (!(e instanceof DataDirError)) throw e;
    console.error(`haul service: ${e.message}`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(svc.connection)}\n`);
  console.error(
    `haul service: listening on ${svc.connection.endpoint} (data in ${svc.dataDir}); SIGTERM or Ctrl-C stops it.`,
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`haul service: ${sig === 'SIGTERM' || sig === 'SIGINT' ? `${sig} received` : sig}, stopping.`);
      svc.close().then(
        () => resolve(0),
        (e: unknown) => {
          console.error(`haul service: stop failed: ${messageOf(e)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    if (process.send) {
      // The channel alone must not keep this process alive once it has stopped.
      process.channel?.unref();
      process.once('disconnect', () => stop('the app that started it went away'));
    }
  });
}
