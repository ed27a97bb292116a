// The renderer's calls to main unwrap here: each keeps the error's shape (shared/errors.ts) — its
// code and `target`, so an error can be shown next to the field it is about.
import type { BridgeResult } from '../../../shared/ipc/contract';
import { BridgeCallError } from '../../../shared/ipc/contract';
import type { ChannelName } from '../../../shared/ipc/names';
import { codeOf, messageOf, readErrorShape, targetOf } from '../../../shared/errors';

/** The value of a bridge answer, or a BridgeCallError with main's code, message and target. */
export async function answer<T>(channel: ChannelName, result: Promise<BridgeResult<T>>): Promise<T> {
  const r = await result;
  if (r.ok) return r.value;
  const error = readErrorShape(r.error, channel);
  throw new BridgeCallError(channel, error.code, error.message, error.target);
}

export const errorTarget: (err: unknown) => string | undefined = targetOf;
export const errorText: (err: unknown) => string = messageOf;
export const errorCode: (err: unknown) => string | undefined = codeOf;
