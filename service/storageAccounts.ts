// The storage accounts of the sandbox as the ARM API of Microsoft.Storage shows them: list by
// subscription, list by resource group, get. Read-only: accounts are added with
// `--storage-account` or `haul ops add-storage-account`. The shape is Azure's `StorageAccount`
// (api-version 2025-08-01, the one @azure/arm-storage sends), holding only what is true of the
// sandbox storage (Azurite): one blob endpoint over http, no keys (Azure lists keys only with
// listKeys, which the sandbox does not serve).
import { route, type ApiVersions, type Route } from './http';
import { ArmHttpError } from './errors';
import { checkNames, checkSubscription } from './jobs/request';

/**
 * Stable api-versions of Microsoft.Storage whose StorageAccount carries the fields served here.
 * 2025-08-01 is what @azure/arm-storage 20 sends; older clients (the Azure CLI, PowerShell, older
 * SDKs) send the others.
 */
export const STORAGE_API: ApiVersions = {
  provider: 'Microsoft.Storage',
  versions: [
    '2021-09-01',
    '2022-05-01',
    '2022-09-01',
    '2023-01-01',
    '2023-04-01',
    '2023-05-01',
    '2024-01-01',
    '2025-01-01',
    '2025-06-01',
    '2025-08-01',
  ],
};

export const RESOURCE_TYPE_STORAGE_ACCOUNTS = 'Microsoft.Storage/storageAccounts';
/** Every sandbox account lives here: the short name of the data center "Sandbox West". */
export const STORAGE_ACCOUNT_LOCATION = 'sandboxwest';

/** One account of the sandbox storage. */
export interface SandboxStorageAccount {
  name: string;
  /** When the sandbox first served it (ms since the epoch). */
  createdAt: number;
  /** Azurite's path-style blob endpoint (no trailing slash); absent when the service runs without storage. */
  blobEndpoint?: string;
}

export interface StorageAccountsOptions {
  subscriptionId: string;
  resourceGroup: string;
  accounts(): SandboxStorageAccount[];
}

/** The wire shape of a StorageAccount (properties nested, as Azure sends them). */
export interface StorageAccountResponse {
  id: string;
  name: string;
  type: typeof RESOURCE_TYPE_STORAGE_ACCOUNTS;
  location: string;
  tags: Record<string, string>;
  sku: { name: 'Standard_LRS'; tier: 'Standard' };
  kind: 'StorageV2';
  properties: {
    provisioningState: 'Succeeded';
    creationTime: string;
    primaryEndpoints?: { blob: string };
    primaryLocation: string;
    statusOfPrimary: 'available';
    accessTier: 'Hot';
    supportsHttpsTrafficOnly: boolean;
    allowBlobPublicAccess: boolean;
    allowSharedKeyAccess: boolean;
    isHnsEnabled: boolean;
    networkAcls: {
      bypass: 'AzureServices';
      virtualNetworkRules: never[];
      ipRules: never[];
      defaultAction: 'Allow';
    };
    privateEndpointConnections: never[];
  };
}

export function storageAccountId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${RESOURCE_TYPE_STORAGE_ACCOUNTS}/${name}`;
}

export function storageAccountView(
  o: Pick<StorageAccountsOptions, 'subscriptionId' | 'resourceGroup'>,
  a: SandboxStorageAccount,
): StorageAccountResponse {
  return {
    id: storageAccountId(o.subscriptionId, o.resourceGroup, a.name),
    name: a.name,
    type: RESOURCE_TYPE_STORAGE_ACCOUNTS,
    location: STORAGE_ACCOUNT_LOCATION,
    tags: {},
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    kind: 'StorageV2',
    properties: {
      provisioningState: 'Succeeded',
      creationTime: new Date(a.createdAt).toISOString(),
      ...(a.blobEndpoint ? { primaryEndpoints: { blob: `${a.blobEndpoint}/` } } : {}),
      primaryLocation: STORAGE_ACCOUNT_LOCATION,
      statusOfPrimary: 'available',
      accessTier: 'Hot',
      // Azurite answers plain http on 127.0.0.1 with the account's shared key.
      supportsHttpsTrafficOnly: false,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: true,
      isHnsEnabled: false,
      networkAcls: { bypass: 'AzureServices', virtualNetworkRules: [], ipRules: [], defaultAction: 'Allow' },
      privateEndpointConnections: [],
    },
  };
}

const STORAGE_SUB = '/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts';
const STORAGE_RG =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts';

export function storageAccountRoutes(o: StorageAccountsOptions): Route[] {
  const sorted = () => o.accounts().sort((a, b) => a.name.localeCompare(b.name));
  const checkGroup = (subscriptionId: string, resourceGroup: string) => {
    checkSubscription(subscriptionId, o.subscriptionId);
    checkNames(resourceGroup);
    if (resourceGroup.toLowerCase() !== o.resourceGroup.toLowerCase()) {
      throw new ArmHttpError(
        404,
        'ResourceGroupNotFound',
        `Resource group '${resourceGroup}' could not be found. The sandbox's storage accounts are all in resource group '${o.resourceGroup}'.`,
        'resourceGroupName',
      );
    }
  };
  return [
    route(
      'GET',
      STORAGE_SUB,
      ({ params }) => {
        checkSubscription(params.subscriptionId ?? '', o.subscriptionId);
        return { status: 200, body: { value: sorted().map((a) => storageAccountView(o, a)) } };
      },
      STORAGE_API,
    ),
    route(
      'GET',
      STORAGE_RG,
      ({ params }) => {
        checkGroup(params.subscriptionId ?? '', params.resourceGroupName ?? '');
        return { status: 200, body: { value: sorted().map((a) => storageAccountView(o, a)) } };
      },
      STORAGE_API,
    ),
    route(
      'GET',
      `${STORAGE_RG}/{accountName}`,
      ({ params }) => {
        const rg = params.resourceGroupName ?? '';
        const name = params.accountName ?? '';
        checkGroup(params.subscriptionId ?? '', rg);
        // Account names are lowercase; ARM matches resource names without regard to case.
        const all = sorted();
        const a = all.find((x) => x.name === name.toLowerCase());
        if (!a) {
          throw new ArmHttpError(
            404,
            'ResourceNotFound',
            `The Resource '${RESOURCE_TYPE_STORAGE_ACCOUNTS}/${name}' under resource group '${rg}' was not found. Storage accounts of this sandbox: ${all.map((x) => x.name).join(', ') || '(none)'}; add one with 'haul ops add-storage-account --name ${name.toLowerCase()}' or start the service with --storage-account.`,
            'accountName',
          );
        }
        return { status: 200, body: storageAccountView(o, a) };
      },
      STORAGE_API,
    ),
  ];
}
