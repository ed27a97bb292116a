// The screen a route shows. Apart from routes.ts so that the route module stays pure: the store
// reads routes, and only the app's frame reaches the screens.
import type { Route } from './routes';
import { DrivesScreen } from './screens/Drives/DrivesScreen';
import { JobsScreen } from './screens/Jobs/JobsScreen';
import { SettingsScreen } from './screens/Settings/SettingsScreen';
import { JobDetailScreen } from './screens/JobDetail/JobDetailScreen';
import { LogScreen } from './screens/Logs/LogScreen';
import { WizardScreen } from './screens/Wizard/WizardScreen';

export function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'jobs':
      return <JobsScreen />;
    case 'drives':
      return <DrivesScreen />;
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
    case 'wizard':
      return <WizardScreen draftId={route.draftId} />;
    case 'settings':
      return <SettingsScreen />;
  }
}
