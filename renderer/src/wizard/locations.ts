// A data center as the wizard lists it: its name and place, and where its drives go (shipToOf, the
// one rule the job page and the Ship dialog follow too).
import type { AddressView, LocationView } from '../../../shared/jobs/schemas';
import { shipToOf, type ShipTo } from '../../../shared/jobs/locations';

export interface LocationInfo extends ShipTo {
  name: string;
  city: string;
  country: string;
}

/** The address as lines, for an <address> block. */
export function addressLines(a: Partial<AddressView> | undefined): string[] {
  if (!a) return [];
  return [
    a.recipientName,
    a.streetAddress1,
    a.streetAddress2,
    [a.postalCode, a.city].filter(Boolean).join(' '),
    [a.stateOrProvince, a.countryOrRegion].filter(Boolean).join(', '),
    a.phone,
  ].filter((x): x is string => !!x);
}

export function locationOf(l: LocationView, all: LocationView[] = []): LocationInfo {
  return {
    ...shipToOf(l, all),
    name: l.name,
    city: l.address?.city ?? '',
    country: l.address?.countryOrRegion ?? '',
  };
}
