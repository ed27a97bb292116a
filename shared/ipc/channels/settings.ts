// Settings, secrets and the connection (issue "The desktop app starts"): the settings document's
// schema (one per version; main/core/settings/migrations.ts carries old documents forward) and the
// settings.* and connection.* channels. Secrets themselves never cross the bridge here.
import * as z from 'zod';
import type { ChannelSpec, EventSpec } from './spec';
import type { SettingsChannel, SettingsEvent } from '../names';

/** The settings document's version; bump it together with a migration in main/core/settings/migrations.ts. */
export const SETTINGS_VERSION = 1;

export const GeneralSettings = z.object({
  /** Closing the window leaves Haul running in the tray, so jobs are still tracked and notified. */
  keepTrackingWhenClosed: z.boolean().default(true),
  /** Start Haul (in the tray) when the person logs in. */
  openAtLogin: z.boolean().default(false),
});
export type GeneralSettings = z.infer<typeof GeneralSettings>;

const guid = z.string().regex(/^[0-9a-fA-F-]{36}$/, { message: 'must be an Azure id (a GUID)' });
/** ARM's rules for a resource group name. */
const resourceGroupName = z
  .string()
  .min(1)
  .max(90)
  .regex(/^[-\w._()]*[-\w_()]$/, { message: 'must be a resource group name' });

export const LocalConnectionSettings = z.object({ kind: z.literal('local') });
export const AzureConnectionSettings = z.object({
  kind: z.literal('azure'),
  /** The directory (tenant) the person signed in to; absent: their home tenant. */
  tenantId: guid.optional(),
  subscriptionId: guid,
  subscriptionName: z.string().max(256).optional(),
  resourceGroup: resourceGroupName,
  /** The signed-in account's name, for the screen ("ana@contoso.com"). Not a secret. */
  account: z.string().max(256).optional(),
  /** How the person signed in last time; device code where no browser can be opened. */
  signIn: z.enum(['browser', 'device-code']).default('browser'),
});
export const ConnectionSettings = z.discriminatedUnion('kind', [LocalConnectionSettings, AzureConnectionSettings]);
export type ConnectionSettings = z.infer<typeof ConnectionSettings>;

/**
 * The whole document. Other namespaces add their own section as a key here (with a default), so
 * an older file still parses; the Settings screen shows one section per key.
 */
export const Settings = z.object({
  version: z.literal(SETTINGS_VERSION),
  general: GeneralSettings.prefault({}),
  connection: ConnectionSettings.default({ kind: 'local' }),
});
export type Settings = z.infer<typeof Settings>;

export const defaultSettings = (): Settings => Settings.parse({ version: SETTINGS_VERSION });

/** What the renderer may change with settings.set: a section at a time (the connection changes through connection.use). */
export const SettingsPatch = z
  .object({
    general: GeneralSettings.partial().strict().optional(),
  })
  .strict();
export type SettingsPatch = z.input<typeof SettingsPatch>;

export const SettingsView = z.object({
  settings: Settings,
  /** Where the settings live (shown on the Settings screen). */
  file: z.string(),
  /** The desktop app, or `haul serve` in a browser (where tray and login settings do not apply). */
  host: z.enum(['desktop', 'browser']),
  /** How secrets (BitLocker keys, sign-in records) are protected on this computer; never the secrets themselves. */
  secrets: z.object({
    store: z.enum(['os-keychain', 'key-file']),
    description: z.string(),
  }),
  /** Set when the settings file was damaged at start: where it was moved, and why. Haul runs on defaults. */
  recovered: z.object({ movedTo: z.string(), reason: z.string() }).optional(),
});
export type SettingsView = z.infer<typeof SettingsView>;

const empty = z.object({}).strict();

/** Where Haul's jobs live now, and what the person can do next. Never a token. */
export const ConnectionStatus = z.object({
  kind: z.enum(['local', 'azure']),
  /** "Local sandbox", "Azure: Contoso production". */
  label: z.string(),
  /**
   * ready: jobs can be reached; starting: the sandbox is starting; signed-out: Azure needs a
   * sign-in; signing-in: waiting for the browser or the code; choose: signed in, pick a
   * subscription and resource group; failed: see message.
   */
  state: z.enum(['ready', 'starting', 'signed-out', 'signing-in', 'choose', 'failed']),
  /** Whether there is an Azure sign-in in this session (also while the sandbox is in use). */
  signedIn: z.boolean(),
  account: z.string().optional(),
  tenantId: z.string().optional(),
  subscriptionId: z.string().optional(),
  subscriptionName: z.string().optional(),
  resourceGroup: z.string().optional(),
  /** Device code sign-in: what to open and the code to enter there. */
  deviceCode: z.object({ message: z.string(), userCode: z.string(), verificationUri: z.string() }).optional(),
  message: z.string().optional(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const SignInRequest = z
  .object({
    method: z.enum(['browser', 'device-code']),
    tenantId: guid.optional(),
  })
  .strict();

export const UseConnectionRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z
    .object({
      kind: z.literal('azure'),
      subscriptionId: guid,
      subscriptionName: z.string().max(256).optional(),
      resourceGroup: resourceGroupName,
    })
    .strict(),
]);

export const AzureSubscription = z.object({
  subscriptionId: z.string(),
  displayName: z.string(),
  tenantId: z.string().optional(),
  state: z.string().optional(),
});
export const AzureResourceGroup = z.object({ name: z.string(), location: z.string() });

export const settingsChannels = {
  'settings.get': { request: empty, response: SettingsView },
  'settings.set': { request: SettingsPatch, response: SettingsView },
  'connection.status': { request: empty, response: ConnectionStatus },
  /** Resolves when the person finished signing in (or gave up); the device code comes as connection.changed. */
  'connection.signIn': { request: SignInRequest, response: ConnectionStatus },
  'connection.signOut': { request: empty, response: ConnectionStatus },
  'connection.subscriptions': { request: empty, response: z.array(AzureSubscription) },
  'connection.resourceGroups': {
    request: z.object({ subscriptionId: guid }).strict(),
    response: z.array(AzureResourceGroup),
  },
  /** Switch to the sandbox, or to a subscription and resource group (saved in the settings). */
  'connection.use': { request: UseConnectionRequest, response: ConnectionStatus },
} satisfies ChannelSpec<SettingsChannel>;

export const settingsEvents = {
  /** The settings changed (from this window, the tray, or another browser tab). */
  'settings.changed': SettingsView,
  'connection.changed': ConnectionStatus,
} satisfies EventSpec<SettingsEvent>;
