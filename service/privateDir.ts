// The service's data folder holds BitLocker keys (in its job files) and its token: only the user
// running it may read it. A folder given wide open (made beforehand with mode 0755, say) is
// narrowed — folders 0700, files 0600 — when it is the service's own (empty, or a service folder
// already); any other folder is refused with the reason, never narrowed behind the person's back.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HaulError } from '../shared/errors';

export class DataDirError extends HaulError {
  constructor(message: string) {
    super('bad-data-dir', message, '--data-dir');
    this.name = 'DataDirError';
  }
}

/** A file the service writes in a folder of its own (service.json, written at the first start). */
const SERVICE_MARK = 'service.json';

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, '0');

async function narrow(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return; // the link's own mode means nothing; its target is not ours to change
  if (st.isDirectory()) {
    if ((st.mode & 0o077) !== 0) await chmod(path, 0o700);
    for (const name of await readdir(path)) await narrow(join(path, name));
  } else if ((st.mode & 0o077) !== 0) {
    await chmod(path, 0o600);
  }
}

/** Creates the folder 0700, or makes an existing one private; throws DataDirError when it may not. */
export async function makeDataDirPrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = await lstat(dir);
  if (!st.isDirectory())
    throw new DataDirError(`--data-dir ${dir} is not a folder; give the service a folder of its own.`);
  if ((st.mode & 0o077) === 0) return;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw new DataDirError(
      `The service keeps BitLocker keys in ${dir}, which belongs to another user (uid ${st.uid}) and other users may read (mode ${octal(st.mode)}). Give the service a folder of your own; it creates a new one readable only by you.`,
    );
  const names = await readdir(dir);
  if (names.length > 0 && !names.includes(SERVICE_MARK))
    throw new DataDirError(
      `The service keeps BitLocker keys in its data folder, and other users of this computer may read ${dir} (mode ${octal(st.mode)}), which also holds other files. Give the service a folder of its own (it creates a new one readable only by you), or make this one private first: chmod 700 ${dir}`,
    );
  await narrow(dir);
}
