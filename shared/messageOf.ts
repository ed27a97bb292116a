// The message of anything thrown, in words. Its own module, with no dependency, so that the prep
// worker threads (which load only what they need) can read an error the way every layer does;
// shared/errors.ts gives it with the rest of the error shape.

/** The message of anything thrown: an Error's message, a string as it is, else its text. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message;
  return String(err);
}
