// Secrets at rest: each one encrypted on its own (AES-GCM with a 0600 key file in browser mode,
// safeStorage in the shell), bound to its name, and absent in plain text from every file, log and
// bridge answer — proved by a journey against the real local service that greps everything after.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { openSecretStore, Redactor } from '../../main/core/secrets';
import { keyFileCipher } from '../../main/core/secrets/keyFile';
import { safeStorageCipher } from '../../main/electron/safeStorageCipher';
import { createFakeElectron } from './fakeElectron';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-secrets-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A BitLocker recovery key nobody else in this run has: 8 groups of 6 digits, each a multiple of 11. */
function bitLockerKey(): string {
  const b = randomBytes(16);
  return Array.from({ length: 8 }, (_, i) => String(b.readUInt16BE(i * 2) * 11).padStart(6, '0')).join('-');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every file under `dir` holding `secret` as text or base64 (relative paths). */
function filesContaining(dir: string, secret: string): string[] {
  const needles = [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('base64'))];
  return filesUnder(dir)
    .filter((f) => {
      const data = readFileSync(f);
      return needles.some((n) => data.includes(n));
    })
    .map((f) => path.relative(dir, f));
}

describe('the key-file cipher (browser mode)', () => {
  it('creates a 0600 key, round-trips a secret, and the file holds no plain text', async () => {
    const dir = tmp();
    const store = openSecretStore(dir, keyFileCipher(dir));
    const key = bitLockerKey();
    await store.set('bitlocker/photos-2026/WD1234ABCD', key);
    expect(await store.get('bitlocker/photos-2026/WD1234ABCD')).toBe(key);
    expect(store.kind).toBe('key-file');
    expect(store.description).toMatch(/weaker than the operating system's keychain/);
    if (process.platform !== 'win32') {
      expect(statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    }
    expect(filesContaining(dir, key)).toEqual([]);
    // A new start with the same key file reads it again.
    expect(await openSecretStore(dir, keyFileCipher(dir)).get('bitlocker/photos-2026/WD1234ABCD')).toBe(key);
    expect(await store.names('bitlocker/photos-2026/')).toEqual(['bitlocker/photos-2026/WD1234ABCD']);
  });

  it('binds a ciphertext to its name: an entry copied onto another name does not decrypt', async () => {
    const dir = tmp();
    const store = openSecretStore(dir, keyFileCipher(dir));
    await store.set('bitlocker/a/DRIVE1', bitLockerKey());
    const file = path.join(dir, 'secrets.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    doc.entries['bitlocker/b/DRIVE1'] = doc.entries['bitlocker/a/DRIVE1'];
    writeFileSync(file, JSON.stringify(doc));
    expect(await store.get('bitlocker/b/DRIVE1')).toBeUndefined();
    expect(store.unreadable.has('bitlocker/b/DRIVE1')).toBe(true);
  });

  it('narrows a key file someone made readable by others back to 0600', () => {
    if (process.platform === 'win32') return;
    const dir = tmp();
    keyFileCipher(dir);
    chmodSync(path.join(dir, 'secrets.key'), 0o644);
    keyFileCipher(dir);
    expect(statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
  });

  it('a secret from another computer (another key) is unreadable, not a crash, and its name is kept', async () => {
    const a = tmp();
    const b = tmp();
    await openSecretStore(a, keyFileCipher(a)).set('azure/account', 'record');
    writeFileSync(path.join(b, 'secrets.json'), readFileSync(path.join(a, 'secrets.json')));
    const other = openSecretStore(b, keyFileCipher(b));
    expect(await other.get('azure/account')).toBeUndefined();
    expect(await other.names()).toEqual(['azure/account']);
  });

  it('refuses a name that is not one of ours, without echoing a value', async () => {
    const dir = tmp();
    const store = openSecretStore(dir, keyFileCipher(dir));
    await expect(store.set('../../etc/passwd', 'x')).rejects.toThrow(/is not a secret name Haul uses/);
  });
});

describe('the safeStorage cipher (desktop)', () => {
  it('uses the OS keychain when there is one and seals the name with the value', async () => {
    const dir = tmp();
    const fake = createFakeElectron({ userData: dir });
    const storage = fake.module.safeStorage as Parameters<typeof safeStorageCipher>[0];
    const store = openSecretStore(dir, safeStorageCipher(storage, dir));
    expect(store.kind).toBe('os-keychain');
    const key = bitLockerKey();
    await store.set('bitlocker/j/D1', key);
    expect(fake.safeStorage.encrypted).toBe(1);
    expect(await store.get('bitlocker/j/D1')).toBe(key);
    expect(filesContaining(dir, key)).toEqual([]);
  });

  it('falls back to the key file, and says so, where the keychain is missing or is Linux\'s fixed-password "basic_text"', () => {
    const dir = tmp();
    const unavailable = {
      isEncryptionAvailable: () => false,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    };
    expect(safeStorageCipher(unavailable, dir)).toMatchObject({
      kind: 'key-file',
      description: expect.stringMatching(/^This computer has no keychain Haul can use/),
    });
    if (process.platform === 'linux') {
      const basic = {
        ...unavailable,
        isEncryptionAvailable: () => true,
        getSelectedStorageBackend: () => 'basic_text',
      };
      expect(safeStorageCipher(basic, dir).kind).toBe('key-file');
    }
  });
});

describe('the redactor', () => {
  it('replaces every known secret in a text', () => {
    const r = new Redactor();
    r.add('tok-0123456789abcdef');
    expect(r.redact('Authorization: Bearer tok-0123456789abcdef failed; again tok-0123456789abcdef')).toBe(
      'Authorization: Bearer [secret] failed; again [secret]',
    );
  });
});

describe('a journey, then a search for the secrets', () => {
  let core: Core | undefined;
  afterAll(async () => {
    await core?.dispose();
  });

  it('no BitLocker key, service token or Azure token is in a file, a log, the console or a bridge answer — except where docs/security.md says', async () => {
    const dataDir = tmp();
    const output: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' '))),
    );
    const toRenderer: unknown[] = [];
    core = await createCore({
      dataDir,
      listDrives: async () => [],
      localService: { command: [process.execPath, '--import', 'tsx', path.join(ROOT, 'main/cli/haul.ts')] },
    });
    core.events.on((event, payload) => toRenderer.push({ event, payload }));
    const ask = async (channel: string, payload: unknown = {}) => {
      const answer = await dispatch(core!.handlers, channel, payload);
      toRenderer.push(answer);
      return answer;
    };

    await vi.waitFor(async () => expect(await ask('service.status')).toMatchObject({ value: { state: 'ready' } }), {
      timeout: 60_000,
      interval: 250,
    });
    const connection = core.context.localService!.connection()!;
    const ca = readFileSync(connection.ca, 'utf8');
    const client = new StorageImportExport(
      { getToken: async () => ({ token: connection.token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      connection.subscriptionId,
      {
        endpoint: connection.endpoint,
        tlsOptions: { ca },
        retryOptions: { maxRetries: 0 },
      },
    );

    // The customer's key for the drive, and an Azure access token, as main holds them.
    const key = bitLockerKey();
    const azureToken = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString('base64url')}`;
    const driveId = 'WD9876ZYXW';
    await core.context.secrets.set(`bitlocker/photos-2026/${driveId}`, key);
    await core.context.secrets.set('azure/access-token', azureToken);

    // Create the job through the SDK, list it, reveal its keys.
    const storageAccountId = `/subscriptions/${connection.subscriptionId}/resourceGroups/${connection.resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`;
    await client.jobs.create('photos-2026', connection.resourceGroup, {
      location: 'Sandbox West',
      properties: {
        storageAccountId,
        jobType: 'Import',
        returnAddress: {
          recipientName: 'Ada Example',
          streetAddress1: '1 Test Street',
          city: 'Sampleton',
          postalCode: '12345',
          countryOrRegion: 'Sandboxia',
          phone: '+00 555 0100',
          email: 'ada@example.com',
        },
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
        diagnosticsPath: 'waimportexport',
        logLevel: 'Verbose',
        driveList: [
          {
            driveId,
            bitLockerKey: key,
            manifestFile: '\\DriveManifest.xml',
            manifestHash: '109B21108597EF36D5785F08303F3638',
          },
        ],
      },
    });
    const listed = [];
    for await (const job of client.jobs.listByResourceGroup(connection.resourceGroup)) listed.push(job.name);
    expect(listed).toEqual(['photos-2026']);
    const revealed = [];
    for await (const k of client.bitLockerKeys.list('photos-2026', connection.resourceGroup)) revealed.push(k);
    expect(revealed).toEqual([{ driveId, bitLockerKey: key }]);
    expect(await core.context.secrets.get(`bitlocker/photos-2026/${driveId}`)).toBe(key);

    // Settings, as the person would use them.
    await ask('app.info');
    await ask('settings.get');
    await ask('settings.set', { general: { openAtLogin: true } });
    await ask('connection.status');
    await ask('connection.use', { kind: 'local' });
    // Through the bridge as the Jobs screen does: the list, and the keys the person asks to reveal.
    expect(await ask('jobs.list')).toMatchObject({ ok: true, value: { jobs: [{ name: 'photos-2026' }] } });
    const shown = await ask('jobs.bitLockerKeys', { name: 'photos-2026' });
    expect(JSON.stringify(shown)).toContain(key);
    toRenderer.pop(); // asked for, so shown: the one answer allowed to carry the key
    const refused = await ask('settings.set', { general: { openAtLogin: key } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    await core.dispose();
    core = undefined;
    for (const spy of spies) spy.mockRestore();

    const secrets = { 'BitLocker key': key, 'service token': connection.token, 'Azure token': azureToken };
    const found = Object.fromEntries(
      Object.entries(secrets).map(([what, value]) => [what, filesContaining(dataDir, value).sort()]),
    );
    // docs/security.md: the sandbox plays Azure's data center, which holds the keys it hands back
    // (service/jobs/, in a 0700 folder), and `haul ops` reads the token from service/connection.json (0600).
    expect(found).toEqual({
      'BitLocker key': [expect.stringMatching(/^service[/\\]jobs[/\\][0-9a-f]{40}\.json$/)],
      'service token': [path.join('service', 'connection.json')],
      'Azure token': [],
    });
    if (process.platform !== 'win32') {
      expect(statSync(path.join(dataDir, 'service')).mode & 0o077).toBe(0);
      expect(statSync(path.join(dataDir, 'service', 'connection.json')).mode & 0o777).toBe(0o600);
    }
    // The logs are among the files above (service/service.log …); name them, so none is missed by a rename.
    expect(filesUnder(dataDir).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(0);
    const rendererText = JSON.stringify(toRenderer);
    const consoleText = output.join('\n');
    for (const [what, value] of Object.entries(secrets)) {
      expect(rendererText.includes(value), `${what} reached the renderer`).toBe(false);
      expect(consoleText.includes(value), `${what} reached the console`).toBe(false);
    }
  });
});
