// The desktop app's cipher: Electron's safeStorage, i.e. the OS keychain (DPAPI on Windows,
// Keychain on macOS, the Secret Service/kwallet on Linux). Where it has no real keychain (Linux
// without one falls back to a fixed password, "basic_text"), Haul uses its own key file instead.
import type { SafeStorage } from 'electron';
import type { SecretCipher } from '../core/secrets';
import { keyFileCipher } from '../core/secrets/keyFile';

type Storage = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

export function safeStorageCipher(safeStorage: Storage, dataDir: string): SecretCipher {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
    const fallback = keyFileCipher(dataDir);
    return { ...fallback, description: `This computer has no keychain Haul can use. ${fallback.description}` };
  }
  // The name is sealed with the value, so an entry copied onto another name does not decrypt.
  const sep = '\u0000';
  return {
    kind: 'os-keychain',
    description:
      "Secrets are encrypted with your operating system's keychain and can be read only by you, on this computer.",
    encrypt: (plain, name) => safeStorage.encryptString(`${name}${sep}${plain}`),
    decrypt(data, name) {
      const text = safeStorage.decryptString(data);
      const at = text.indexOf(sep);
      if (at < 0 || text.slice(0, at) !== name) throw new Error(`The secret "${name}" belongs to another name.`);
      return text.slice(at + 1);
    },
  };
}
