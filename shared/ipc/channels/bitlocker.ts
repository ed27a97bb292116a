// BitLocker for the wizard and the Drives screen: a drive's volumes (file system, BitLocker
// state), whether a recovery password opens it, and — on Windows — its recovery password read
// from the drive itself, into the wizard's memory where typed keys live (docs/security.md).
import { z } from 'zod';
import { driveEncryption, keyCheckResult } from '../../bitlocker';
import type { ChannelSpec } from './spec';

/** A drive: its mount point (as the drive list shows it), device, image file or drive letter. */
const target = z.string().min(1, { message: 'give the drive' }).max(4096);

export const bitlockerChannels = {
  'bitlocker.status': { request: z.object({ target }).strict(), response: driveEncryption },
  /** `key` absent: on Windows Haul reads the drive's own; elsewhere the answer asks for it. */
  'bitlocker.check': {
    request: z.object({ target, key: z.string().max(200).optional() }).strict(),
    response: keyCheckResult,
  },
  /** Windows only: the drive's recovery password, read by manage-bde (never logged). */
  'bitlocker.readKey': {
    request: z.object({ target }).strict(),
    response: z.object({ volume: z.string(), key: z.string() }),
  },
} satisfies ChannelSpec<'bitlocker.status' | 'bitlocker.check' | 'bitlocker.readKey'>;
