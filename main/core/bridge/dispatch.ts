// The one gate every request passes, whatever carried it (ipcMain or the browser-mode socket):
// the channel must exist, the payload must match the channel's schema, and a failing handler
// becomes an error a person can read instead of a crash. Every error message leaves bounded in
// length and with anything that looks like a BitLocker key taken out, whatever produced it.
import { channels, type BridgeError, type BridgeResult } from '../../../shared/ipc/contract';
import { HaulError, messageOf } from '../../../shared/errors';
import { CHANNELS, type ChannelName } from '../../../shared/ipc/names';
import type { Handlers } from './context';
import { describeIssues } from '../../../shared/validation';
import { clause, safeMessage } from '../../../shared/text';

export function isChannel(value: unknown): value is ChannelName {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<BridgeResult<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: {
        code: 'unknown-channel',
        message: `Haul has no channel named ${(JSON.stringify(channel) ?? String(channel)).slice(0, 100)}; the app and its main process may be from different versions — restart Haul.`,
      },
    };
  }
  const parsed = channels[channel].request.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues = describeIssues(parsed.error, { root: '(request)' });
    const target = parsed.error.issues[0]?.path.join('.') || undefined;
    return {
      ok: false,
      error: {
        code: 'bad-request',
        message: safeMessage(`The request to ${channel} was refused: ${clause(issues)}.`),
        ...(target ? { target } : {}),
      },
    };
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (err) {
    return { ok: false, error: wireError(channel, err) };
  }
}

/**
 * A failure as the page receives it, in the one error shape: any HaulError (main's own errors, the
 * service client's) keeps its code, message and target, whatever its class; anything else is
 * `failed` with its message after the channel's name. The cause stays in main. A message that says
 * nothing (empty, "undefined", "[object Object]") is never sent: the page always gets a sentence.
 */
export function wireError(channel: ChannelName, err: unknown): BridgeError {
  if (err instanceof HaulError && err.message.trim()) {
    const { code, message, target } = err.shape();
    return {
      code,
      message: safeMessage(message),
      ...(target ? { target: safeMessage(target, 200) } : {}),
    };
  }
  const said = messageOf(err).trim();
  const message =
    said && !SAYS_NOTHING.test(said) ? said : 'Haul did not say why. Try again; if it fails again, restart Haul';
  const code = err instanceof HaulError ? err.code : 'failed';
  return { code, message: safeMessage(`${channel} failed: ${message}`) };
}

/** What String() makes of a value that carries no message. */
const SAYS_NOTHING = /^(\[object \w+\]|undefined|null)$/;
