// A dataset.csv written to do harm, sent over the bridge: a destination that climbs out of its
// container or the drive, control characters in a blob name, a spreadsheet formula as a path, a
// sidecar file that is not one. Each is refused at pre-flight in words, and nothing is written.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { PrepPlanResult } from '../../shared/prep/session';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';

const work = mkdtempSync(join(tmpdir(), 'haul-malicious-csv-'));
const drive = join(work, 'drive');
const H = 'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n';
let core: Core;
beforeAll(async () => {
  mkdirSync(join(work, 'src'));
  writeFileSync(join(work, 'src', 'a.txt'), 'a');
  writeFileSync(join(work, 'not-xml.txt'), 'root:x:0:0');
  mkdirSync(drive);
  core = await createCore({ dataDir: join(work, 'data'), listDrives: async () => [], keepAwake: noKeepAwake });
});
afterAll(async () => {
  await core?.dispose();
  rmSync(work, { recursive: true, force: true });
});

const plan = async (row: string): Promise<PrepPlanResult> => {
  const r = (await dispatch(core.handlers, 'prep.plan', {
    jobName: 'job1',
    sources: { kind: 'dataset', dataset: { text: `${H}${row}\n` } },
    targets: [{ path: drive, allowFolder: true }],
  })) as BridgeResult<PrepPlanResult>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('a malicious dataset.csv over the bridge', () => {
  it.each([
    ['a blob name that climbs out with ..', `${work}/src/a.txt,photos/../../../../tmp/evil.txt,,,,`, 'blob-name'],
    ['a container named ..', `${work}/src/a.txt,../evil/a.txt,,,,`, 'container-name'],
    ['a NUL in a blob name', `${work}/src/a.txt,photos/a\u0000b.txt,,,,`, 'blob-name'],
    ['a line break in a quoted blob name', `${work}/src/a.txt,"photos/a\nb.txt",,,,`, 'blob-name'],
    ['a spreadsheet formula as the path', `=cmd|' /C calc'!A0,photos/,,,,`, 'missing-source'],
    ['a metadata file that is not XML', `${work}/src/a.txt,photos/a.txt,,,${work}/not-xml.txt,`, 'sidecar-file'],
  ])('%s is refused at pre-flight and nothing is written', async (_what, row, code) => {
    const r = await plan(row);
    expect(r.ready).toBe(false);
    expect(r.problems.map((p) => p.code)).toEqual([code]);
    for (const p of r.problems) expect(p.message).not.toContain('root:x:0:0');
    expect(readdirSync(drive)).toEqual([]);
  });
});
