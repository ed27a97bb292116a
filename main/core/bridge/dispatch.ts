// The one gate every request passes, whatever carried it (ipcMain or the browser-mode socket):
// the channel must exist, the payload must match the channel's schema, and a failing handler
// becomes an error a person can read instead of a crash. Every error message leaves bounded in
// length and with anything that looks like a BitLocker key taken out, whatever produced it.
import { channels, HandlerError, type BridgeResult } from '../../../shared/ipc/contract';
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
    if (err instanceof HandlerError) {
      return {
        ok: false,
        error: {
          code: err.code,
          message: safeMessage(err.message),
          ...(err.target ? { target: safeMessage(err.target, 200) } : {}),
        },
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: { code: 'failed', message: safeMessage(`${channel} failed: ${message}`) } };
  }
}
