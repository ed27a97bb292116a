// The Azure connection through the app's bridge (createCore + dispatch, as the wizard reaches
// main): a drive that is not BitLocker-encrypted NTFS is refused before anything is written — the
// plan says why, naming the drive, and prep.start refuses — and an import job is not created
// without a recovery password per drive. On the sandbox the same drive prepares as before.
// NTFS inside an unlocked BitLocker volume needs device-mapper, which these machines lack: that
// drive is played by a stand-in for the tools, answering as cryptsetup and blkid do.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { PrepPlanResult } from '../../shared/prep/session';
import { createCore, type Core, type CoreOptions } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { mountOf } from '../../main/core/drives/target';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import { makeTestDrives, type TestDrives } from '../e2e/loop';
import { standIn } from './standIn';

const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const OTHER = '404558-436711-420860-678557-638220-018909-039941-695321';
const recorded = (name: string) => readFileSync(join(import.meta.dirname, 'recorded', name), 'utf8');

/** A connection of the given kind that no test calls out on (no job is listed here). */
function connectionOf(kind: 'azure' | 'local'): ConnectionSource {
  const c = {
    kind,
    label: kind,
    endpoint: 'https://127.0.0.1:9',
    subscriptionId: 's',
    resourceGroup: 'rg',
  } as Connection;
  return { current: () => c, onChange: () => () => undefined };
}

const work = mkdtempSync(join(tmpdir(), 'haul-azure-gate-'));
let drives: TestDrives;
const cores: Core[] = [];
beforeAll(() => {
  drives = makeTestDrives(1, 16);
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'data', 'photo.jpg'), 'x'.repeat(4096));
});
afterAll(async () => {
  for (const c of cores) await c.dispose();
  drives?.dispose();
  rmSync(work, { recursive: true, force: true });
});

async function core(kind: 'azure' | 'local', extra: Partial<CoreOptions> = {}): Promise<Core> {
  const c = await createCore({
    dataDir: mkdtempSync(join(work, 'data-')),
    listDrives: async () => [],
    keepAwake: noKeepAwake,
    connections: connectionOf(kind),
    tracker: { start: false },
    ...extra,
  });
  cores.push(c);
  return c;
}

const spec = (target: { path: string; bitLockerKey?: string; allowFolder?: boolean }) => ({
  jobName: 'azure-gate',
  sources: {
    kind: 'picked',
    paths: [join(work, 'data')],
    destination: 'photos/',
    blobType: 'BlockBlob',
    disposition: 'rename',
  },
  targets: [{ allowFolder: true, ...target }],
});

async function plan(c: Core, s: unknown): Promise<PrepPlanResult> {
  const r = (await dispatch(c.handlers, 'prep.plan', s)) as BridgeResult<PrepPlanResult>;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('an Azure connection holds drives to the data center’s rules', () => {
  it('refuses a drive that is not BitLocker-encrypted NTFS, in the plan and at prep.start; the sandbox takes it', async () => {
    const mount = drives.drives[0]!.mount;
    const azure = await core('azure');
    const p = await plan(azure, spec({ path: mount }));
    expect(p.ready).toBe(false);
    const problem = p.targetProblems.find((x) => x.target === mount)!;
    expect(problem.message).toMatch(new RegExp(`^The drive .+ \\(${mount}\\) cannot go to the Azure data center: `));
    if (drives.loop)
      expect(problem.message).toContain('it is formatted ext4, not NTFS, and not encrypted with BitLocker');
    expect(problem.fix).toMatch(/BitLocker/);
    const ids = p.targets.map((t) => t.driveId);
    const start = await dispatch(azure.handlers, 'prep.start', { ...spec({ path: mount }), confirmedDriveIds: ids });
    expect(start).toMatchObject({ ok: false, error: { code: 'refused', target: mount } });
    expect(!start.ok && start.error.message).toMatch(
      /^Nothing was written\. The drive .* cannot go to the Azure data center/,
    );

    const sandbox = await core('local');
    const q = await plan(sandbox, spec({ path: mount }));
    expect(q.targetProblems).toEqual([]);
    expect(q.ready).toBe(true);
  });

  it('an import job on Azure is not created without a recovery password per drive', async () => {
    const azure = await core('azure');
    const r = await dispatch(azure.handlers, 'jobs.create', {
      name: 'azure-gate-job',
      type: 'Import',
      storageAccountId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct',
      location: 'West US',
      drives: [
        {
          driveId: 'WD-1',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: 'A'.repeat(32),
          driveHeaderHash: 'B'.repeat(32),
        },
      ],
      returnAddress: {
        recipientName: 'Ada',
        streetAddress1: '1 Main St',
        city: 'Redmond',
        postalCode: '98052',
        countryOrRegion: 'USA',
        phone: '5555555555',
        email: 'ada@example.com',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
      notificationEmails: [],
      logLevel: 'Error',
      backupDriveManifest: true,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-input', target: 'drives' } });
    expect(!r.ok && r.error.message).toMatch(/^The drive WD-1 has no valid BitLocker recovery password/);
  });

  it('NTFS inside an unlocked BitLocker volume (a stand-in for cryptsetup): ready with its own key; another key refused on that drive, by name', async () => {
    const folder = join(work, 'target');
    mkdirSync(folder, { recursive: true });
    const source = mountOf(folder)!.source;
    const tools = standIn({
      // what the folder is mounted from is cryptsetup's mapping of a BitLocker partition
      'lsblk -J -p -s -o NAME,TYPE': {
        stdout: JSON.stringify({
          blockdevices: [{ name: source, type: 'crypt', children: [{ name: '/dev/sdz1', type: 'part' }] }],
        }),
      },
      'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT /dev/sdz1': {
        stdout: JSON.stringify({
          blockdevices: [
            { name: '/dev/sdz1', type: 'part', children: [{ name: source, type: 'crypt', mountpoint: folder }] },
          ],
        }),
      },
      'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT': { stdout: '{"blockdevices":[]}' },
      'blkid -p -o export': (c) => ({ stdout: c.args[3] === '/dev/sdz1' ? 'TYPE=BitLocker\n' : 'TYPE=ntfs\n' }),
      'cryptsetup bitlkDump': { stdout: recorded('bitlkDump-debug.bitlk-aes-xts-128.txt') },
      'cryptsetup open --type bitlk --test-passphrase': (c) =>
        c.stdin === RP
          ? { stdout: recorded('testpass.opens.out') }
          : { code: 1, stdout: recorded('testpass.wrong.bitlk-aes-xts-128.out') },
    });
    const azure = await core('azure', { bitlocker: { run: tools.run, platform: 'linux' } });
    const good = await plan(azure, spec({ path: folder, bitLockerKey: RP }));
    expect(good.targetProblems).toEqual([]);
    expect(good.ready).toBe(true);
    const bad = await plan(azure, spec({ path: folder, bitLockerKey: OTHER }));
    expect(bad.ready).toBe(false);
    expect(bad.targetProblems[0]!.message).toMatch(
      new RegExp(`^The recovery password given for the drive .+ \\(${folder}\\) does not open it`),
    );
    const typo = await plan(azure, spec({ path: folder, bitLockerKey: RP.replace('235818', '235819') }));
    expect(typo.targetProblems[0]!.message).toMatch(/is not right: Group 1 of the recovery password/);
    // each key tried once with cryptsetup (the answers are kept), the typo never
    const tries = tools.calls.filter((c) => c.args.includes('--test-passphrase')).map((c) => c.stdin);
    expect(tries).toEqual([RP, OTHER]);
    const missing = await plan(azure, spec({ path: folder }));
    expect(missing.targetProblems[0]!.message).toMatch(/recovery password of the drive .* is missing/);
  });

  it('on a Mac, Azure jobs are refused with the reason', async () => {
    const mac = await core('azure', { bitlocker: { run: standIn({}).run, platform: 'darwin' } });
    const p = await plan(mac, spec({ path: drives.drives[0]!.mount }));
    expect(p.ready).toBe(false);
    expect(p.targetProblems[0]!.message).toMatch(
      /cannot be prepared for Azure on this Mac\. macOS cannot read or write BitLocker drives/,
    );
  });
});
