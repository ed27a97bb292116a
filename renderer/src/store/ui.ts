// Where the person is in the app, and whether the small window's menu is open. The route lives in
// the URL's hash (#/jobs/myjob), so Back and Forward work and a notification can open a job.
import type { SliceCreator } from './slice';
import { parseRoute, routeHash, type Route } from '../routes';

export interface UiSlice {
  route: Route;
  /** The nav as a menu (a narrow window): open or not. */
  menuOpen: boolean;
  navigate(route: Route): void;
  setMenuOpen(open: boolean): void;
  /** Called by bridgeEvents.ts when the hash changes (Back/Forward, a typed URL). */
  syncFromLocation(): void;
}

declare module './slice' {
  interface HaulState {
    ui: UiSlice;
  }
}

export const createUiSlice: SliceCreator<'ui'> = (set) => ({
  route: parseRoute(typeof location === 'undefined' ? '' : location.hash),
  menuOpen: false,
  navigate(route) {
    const hash = routeHash(route);
    if (location.hash !== hash) location.hash = hash;
    set({ route, menuOpen: false });
  },
  setMenuOpen(menuOpen) {
    set({ menuOpen });
  },
  syncFromLocation() {
    set({ route: parseRoute(location.hash), menuOpen: false });
  },
});
