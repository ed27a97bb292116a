// The one shape of an error in Haul, wherever it is made or shown: a stable code, the message for
// the person (what happened, where, what to do), the field or path it is about, and what lay under
// it. Main's handlers throw it, the service client's errors carry it, the bridge sends it, and the
// renderer checks it on arrival and reads it. Pure: every layer may use it.
import * as z from 'zod';
import { messageOf } from './messageOf';

export { messageOf };

/** The error as it travels (over the bridge) and as every layer reads it. */
export const ErrorShape = z.object({
  /** Stable, machine-readable: `bad-request`, `not-found`, `offline`, `failed`, or an ARM error code. */
  code: z.string().min(1),
  /** For the person: what happened and what to do. */
  message: z.string().min(1),
  /** The form field, path or ARM `target` the error is about, when there is one. */
  target: z.string().optional(),
  /** What lay under it, in words (never sent to the page by the bridge). */
  cause: z.string().optional(),
});
export type ErrorShape = z.infer<typeof ErrorShape>;

/** An Error that is an ErrorShape: thrown where a failure has a code and a field a person can act on. */
export class HaulError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly target?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HaulError';
  }

  /** The error in its one shape (the cause as words, when there is one). */
  shape(): ErrorShape {
    const cause = this.cause === undefined ? undefined : messageOf(this.cause);
    return {
      code: this.code,
      message: this.message,
      ...(this.target !== undefined ? { target: this.target } : {}),
      ...(cause ? { cause } : {}),
    };
  }
}

/** The code of anything thrown, when it has one (a HaulError or an ErrorShape). */
export function codeOf(err: unknown): string | undefined {
  if (err instanceof HaulError) return err.code;
  const parsed = ErrorShape.safeParse(err);
  return parsed.success ? parsed.data.code : undefined;
}

/** The field or path anything thrown is about, when it says (a HaulError or an ErrorShape). */
export function targetOf(err: unknown): string | undefined {
  if (err instanceof HaulError) return err.target;
  const parsed = ErrorShape.safeParse(err);
  return parsed.success ? parsed.data.target : undefined;
}

/**
 * An error that arrived from elsewhere (the bridge), in the one shape: as it is when it has the
 * shape; otherwise whatever code and message it carries, and a sentence that says what is known
 * where it carries none, so the person never sees an empty or "[object Object]" message.
 */
export function readErrorShape(raw: unknown, where?: string): ErrorShape {
  const parsed = ErrorShape.safeParse(raw);
  if (parsed.success) return parsed.data;
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const message =
    text(o.message) ??
    text(raw) ??
    `Haul could not do that${where ? ` (${where})` : ''}, and its main process did not say why. Try again; if it happens again, restart Haul.`;
  const target = text(o.target);
  return { code: text(o.code) ?? 'failed', message, ...(target ? { target } : {}) };
}
