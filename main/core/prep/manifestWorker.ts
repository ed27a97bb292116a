// Worker entry: writes one drive's DriveManifest.xml and header from the records the engine hands
// it (or from the journal), off the engine's thread: tens of thousands of blobs take a while.
import { parentPort, workerData } from 'node:worker_threads';
import { writeDriveRoot } from './driveFiles';
import { Journal } from './journal';
import type { ManifestInit, ManifestReply } from './protocol';
import { runNicer } from './workerBoot';

runNicer();
const m = workerData as ManifestInit;
try {
  const j = m.records && m.knownSessions ? undefined : Journal.read(m.journal);
  const r = await writeDriveRoot(m.root, {
    driveId: m.driveId,
    jobName: m.jobName,
    records: m.records ?? j!.filesOnDrive(m.driveId),
    knownSessions: new Set(m.knownSessions ?? j!.sessions.keys()),
    newSessions: m.newSessions,
    generatedId: m.generatedId,
    now: m.now,
  });
  parentPort!.postMessage({ t: 'manifest-done', manifestHash: r.manifestHash, blobs: r.blobs } satisfies ManifestReply);
} catch (e) {
  parentPort!.postMessage({
    t: 'manifest-error',
    code: (e as NodeJS.ErrnoException).code ?? 'EMANIFEST',
    message: (e as Error).message,
  } satisfies ManifestReply);
}
