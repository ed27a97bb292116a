// The renderer's only way to main: window.haul, put there by the Electron preload or by the
// browser-mode script. The renderer does not know, and need not know, which.
import type { HaulBridge } from '../../../shared/ipc/bridge';
import { HaulError, readErrorShape } from '../../../shared/errors';
import type { BridgeResult } from '../../../shared/ipc/contract';

export function bridge(): HaulBridge {
  const haul = (window as unknown as { haul?: HaulBridge }).haul;
  if (!haul)
    throw new Error(
      'Haul cannot reach its main process (window.haul is missing). Start Haul with "npm start" or "haul serve".',
    );
  return haul;
}

/** Unwraps a bridge answer: the value, or a HaulError carrying main's code, message and target. */
export async function unwrap<T>(answer: Promise<BridgeResult<T>>): Promise<T> {
  const result = await answer;
  if (result.ok) return result.value;
  const error = readErrorShape(result.error);
  throw new HaulError(error.code, error.message, error.target);
}
