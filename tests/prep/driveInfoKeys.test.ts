// The app's BitLocker keys stay encrypted: a prep started over the bridge with a key leaves no
// file in the data folder holding it in clear (or in base64) — the DriveInfo file next to the
// journal carries none — yet Resume finds the key, and Forget removes it. A DriveInfo file an
// earlier Haul left there with the key in clear is scrubbed when main starts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDriveInfo, serializeDriveInfo } from '../../shared/formats/driveManifest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { PrepPlanResult, PrepSessionInfo } from '../../shared/prep/session';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';

const work = mkdtempSync(join(tmpdir(), 'haul-driveinfo-keys-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const KEY = '271828-182845-904523-536028-747135-266249-775724-709369';

const core = (dataDir: string) => createCore({ dataDir, listDrives: async () => [], keepAwake: noKeepAwake });
async function call<T>(c: Core, channel: string, payload: unknown): Promise<T> {
  const r = (await dispatch(c.handlers, channel, payload)) as BridgeResult<T>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Every file under `dir` that holds the key, in clear or in base64. */
function holdingKey(dir: string): string[] {
  const b64 = Buffer.from(KEY).toString('base64');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name))
    .filter((p) => {
      const text = readFileSync(p, 'latin1');
      return text.includes(KEY) || text.includes(b64);
    });
}

describe('BitLocker keys of app sessions', () => {
  it('no file of the data folder holds the key in clear; Resume finds it; Forget removes it', async () => {
    const data = join(work, 'data');
    const src = join(work, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a');
    const target = join(work, 'drive');
    mkdirSync(target);
    const c = await core(data);
    const spec = {
      jobName: 'keyjob',
      sources: { kind: 'picked', paths: [src], destination: 'docs/' },
      targets: [{ path: target, allowFolder: true, bitLockerKey: KEY }],
    };
    const plan = await call<PrepPlanResult>(c, 'prep.plan', spec);
    const started = await call<PrepSessionInfo>(c, 'prep.start', {
      ...spec,
      confirmedDriveIds: plan.targets.map((t) => t.driveId),
    });
    await c.context.prep!.whenEnded(started.sessionId);
    const [done] = await call<PrepSessionInfo[]>(c, 'prep.sessions', {});
    const drive = done!.result!.drives[0]!;
    expect(parseDriveInfo(readFileSync(drive.driveInfoFile, 'utf8'))).toMatchObject({
      driveId: drive.driveId,
      bitLockerKey: '',
      manifestHash: drive.manifestHash,
    });
    expect(holdingKey(data)).toEqual([]);

    // Resume without giving the key: main has it, encrypted.
    const resumed = await call<PrepSessionInfo>(c, 'prep.resume', { sessionId: started.sessionId });
    await c.context.prep!.whenEnded(resumed.sessionId);
    expect(await c.context.secrets.names('prep/')).toHaveLength(1);
    expect(await call(c, 'prep.forget', { sessionId: started.sessionId })).toEqual({ forgotten: true });
    expect(await c.context.secrets.names('prep/')).toEqual([]);
    expect(holdingKey(data)).toEqual([]);
    await c.dispose();
  }, 120_000);

  it('a DriveInfo file an earlier Haul left with the key in clear is scrubbed at start, the key kept encrypted', async () => {
    const data = join(work, 'data-old');
    const journals = join(data, 'prep', 'journals');
    mkdirSync(journals, { recursive: true });
    const file = join(journals, 's-20260101-000000-abcd_DriveInfo_WD-OLD1.xml');
    writeFileSync(
      file,
      serializeDriveInfo({
        driveId: 'WD-OLD1',
        bitLockerKey: KEY,
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '0123456789ABCDEF0123456789ABCDEF',
      }),
      { mode: 0o600 },
    );
    const c = await core(data);
    await call(c, 'prep.sessions', {});
    expect(parseDriveInfo(readFileSync(file, 'utf8')).bitLockerKey).toBe('');
    expect(holdingKey(data)).toEqual([]);
    expect(await c.context.secrets.names('prep/s-20260101-000000-abcd/')).toHaveLength(1);
    await c.dispose();
  });

  it("the CLI writes WAImportExport's DriveInfo file next to the journal with the key, 0600, and says so", () => {
    const src = join(work, 'src-cli');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a');
    const target = join(work, 'drive-cli');
    mkdirSync(target);
    const driveset = join(work, 'driveset.csv');
    writeFileSync(
      driveset,
      `DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n${target},AlreadyFormatted,SilentMode,AlreadyEncrypted,${KEY}\n`,
    );
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'main/cli/haul.ts', 'prep', '--journal', join(work, 'cli.jrn'), '--session', 's1'].concat([
        '--source',
        src,
        '--dest',
        'docs/',
        '--driveset',
        driveset,
        '--allow-folder',
      ]),
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const file = readdirSync(work).find((f) => f.startsWith('cli_DriveInfo_'));
    expect(file).toBeDefined();
    const path = join(work, file!);
    expect(parseDriveInfo(readFileSync(path, 'utf8')).bitLockerKey).toBe(KEY);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`holds its BitLocker key in clear; readable only by you, keep them safe):\n  ${path}`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  }, 120_000);
});
