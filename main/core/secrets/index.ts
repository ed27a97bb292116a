// The secrets port: BitLocker recovery keys, Azure sign-in tokens and other credentials, each
// encrypted on its own before it is written to <data folder>/secrets.json (0600). The cipher is
// the operating system's keychain in the desktop app (Electron's safeStorage,
// main/electron/safeStorageCipher.ts) and a key file of our own in browser mode (./keyFile.ts),
// which is weaker and says so. A secret's name is bound to its ciphertext (AES-GCM's additional
// data, or a prefix under safeStorage), so moving one entry onto another name fails to decrypt.
// Values never pass through a log or an error message here: errors name the secret, not its value.
import path from 'node:path';
import * as z from 'zod';
import { jsonFileStore, type DocumentStore } from '../store/jsonFile';
import { HaulError } from '../../../shared/errors';

export type CipherKind = 'os-keychain' | 'key-file';

/** What encrypts: safeStorage in the shell, the key file in browser mode. */
export interface SecretCipher {
  readonly kind: CipherKind;
  /** For the person (Settings): how the secrets are protected, and how that compares. */
  readonly description: string;
  encrypt(plain: string, name: string): Buffer;
  /** Throws when the ciphertext was not made by this cipher for this name. */
  decrypt(data: Buffer, name: string): string;
}

export interface SecretStore {
  readonly kind: CipherKind;
  readonly description: string;
  readonly file: string;
  set(name: string, value: string): Promise<void>;
  /** The secret, or undefined when there is none (or it can no longer be decrypted: see `unreadable`). */
  get(name: string): Promise<string | undefined>;
  delete(name: string): Promise<void>;
  /** Names (never values) under a prefix, e.g. `bitlocker/myjob/`. */
  names(prefix?: string): Promise<string[]>;
  /** Names whose ciphertext could not be decrypted at the last `get` (a keychain reset, another computer's file). */
  readonly unreadable: ReadonlySet<string>;
}

export class SecretError extends HaulError {
  constructor(message: string) {
    super('secret', message);
    this.name = 'SecretError';
  }
}

const SecretsDoc = z.object({
  version: z.literal(1),
  /** Which cipher wrote the entries; a different one cannot read them. */
  cipher: z.enum(['os-keychain', 'key-file']).optional(),
  entries: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/=]*$/)),
});
type SecretsDoc = z.infer<typeof SecretsDoc>;

export const SECRETS_FILE = 'secrets.json';
const NAME = /^[a-z0-9][a-z0-9._-]*(\/[A-Za-z0-9._-]+)*$/;

function checkName(name: string): void {
  if (!NAME.test(name) || name.length > 256)
    throw new SecretError(`"${name.slice(0, 80)}" is not a secret name Haul uses (lower-case words separated by /).`);
}

export function openSecretStore(dataDir: string, cipher: SecretCipher): SecretStore {
  const store: DocumentStore<SecretsDoc> = jsonFileStore(path.join(dataDir, SECRETS_FILE), {
    schema: SecretsDoc,
    initial: (): SecretsDoc => ({ version: 1, entries: {} }),
    mode: 0o600,
  });
  const unreadable = new Set<string>();
  return {
    kind: cipher.kind,
    description: cipher.description,
    file: store.file,
    unreadable,
    async set(name, value) {
      checkName(name);
      const sealed = cipher.encrypt(value, name).toString('base64');
      await store.update(
        (doc): SecretsDoc => ({ version: 1, cipher: cipher.kind, entries: { ...doc.entries, [name]: sealed } }),
      );
      unreadable.delete(name);
    },
    async get(name) {
      checkName(name);
      const doc = await store.read();
      const sealed = doc.entries[name];
      if (sealed === undefined) return undefined;
      try {
        const value = cipher.decrypt(Buffer.from(sealed, 'base64'), name);
        unreadable.delete(name);
        return value;
      } catch {
        unreadable.add(name);
        return undefined;
      }
    },
    async delete(name) {
      checkName(name);
      await store.update((doc) => {
        const { [name]: _gone, ...entries } = doc.entries;
        return { ...doc, entries };
      });
      unreadable.delete(name);
    },
    async names(prefix = '') {
      const doc = await store.read();
      return Object.keys(doc.entries)
        .filter((n) => n.startsWith(prefix))
        .sort();
    },
  };
}

/**
 * Replaces every known secret in a text with a mark: for anything that might reach a log or a
 * message (an error from a library that echoed a request, a child process's output).
 */
export class Redactor {
  private readonly values = new Set<string>();
  add(value: string | undefined): void {
    if (value && value.length >= 8) this.values.add(value);
  }
  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join('[secret]');
    return out;
  }
}
