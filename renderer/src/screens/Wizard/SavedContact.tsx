// The return address and contact of the last job created, offered while this step is still empty.
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useHaul } from '../../store';

export function SavedContact({ onUse }: { onUse(notificationEmails: string[]): void }) {
  const saved = useHaul((s) => s.wizard.savedContact);
  const current = useHaul((s) => s.wizard.values.shipping);
  const use = useHaul((s) => s.wizard.useSavedContact);
  const a = saved?.returnAddress;
  const empty = !current.returnAddress.recipientName && !current.returnAddress.streetAddress1;
  if (!saved || !a?.recipientName || !empty) return null;
  const carrier = saved.returnShipping.carrierName;
  return (
    <MessageBar intent="info" layout="multiline" data-testid="saved-contact">
      <MessageBarBody>
        <MessageBarTitle>The return address of your last job</MessageBarTitle>
        {[a.recipientName, a.streetAddress1, [a.postalCode, a.city].filter(Boolean).join(' '), a.countryOrRegion]
          .filter(Boolean)
          .join(', ')}
        {carrier ? ` · back with ${carrier}` : ''}
      </MessageBarBody>
      <MessageBarActions>
        <Button
          onClick={() => {
            use();
            onUse(saved.notificationEmails);
          }}
        >
          Use it
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
