// Where the person is in the app. The route lives in the URL's hash (#/jobs/myjob), so Back and
// Forward work and a notification can open a job by setting it.
import type { SliceCreator } from './slice';
import { parseRoute, routeHash, type Route } from '../routes';

export interface UiSlice {
  route: Route;
  navigate(route: Route): void;
  /** Called by events.ts when the hash changes (Back/Forward, a typed URL). */
  syncFromLocation(): void;
}

export const createUiSlice: SliceCreator<'ui'> = (set) => ({
  route: parseRoute(typeof location === 'undefined' ? '' : location.hash),
  navigate(route) {
    const hash = routeHash(route);
    if (location.hash !== hash) location.hash = hash;
    set({ route });
  },
  syncFromLocation() {
    set({ route: parseRoute(location.hash) });
  },
});
