// The app's screens and their addresses (#/jobs, #/jobs/<name>, #/drives …). Add a screen by
// adding its route here, its case in parseRoute/routeHash, and (if it has one) its nav item.
import type { ReactElement } from 'react';
import type { FluentIcon } from '@fluentui/react-icons';
import { BriefcaseRegular, HardDriveRegular, SettingsRegular } from '@fluentui/react-icons';
import { DrivesScreen } from './screens/Drives/DrivesScreen';
import { JobsScreen } from './screens/Jobs/JobsScreen';
import { SettingsScreen } from './screens/Settings/SettingsScreen';

export type Route =
  | { name: 'jobs' }
  | { name: 'drives' }
  // --- issue 9: { name: 'job'; jobName: string } …

  // --- issue 10: wizard

  // --- issue 8: settings
  | { name: 'settings' }
  ;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'drives':
      return { name: 'drives' };

    // --- issue 9

    // --- issue 10

    // --- issue 8
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

    // --- issue 9

    // --- issue 10

    // --- issue 8
    case 'settings':
      return '#/settings';
  }
}

export function screenFor(route: Route): ReactElement {
  switch (route.name) {
    case 'jobs':
      return <JobsScreen />;
    case 'drives':
      return <DrivesScreen />;

    // --- issue 9

    // --- issue 10

    // --- issue 8
    case 'settings':
      return <SettingsScreen />;
  }
}

export interface NavItem {
  label: string;
  icon: FluentIcon;
  route: Route;
  /** Which routes light this item up. */
  matches: Array<Route['name']>;
}

export const NAV: NavItem[] = [
  { label: 'Jobs', icon: BriefcaseRegular, route: { name: 'jobs' }, matches: ['jobs'] },
  { label: 'Drives', icon: HardDriveRegular, route: { name: 'drives' }, matches: ['drives'] },

  // --- issue 8: settings
  { label: 'Settings', icon: SettingsRegular, route: { name: 'settings' }, matches: ['settings'] },
];
