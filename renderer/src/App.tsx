// The app's frame: a navigation rail, the current screen, and a status bar; light or dark as the
// system is. Screens are chosen by the route (routes.tsx), kept in the store's ui slice.
import { useEffect, useState } from 'react';
import {
  FluentProvider,
  makeStyles,
  Text,
  tokens,
  webDarkTheme,
  webLightTheme,
  mergeClasses,
} from '@fluentui/react-components';
import { NAV, screenFor } from './routes';
import { useHaul } from './store';
import { startEvents } from './bridgeEvents';
import { StatusBar } from './components/StatusBar';
import { NotificationBell } from './components/Notifications/NotificationBell';
import { SettingsRecoveryNotice } from './screens/Settings/RecoveryNotice';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gridTemplateRows: 'auto 1fr auto',
    gridTemplateAreas: '"header header" "nav main" "status status"',
    height: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  header: {
    gridArea: 'header',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase500 },
  headerEnd: { marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  nav: {
    gridArea: 'nav',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingVerticalS,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: '160px',
  },
  navItem: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: 'none',
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase300,
    fontFamily: 'inherit',
    textAlign: 'left',
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  navItemActive: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    color: tokens.colorNeutralForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
  main: { gridArea: 'main', overflow: 'auto', padding: tokens.spacingHorizontalXXL, minWidth: 0 },
  status: { gridArea: 'status' },
});

function useSystemDark(): boolean {
  const query =
    typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  return dark;
}

export function App() {
  const styles = useStyles();
  const dark = useSystemDark();
  const route = useHaul((s) => s.ui.route);
  const navigate = useHaul((s) => s.ui.navigate);
  const load = useHaul((s) => s.app.load);

  useEffect(() => {
    startEvents();
    void load();
  }, [load]);

  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <Text as="h1" className={styles.brand}>
            Haul
          </Text>
          <Text>Import/Export jobs, from drives to data center and back</Text>
          <div className={styles.headerEnd}>
            <NotificationBell />
          </div>
        </header>
        <nav className={styles.nav} aria-label="Haul">
          {NAV.map((item) => {
            const active = item.matches.includes(route.name);
            const Icon = item.icon;
            return (
              <button
                key={item.label}
                type="button"
                className={mergeClasses(styles.navItem, active && styles.navItemActive)}
                aria-current={active ? 'page' : undefined}
                onClick={() => navigate(item.route)}
              >
                <Icon fontSize={20} aria-hidden />
                {item.label}
              </button>
            );
          })}
        </nav>
        <main className={styles.main}>
          {/* Says so when the settings file was damaged and reset */}
          <SettingsRecoveryNotice />
          {screenFor(route)}
        </main>
        <div className={styles.status}>
          <StatusBar />
        </div>
      </div>
    </FluentProvider>
  );
}
