// The folders a browser page may reach through the bridge. In browser mode the page is a client
// of main over a socket (through an SSH tunnel, perhaps): it browses, copies from and writes to
// only the folders the person who started `haul serve` chose (`--allow-dir`, by default the home
// folder and the removable-media mount folders), as Jupyter's file browser stays under its root.
// A path counts by where it really is: a link out of those folders is outside them.
import { existsSync, realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Home, and the usual removable-media mount folders that exist on this computer. */
export function defaultReadRoots(home = homedir()): string[] {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    /* no user name: the per-user media folders are skipped */
  }
  const media = [...(user ? [`/media/${user}`, `/run/media/${user}`] : []), '/media', '/mnt', '/Volumes'];
  return [home, ...media.filter((p) => existsSync(p))];
}

/** The real path of `p`, or of its nearest existing folder with the rest appended (a path not made yet). */
function realOrNearest(p: string): string {
  const rest: string[] = [];
  let at = resolve(p);
  for (;;) {
    try {
      return join(realpathSync(at), ...rest.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return resolve(p);
      rest.push(at.slice(up.length).replace(/^[\\/]+/, ''));
      at = up;
    }
  }
}

export class ReadRoots {
  /** the folders as given (shown to people) and where they really are */
  readonly roots: { shown: string; real: string }[];

  constructor(roots: string[]) {
    this.roots = roots.filter((r) => isAbsolute(r)).map((r) => ({ shown: resolve(r), real: realOrNearest(r) }));
  }

  /** True when `p` is one of the folders or inside one. */
  allows(p: string): boolean {
    if (!isAbsolute(p)) return false;
    const real = realOrNearest(p);
    return this.roots.some(({ real: root }) => {
      const rel = relative(root, real);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
    });
  }

  /** "/home/ada, /media" */
  list(): string {
    return this.roots.map((r) => r.shown).join(', ') || '(none)';
  }

  /** Why `p` is refused, and how to allow it, for the person at the page. */
  refusal(p: string, what: string): string {
    return `Haul in browser mode ${what} only inside the folders it was started with (${this.list()}); ${p} is outside them. To use it, restart Haul with: haul serve --allow-dir ${JSON.stringify(p)} (repeat --allow-dir for more folders).`;
  }
}
