// Carries a settings document written by an older Haul forward, one version at a time, before
// the schema checks it. A migration takes the raw document of version N-1 and returns version N;
// it never throws on a field it does not know (that field is dropped by the schema, not by us).
import { SETTINGS_VERSION } from '../../../shared/ipc/channels/settings';

type Doc = Record<string, unknown>;

/** MIGRATIONS[n] turns a version n-1 document into version n. */
export const MIGRATIONS: Record<number, (doc: Doc) => Doc> = {
  // Version 0 is the unversioned document of the first previews: general options at the top level.
  1: (doc) => {
    const { keepTrackingWhenClosed, openAtLogin, ...rest } = doc;
    const general: Doc = {};
    if (typeof keepTrackingWhenClosed === 'boolean') general.keepTrackingWhenClosed = keepTrackingWhenClosed;
    if (typeof openAtLogin === 'boolean') general.openAtLogin = openAtLogin;
    return { ...rest, general: { ...general, ...(isDoc(rest.general) ? rest.general : {}) }, version: 1 };
  },
};

/** Internal: its message is a clause of the settings file's recovery reason, never shown alone. */
export class NewerSettingsError extends Error {
  constructor(readonly found: number) {
    super(`it was written by a newer Haul (settings version ${found}; this Haul reads up to ${SETTINGS_VERSION})`);
  }
}

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The document at the current version, and whether anything changed. Throws NewerSettingsError. */
export function migrate(
  raw: unknown,
  target = SETTINGS_VERSION,
  migrations = MIGRATIONS,
): { doc: Doc; migrated: boolean } {
  if (!isDoc(raw)) throw new TypeError('it is not a JSON object');
  let doc: Doc = raw;
  let version = typeof doc.version === 'number' && Number.isInteger(doc.version) ? doc.version : 0;
  if (version > target) throw new NewerSettingsError(version);
  const from = version;
  while (version < target) {
    const step = migrations[version + 1];
    if (!step) throw new TypeError(`no migration from settings version ${version}`);
    doc = step(doc);
    version += 1;
    doc.version = version;
  }
  return { doc, migrated: version !== from };
}
