// The Azurite blob service as Haul's child process. Azurite's own `azurite-blob` entry installs its
// SIGTERM handler only after start-up and telemetry set-up, so a stop that comes early kills it
// before its database is saved (data loss). This entry installs the handlers first, never starts
// telemetry, and also shuts down cleanly when the parent goes away (IPC channel closed), so no
// Azurite is left running after a crash of the service.
//
// Started by service/datacenter/azurite.ts with the same options as `azurite-blob`
// (--blobHost, --blobPort, --location, --silent, --loose, --skipApiVersionCheck, --disableTelemetry).
// Bundled as its own entry (main/build.mjs STANDALONE_ENTRIES.azuriteChild) next to out/cli/haul.mjs.
import { createRequire } from 'node:module';

const req = createRequire(import.meta.url);
const Logger = req('azurite/dist/src/common/Logger');
const { BlobServerFactory } = req('azurite/dist/src/blob/BlobServerFactory');
const { setExtentMemoryLimit } = req('azurite/dist/src/common/ConfigurationBase');
const BlobEnvironment = req('azurite/dist/src/blob/BlobEnvironment').default;

let server;
let started;
let closing;

function shutdown(why) {
  if (closing) return closing;
  console.log(`Azurite Blob service is closing (${why})...`);
  closing = (async () => {
    try {
      await started;
    } catch {
      // start failed: nothing to close
    }
    if (server) await server.close();
    console.log('Azurite Blob service successfully closed');
    process.exit(0);
  })().catch((err) => {
    console.error(`Azurite Blob service failed to close: ${err && err.message}`);
    process.exit(1);
  });
  return closing;
}

process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
if (process.send) {
  process.on('message', (msg) => {
    if (msg === 'shutdown') shutdown('requested');
  });
  process.once('disconnect', () => shutdown('the service went away'));
}

started = (async () => {
  server = await new BlobServerFactory().createServer();
  const config = server.config;
  Logger.configLogger(config.enableDebugLog, config.debugLogFilePath);
  setExtentMemoryLimit(new BlobEnvironment(), true);
  console.log(`Azurite Blob service is starting on ${config.host}:${config.port}`);
  await server.start();
  console.log(`Azurite Blob service successfully listens on ${server.getHttpServerAddress()}`);
})();

started.catch((err) => {
  console.error(`Exit due to unhandled error: ${err && err.message}`);
  process.exit(1);
});
