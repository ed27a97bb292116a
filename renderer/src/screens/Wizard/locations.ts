// A data center as the wizard shows it: name, address lines, carriers and its alternate.
import type { LocationView } from '../../../../shared/jobs/schemas';

export interface LocationInfo {
  name: string;
  city: string;
  country: string;
  addressLines: string[];
  carriers: string[];
  /** the alternate location's name, when it names one other than itself */
  alternate?: string;
}

export function locationOf(l: LocationView, all: LocationView[] = []): LocationInfo {
  const a = l.address ?? {};
  const lines = [
    a.recipientName,
    a.streetAddress1,
    a.streetAddress2,
    [a.postalCode, a.city].filter(Boolean).join(' '),
    [a.stateOrProvince, a.countryOrRegion].filter(Boolean).join(', '),
    a.phone,
  ].filter((x): x is string => !!x);
  // ARM names alternates by id (/providers/Microsoft.ImportExport/locations/<slug>); show the name.
  const nameOf = (ref: string) =>
    all.find((x) => x.id?.toLowerCase() === ref.toLowerCase() || x.name.toLowerCase() === ref.toLowerCase())?.name ??
    ref.split('/').pop() ??
    ref;
  const alternate = l.alternateLocations.map(nameOf).find((n) => n.toLowerCase() !== l.name.toLowerCase());
  return {
    name: l.name,
    city: a.city ?? '',
    country: a.countryOrRegion ?? '',
    addressLines: lines,
    carriers: l.supportedCarriers,
    ...(alternate ? { alternate } : {}),
  };
}
