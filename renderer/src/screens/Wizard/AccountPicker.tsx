// The storage accounts of the connected resource group (the ARM storage-accounts list), to pick
// with a click; the Storage account field accepts only one of them while the list is known (typed
// with the keyboard, the field is the way there). When they cannot be listed, the field takes
// free text and says so.
import { Button, Caption1 } from '@fluentui/react-components';
import { useStepStyles } from './parts';

export function AccountPicker({
  accounts,
  error,
  where,
  chosen,
  onPick,
}: {
  accounts: Array<{ name: string }> | undefined;
  error: string | undefined;
  where: string | undefined;
  chosen: string | undefined;
  onPick(name: string): void;
}) {
  const styles = useStepStyles();
  const group = where ?? 'the connected resource group';
  if (error)
    return (
      <Caption1 className={styles.muted} data-testid="storage-accounts-error" style={{ marginTop: '-8px' }}>
        Haul could not list the storage accounts ({error}); type the account&apos;s name or resource id.
      </Caption1>
    );
  if (!accounts) return null;
  if (!accounts.length)
    return (
      <Caption1 className={styles.muted} data-testid="storage-accounts" style={{ marginTop: '-8px' }}>
        There is no storage account in {group}: create one in the Azure portal first.
      </Caption1>
    );
  return (
    <div className={styles.actions} data-testid="storage-accounts" style={{ marginTop: '-8px' }}>
      <Caption1 className={styles.muted}>Storage accounts in {group}:</Caption1>
      {accounts.map((a) => (
        // Typing the name in the field above is the keyboard's way; these are the mouse's.
        <Button
          key={a.name}
          size="small"
          tabIndex={-1}
          appearance={chosen?.trim().toLowerCase() === a.name ? 'primary' : 'outline'}
          onClick={() => onPick(a.name)}
        >
          {a.name}
        </Button>
      ))}
    </div>
  );
}
