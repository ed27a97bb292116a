// bitlocker.* handlers: a drive's volumes, a recovery password checked against it, and (Windows)
// the drive's own recovery password. See shared/ipc/channels/bitlocker.ts; the work is in
// main/core/bitlocker. A key is never logged; errors name the drive, never the key.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { BitLockerChannel } from '../../../../shared/ipc/names';
import { checkKey, systemTools, volumeStatus } from '../../bitlocker';
import { driveLetter, windowsReadKeys } from '../../bitlocker/windows';
import type { CoreContext, HandlersOf } from '../context';

export function bitlockerHandlers(ctx: CoreContext): HandlersOf<BitLockerChannel> {
  const tools = () => ctx.options.bitlocker ?? systemTools();
  return {
    'bitlocker.status': async ({ target }) => {
      try {
        return await volumeStatus(target, tools());
      } catch (e) {
        throw new HandlerError('failed', (e as Error).message, 'target');
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
      const r = await windowsReadKeys(t.run, letter).catch((e: Error) => {
        throw new HandlerError('failed', e.message, 'target');
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
  };
}
