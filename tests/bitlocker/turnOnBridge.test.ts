// Turning BitLocker on from the app, through the bridge as the renderer reaches main (createCore +
// dispatch), on a Windows played by a stand-in answering with manage-bde output in the formats
// Microsoft documents (no Windows here): the request answers once Windows is encrypting, progress
// comes as bitlocker.progress events that never hold the key, the key is read back from the drive
// (bitlocker.readKey); formatting only where the draft's driveset row says Format and "FORMAT G:"
// was typed; refusals said in words; off Windows the reason the button is not there. The driveset's
// Encrypt row holds the plan until BitLocker is on and its key known.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { TurnOnTask } from '../../shared/ipc/channels/bitlocker';
import type { PrepPlanResult } from '../../shared/prep/session';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import { createAzureGate } from '../../main/core/bitlocker/gate';
import type { Connection, ConnectionSource } from '../../main/core/service/connection';
import type { ToolCall } from '../../main/core/system/tools';
import { standIn, type StandIn } from './standIn';

const win = (name: string) => readFileSync(join(import.meta.dirname, 'recorded', 'windows', name), 'utf8');
const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const DRIVESET = 'DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey\n';

const work = mkdtempSync(join(tmpdir(), 'haul-turn-on-'));
const cores: Core[] = [];
afterAll(async () => {
  for (const c of cores) await c.dispose();
  rmSync(work, { recursive: true, force: true });
});

function local(): ConnectionSource {
  const c = {
    kind: 'local',
    label: 'sandbox',
    endpoint: 'https://127.0.0.1:9',
    subscriptionId: 's',
    resourceGroup: 'rg',
  };
  return { current: () => c as Connection, onChange: () => () => undefined };
}

/**
 * Drive G: on a Windows stand-in: NTFS (or `fileSystem`) without BitLocker until manage-bde -on,
 * then encrypting 0 %, 37.5 %, encrypted; its recovery password readable once BitLocker is on.
 */
function windowsG(
  opts: { fileSystem?: string; on?: 'ok' | 'denied'; hold?: Promise<void> } = {},
): StandIn & { state(): string } {
  let state: 'off' | 'encrypting' | 'on' = 'off';
  let polls = 0;
  let fs = opts.fileSystem ?? 'NTFS';
  const tools = standIn({
    'manage-bde -status G:': async () => {
      if (state === 'off') return { stdout: win('status-G.decrypted.en.txt') };
      if (opts.hold) await opts.hold;
      if (state === 'on') return { stdout: win('status-G.encrypted.en.txt') };
      polls++;
      if (polls === 1) return { stdout: win('status-G.encrypting-0.en.txt') };
      if (polls === 2) return { stdout: win('status-G.encrypting-37.en.txt') };
      state = 'on';
      return { stdout: win('status-G.encrypted.en.txt') };
    },
    powershell: (c: ToolCall) => {
      if (c.args.join(' ').includes('Format-Volume')) {
        fs = 'NTFS';
        return { stdout: 'HAUL-FORMATTED\r\n' };
      }
      return { stdout: `[{"DriveLetter":"G","FileSystem":"${fs}"}]` };
    },
    'manage-bde -on G:': () => {
      if (opts.on === 'denied') return { code: -2147024891, stdout: win('access-denied.en.txt') };
      state = 'encrypting';
      return { stdout: win('on.en.txt') };
    },
    'manage-bde -protectors -get G: -Type RecoveryPassword': () =>
      state === 'off'
        ? {
            code: -2144272383,
            stdout:
              'ERROR: An error occurred (code 0x80310001):\r\nBitLocker Drive Encryption is not enabled on this volume.\r\n',
          }
        : { stdout: win('protectors-get.recovery.en.txt') },
  });
  return { ...tools, state: () => state };
}

async function core(
  tools: StandIn,
  platform = 'win32',
): Promise<{ core: Core; events: TurnOnTask[]; seen: unknown[] }> {
  const c = await createCore({
    dataDir: mkdtempSync(join(work, 'data-')),
    listDrives: async () => [],
    keepAwake: noKeepAwake,
    connections: local(),
    tracker: { start: false },
    bitlocker: { run: tools.run, platform, pollMs: 1 },
  });
  cores.push(c);
  const events: TurnOnTask[] = [];
  const seen: unknown[] = [];
  c.events.on((name, payload) => {
    seen.push({ name, payload });
    if (name === 'bitlocker.progress') events.push(payload as TurnOnTask);
  });
  return { core: c, events, seen };
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Turn on BitLocker through the bridge (a Windows stand-in, recorded manage-bde output)', () => {
  it('answers once Windows encrypts, reports progress without the key, and the key is read back from the drive', async () => {
    const g = windowsG();
    const { core: c, events, seen } = await core(g);
    expect(await dispatch(c.handlers, 'bitlocker.support', {})).toEqual({
      ok: true,
      value: { platform: 'win32', turnOn: true, readKey: true },
    });
    const answer = (await dispatch(c.handlers, 'bitlocker.turnOn', { target: 'G:\\' })) as BridgeResult<TurnOnTask>;
    expect(answer).toMatchObject({ ok: true, value: { target: 'G:\\', volume: 'G:', format: false } });
    expect(answer.ok && answer.value.phase).toBe('encrypting');
    await until(() => events.some((e) => e.phase === 'done'));
    expect(events.map((e) => `${e.phase}${e.percent !== undefined ? ` ${e.percent}` : ''}`)).toEqual([
      'starting',
      'encrypting 0',
      'encrypting 37.5',
      'reading-key 100',
      'done 100',
    ]);
    expect(g.lines().filter((l) => l.startsWith('manage-bde -on'))).toEqual([
      'manage-bde -on G: -RecoveryPassword -UsedSpaceOnly -EncryptionMethod xts_aes256',
    ]);
    // the task, its events and every answer so far carry no key; it is read back on request
    expect(JSON.stringify([answer, seen, await dispatch(c.handlers, 'bitlocker.tasks', {})])).not.toContain(RP);
    expect(await dispatch(c.handlers, 'bitlocker.readKey', { target: 'G:\\' })).toEqual({
      ok: true,
      value: { volume: 'G:', key: RP },
    });
    const tasks = (await dispatch(c.handlers, 'bitlocker.tasks', {})) as BridgeResult<TurnOnTask[]>;
    expect(tasks.ok && tasks.value.map((t) => t.phase)).toEqual(['done']);
  });

  it('refuses in words: a drive that is not NTFS (no driveset Format), a second start while one runs, no administrator rights', async () => {
    const exfat = windowsG({ fileSystem: 'exFAT' });
    const a = await core(exfat);
    const r = await dispatch(a.core.handlers, 'bitlocker.turnOn', { target: 'G:\\' });
    expect(r).toMatchObject({ ok: false, error: { code: 'refused', target: 'target' } });
    expect(!r.ok && r.error.message).toBe(
      'G: is formatted exFAT; the Azure data center reads only NTFS. Set FormatOption to Format in the driveset (this erases the drive), or format it NTFS yourself.',
    );
    expect(exfat.lines().some((l) => l.startsWith('manage-bde -on'))).toBe(false);
    // nothing began: no task is left behind
    expect(await dispatch(a.core.handlers, 'bitlocker.tasks', {})).toEqual({ ok: true, value: [] });

    const denied = windowsG({ on: 'denied' });
    const b = await core(denied);
    const d = await dispatch(b.core.handlers, 'bitlocker.turnOn', { target: 'G:\\' });
    expect(!d.ok && d.error.message).toMatch(
      /^manage-bde may not turn BitLocker on without administrator rights: run Haul as administrator/,
    );
    // the page heard the task start, so it hears it fail
    expect(b.events.at(-1)).toMatchObject({ phase: 'failed', message: expect.stringMatching(/administrator/) });

    let release = () => {};
    const slow = windowsG({ hold: new Promise<void>((r) => (release = r)) });
    const s = await core(slow);
    const first = dispatch(s.core.handlers, 'bitlocker.turnOn', { target: 'G:\\' });
    await until(() => s.events.some((e) => e.phase === 'starting'));
    const again = await dispatch(s.core.handlers, 'bitlocker.turnOn', { target: 'g:' });
    expect(!again.ok && again.error.message).toBe(
      'Haul is already turning BitLocker on for G: (starting); wait for it.',
    );
    release();
    expect(await first).toMatchObject({ ok: true });
    await until(() => s.events.some((e) => e.phase === 'done'));
    expect(slow.lines().filter((l) => l.startsWith('manage-bde -on'))).toHaveLength(1);
  });

  it('off Windows the button is not there, and the reason says so; a request is refused with it', async () => {
    const linux = await core(standIn({}), 'linux');
    const s = await dispatch(linux.core.handlers, 'bitlocker.support', {});
    expect(s).toEqual({
      ok: true,
      value: {
        platform: 'linux',
        turnOn: false,
        readKey: false,
        why: 'Haul cannot turn BitLocker on from Linux (Linux tools can open a BitLocker drive, not create one). On a Windows computer, turn it on with Haul there (Turn on BitLocker), or as administrator with "haul bitlocker on E: --key-file E.key" or "manage-bde -on E: -RecoveryPassword -UsedSpaceOnly"; then give the drive\'s recovery password here, where Haul checks that it opens the drive.',
      },
    });
    const r = await dispatch(linux.core.handlers, 'bitlocker.turnOn', { target: '/media/ada/WD' });
    expect(!r.ok && r.error.message).toMatch(/^Haul cannot turn BitLocker on from Linux/);
    const mac = await core(standIn({}), 'darwin');
    const m = (await dispatch(mac.core.handlers, 'bitlocker.support', {})) as BridgeResult<{ why?: string }>;
    expect(m.ok && m.value.why).toMatch(/^Haul cannot turn BitLocker on from a Mac \(macOS cannot read or write/);
  });

  it('formats NTFS first only where the draft’s driveset row says Format, and only with "FORMAT G:" typed', async () => {
    const g = windowsG({ fileSystem: 'exFAT' });
    const { core: c, events } = await core(g);
    const none = await dispatch(c.handlers, 'bitlocker.turnOn', {
      target: 'G:\\',
      format: { confirmation: 'FORMAT G:' },
    });
    expect(!none.ok && none.error.message).toBe(
      'Haul formats a drive only where the driveset says so (FormatOption=Format on the drive’s row). Nothing was changed on G:.',
    );
    const draft = async (row: string) => {
      const saved = await dispatch(c.handlers, 'drafts.save', {
        draft: {
          step: 'drives',
          values: {
            type: { kind: 'import', jobName: 'harbour' },
            importData: { mode: 'dataset', driveset: { name: 'driveset.csv', text: `${DRIVESET}${row}\n` } },
            drives: { drives: [{ path: 'G:\\' }] },
          },
        },
      });
      return (saved as BridgeResult<{ id: string }>).ok ? (saved as { value: { id: string } }).value.id : '';
    };
    const already = await draft('G,AlreadyFormatted,SilentMode,Encrypt,');
    const r1 = await dispatch(c.handlers, 'bitlocker.turnOn', {
      target: 'G:\\',
      draftId: already,
      format: { confirmation: 'FORMAT G:' },
    });
    expect(!r1.ok && r1.error.message).toMatch(
      /; its row 2 for G: says AlreadyFormatted\. Nothing was changed on G:\.$/,
    );

    const format = await draft('G,Format,PromptOnFormat,Encrypt,');
    const r2 = await dispatch(c.handlers, 'bitlocker.turnOn', {
      target: 'G:\\',
      draftId: format,
      format: { confirmation: 'FORMAT E:' },
    });
    expect(!r2.ok && r2.error.message).toBe(
      'Formatting erases everything on G:: type "FORMAT G:" to confirm. Nothing was changed.',
    );
    expect(g.lines().some((l) => l.includes('Format-Volume'))).toBe(false);

    const r3 = (await dispatch(c.handlers, 'bitlocker.turnOn', {
      target: 'G:\\',
      draftId: format,
      format: { confirmation: 'format g:' },
    })) as BridgeResult<TurnOnTask>;
    expect(r3).toMatchObject({ ok: true, value: { format: true } });
    await until(() => events.some((e) => e.phase === 'done'));
    const lines = g.lines();
    const fmt = lines.findIndex((l) => l.includes('Format-Volume -DriveLetter G -FileSystem NTFS'));
    expect(fmt).toBeGreaterThan(-1);
    expect(fmt).toBeLessThan(lines.findIndex((l) => l.startsWith('manage-bde -on')));
    expect(events[0]).toMatchObject({ phase: 'formatting' });
  });

  it('a driveset row with Encryption=Encrypt holds the plan until BitLocker is on and its key known', async () => {
    const g = windowsG();
    const { core: c, events } = await core(g);
    const saved = (await dispatch(c.handlers, 'drafts.save', {
      draft: {
        step: 'drives',
        values: {
          type: { kind: 'import', jobName: 'harbour' },
          importData: { mode: 'dataset', driveset: { name: 'harbour-drives.csv', text: `${DRIVESET}G,,,Encrypt,\n` } },
          drives: { drives: [{ path: 'G:\\' }] },
        },
      },
    })) as BridgeResult<{ id: string }>;
    const draftId = saved.ok ? saved.value.id : '';
    const spec = (key?: string) => ({
      jobName: 'harbour',
      draftId,
      sources: { kind: 'picked', paths: [work], destination: 'photos/', blobType: 'BlockBlob', disposition: 'rename' },
      targets: [{ path: 'G:\\', ...(key ? { bitLockerKey: key } : {}) }],
    });
    const plan = async (key?: string) => {
      const r = (await dispatch(c.handlers, 'prep.plan', spec(key))) as BridgeResult<PrepPlanResult>;
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const before = await plan();
    expect(before.ready).toBe(false);
    expect(before.targetProblems).toContainEqual({
      code: 'blocked',
      target: 'G:\\',
      message:
        'harbour-drives.csv, row 2, asks Haul to turn BitLocker on for G:\\ before the copy (Encryption=Encrypt); BitLocker is not on yet.',
      fix: 'Press Turn on BitLocker beside the drive.',
    });
    const start = await dispatch(c.handlers, 'prep.start', { ...spec(), confirmedDriveIds: [] });
    expect(!start.ok && start.error.message).toMatch(/^Nothing was written\. harbour-drives\.csv, row 2, asks Haul/);

    await dispatch(c.handlers, 'bitlocker.turnOn', { target: 'G:\\', draftId });
    await until(() => events.some((e) => e.phase === 'done'));
    const noKey = await plan();
    expect(noKey.targetProblems.find((p) => p.message.startsWith('harbour-drives.csv'))?.fix).toBe(
      'Press Read from the drive beside it.',
    );
    const withKey = await plan(RP);
    expect(withKey.targetProblems.filter((p) => p.message.includes('harbour-drives.csv'))).toEqual([]);
  });

  it('the plan names, beside each drive, the driveset row asking to turn BitLocker on (and to format first)', async () => {
    const g = windowsG();
    const driveset = { name: 'harbour-drives.csv', text: `${DRIVESET}G,Format,SilentMode,Encrypt,\nH,,,None,\n` };
    const gate = createAzureGate(
      () => false,
      { run: g.run, platform: 'win32', pollMs: 1 },
      async () => driveset,
    );
    const drive = (path: string) => ({
      path,
      driveId: `D-${path[0]}`,
      idSource: 'serial' as const,
      capacity: 10,
      free: 5,
    });
    const planned: PrepPlanResult = {
      ready: true,
      problems: [],
      problemCount: 0,
      targetProblems: [],
      targetNotes: [],
      targets: [drive('G:\\'), drive('H:\\')],
      message: 'ready',
    };
    const spec = {
      jobName: 'harbour',
      sources: {
        kind: 'picked' as const,
        paths: [work],
        destination: 'photos/',
        blobType: 'BlockBlob' as const,
        disposition: 'rename' as const,
      },
      targets: [{ path: 'G:\\' }, { path: 'H:\\' }],
    };
    const r = await gate.plan(spec, planned, 'draft-1');
    expect(r.targets.map((t) => [t.path, t.encrypt])).toEqual([
      ['G:\\', { file: 'harbour-drives.csv', row: 2, format: true }],
      ['H:\\', undefined],
    ]);
    expect(r.ready).toBe(false);
  });
});
