// Settings: one card per section (sections.tsx), where the settings file is, and what went wrong
// saving, if anything (the switch goes back to what is saved).
import { useEffect } from 'react';
import {
  Body1,
  Caption1,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  Title2,
  tokens,
} from '@fluentui/react-components';
import { useHaul } from '../../store';
import { SETTINGS_SECTIONS } from './sections';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '760px' },
  heading: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  title: { margin: 0 },
  intro: { color: tokens.colorNeutralForeground2, margin: 0 },
  file: { color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

export function SettingsScreen() {
  const styles = useStyles();
  const view = useHaul((s) => s.settings.view);
  const error = useHaul((s) => s.settings.error);
  const load = useHaul((s) => s.settings.load);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="settings-title" className={styles.page}>
      <div className={styles.heading}>
        <Title2 as="h2" id="settings-title" className={styles.title}>
          Settings
        </Title2>
        <Body1 as="p" className={styles.intro}>
          Changes are saved as you make them.
        </Body1>
      </div>
      {error && (
        <MessageBar intent="error" layout="multiline" data-testid="settings-error">
          <MessageBarBody>
            <MessageBarTitle>Not saved</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      {!view ? (
        <Spinner size="tiny" label="Reading the settings…" />
      ) : (
        <>
          {SETTINGS_SECTIONS.map(({ id, title, icon: Icon, Component }) => (
            <Card key={id} aria-labelledby={`settings-${id}`} data-testid={`settings-section-${id}`}>
              <CardHeader
                image={<Icon fontSize={20} aria-hidden />}
                header={<Subtitle2 id={`settings-${id}`}>{title}</Subtitle2>}
              />
              <Component />
            </Card>
          ))}
          <Caption1 className={styles.file}>
            Settings file: <span className={styles.mono}>{view.file}</span>
          </Caption1>
        </>
      )}
    </section>
  );
}
