// `haul service --verbose`: the wire log writes each request and response (method, URL, headers,
// body) so a customer whose script fails can see why, with every secret masked (the token,
// BitLocker keys, account keys, SAS signatures) and every part bounded in size.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceConnectionSchema } from '../../shared/service/connection';
import { maskBody, maskHeaders, maskUrl, WIRE_BODY_LIMIT, WIRE_LINE_LIMIT } from '../../service/wireLog';
import { API, RETURN_ADDRESS, jobPath, rawCall, startTestService, type TestService } from './helpers';

const KEY = '402985-116501-239117-595386-313687-448998-450120-652806';
const OTHER_KEY = 'my own key, not in the BitLocker format';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SIG = 'aBcDeFgH1234%2BsecretSignature%3D';

function importBody(t: TestService, driveId: string, key: string) {
  return {
    location: 'Sandbox West',
    properties: {
      storageAccountId: t.storageAccountId(),
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      driveList: [{ driveId, bitLockerKey: key, manifestFile: '\\DriveManifest.xml', manifestHash: 'AB12' }],
    },
  };
}

describe('the wire log, in process', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ logRequests: true });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('shows each request and response, with the body the service got and the error it answered', async () => {
    const r = await t.raw('PUT', `${jobPath(t, 'wire1')}${API}`, { location: 'Nowhere', properties: {} });
    expect(r.status).toBe(400);
    const log = t.logs.join('\n');
    expect(log).toContain(`--> PUT ${jobPath(t, 'wire1')}${API}`);
    expect(log).toContain('"location":"Nowhere"');
    expect(log).toContain(`<-- 400 PUT ${jobPath(t, 'wire1')}`);
    expect(log).toContain('"code":"InvalidRequestContent"');
    expect(log).toContain('"authorization":"Bearer ***"');
  });

  it('never writes a BitLocker key, the token, an account key or a SAS signature', async () => {
    const before = t.logs.length;
    // Keys in a Put Job, an update, the listBitLockerKeys answer, and in a body that is not JSON.
    expect((await t.raw('PUT', `${jobPath(t, 'wire2')}${API}`, importBody(t, 'WIREDRIVE', KEY))).status).toBe(201);
    const update = { properties: { driveList: [{ driveId: 'WIREDRIVE', bitLockerKey: OTHER_KEY }] } };
    expect((await t.raw('PATCH', `${jobPath(t, 'wire2')}${API}`, update)).status).toBe(200);
    const listed = await t.raw('POST', `${jobPath(t, 'wire2')}/listBitLockerKeys${API}`);
    expect(listed.text).toContain(OTHER_KEY);
    // A body that is not valid JSON (sent as it is).
    const broken = `{"properties": {"driveList": [{"driveId": "X", "bitLockerKey": "${OTHER_KEY}"}]`;
    expect((await t.raw('PATCH', `${jobPath(t, 'wire2')}${API}`, broken)).status).toBe(400);
    const c = t.svc.connection;
    // Secrets a script might send where the service does not expect them: account keys,
    // connection strings, SAS URLs — in the body and in the query.
    await t.raw('PATCH', `${jobPath(t, 'wire2')}${API}&sig=${SIG}`, {
      properties: { logLevel: 'Verbose' },
      note: `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${ACCOUNT_KEY};`,
      accountKey: ACCOUNT_KEY,
      sasUrl: `https://x.blob.core.windows.net/c?sv=2022-11-02&sig=${SIG}`,
    });
    // And a wrong token: the header is masked too.
    await rawCall(c.endpoint, t.ca, 'not-the-token-but-still-secret', 'GET', `${jobPath(t, 'wire2')}${API}`);

    const log = t.logs.slice(before).join('\n');
    expect(log).toContain('"bitLockerKey":"***"');
    expect(log).toContain('AccountKey=***');
    expect(log).toContain('sig=***');
    for (const secret of [KEY, OTHER_KEY, c.token, ACCOUNT_KEY, SIG, 'not-the-token-but-still-secret']) {
      expect(log).not.toContain(secret);
    }
    // The request that was refused before its body was read says so.
    expect(log).toContain('<-- 401 GET');
    expect(log).toContain('body: (not read)');
  });

  it('is bounded: a large request writes a few kilobytes, saying how much it left out', async () => {
    const before = t.logs.length;
    const paths = Array.from({ length: 5000 }, (_, i) => `/photos/2024/${String(i).padStart(6, '0')}.jpg`);
    const r = await t.raw('PUT', `${jobPath(t, 'wirebig')}${API}`, {
      location: 'Sandbox West',
      properties: {
        storageAccountId: t.storageAccountId(),
        jobType: 'Export',
        returnAddress: RETURN_ADDRESS,
        export: { blobList: { blobPath: paths } },
      },
    });
    expect(r.status).toBe(201);
    expect(r.text.length).toBeGreaterThan(100_000);
    const lines = t.logs.slice(before);
    const total = lines.reduce((n, l) => n + l.length, 0);
    expect(total).toBeLessThan(2 * WIRE_BODY_LIMIT + 4 * WIRE_LINE_LIMIT + 2000);
    expect(lines.filter((l) => /more characters not logged/.test(l))).toHaveLength(2);
  });
});

describe('the masks', () => {
  it('mask secret properties at any depth, secrets inside text, and secret headers and query parameters', () => {
    const body = JSON.stringify({
      value: [{ driveId: 'A', bitLockerKey: 'abc' }],
      deep: { connection_string: 'x', nested: [{ Password: 'p', keys: [{ keyName: 'key1', value: 'v' }] }] },
      text: `see https://a.blob.core.windows.net/c/b?sv=1&sig=${SIG} and Bearer abc.def.ghi`,
      recovery: `the key is ${KEY}.`,
    });
    const shown = maskBody(body);
    for (const s of ['"abc"', '"x"', '"p"', '"v"', SIG, 'abc.def.ghi', KEY]) expect(shown).not.toContain(s);
    expect(JSON.parse(shown)).toMatchObject({ value: [{ driveId: 'A', bitLockerKey: '***' }] });
    expect(maskHeaders({ authorization: 'Bearer eyJ0eXAi', 'x-ms-client-request-id': 'r1' })).toBe(
      '{"authorization":"Bearer ***","x-ms-client-request-id":"r1"}',
    );
    expect(maskUrl(`/c/b?sv=2022&sig=${SIG}&api-version=1`)).toBe('/c/b?sv=2022&sig=***&api-version=1');
  });
});

describe('haul service --verbose, as a process', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the wire log to stderr, and no key or token in it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'haul-wire-'));
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'main/cli/haul.ts', 'service', '--data-dir', join(dir, 'svc'), '--no-storage', '--verbose'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((res) => child?.once('exit', () => res()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('\n')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`haul service did not start: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const conn = ServiceConnectionSchema.parse(JSON.parse(out.split('\n')[0] ?? ''));
    const ca = await import('node:fs/promises').then((f) => f.readFile(conn.ca, 'utf8'));
    const path = `/subscriptions/${conn.subscriptionId}/resourceGroups/${conn.resourceGroup}/providers/Microsoft.ImportExport/jobs/cliwire`;
    const body = {
      location: 'Sandbox West',
      properties: {
        storageAccountId: `/subscriptions/${conn.subscriptionId}/resourceGroups/${conn.resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
        jobType: 'Import',
        returnAddress: RETURN_ADDRESS,
        driveList: [{ driveId: 'CLIDRIVE', bitLockerKey: KEY, manifestFile: '\\m.xml', manifestHash: 'AB' }],
      },
    };
    expect((await rawCall(conn.endpoint, ca, conn.token, 'PUT', `${path}${API}`, body)).status).toBe(201);
    const keys = await rawCall(conn.endpoint, ca, conn.token, 'POST', `${path}/listBitLockerKeys${API}`);
    expect(keys.text).toContain(KEY);
    child.kill('SIGTERM');
    await exited;
    expect(err).toContain(`--> PUT ${path}${API}`);
    expect(err).toContain(`<-- 200 POST ${path}/listBitLockerKeys`);
    expect(err).toContain('"bitLockerKey":"***"');
    expect(err).not.toContain(KEY);
    expect(err).not.toContain(conn.token);
  });
});
