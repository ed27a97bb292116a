// The job's facts: the data center's address (where the package goes), the return address and
// shipping, the packages both ways, the contact, and for an export job what it exports.
import { Body1, Caption1, Card, CardHeader, makeStyles, Subtitle2, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import type { AddressView, JobView } from '../../../../shared/jobs/schemas';
import { closedText } from '../../../../shared/jobs/locations';
import { formatDate, plural } from '../../format';
import { useShipTo } from './useShipTo';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 240px), 1fr))',
    gap: tokens.spacingHorizontalL,
  },
  card: { minWidth: 0 },
  address: { fontStyle: 'normal', whiteSpace: 'pre-line', overflowWrap: 'anywhere' },
  facts: {
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
    overflowWrap: 'anywhere',
    '& dd': { marginBottom: tokens.spacingVerticalS },
  },
  label: { color: tokens.colorNeutralForeground3 },
  id: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  paths: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    fontFamily: tokens.fontFamilyMonospace,
    overflowWrap: 'anywhere',
    maxHeight: '200px',
    overflowY: 'auto',
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

export function addressLines(a: Partial<AddressView> | undefined): string[] {
  if (!a) return [];
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [
    a.recipientName,
    a.streetAddress1,
    a.streetAddress2,
    [cityLine, a.stateOrProvince].filter(Boolean).join(', '),
    a.countryOrRegion,
    a.phone && `Phone ${a.phone}`,
    a.email,
  ].filter((l): l is string => Boolean(l));
}

export function Address({ address, testId }: { address: Partial<AddressView> | undefined; testId?: string }) {
  const styles = useStyles();
  const lines = addressLines(address);
  if (lines.length === 0) return <Body1 className={styles.muted}>Not set</Body1>;
  return (
    <address className={styles.address} data-testid={testId}>
      {lines.join('\n')}
    </address>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.label}>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function Details({ job }: { job: JobView }) {
  const shipTo = useShipTo(job);
  const styles = useStyles();
  return (
    <div className={styles.grid}>
      {job.export && <ExportCard exported={job.export} />}
      <Card className={styles.card} aria-labelledby="datacenter-title">
        <CardHeader
          header={
            <Subtitle2 as="h3" id="datacenter-title">
              Ship the drives to
            </Subtitle2>
          }
          description={<Caption1 className={styles.muted}>{shipTo.shipTo}</Caption1>}
        />
        {shipTo.closed && <Caption1 data-testid="job-location-closed">{closedText(shipTo)}</Caption1>}
        <Address address={shipTo.address} testId="job-ship-to" />
        {shipTo.address?.additionalInformation && <Caption1>{shipTo.address.additionalInformation}</Caption1>}
      </Card>
      <Card className={styles.card} aria-labelledby="return-title">
        <CardHeader
          header={
            <Subtitle2 as="h3" id="return-title">
              Return address
            </Subtitle2>
          }
        />
        <Address address={job.returnAddress} testId="return-address" />
        {job.returnShipping && (
          <Caption1>
            Returned with {job.returnShipping.carrierName}, account {job.returnShipping.carrierAccountNumber}
          </Caption1>
        )}
      </Card>
      <PackagesCard job={job} />
    </div>
  );
}

/** What an export job exports: the blobs, the prefixes, and the blob list. */
function ExportCard({ exported }: { exported: NonNullable<JobView['export']> }) {
  const styles = useStyles();
  return (
    <Card className={styles.card} aria-labelledby="export-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="export-title">
            What is exported
          </Subtitle2>
        }
      />
      {exported.blobPaths.length > 0 && (
        <>
          <Caption1 className={styles.muted}>Blobs</Caption1>
          <ul className={styles.paths} data-testid="export-paths">
            {exported.blobPaths.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {exported.blobPathPrefixes.length > 0 && (
        <>
          <Caption1 className={styles.muted}>Every blob under</Caption1>
          <ul className={styles.paths} data-testid="export-prefixes">
            {exported.blobPathPrefixes.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {exported.blobListBlobPath && <Body1>Blob list in {exported.blobListBlobPath}</Body1>}
    </Card>
  );
}

/** The packages both ways, with their tracking numbers, the contact and the log level. */
function PackagesCard({ job }: { job: JobView }) {
  const styles = useStyles();
  const dp = job.deliveryPackage;
  const rp = job.returnPackage;
  return (
    <Card className={styles.card} aria-labelledby="packages-title">
      <CardHeader
        header={
          <Subtitle2 as="h3" id="packages-title">
            Packages
          </Subtitle2>
        }
      />
      <dl className={styles.facts}>
        <Fact label="To the data center">
          {dp ? (
            <>
              {`${dp.carrierName}, tracking `}
              <span className={styles.id} data-testid="tracking-number">
                {dp.trackingNumber}
              </span>
              {`${dp.driveCount ? `, ${plural(dp.driveCount, 'drive')}` : ''}${dp.shipDate ? `, shipped ${formatDate(dp.shipDate)}` : ''}`}
            </>
          ) : (
            'not shipped yet'
          )}
        </Fact>
        <Fact label="Back to you">
          {rp ? (
            <>
              {`${rp.carrierName}, tracking `}
              <span className={styles.id} data-testid="return-tracking-number">
                {rp.trackingNumber}
              </span>
              {`, ${plural(rp.driveCount, 'drive')}, shipped ${formatDate(rp.shipDate)}`}
            </>
          ) : (
            'not shipped back yet'
          )}
        </Fact>
        <Fact label="Contact">
          {[job.contact.name, job.contact.phone, ...job.contact.emails].filter(Boolean).join(', ') || 'none'}
        </Fact>
        <Fact label="Log level">{job.logLevel}</Fact>
      </dl>
    </Card>
  );
}
