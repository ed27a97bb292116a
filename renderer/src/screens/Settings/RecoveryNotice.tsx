// Shown above every screen when main found the settings file damaged at start: Haul runs on
// default settings, the old file is kept where it says, and the person can check their choices.
import { useEffect } from 'react';
import {
  Button,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useHaul } from '../../store';

export function SettingsRecoveryNotice() {
  const view = useHaul((s) => s.settings.view);
  const dismissed = useHaul((s) => s.settings.recoveryDismissed);
  const load = useHaul((s) => s.settings.load);
  const dismiss = useHaul((s) => s.settings.dismissRecovery);
  const onSettings = useHaul((s) => s.ui.route.name === 'settings');

  useEffect(() => {
    void load();
  }, [load]);

  if (!view?.recovered || dismissed) return null;
  return (
    <MessageBar
      intent="warning"
      layout="multiline"
      style={{ marginBottom: tokens.spacingVerticalL }}
      data-testid="settings-recovered"
    >
      <MessageBarBody>
        <MessageBarTitle>Your settings were reset</MessageBarTitle>
        Haul could not read its settings file because {view.recovered.reason}. It kept the file as{' '}
        <code>{view.recovered.movedTo}</code> and started with the default settings.{' '}
        {onSettings ? 'Check your choices below.' : <Link href="#/settings">Check your settings.</Link>}
      </MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button appearance="transparent" aria-label="Close" icon={<DismissRegular />} onClick={dismiss} />
        }
      />
    </MessageBar>
  );
}
