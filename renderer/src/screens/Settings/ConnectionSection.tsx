// Where Haul's jobs live: the local sandbox service that ships with Haul (the default), or Azure —
// sign in (the browser, or a code to enter on another device), pick a subscription and a resource
// group, and use them. Tokens never reach this screen; only who is signed in.
import { useEffect, useState } from 'react';
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Option,
  Radio,
  RadioGroup,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import type { ConnectionStatus } from '../../../../shared/ipc/channels/settings';
import { useHaul } from '../../store';

const useStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  pickers: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))',
    gap: tokens.spacingHorizontalM,
  },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase500, letterSpacing: '2px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const STATE_BADGE = {
  ready: { text: 'connected', color: 'success' },
  starting: { text: 'starting', color: 'informative' },
  'signed-out': { text: 'signed out', color: 'warning' },
  'signing-in': { text: 'signing in', color: 'informative' },
  choose: { text: 'choose', color: 'informative' },
  failed: { text: 'not connected', color: 'danger' },
} as const;

export function ConnectionSection() {
  const styles = useStyles();
  const s = useHaul((st) => st.settings);
  const status = s.connection;
  const [choice, setChoice] = useState<'local' | 'azure' | undefined>(undefined);
  const [subscriptionId, setSubscriptionId] = useState<string>();
  const [resourceGroup, setResourceGroup] = useState<string>();
  const { loadConnection, loadSubscriptions, loadResourceGroups } = s;

  useEffect(() => {
    void loadConnection();
  }, [loadConnection]);
  const shown = choice ?? status?.kind ?? 'local';
  useEffect(() => {
    if (shown === 'azure' && status?.signedIn && !s.subscriptions) void loadSubscriptions();
  }, [shown, status?.signedIn, s.subscriptions, loadSubscriptions]);
  useEffect(() => {
    if (subscriptionId) void loadResourceGroups(subscriptionId);
  }, [subscriptionId, loadResourceGroups]);

  if (!status) return <Spinner size="tiny" label="Asking main…" />;

  return (
    <div className={styles.stack}>
      <ConnectionNow status={status} />
      <RadioGroup
        value={shown}
        onChange={(_e, d) => setChoice(d.value as 'local' | 'azure')}
        aria-label="Where your jobs are"
        layout="horizontal"
      >
        <Radio value="local" label="Local sandbox (on this computer)" />
        <Radio value="azure" label="Azure" />
      </RadioGroup>

      {s.connectionError && (
        <MessageBar intent="error" layout="multiline" data-testid="connection-error">
          <MessageBarBody>{s.connectionError}</MessageBarBody>
        </MessageBar>
      )}

      {shown === 'local' && status.kind !== 'local' && (
        <div className={styles.row}>
          <Button appearance="primary" disabled={s.busy} onClick={() => void s.useConnection({ kind: 'local' })}>
            Use the local sandbox
          </Button>
          <Caption1 className={styles.muted}>
            Your Azure jobs stay in Azure; Haul shows the sandbox's jobs instead.
          </Caption1>
        </div>
      )}

      {shown === 'azure' && status.state === 'signing-in' && <SigningIn status={status} />}
      {shown === 'azure' && status.state !== 'signing-in' && !status.signedIn && <SignIn status={status} />}
      {shown === 'azure' && status.signedIn && (
        <AzureResourceGroup
          status={status}
          subscriptionId={subscriptionId}
          resourceGroup={resourceGroup}
          onSubscription={(id) => {
            setSubscriptionId(id);
            setResourceGroup(undefined);
          }}
          onResourceGroup={setResourceGroup}
        />
      )}
    </div>
  );
}

/** Where the jobs are now: the connection's name and state, its resource group or the sandbox's address. */
function ConnectionNow({ status }: { status: ConnectionStatus }) {
  const styles = useStyles();
  const service = useHaul((st) => st.app.service);
  const badge = STATE_BADGE[status.state];
  return (
    <div className={styles.row}>
      <Body1>
        Now: <strong data-testid="connection-label">{status.label}</strong>
      </Body1>
      <Badge appearance="tint" size="small" color={badge.color} data-testid="connection-state">
        {badge.text}
      </Badge>
      {status.kind === 'azure' && status.resourceGroup && (
        <Caption1 className={styles.muted}>resource group {status.resourceGroup}</Caption1>
      )}
      {status.kind === 'local' && service?.endpoint && <Caption1 className={styles.muted}>{service.endpoint}</Caption1>}
    </div>
  );
}

/** Signing in: the code to enter on another device, or a wait for the browser. */
function SigningIn({ status }: { status: ConnectionStatus }) {
  const styles = useStyles();
  return (
    <div className={styles.stack} data-testid="connection-signing-in">
      {status.deviceCode ? (
        <>
          <Body1>
            On any device, open{' '}
            <Link href={status.deviceCode.verificationUri} target="_blank" rel="noreferrer">
              {status.deviceCode.verificationUri}
            </Link>{' '}
            and enter this code:
          </Body1>
          <span className={styles.code} data-testid="device-code">
            {status.deviceCode.userCode}
          </span>
        </>
      ) : (
        <Spinner size="tiny" label="Finish signing in in your browser…" labelPosition="after" />
      )}
    </div>
  );
}

/** Signed out of Azure: sign in with the browser, or with a code on another device. */
function SignIn({ status }: { status: ConnectionStatus }) {
  const styles = useStyles();
  const signIn = useHaul((st) => st.settings.signIn);
  return (
    <div className={styles.stack}>
      <Body1>
        {status.account
          ? `Sign in again as ${status.account} to reach your jobs in Azure.`
          : 'Sign in with the account that holds your Import/Export jobs.'}
      </Body1>
      <div className={styles.row}>
        <Button appearance="primary" onClick={() => void signIn('browser')} data-testid="sign-in-browser">
          Sign in with the browser
        </Button>
        <Button onClick={() => void signIn('device-code')} data-testid="sign-in-code">
          Sign in with a code
        </Button>
      </div>
      <Caption1 className={styles.muted}>
        No browser on this computer (a station over SSH)? Use a code and sign in on another device.
      </Caption1>
    </div>
  );
}

/** Signed in to Azure: who, Sign out, and the subscription and resource group to use. */
function AzureResourceGroup({
  status,
  subscriptionId,
  resourceGroup,
  onSubscription,
  onResourceGroup,
}: {
  status: ConnectionStatus;
  subscriptionId: string | undefined;
  resourceGroup: string | undefined;
  onSubscription: (id: string | undefined) => void;
  onResourceGroup: (name: string | undefined) => void;
}) {
  const styles = useStyles();
  const s = useHaul((st) => st.settings);
  const subscription = s.subscriptions?.find((x) => x.subscriptionId === subscriptionId);
  const groups = s.resourceGroups?.subscriptionId === subscriptionId ? s.resourceGroups?.list : undefined;
  return (
    <div className={styles.stack}>
      <div className={styles.row}>
        <Body1>Signed in{status.account ? ` as ${status.account}` : ''}.</Body1>
        <Button size="small" appearance="subtle" onClick={() => void s.signOut()}>
          Sign out
        </Button>
      </div>
      <div className={styles.pickers}>
        <Field label="Subscription">
          <Dropdown
            placeholder={s.subscriptions ? 'Choose a subscription' : 'Loading…'}
            value={subscription?.displayName ?? ''}
            selectedOptions={subscriptionId ? [subscriptionId] : []}
            onOptionSelect={(_e, d) => onSubscription(d.optionValue)}
          >
            {(s.subscriptions ?? []).map((x) => (
              <Option key={x.subscriptionId} value={x.subscriptionId} text={x.displayName}>
                {x.displayName}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Resource group">
          <Dropdown
            placeholder={
              subscriptionId ? (groups ? 'Choose a resource group' : 'Loading…') : 'Choose a subscription first'
            }
            disabled={!groups}
            value={resourceGroup ?? ''}
            selectedOptions={resourceGroup ? [resourceGroup] : []}
            onOptionSelect={(_e, d) => onResourceGroup(d.optionValue)}
          >
            {(groups ?? []).map((g) => (
              <Option key={g.name} value={g.name} text={g.name}>{`${g.name} (${g.location})`}</Option>
            ))}
          </Dropdown>
        </Field>
      </div>
      <div className={styles.row}>
        <Button
          appearance="primary"
          disabled={!subscriptionId || !resourceGroup || s.busy}
          onClick={() =>
            subscriptionId &&
            resourceGroup &&
            void s.useConnection({
              kind: 'azure',
              subscriptionId,
              resourceGroup,
              ...(subscription ? { subscriptionName: subscription.displayName } : {}),
            })
          }
        >
          Use this resource group
        </Button>
      </div>
    </div>
  );
}
