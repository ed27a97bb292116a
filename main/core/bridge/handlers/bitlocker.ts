// bitlocker.* handlers: a drive's volumes, a recovery password checked against it, (Windows) the
// drive's own recovery password, and (Windows) BitLocker turned on with its progress as events.
// See shared/ipc/channels/bitlocker.ts; the work is in main/core/bitlocker. A key is never logged
// and never in an event; errors name the drive, never the key.
import { drivesetRowFor } from '../../../../shared/bitlocker';
import { parseDriveset } from '../../../../shared/formats/dataset';
import { HandlerError } from '../../../../shared/ipc/contract';
import type { BitLockerChannel } from '../../../../shared/ipc/names';
import { checkKey, volumeStatus } from '../../bitlocker';
import { bitLockerSupport } from '../../bitlocker/turnOn';
import { driveLetter, windowsReadKeys } from '../../bitlocker/windows';
import type { CoreContext, HandlersOf } from '../context';
import { messageOf } from '../../../../shared/errors';

export function bitlockerHandlers(ctx: CoreContext): HandlersOf<BitLockerChannel> {
  const tools = ctx.bitlockerTools;
  const turnOn = ctx.bitlockerTasks;

  /** Formatting is allowed only where the draft's driveset asks for it on this drive (FormatOption=Format). */
  const formatAllowed = async (target: string, draftId: string | undefined): Promise<void> => {
    const letter = driveLetter(target.slice(0, 3)) ?? target;
    const refuse = (why: string) =>
      new HandlerError(
        'refused',
        `Haul formats a drive only where the driveset says so (FormatOption=Format on the drive’s row)${why}. Nothing was changed on ${letter}.`,
        'format',
      );
    if (!draftId) throw refuse('');
    const draft = await ctx.drafts.get(draftId).catch(() => undefined);
    const set = draft?.values.importData.driveset;
    if (!set) throw refuse('; this job has no driveset');
    let row;
    try {
      row = drivesetRowFor(parseDriveset(set.text, set.name), target, tools().platform);
    } catch (e) {
      throw refuse(`; its driveset cannot be read (${messageOf(e)})`);
    }
    if (row?.formatOption !== 'Format')
      throw refuse(
        row ? `; its row ${row.row} for ${letter} says ${row.formatOption}` : `; it has no row for ${letter}`,
      );
  };

  return {
    'bitlocker.status': async ({ target }) => {
      try {
        return await volumeStatus(target, tools());
      } catch (e) {
        throw new HandlerError('failed', messageOf(e), 'target');
      }
    },
    'bitlocker.check': ({ target, key }) => checkKey(target, key, tools()),
    'bitlocker.readKey': async ({ target }) => {
      const t = tools();
      const letter = driveLetter(target);
      if (t.platform !== 'win32' || !letter)
        throw new HandlerError(
          'unsupported',
          'Only Windows can read a drive’s recovery password; type the one BitLocker printed or saved.',
          'target',
        );
      const r = await windowsReadKeys(t.run, letter).catch((e: unknown) => {
        throw new HandlerError('failed', messageOf(e), 'target');
      });
      if (r.kind === 'keys') return { volume: letter, key: r.passwords[0]! };
      throw new HandlerError(
        'refused',
        r.kind === 'locked'
          ? `${letter} is locked: unlock it in File Explorer first, then Haul can read its recovery password.`
          : r.kind === 'none'
            ? `${letter} has no recovery password; add one with "manage-bde -protectors -add ${letter} -RecoveryPassword" (as administrator).`
            : `${letter} is not encrypted with BitLocker.`,
        'target',
      );
    },
    'bitlocker.support': async () => bitLockerSupport(tools().platform),
    'bitlocker.tasks': async () => turnOn.list(),
    'bitlocker.turnOn': async ({ target, draftId, format }) => {
      if (format) await formatAllowed(target, draftId);
      return turnOn.start(target, {
        ...(format ? { format } : {}),
        ...(tools().pollMs !== undefined ? { pollMs: tools().pollMs } : {}),
      });
    },
  };
}
