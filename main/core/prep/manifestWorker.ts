// Worker entry: writes one drive's DriveManifest.xml and header from the records the engine hands
// it (or from the journal), off the engine's thread: tens of thousands of blobs take a while. It
// may be started ahead of time: it waits for its one ManifestInit message.
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { manifestErrorReply, writeDriveFilesFor } from './driveFiles';
import { Journal } from './journal';
import type { ManifestInit } from './protocol';
import { runNicer } from './workerBoot';

runNicer();
const [m] = (await once(parentPort!, 'message')) as [ManifestInit];
try {
  const j = m.records && m.knownSessions ? undefined : Journal.read(m.journal);
  parentPort!.postMessage(
    await writeDriveFilesFor(m, m.records ?? j!.filesOnDrive(m.driveId), m.knownSessions ?? j!.sessions.keys()),
  );
} catch (e) {
  parentPort!.postMessage(manifestErrorReply(e)); // the journal could not be read
}
