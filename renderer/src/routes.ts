// The app's addresses: which screen the hash names (#/jobs, #/jobs/<name>, #/drives …) and the
// hash of each screen. Pure, so the store and the tests use it without React; the screen each route
// shows is chosen in Screen.tsx, and the nav's items live in components/AppNav.tsx.
export type Route =
  | { name: 'jobs' }
  | { name: 'drives' }
  | { name: 'job'; jobName: string }
  | { name: 'log'; jobName: string; driveId: string; kind: 'error' | 'verbose' }
  | { name: 'wizard'; draftId?: string }
  | { name: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'drives':
      return { name: 'drives' };
    case 'jobs':
      // #/jobs/<name>, #/jobs/<name>/drives/<driveId>/log[/verbose]
      if (parts[1] && parts[2] === 'drives' && parts[3] && parts[4] === 'log')
        return {
          name: 'log',
          jobName: parts[1],
          driveId: parts[3],
          kind: parts[5] === 'verbose' ? 'verbose' : 'error',
        };
      if (parts[1]) return { name: 'job', jobName: parts[1] };
      return { name: 'jobs' };
    case 'new':
      return parts[1] ? { name: 'wizard', draftId: parts[1] } : { name: 'wizard' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'jobs' };
  }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'jobs':
      return '#/jobs';
    case 'drives':
      return '#/drives';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.jobName)}`;
    case 'log':
      return `#/jobs/${encodeURIComponent(route.jobName)}/drives/${encodeURIComponent(route.driveId)}/log${route.kind === 'verbose' ? '/verbose' : ''}`;
    case 'wizard':
      return route.draftId ? `#/new/${encodeURIComponent(route.draftId)}` : '#/new';
    case 'settings':
      return '#/settings';
  }
}

/** The nav's sections; a route lights up the section it belongs to. */
export type Section = 'jobs' | 'drives' | 'settings';

export function sectionOf(route: Route): Section | undefined {
  switch (route.name) {
    case 'jobs':
    case 'job':
    case 'log':
      return 'jobs';
    case 'drives':
      return 'drives';
    case 'settings':
      return 'settings';
    case 'wizard':
      return undefined;
  }
}
