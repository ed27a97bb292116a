// The wizard's calls to main, in one place: each unwraps the bridge's answer and keeps the
// BridgeError's `target`, so an error can be shown next to the field it is about.
import type { BridgeResult } from '../../../shared/ipc/contract';
import { BridgeCallError } from '../../../shared/ipc/contract';
import type { ChannelName } from '../../../shared/ipc/names';

/** The value of a bridge answer, or a BridgeCallError with main's code, message and target. */
export async function answer<T>(channel: ChannelName, result: Promise<BridgeResult<T>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw new BridgeCallError(channel, r.error.code, r.error.message, r.error.target);
  return r.value;
}

export const errorTarget = (err: unknown): string | undefined =>
  err instanceof BridgeCallError ? err.target : undefined;
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
export const errorCode = (err: unknown): string | undefined => (err instanceof BridgeCallError ? err.code : undefined);
