// The app's frame: a header, the navigation, the current screen and a status bar; light or dark
// as the system is. The nav has labels in a wide window, icons in a medium one and becomes a menu
// in a narrow one (AppNav). Screens are chosen by the route (Screen.tsx), kept in the ui slice.
import { useEffect, useState } from 'react';
import { FluentProvider, makeStyles, Text, tokens, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useHaul } from './store';
import { startEvents } from './bridgeEvents';
import { Screen } from './Screen';
import { AppNav, NavMenuButton } from './components/AppNav';
import { StatusBar } from './components/StatusBar';
import { NotificationBell } from './components/Notifications/NotificationBell';
import { SettingsRecoveryNotice } from './screens/Settings/RecoveryNotice';
import { useFrameSize, useMediaQuery } from './hooks/useMediaQuery';
import { ScrollParent } from './components/ScrollParent';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateColumns: 'auto minmax(0, 1fr)',
    gridTemplateRows: 'auto minmax(0, 1fr) auto',
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
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    minHeight: '40px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase500 },
  headerEnd: { marginLeft: 'auto', display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  nav: { gridArea: 'nav', minHeight: 0, backgroundColor: tokens.colorNeutralBackground1 },
  main: { gridArea: 'main', overflow: 'auto', padding: tokens.spacingHorizontalXXL, minWidth: 0 },
  mainNarrow: { padding: tokens.spacingHorizontalM },
  status: { gridArea: 'status' },
});

export function App() {
  const styles = useStyles();
  const dark = useMediaQuery('(prefers-color-scheme: dark)');
  const size = useFrameSize();
  const route = useHaul((s) => s.ui.route);
  const load = useHaul((s) => s.app.load);
  const [main, setMain] = useState<HTMLElement | null>(null);

  useEffect(() => {
    startEvents();
    void load();
  }, [load]);

  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          {size === 'narrow' && <NavMenuButton />}
          <Text as="h1" className={styles.brand}>
            Haul
          </Text>
          {size === 'wide' && <Text>Import/Export jobs, from drives to data center and back</Text>}
          <div className={styles.headerEnd}>
            <NotificationBell />
          </div>
        </header>
        <div className={styles.nav}>
          <AppNav size={size} />
        </div>
        <main ref={setMain} className={size === 'wide' ? styles.main : `${styles.main} ${styles.mainNarrow}`}>
          <ScrollParent.Provider value={main}>
            <SettingsRecoveryNotice />
            <Screen route={route} />
          </ScrollParent.Provider>
        </main>
        <div className={styles.status}>
          <StatusBar />
        </div>
      </div>
    </FluentProvider>
  );
}
