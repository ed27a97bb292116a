// The local service's own contracts (not part of ARM): the line it prints when ready, the
// connection file it writes in its data folder, and the operator routes' request bodies.
import * as z from 'zod';
import { DRIVE_ID_RE, ReturnAddressSchema } from '../arm/schemas';

/** Printed as one JSON line on stdout when the service is ready; also `<dataDir>/connection.json`. */
export const ServiceConnectionSchema = z.object({
  endpoint: z.string().regex(/^https:\/\/127\.0\.0\.1:\d+$/, { message: 'must be https://127.0.0.1:PORT' }),
  /** Path of the PEM certificate clients must trust (and only that one). */
  ca: z.string().min(1),
  token: z.string().min(16),
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
});
export type ServiceConnection = z.infer<typeof ServiceConnectionSchema>;

export const CONNECTION_FILE = 'connection.json';
export const OPS_PREFIX = '/haul/ops';

const driveId = z.string().regex(DRIVE_ID_RE, { message: 'must be a drive id (serial number, no spaces)' });
const path = z.string().min(1, { message: 'must be a folder or mount path' }).max(4096);
const reason = z.string().trim().min(1, { message: 'must say why, in a sentence' }).max(1000);

export const OpsBodies = {
  'package-arrived': z.object({
    /** The drives found in the package, with where each can be read (optional for drives processed later). */
    drives: z
      .array(z.object({ driveId, path: path.optional() }))
      .min(1, { message: 'name at least one drive found in the package' })
      .max(20),
  }),
  'register-drive': z.object({ driveId, path }),
  'drive-missing': z.object({ driveId }),
  'extra-drive': z.object({ driveId, path: path.optional() }),
  /** wait: false answers as soon as the copy has started (the job shows its progress, G2). */
  'start-drive': z.object({ driveId, path: path.optional(), wait: z.boolean().optional() }),
  fault: z.object({ driveId: driveId.optional(), reason }),
  resolve: z.object({ driveId: driveId.optional(), state: z.string().max(64).optional() }),
  'return-address-wrong': z.object({ reason }),
  'return-address-corrected': z.object({ returnAddress: ReturnAddressSchema.optional() }),
  'customer-unreachable': z.object({}),
  'ship-back': z.object({
    carrierName: z.string().trim().min(1).max(100),
    trackingNumber: z.string().trim().min(1).max(100),
    shipDate: z.string().max(64).optional(),
  }),
  export: z.object({
    drives: z
      .array(z.object({ path, driveId: driveId.optional(), capacityBytes: z.number().int().positive().optional() }))
      .min(1, { message: 'name at least one target folder' })
      .max(10),
    wait: z.boolean().optional(),
  }),
} as const;
export type OpsAction = keyof typeof OpsBodies;
export const OPS_ACTIONS = Object.keys(OpsBodies) as OpsAction[];

export const AdvanceBodySchema = z.object({
  days: z.number().positive({ message: 'must be a positive number of days' }).max(3650),
});
