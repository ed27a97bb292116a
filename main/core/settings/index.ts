// The settings port: one document (shared/ipc/channels/settings.ts) behind the same interface
// in the desktop app (electron-store, main/electron/settingsStore.ts) and in browser mode (conf,
// ./conf.ts) — electron-store is conf with Electron's folders, so both write the same file the
// same atomic way. Opening checks the file first: an older version is migrated; a file that does
// not parse or fails the schema (truncated, hand-edited, written by a newer Haul) is moved aside
// — kept, named with the time — and Haul starts on defaults and says so (`recovered`).
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import {
  ConnectionSettings,
  GeneralSettings,
  Settings,
  SettingsPatch,
  defaultSettings,
  type Settings as SettingsDoc,
} from '../../../shared/ipc/channels/settings';
import { asideName, cannotRead } from '../store/jsonFile';
import { migrate, NewerSettingsError } from './migrations';
import { HaulError } from '../../../shared/errors';

/** What electron-store and conf both are, as far as we use them: the whole document, read and written at once. */
export interface SettingsBackend {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface SettingsBackendOptions {
  /** The folder of the file (Haul's data folder). */
  cwd: string;
  /** The file's name without `.json`. */
  name: string;
  /** Mode for the file; settings hold no secrets, but nobody else needs to read them either. */
  fileMode: number;
}

export type OpenSettingsBackend = (options: SettingsBackendOptions) => SettingsBackend;

export interface SettingsPort {
  get(): SettingsDoc;
  /** Applies a patch (validated), writes the file, tells the listeners. Throws a SettingsError. */
  update(patch: unknown): SettingsDoc;
  /** Saves the connection choice (main only: the renderer goes through connection.use). */
  setConnection(connection: ConnectionSettings): SettingsDoc;
  onChange(listener: (settings: SettingsDoc) => void): () => void;
  readonly file: string;
  /** Set when the file was damaged at start: where it went, and why. */
  readonly recovered?: { movedTo: string; reason: string };
}

export class SettingsError extends HaulError {
  constructor(message: string, target?: string, code = 'bad-request') {
    super(code, message, target);
    this.name = 'SettingsError';
  }
}

export const SETTINGS_FILE = 'settings';

function describe(err: unknown, text: string): string {
  if (err instanceof NewerSettingsError) return err.message;
  if (err instanceof SyntaxError)
    return text.trim() === '' ? 'it is empty' : 'it is not valid JSON (cut short or damaged)';
  if (err instanceof TypeError) return err.message;
  return 'it could not be read';
}

/** Reads and checks the file before the library sees it; moves a damaged one aside. */
function precheck(file: string): {
  doc?: SettingsDoc;
  migrated: boolean;
  recovered?: { movedTo: string; reason: string };
} {
  if (!existsSync(file)) return { migrated: false };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SettingsError(cannotRead(file, "Haul's settings file", err), undefined, 'unreadable');
  }
  let reason: string;
  try {
    const { doc, migrated } = migrate(JSON.parse(text));
    const parsed = Settings.safeParse(doc);
    if (parsed.success) return { doc: parsed.data, migrated };
    const issue = parsed.error.issues[0];
    reason = `it does not have the expected shape (${issue?.path.join('.') || 'document'}: ${issue?.message})`;
  } catch (err) {
    reason = describe(err, text);
  }
  // Two recoveries in the same second must not overwrite the first damaged file.
  let movedTo = asideName(file);
  for (let n = 2; existsSync(movedTo); n += 1) movedTo = asideName(file).replace(/\.json$/, `-${n}.json`);
  renameSync(file, movedTo);
  return { migrated: false, recovered: { movedTo, reason } };
}

export function openSettings(dataDir: string, open: OpenSettingsBackend): SettingsPort {
  const file = path.join(dataDir, `${SETTINGS_FILE}.json`);
  const checked = precheck(file);
  const backend = open({ cwd: dataDir, name: SETTINGS_FILE, fileMode: 0o600 });
  let current: SettingsDoc = checked.doc ?? defaultSettings();
  // Write what we run on: a new file, a migrated one, or defaults after a recovery.
  if (!checked.doc || checked.migrated) backend.store = { ...current };
  const listeners = new Set<(settings: SettingsDoc) => void>();

  return {
    file: backend.path,
    recovered: checked.recovered,
    get: () => current,
    update(patchInput) {
      const patch = SettingsPatch.safeParse(patchInput);
      if (!patch.success) {
        const issue = patch.error.issues[0];
        throw new SettingsError(
          `That setting cannot be saved: ${issue?.path.join('.') || 'settings'} ${issue?.message ?? 'is not valid'}.`,
          issue?.path.join('.'),
        );
      }
      return write(
        Settings.parse({ ...current, general: GeneralSettings.parse({ ...current.general, ...patch.data.general }) }),
      );
    },
    setConnection(connection) {
      return write(Settings.parse({ ...current, connection: ConnectionSettings.parse(connection) }));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  function write(next: SettingsDoc): SettingsDoc {
    try {
      backend.store = { ...next };
    } catch (err) {
      throw new SettingsError(
        `Haul could not save its settings in ${backend.path} (${(err as NodeJS.ErrnoException).code ?? 'write failed'}). Check that the folder is writable; your change is not saved.`,
        undefined,
        'not-saved',
      );
    }
    current = next;
    for (const listener of listeners) listener(current);
    return current;
  }
}
