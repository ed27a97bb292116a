// BitLocker for the wizard and the Drives screen: a drive's volumes (file system, BitLocker
// state), whether a recovery password opens it, and — on Windows — its recovery password read
// from the drive itself, into the wizard's memory where typed keys live (docs/security.md); and
// (Windows) BitLocker turned on for a drive, its progress pushed as events that never carry a key.
import * as z from 'zod';
import { driveEncryption, keyCheckResult } from '../../bitlocker';
import type { ChannelSpec, EventSpec } from './spec';

/** A drive: its mount point (as the drive list shows it), device, image file or drive letter. */
const target = z.string().min(1, { message: 'give the drive' }).max(4096);

/** What this computer can do with BitLocker (the platform main runs on, not the page's). */
export const bitLockerSupport = z.object({
  platform: z.string(),
  /** Haul can turn BitLocker on here (Windows) */
  turnOn: z.boolean(),
  /** Haul can read a drive's recovery password itself (Windows) */
  readKey: z.boolean(),
  /** why Haul cannot turn BitLocker on here, in words (absent where it can) */
  why: z.string().optional(),
});
export type BitLockerSupport = z.infer<typeof bitLockerSupport>;

/**
 * Turning BitLocker on for one drive, as main runs it: checking the drive, formatting it (only
 * when asked and confirmed), starting BitLocker, encrypting (percent), reading its new recovery
 * password back (which the renderer then asks for with bitlocker.readKey), done — or failed with
 * why and what to do. Never the key itself.
 */
export const turnOnTask = z.object({
  /** the drive as it was asked for (its mount point) */
  target: z.string(),
  /** its drive letter */
  volume: z.string(),
  phase: z.enum(['checking', 'formatting', 'starting', 'encrypting', 'reading-key', 'done', 'failed']),
  percent: z.number().min(0).max(100).optional(),
  /** formatted NTFS first (the driveset's Format option, confirmed by typing) */
  format: z.boolean(),
  /** failed: what happened and what to do */
  message: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
});
export type TurnOnTask = z.infer<typeof turnOnTask>;

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
  'bitlocker.support': { request: z.object({}).strict(), response: bitLockerSupport },
  /**
   * Windows: turn BitLocker on (recovery password, used space only, XTS-AES 256). Answers once the
   * drive was checked and BitLocker is starting; the rest arrives as bitlocker.progress. `format`
   * (NTFS first, erasing the drive) only where the draft's driveset says FormatOption=Format for
   * this drive, with "FORMAT X:" typed.
   */
  'bitlocker.turnOn': {
    request: z
      .object({
        target,
        draftId: z.string().max(128).optional(),
        format: z
          .object({ confirmation: z.string().max(64) })
          .strict()
          .optional(),
      })
      .strict(),
    response: turnOnTask,
  },
  /** The drives BitLocker is being turned on for (and the last outcome per drive), for a page opened later. */
  'bitlocker.tasks': { request: z.object({}).strict(), response: z.array(turnOnTask) },
} satisfies ChannelSpec<
  | 'bitlocker.status'
  | 'bitlocker.check'
  | 'bitlocker.readKey'
  | 'bitlocker.support'
  | 'bitlocker.turnOn'
  | 'bitlocker.tasks'
>;

export const bitlockerEvents = {
  /** A turn-on task moved on (about every 5 s while encrypting); never a key. */
  'bitlocker.progress': turnOnTask,
} satisfies EventSpec<'bitlocker.progress'>;
