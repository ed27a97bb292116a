// Where a customer ships the drives of a data center, said the same way by the wizard, the job
// page and the Ship dialog. A location whose first alternate is another location is closed: its
// jobs go to that alternate (the service fills their shipping information from it), so the
// address, the carriers and the name to write on the package are the alternate's.
import type { AddressView, LocationView } from './schemas';

export interface ShipTo {
  /** the location the job names ("Sandbox North") */
  location: string;
  /** the job's location does not take drives now: they go to `shipTo` */
  closed: boolean;
  /** the data center that receives the drives ("Sandbox West"); the location itself when open */
  shipTo: string;
  /** its address, when known */
  address?: AddressView;
  /** carriers it takes; empty while unknown */
  carriers: string[];
}

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();
const slug = (ref: string) => norm(ref.slice(ref.lastIndexOf('/') + 1));

/** Whether a location answer is the one a reference names: its name, its short name or its id. */
export function isLocation(l: LocationView, ref: string): boolean {
  const key = slug(ref);
  return norm(l.name) === key || (l.id !== undefined && slug(l.id) === key);
}

/** The alternate a closed location sends its drives to (its reference), or undefined when it is open. */
export function alternateOf(l: LocationView): string | undefined {
  const first = l.alternateLocations[0];
  return first !== undefined && !isLocation(l, first) ? first : undefined;
}

/**
 * Where the drives of a job at `l` go. `all` is the service's list of locations (to find the
 * alternate's name, address and carriers); without it a closed location still says so.
 */
export function shipToOf(l: LocationView, all: readonly LocationView[] = []): ShipTo {
  const altRef = alternateOf(l);
  if (!altRef) {
    const listed = all.find((x) => isLocation(x, l.name));
    return {
      location: l.name,
      closed: false,
      shipTo: l.name,
      ...(l.address ? { address: l.address } : listed?.address ? { address: listed.address } : {}),
      carriers: l.supportedCarriers.length ? l.supportedCarriers : (listed?.supportedCarriers ?? []),
    };
  }
  const alt = all.find((x) => isLocation(x, altRef));
  const address = alt?.address ?? l.address;
  return {
    location: l.name,
    closed: true,
    shipTo: alt?.name ?? altRef.slice(altRef.lastIndexOf('/') + 1),
    ...(address ? { address } : {}),
    carriers: alt?.supportedCarriers.length ? alt.supportedCarriers : l.supportedCarriers,
  };
}

/** One sentence for a closed location: where to ship instead. */
export function closedText(s: ShipTo): string {
  return `${s.location} does not take drives now: ship them to ${s.shipTo} instead (the service sends this job's drives there).`;
}
