// The app's screens and their addresses (#/jobs, #/jobs/<name>, #/drives …). Add a screen by
// adding its route here, its case in parseRoute/routeHash, and (if it has one) its nav item.
import type { ReactElement } from 'react';
import type { FluentIcon } from '@fluentui/react-icons';
import { BriefcaseRegular, HardDriveRegular, SettingsRegular } from '@fluentui/react-icons';
import { DrivesScreen } from './screens/Drives/DrivesScreen';
import { JobsScreen } from './screens/Jobs/JobsScreen';
import { SettingsScreen } from './screens/Settings/SettingsScreen';
import { JobDetailScreen } from './screens/JobDetail/JobDetailScreen';
import { LogScreen } from './screens/Logs/LogScreen';
import { WizardScreen } from './screens/Wizard/WizardScreen';
import { ReportScreen } from './screens/Report/ReportScreen';
import { ReceivedScreen } from './screens/Report/ReceivedScreen';

export type Route =
  | { name: 'jobs' }
  | { name: 'drives' }
  // --- issue 9
  | { name: 'job'; jobName: string }
  | { name: 'log'; jobName: string; driveId: string; kind: 'error' | 'verbose' }

  // --- issue 10: wizard
  | { name: 'wizard'; draftId?: string }

  // --- issue 8: settings
  | { name: 'settings' }

  // --- the end of a job: the completion report, an export job's returned drives
  | { name: 'report'; jobName: string }
  | { name: 'received'; jobName: string };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'drives':
      return { name: 'drives' };

    // --- issue 9
    case 'jobs':
      // #/jobs/<name>, #/jobs/<name>/drives/<driveId>/log[/verbose]
      if (parts[1] && parts[2] === 'drives' && parts[3] && parts[4] === 'log')
        return {
          name: 'log',
          jobName: parts[1],
          driveId: parts[3],
          kind: parts[5] === 'verbose' ? 'verbose' : 'error',
        };
      if (parts[1] && parts[2] === 'report') return { name: 'report', jobName: parts[1] };
      if (parts[1] && parts[2] === 'received') return { name: 'received', jobName: parts[1] };
      if (parts[1]) return { name: 'job', jobName: parts[1] };
      return { name: 'jobs' };

    // --- issue 10
    case 'new':
      return parts[1] ? { name: 'wizard', draftId: parts[1] } : { name: 'wizard' };

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
    case 'job':
      return `#/jobs/${encodeURIComponent(route.jobName)}`;
    case 'log':
      return `#/jobs/${encodeURIComponent(route.jobName)}/drives/${encodeURIComponent(route.driveId)}/log${route.kind === 'verbose' ? '/verbose' : ''}`;

    // --- issue 10
    case 'wizard':
      return route.draftId ? `#/new/${encodeURIComponent(route.draftId)}` : '#/new';

    // --- issue 8
    case 'settings':
      return '#/settings';

    case 'report':
      return `#/jobs/${encodeURIComponent(route.jobName)}/report`;
    case 'received':
      return `#/jobs/${encodeURIComponent(route.jobName)}/received`;
  }
}

export function screenFor(route: Route): ReactElement {
  switch (route.name) {
    case 'jobs':
      return <JobsScreen />;
    case 'drives':
      return <DrivesScreen />;

    // --- issue 9
    case 'job':
      return <JobDetailScreen key={route.jobName} jobName={route.jobName} />;
    case 'log':
      return (
        <LogScreen
          key={`${route.jobName}/${route.driveId}/${route.kind}`}
          jobName={route.jobName}
          driveId={route.driveId}
          kind={route.kind}
        />
      );

    // --- issue 10
    case 'wizard':
      return <WizardScreen draftId={route.draftId} />;

    // --- issue 8
    case 'settings':
      return <SettingsScreen />;

    case 'report':
      return <ReportScreen key={route.jobName} jobName={route.jobName} />;
    case 'received':
      return <ReceivedScreen key={route.jobName} jobName={route.jobName} />;
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
  {
    label: 'Jobs',
    icon: BriefcaseRegular,
    route: { name: 'jobs' },
    matches: ['jobs', 'job', 'log', 'report', 'received'],
  },
  { label: 'Drives', icon: HardDriveRegular, route: { name: 'drives' }, matches: ['drives'] },

  // --- issue 8: settings
  { label: 'Settings', icon: SettingsRegular, route: { name: 'settings' }, matches: ['settings'] },
];

/** Jobs' "New job": the wizard's screen (issue 10 adds its route; until then its address). */
export function openNewJob(): void {
  location.hash = '#/new';
}
