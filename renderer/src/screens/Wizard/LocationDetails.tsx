// The chosen data center: where the drives are shipped (its address, or its alternate's when it
// is closed, with a button to choose that one), and the carriers it takes.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { closedText } from '../../../../shared/jobs/locations';
import { addressLines, type LocationInfo } from '../../wizard/locations';
import { useStepStyles } from './parts';

export function LocationDetails({ location, onUse }: { location: LocationInfo; onUse(name: string): void }) {
  const styles = useStepStyles();
  return (
    <>
      {location.closed && (
        <MessageBar intent="warning" layout="multiline" data-testid="location-closed">
          <MessageBarBody>
            <MessageBarTitle>{location.name} is closed</MessageBarTitle>
            {closedText(location)}
            {location.address?.additionalInformation ? ` ${location.address.additionalInformation}` : ''}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => onUse(location.shipTo)}>Use {location.shipTo}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <div className={styles.row} data-testid="location-details">
        <div className={styles.grow}>
          <Caption1 className={styles.muted}>Ship the drives to{location.closed ? ` ${location.shipTo}` : ''}</Caption1>
          <address style={{ fontStyle: 'normal' }} data-testid="location-address">
            {addressLines(location.address).map((line) => (
              <Body1 block key={line}>
                {line}
              </Body1>
            ))}
          </address>
        </div>
        <div className={styles.grow}>
          <Caption1 className={styles.muted}>Carriers {location.shipTo} takes</Caption1>
          <div className={styles.actions} data-testid="location-carriers">
            {location.carriers.map((c) => (
              <Badge key={c} appearance="tint">
                {c}
              </Badge>
            ))}
          </div>
        </div>
      </div>
    </>
  );
}
