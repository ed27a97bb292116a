import { FluentProvider, makeStyles, Text, Title3, tokens, webLightTheme } from '@fluentui/react-components';
import { Home } from './screens/Home';

const useStyles = makeStyles({
  shell: { minHeight: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  header: {
    display: 'flex', alignItems: 'baseline', gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorBrandBackground, color: tokens.colorNeutralForegroundOnBrand,
  },
  main: { padding: tokens.spacingHorizontalXXL, maxWidth: '1200px' },
});

export function App() {
  const styles = useStyles();
  return (
    <FluentProvider theme={webLightTheme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <Title3 as="h1">Haul</Title3>
          <Text>Prepare drives, ship them, and follow your Import/Export jobs until the drives come back.</Text>
        </header>
        <main className={styles.main}>
          <Home />
        </main>
      </div>
    </FluentProvider>
  );
}
