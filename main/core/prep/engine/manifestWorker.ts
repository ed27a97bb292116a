// Worker entry: writes one drive's DriveManifest.xml and header from the records the engine hands
// it (or from the journal), off the engine's thread: tens of thousands of blobs take a while. It
// may be started ahead of time: it waits for the records (in slices) and then what to write.
import { parentPort } from 'node:worker_threads';
import type { FileRecord } from '../drive-format/fileRecord';
import { Journal } from '../journal/journal';
import { manifestErrorReply, writeDriveFilesFor } from './manifests';
import type { ManifestInit, ToManifestWorker } from '../threads/protocol';
import { runNicer } from '../threads/workerBoot';

runNicer();
const records: FileRecord[] = [];
const m = await new Promise<ManifestInit>((resolveM) => {
  const on = (msg: ToManifestWorker) => {
    if (msg.t === 'records') {
      for (const r of msg.records) records.push(r);
      return;
    }
    parentPort!.off('message', on);
    resolveM(msg.withRecords ? { ...msg.init, records } : msg.init);
  };
  parentPort!.on('message', on);
});
try {
  const j = m.records && m.knownSessions ? undefined : Journal.read(m.journal);
  parentPort!.postMessage(
    await writeDriveFilesFor(m, m.records ?? j!.filesOnDrive(m.driveId), m.knownSessions ?? j!.sessions.keys()),
  );
} catch (e) {
  parentPort!.postMessage(manifestErrorReply(e)); // the journal could not be read
}
