// Browser mode's cipher: AES-256-GCM with a random key kept in <data folder>/secrets.key, a file
// only this user can read (0600). Weaker than the OS keychain: anyone who can read your files as
// you (a backup, a program you run) gets the key with the data — Settings says so.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { cannotRead } from '../store/jsonFile';
import type { SecretCipher } from './index';
import { SecretError } from './index';

export const KEY_FILE = 'secrets.key';
const VERSION = 1;

function loadOrCreateKey(file: string): Buffer {
  try {
    const fd = openSync(file, 'wx', 0o600);
    const key = randomBytes(32);
    try {
      writeSync(fd, key.toString('base64'));
    } finally {
      closeSync(fd);
    }
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new SecretError(
        `Haul could not create its key file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check that the data folder is writable.`,
      );
    }
  }
  let text: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    // Someone widened the file's mode: narrow it again before trusting it further.
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) chmodSync(file, 0o600);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SecretError(
      `${cannotRead(file, "Haul's key file", err)} Secrets saved with the old key cannot be read without it.`,
    );
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new SecretError(
      `Haul's key file ${file} is damaged (it does not hold a 256-bit key). Move it away to start over; secrets saved with it cannot be read again.`,
    );
  return key;
}

export function keyFileCipher(dataDir: string): SecretCipher {
  const file = path.join(dataDir, KEY_FILE);
  const key = loadOrCreateKey(file);
  return {
    kind: 'key-file',
    description: `Secrets are encrypted with a key kept in ${file}, readable only by you. That is weaker than the operating system's keychain the desktop app uses: anyone who can read your files can read the key too.`,
    encrypt(plain, name) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    decrypt(data, name) {
      if (data.length < 29 || data[0] !== VERSION)
        throw new SecretError(`The secret "${name}" was not written by this key file.`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 13));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(data.subarray(13, 29));
      return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]).toString('utf8');
    },
  };
}
