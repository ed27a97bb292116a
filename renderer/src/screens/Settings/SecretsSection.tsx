// How Haul protects BitLocker keys and sign-in records on this computer. In a browser the key
// sits in a file next to the data, which is weaker than the desktop app's keychain: say so.
import { Body1, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useHaul } from '../../store';

export function SecretsSection() {
  const secrets = useHaul((s) => s.settings.view?.secrets);
  if (!secrets) return null;
  if (secrets.store === 'os-keychain')
    return (
      <Body1 as="p" style={{ margin: 0 }} data-testid="secrets-note">
        {secrets.description}
      </Body1>
    );
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="secrets-note">
      <MessageBarBody>
        <MessageBarTitle>Weaker than the keychain</MessageBarTitle>
        {secrets.description}
      </MessageBarBody>
    </MessageBar>
  );
}
