// The sandbox's data centers. Invented places (no real addresses): customers ship drives here in
// the sandbox, and a job's shippingInformation is filled from its location.
import {
  RESOURCE_TYPE_LOCATIONS,
  shippingInformationOf,
  type Location,
  type ShippingInformation,
} from '../shared/arm/schemas';

const id = (slug: string) => `/providers/Microsoft.ImportExport/locations/${slug}`;

export const SANDBOX_LOCATIONS: readonly Location[] = [
  {
    id: id('sandboxwest'),
    name: 'Sandbox West',
    type: RESOURCE_TYPE_LOCATIONS,
    properties: {
      recipientName: 'Haul Sandbox Import/Export Service',
      streetAddress1: '100 Placeholder Loop, Dock 4',
      streetAddress2: 'Building W',
      city: 'Westfold',
      stateOrProvince: 'Sandbox State',
      postalCode: '00001',
      countryOrRegion: 'Sandboxia',
      phone: '+00 100 000 0001',
      additionalShippingInformation: 'Write the job name on the outside of the package.',
      supportedCarriers: ['FedEx', 'UPS', 'DHL'],
      alternateLocations: [id('sandboxwest')],
    },
  },
  {
    id: id('sandboxeast'),
    name: 'Sandbox East',
    type: RESOURCE_TYPE_LOCATIONS,
    properties: {
      recipientName: 'Haul Sandbox Import/Export Service',
      streetAddress1: '7 Example Quay',
      streetAddress2: '',
      city: 'Eastmarch',
      stateOrProvince: 'Sandbox State',
      postalCode: '00007',
      countryOrRegion: 'Sandboxia',
      phone: '+00 100 000 0007',
      additionalShippingInformation: '',
      supportedCarriers: ['FedEx', 'DHL', 'TNT'],
      alternateLocations: [id('sandboxeast')],
    },
  },
  {
    // Temporarily closed for maintenance: jobs created here ship to Sandbox West instead.
    id: id('sandboxnorth'),
    name: 'Sandbox North',
    type: RESOURCE_TYPE_LOCATIONS,
    properties: {
      recipientName: 'Haul Sandbox Import/Export Service',
      streetAddress1: '3 Nowhere Street',
      streetAddress2: '',
      city: 'Northreach',
      stateOrProvince: 'Sandbox State',
      postalCode: '00003',
      countryOrRegion: 'Sandboxia',
      phone: '+00 100 000 0003',
      additionalShippingInformation: 'Closed for maintenance: ship to Sandbox West.',
      supportedCarriers: ['UPS'],
      alternateLocations: [id('sandboxwest')],
    },
  },
];

const slugOf = (l: Location) => l.id.slice(l.id.lastIndexOf('/') + 1);
const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** Finds a location by display name ("Sandbox West"), short name ("sandboxwest") or resource id. */
export function findLocation(nameOrId: string): Location | undefined {
  const key = norm(nameOrId.slice(nameOrId.lastIndexOf('/') + 1));
  return SANDBOX_LOCATIONS.find((l) => slugOf(l) === key || norm(l.name) === key);
}

export function locationNames(): string {
  return SANDBOX_LOCATIONS.map((l) => `"${l.name}" (${slugOf(l)})`).join(', ');
}

/** Where the customer ships the drives: the location itself, or its first open alternate. */
export function shippingLocation(loc: Location): Location {
  const alt = loc.properties.alternateLocations[0];
  return (alt && alt !== loc.id ? findLocation(alt) : undefined) ?? loc;
}

export function shippingInformationFor(loc: Location): ShippingInformation {
  return shippingInformationOf(shippingLocation(loc).properties);
}

export const OPERATIONS = [
  {
    name: 'Microsoft.ImportExport/locations/read',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Locations',
      operation: 'Get or List Locations',
      description: 'Gets the properties for the specified location or returns the list of locations.',
    },
  },
  {
    name: 'Microsoft.ImportExport/jobs/write',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Jobs',
      operation: 'Create or Update Job',
      description:
        'Creates a job with the specified parameters or update the properties or tags for the specified job.',
    },
  },
  {
    name: 'Microsoft.ImportExport/jobs/read',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Jobs',
      operation: 'Get or List Jobs',
      description: 'Gets the properties for the specified job or returns the list of jobs.',
    },
  },
  {
    name: 'Microsoft.ImportExport/jobs/listBitLockerKeys/action',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Jobs',
      operation: 'List BitLocker Keys',
      description: 'Gets the BitLocker keys for the specified job.',
    },
  },
  {
    name: 'Microsoft.ImportExport/jobs/delete',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Jobs',
      operation: 'Delete Job',
      description: 'Deletes an existing job.',
    },
  },
  {
    name: 'Microsoft.ImportExport/register/action',
    display: {
      provider: 'Microsoft Import/Export',
      resource: 'Import/Export Resource Provider',
      operation: 'Registers the Import/Export Resource Provider',
      description:
        'Registers the subscription for the import/export resource provider and enables the creation of import/export jobs.',
    },
  },
] as const;
