// `haul verify` with the journal (or a DriveInfo file) checks the manifest against the hash the job
// was given, as the data center does: a blob path edited in DriveManifest.xml, with HaulDrive.json
// updated to match, is caught before shipping instead of faulting the drive at the data center.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickedEntries } from '../../main/core/prep/app/inputs';
import { PrepSession } from '../../main/core/prep/engine/session';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-verify-job-hash-'));
const target = join(work, 'drive');
const journal = join(work, 'job.jrn');
let driveInfo: string;

beforeAll(async () => {
  const src = join(work, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'a.txt'), 'a');
  mkdirSync(target);
  const r = await new PrepSession({
    journal,
    session: 's1',
    jobName: 'job1',
    keepAwake: false,
    entries: pickedEntries([src], 'docs/', 'BlockBlob', 'rename'),
    targets: [{ path: target }],
    allowFolders: true,
    listDrives: async () => [],
  }).start();
  expect(r.outcome).toBe('done');
  driveInfo = r.drives[0]!.driveInfoFile;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const verify = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/haul.ts', 'verify', target, ...args], {
    cwd: repo,
    encoding: 'utf8',
  });

describe("haul verify against the job's hash", () => {
  it('passes a drive whose manifest is the one the job was given', () => {
    expect(verify('--journal', journal).status).toBe(0);
    expect(verify('--drive-info', driveInfo).status).toBe(0);
  });

  it('fails a manifest edited after the job was given its hash, even with the header edited to match', () => {
    const manifestPath = join(target, 'DriveManifest.xml');
    const edited = readFileSync(manifestPath, 'utf8').replace('a.txt</BlobPath>', 'z.txt</BlobPath>');
    expect(edited).toContain('z.txt</BlobPath>');
    writeFileSync(manifestPath, edited);
    const headerPath = join(target, 'HaulDrive.json');
    const header = JSON.parse(readFileSync(headerPath, 'utf8')) as { manifestHash: string };
    header.manifestHash = createHash('md5').update(edited).digest('hex').toUpperCase();
    writeFileSync(headerPath, JSON.stringify(header));
    // Without the job's hash the drive looks consistent: the manifest matches its header and its data.
    expect(verify().status).toBe(0);
    for (const args of [
      ['--journal', journal],
      ['--drive-info', driveInfo],
    ]) {
      const r = verify(...args);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/FAILED/);
      expect(r.stdout).toContain(`is not the one the job was given`);
      expect(r.stdout).toContain(header.manifestHash);
    }
  });
});
