// The Azure connection, tested where Azure cannot be reached: sign-in with a credential that hands
// out a token (in place of @azure/identity's browser and device-code sign-in), subscriptions and
// resource groups from a stand-in for ARM's REST API on 127.0.0.1 (HTTPS, paged), and then a
// Connection of kind azure whose endpoint is the local sandbox, used by the same jobs service as
// the sandbox connection — through the bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AuthenticationRecord } from '@azure/identity';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import type { CredentialFactory, SignInMethod } from '../../main/core/service/azure';
import { ensureTlsIdentity } from '../../service/tls';
import { RETURN_ADDRESS, startTestService, type TestService } from '../service/helpers';

const SUB_A = '11111111-2222-3333-4444-555555555555';
const SUB_B = '99999999-8888-7777-6666-555555555555';
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'haul-azure-'));
  dirs.push(d);
  return d;
};
// Every describe block makes folders: they all go once the file is done.
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Signs in without Azure: every token is `token`; records which methods were tried. */
function tokenCredentials(token: string, opts: { failBrowser?: boolean; username?: string } = {}) {
  const tried: SignInMethod[] = [];
  const factory: CredentialFactory = ({ method, tenantId, onDeviceCode }) => ({
    async getToken() {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
    async authenticate(): Promise<AuthenticationRecord> {
      tried.push(method);
      if (method === 'browser' && opts.failBrowser) throw new Error('Unable to open a browser: xdg-open not found');
      if (method === 'device-code')
        onDeviceCode({
          userCode: 'HAUL-1234',
          verificationUri: 'https://microsoft.com/devicelogin',
          message: 'To sign in, open https://microsoft.com/devicelogin and enter HAUL-1234.',
        });
      return {
        authority: 'login.microsoftonline.com',
        homeAccountId: 'h',
        clientId: 'c',
        tenantId: tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47',
        username: opts.username ?? 'ada@example.com',
      };
    },
  });
  return { factory, tried };
}

describe('subscriptions and resource groups from ARM', () => {
  let arm: https.Server;
  let endpoint: string;
  let ca: string;
  const seenAuth: string[] = [];

  beforeAll(async () => {
    const tls = await ensureTlsIdentity(tmp());
    ca = tls.cert;
    arm = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      seenAuth.push(req.headers.authorization ?? '');
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer arm-token-0123456789')
        return send(401, { error: { code: 'InvalidAuthenticationToken', message: 'no' } });
      if (url.pathname === '/subscriptions' && !url.searchParams.has('page')) {
        return send(200, {
          value: [{ subscriptionId: SUB_A, displayName: 'Contoso production', tenantId: 't', state: 'Enabled' }],
          nextLink: `${endpoint}/subscriptions?api-version=2022-12-01&page=2`,
        });
      }
      if (url.pathname === '/subscriptions')
        return send(200, { value: [{ subscriptionId: SUB_B, displayName: 'Contoso test', state: 'Enabled' }] });
      if (url.pathname === `/subscriptions/${SUB_A}/resourcegroups`)
        return send(200, {
          value: [
            { name: 'imports', location: 'westeurope' },
            { name: 'archive', location: 'northeurope' },
          ],
        });
      if (url.pathname === `/subscriptions/${SUB_B}/resourcegroups`)
        return send(403, { error: { code: 'AuthorizationFailed', message: 'no access' } });
      send(404, { error: { code: 'NotFound', message: 'no such thing' } });
    });
    await new Promise<void>((resolve) => arm.listen(0, '127.0.0.1', resolve));
    endpoint = `https://127.0.0.1:${(arm.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => arm.close(resolve));
  });

  it('signs in, lists every page of subscriptions and the resource groups, and saves the choice', async () => {
    const dataDir = tmp();
    const { factory, tried } = tokenCredentials('arm-token-0123456789');
    const core = await createCore({
      dataDir,
      listDrives: async () => [],
      azure: { armEndpoint: endpoint, ca, credentials: factory },
    });
    try {
      const pushed: Array<{ state: string }> = [];
      core.events.on((e, p) => e === 'connection.changed' && pushed.push(p as { state: string }));
      expect(await dispatch(core.handlers, 'connection.subscriptions', {})).toMatchObject({
        ok: false,
        error: { code: 'signed-out', message: 'Sign in to Azure first.' },
      });
      const signedIn = await dispatch(core.handlers, 'connection.signIn', { method: 'browser' });
      expect(signedIn).toMatchObject({
        ok: true,
        value: { kind: 'local', signedIn: true, account: 'ada@example.com' },
      });
      expect(tried).toEqual(['browser']);
      expect(pushed.map((p) => p.state)).toContain('starting');

      const subs = await dispatch(core.handlers, 'connection.subscriptions', {});
      expect(subs).toMatchObject({
        ok: true,
        value: [
          { subscriptionId: SUB_A, displayName: 'Contoso production' },
          { subscriptionId: SUB_B, displayName: 'Contoso test' },
        ],
      });
      expect(await dispatch(core.handlers, 'connection.resourceGroups', { subscriptionId: SUB_A })).toMatchObject({
        ok: true,
        value: [{ name: 'imports' }, { name: 'archive' }],
      });
      const refused = await dispatch(core.handlers, 'connection.resourceGroups', { subscriptionId: SUB_B });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(/Reader role/) },
      });
      expect(seenAuth.every((h) => h === 'Bearer arm-token-0123456789')).toBe(true);

      const used = await dispatch(core.handlers, 'connection.use', {
        kind: 'azure',
        subscriptionId: SUB_A,
        subscriptionName: 'Contoso production',
        resourceGroup: 'imports',
      });
      expect(used).toMatchObject({
        ok: true,
        value: { kind: 'azure', state: 'ready', label: 'Azure: Contoso production', resourceGroup: 'imports' },
      });
      expect(core.context.connections?.current()).toMatchObject({
        kind: 'azure',
        endpoint,
        subscriptionId: SUB_A,
        resourceGroup: 'imports',
      });
      expect(JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).connection).toMatchObject({
        kind: 'azure',
        subscriptionId: SUB_A,
        resourceGroup: 'imports',
        account: 'ada@example.com',
      });
      // The account record is a secret: encrypted, not in the settings file, no token anywhere.
      expect(await core.context.secrets.names()).toEqual(['azure/account']);
      expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).not.toContain('ada@example.com');
    } finally {
      await core.dispose();
    }

    // The next start remembers the choice and who it was, and asks to sign in again (tokens are in memory only).
    const again = await createCore({
      dataDir,
      listDrives: async () => [],
      azure: { armEndpoint: endpoint, ca, credentials: factory },
    });
    try {
      expect(await dispatch(again.handlers, 'connection.status', {})).toMatchObject({
        ok: true,
        value: {
          kind: 'azure',
          state: 'signed-out',
          signedIn: false,
          message: 'Sign in again as ada@example.com to reach your jobs in Azure.',
        },
      });
      expect(again.context.connections?.current()).toBeUndefined();
    } finally {
      await again.dispose();
    }
  });

  it('falls back to a device code where the browser cannot be opened, and shows the code meanwhile', async () => {
    const { factory, tried } = tokenCredentials('arm-token-0123456789', { failBrowser: true });
    const core = await createCore({
      dataDir: tmp(),
      listDrives: async () => [],
      azure: { armEndpoint: endpoint, ca, credentials: factory },
    });
    try {
      const codes: unknown[] = [];
      core.events.on(
        (e, p) =>
          e === 'connection.changed' &&
          (p as { deviceCode?: unknown }).deviceCode &&
          codes.push((p as { deviceCode: unknown }).deviceCode),
      );
      const result = await dispatch(core.handlers, 'connection.signIn', { method: 'browser' });
      expect(result).toMatchObject({ ok: true, value: { signedIn: true } });
      expect(tried).toEqual(['browser', 'device-code']);
      expect(codes).toEqual([
        {
          userCode: 'HAUL-1234',
          verificationUri: 'https://microsoft.com/devicelogin',
          message: expect.stringContaining('HAUL-1234'),
        },
      ]);
    } finally {
      await core.dispose();
    }
  });

  it('a token ARM refuses: "sign in again", not a stack trace', async () => {
    const { factory } = tokenCredentials('stale-token-0123456789');
    const core = await createCore({
      dataDir: tmp(),
      listDrives: async () => [],
      azure: { armEndpoint: endpoint, ca, credentials: factory },
    });
    try {
      await dispatch(core.handlers, 'connection.signIn', { method: 'device-code' });
      const subs = await dispatch(core.handlers, 'connection.subscriptions', {});
      expect(subs).toMatchObject({
        ok: false,
        error: { code: 'signed-out', message: 'Azure no longer accepts your sign-in. Sign in again.' },
      });
      expect(
        await dispatch(core.handlers, 'connection.use', { kind: 'azure', subscriptionId: 'nope', resourceGroup: 'x' }),
      ).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    } finally {
      await core.dispose();
    }
  });
});

describe('a Connection of kind azure whose endpoint is the local sandbox', () => {
  let sandbox: TestService;
  beforeAll(async () => {
    sandbox = await startTestService();
  });
  afterAll(async () => {
    await sandbox?.cleanup();
  });

  it('the jobs service lists, creates and reveals keys over it, exactly as over the sandbox connection', async () => {
    const conn = sandbox.svc.connection;
    const { factory } = tokenCredentials(conn.token);
    const core: Core = await createCore({
      dataDir: tmp(),
      listDrives: async () => [],
      azure: { armEndpoint: conn.endpoint, ca: sandbox.ca, credentials: factory },
    });
    try {
      await sandbox.client().jobs.create('from-elsewhere', conn.resourceGroup, {
        location: 'Sandbox West',
        properties: {
          storageAccountId: sandbox.storageAccountId(),
          jobType: 'Import',
          returnAddress: RETURN_ADDRESS,
          returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
          diagnosticsPath: 'waimportexport',
          driveList: [
            {
              driveId: 'WD1234ABCD',
              bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
              manifestFile: '\\DriveManifest.xml',
              manifestHash: '109B21108597EF36D5785F08303F3638',
            },
          ],
        },
      });
      expect(await dispatch(core.handlers, 'connection.signIn', { method: 'browser' })).toMatchObject({ ok: true });
      const used = await dispatch(core.handlers, 'connection.use', {
        kind: 'azure',
        subscriptionId: conn.subscriptionId,
        subscriptionName: 'Sandbox as Azure',
        resourceGroup: conn.resourceGroup,
      });
      expect(used).toMatchObject({ ok: true, value: { kind: 'azure', state: 'ready' } });
      const list = await dispatch(core.handlers, 'jobs.list', {});
      expect(list).toMatchObject({ ok: true, value: { jobs: [{ name: 'from-elsewhere' }] } });
      const keys = await dispatch(core.handlers, 'jobs.bitLockerKeys', { name: 'from-elsewhere' });
      expect(keys.ok).toBe(true);
      expect(JSON.stringify(keys)).toContain('111111-222222-333333-444444-555555-666666-777777-888888');
      // Back to the sandbox connection: there is none in this core (no local service), so jobs say so.
      await dispatch(core.handlers, 'connection.use', { kind: 'local' });
      expect(core.context.connections?.current()).toBeUndefined();
    } finally {
      await core.dispose();
    }
  });
});
