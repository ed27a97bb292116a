// Pre-flight and the plan through `haul prep` and `haul preview-export`, as a customer meets them,
// on one small loop-mounted ext4 drive (a temp folder where loop devices are missing): names the
// manifest or the data center cannot hold are refused before a byte is written, bad arguments end
// with exit 2 and a sentence, and the plan's "% full" is what the copy then uses.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDriveManifest } from '../../shared/formats/driveManifest';
import { parseBlobList } from '../../shared/prep/exportPreview';
import type { PrepEvent } from '../../shared/prep/types';
import { makeDrives } from './drives.helpers';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'haul-preflight-cli-'));
const drives = makeDrives(work, 1, 32);
const drive = drives.mounts[0]!;
afterAll(() => {
  drives.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const H = 'BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile\n';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  events: PrepEvent[];
}

function haul(args: string[], cwd = repo): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'main/cli/haul.ts'), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) =>
      done({
        code,
        stdout,
        stderr,
        events: stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as PrepEvent),
      }),
    );
  });
}

let n = 0;
/** `haul prep` onto the test drive, with a fresh journal and session unless `run` names one. */
function prep(what: string[], more: string[] = [], run = ++n): Promise<Run> {
  const journal = ['--journal', join(work, `j${run}.jrn`), '--session', `s${run}`, '--job', 'preflight-test'];
  return haul(['prep', ...journal, ...what, '--target', drive, ...more]);
}

function source(name: string, files: Record<string, number>): string {
  const dir = join(work, name);
  for (const [rel, size] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), Buffer.alloc(size, 7));
  }
  return dir;
}

const manifestBlobs = () =>
  parseDriveManifest(readFileSync(join(drive, 'DriveManifest.xml'), 'utf8')).blobs.map((b) => b.blobPath);

describe('haul prep pre-flight', () => {
  it('refuses a file name with a backslash before writing anything; --skip-problems copies the rest, again and again', async () => {
    drives.clear();
    const src = source('backslash', { 'good.txt': 100, 'bad\\name.txt': 50 });
    const args = ['--source', src, '--dest', 'media/'];
    const plan = await prep(args, ['--plan-only']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(join(src, 'bad\\name.txt'));
    expect(plan.stdout).toMatch(/backslash/);
    expect(plan.stdout).toMatch(/Nothing was written\. Fix each one, or run the same command with --skip-problems/);
    const copy = await prep(args);
    expect(copy.code).toBe(2);
    expect(existsSync(join(drive, 'DriveManifest.xml'))).toBe(false);
    const run = ++n;
    for (let k = 0; k < 2; k++) {
      const skipped = await prep(args, ['--skip-problems'], run);
      expect(skipped.code, skipped.stderr + skipped.stdout).toBe(0);
      expect(manifestBlobs()).toContain('media/good.txt');
      expect(manifestBlobs().some((b) => b.includes('\\'))).toBe(false);
    }
  });

  it('refuses a named pipe in the source as not a regular file, and --skip-problems copies the rest without waiting on it', async () => {
    drives.clear();
    const src = source('pipe', { 'ok.txt': 10 });
    execFileSync('mkfifo', [join(src, 'feed')]);
    const plan = await prep(['--source', src, '--dest', 'media/'], ['--plan-only']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/feed\n.*not a regular file.*\n.*What to do: .*leave it out/i);
    const copy = await prep(['--source', src, '--dest', 'media/'], ['--skip-problems']);
    expect(copy.code).toBe(0);
    expect(manifestBlobs()).toEqual(['media/ok.txt']);
  });

  it('refuses a session id or a container that would be a folder Windows cannot hold, before writing', async () => {
    const src = source('winfolders', { 'a.txt': 1 });
    const dots = await haul([
      'prep',
      '--journal',
      join(work, 'dots.jrn'),
      '--session',
      '..',
      '--source',
      src,
      '--dest',
      'media/',
      '--target',
      drive,
      '--plan-only',
    ]);
    expect(dots.code).toBe(2);
    expect(dots.stderr).toMatch(/The session id "\.\." is only dots; it names a folder on each drive\. Choose another/);
    const con = await prep(['--source', src, '--dest', 'con/'], ['--plan-only']);
    expect(con.code).toBe(2);
    expect(con.stdout).toMatch(/container name "con" names a folder on the drive, and .*reserved on Windows/);
  });

  it('a folder passed as --dataset is exit 2 with a sentence naming --dataset and what to pass', async () => {
    const r = await prep(['--dataset', work], ['--plan-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dataset: .* is a folder; give the dataset\.csv file itself/);
    expect(r.stderr).not.toMatch(/EISDIR/);
  });

  it('says a dataset.csv that is not UTF-8 is not, with the line and the cell, instead of "this path does not exist"', async () => {
    const csv = join(work, 'latin1.csv');
    writeFileSync(
      csv,
      Buffer.concat([Buffer.from(`${H}${work}/caf`), Buffer.from([0xe9]), Buffer.from('/,media/,,,,\n')]),
    );
    const r = await prep(['--dataset', csv], ['--plan-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--dataset: ${csv}, line 2, column BasePath, is not UTF-8 text ("${work}/caf\\xE9/"); save the dataset.csv as UTF-8`,
    );
  });

  it('reads BlobType and Disposition in any case in dataset.csv and in the flags', async () => {
    const src = source('anycase', { 'a.vhd': 1024 });
    const csv = join(work, 'anycase.csv');
    writeFileSync(csv, `${H}${src}/,vhds/,pageblob,Overwrite,,\n`);
    const r = await prep(['--dataset', csv], ['--plan-only']);
    expect(r.code, r.stderr).toBe(0);
    const flags = await prep(
      ['--source', src, '--dest', 'vhds/', '--blob-type', 'PAGEBLOB', '--disposition', 'No-Overwrite'],
      ['--plan-only'],
    );
    expect(flags.code, flags.stderr).toBe(0);
  });

  it("resolves a relative BasePath from the CSV's folder, wherever haul is started", async () => {
    const folder = join(work, 'csvhome');
    source('csvhome/photos', { 'one.jpg': 10, 'two.jpg': 20 });
    writeFileSync(join(folder, 'dataset.csv'), `${H}photos/,media/photos/,BlockBlob,rename,,\n`);
    const r = await prep(['--dataset', join(folder, 'dataset.csv')], ['--plan-only', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const plan = r.events.find((e) => e.type === 'plan');
    expect(plan?.type === 'plan' && plan.plan.totalFiles).toBe(2);
  });

  it.skipIf(!drives.loopMode)('the plan\'s "% full" is what the drive holds once the copy is done', async () => {
    drives.clear();
    const files: Record<string, number> = {};
    for (let i = 0; i < 400; i++) files[`d${i % 20}/f${i}.txt`] = 100 + i;
    const src = source('many', files);
    const r = await prep(['--source', src, '--dest', 'media/'], ['--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = r.events.find((e) => e.type === 'plan');
    if (plan?.type !== 'plan') throw new Error('no plan event');
    const planned = plan.plan.drives[0]!.fillPercent;
    const fs = statfsSync(drive);
    const usedPercent = ((fs.blocks - fs.bavail) / fs.blocks) * 100;
    expect(planned).toBeGreaterThanOrEqual(usedPercent);
  });
});

describe('haul preview-export', () => {
  it('reads a quoted blob name with a comma and writes each drive list so it reads back', async () => {
    const list = join(work, 'blobs.csv');
    writeFileSync(list, '"photos/a,b.jpg",2GB\nphotos/c.jpg,3GB\n');
    const out = join(work, 'lists');
    const r = await haul(['preview-export', '--blobs', list, '--drive-size', '4TB', '--lists', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('photos/a,b.jpg');
    expect(parseBlobList(readFileSync(join(out, 'drive-1.csv'), 'utf8'))).toEqual([
      { blobPath: 'photos/a,b.jpg', length: 2e9 },
      { blobPath: 'photos/c.jpg', length: 3e9 },
    ]);
  });

  it('a folder as --blobs is exit 2 naming the flag and what to pass', async () => {
    const r = await haul(['preview-export', '--blobs', work, '--drive-size', '4TB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--blobs: .* is a folder; give the blob list file itself/);
  });

  it('refuses a blob name Azure does not allow, naming the file and line', async () => {
    const list = join(work, 'badblobs.csv');
    writeFileSync(list, 'photos/ok.jpg,1GB\nPhotos/x.jpg,1GB\n');
    const r = await haul(['preview-export', '--blobs', list, '--drive-size', '4TB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${list}, line 2: the container name "Photos"`);
  });
});
