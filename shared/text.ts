// Words for people, kept safe and short: every message Haul shows, logs or answers over the bridge
// is bounded in length, carries no BitLocker recovery key, and reads as one sentence when one
// message is put inside another. Pure: the CLI, main, the service and the renderer use it.

/** The longest message Haul shows or sends: a screenful, never megabytes. */
export const MAX_MESSAGE = 2000;
/** The longest piece of a person's input quoted inside a message (a CSV cell, a path, a header). */
export const MAX_QUOTED = 120;

/**
 * Runs of digits that look like (part of) a BitLocker recovery key: at least four groups of six
 * digits, whatever separates them. Byte counts, times and ids are never this long.
 */
const KEY_LIKE = /\d{6}(?:[\s-]*\d{6}){3,}(?:[\s-]*\d{1,6})?/g;

/** The text with everything that looks like a recovery key replaced by a mark. */
export function redactKeys(text: string): string {
  return text.replace(KEY_LIKE, '[BitLocker key not shown]');
}

/** At most `max` characters: the start, an ellipsis and how much was left out. */
export function bounded(text: string, max = MAX_MESSAGE): string {
  if (text.length <= max) return text;
  const left = text.length - max;
  return `${text.slice(0, max)}… (${left.toLocaleString('en-US')} more characters not shown)`;
}

/**
 * A message as it may leave Haul: no key, bounded. Cut a little past the bound before redacting
 * (a regular expression over megabytes of digits would exhaust the stack); a key cut there lies
 * past the bound and goes with the final cut.
 */
export function safeMessage(text: string, max = MAX_MESSAGE): string {
  if (text.length <= max + 200) return bounded(redactKeys(text), max);
  const shown = redactKeys(text.slice(0, max + 200)).slice(0, max);
  return `${shown}… (${(text.length - max).toLocaleString('en-US')} more characters not shown)`;
}

/**
 * A person's input quoted inside a message: in double quotes, control characters escaped, at most
 * MAX_QUOTED characters, and never a recovery key.
 */
export function quoted(value: string, max = MAX_QUOTED): string {
  const head = value.length > max + 100 ? value.slice(0, max + 100) : value;
  const visible = redactKeys(head).replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\t'
      ? '\\t'
      : c === '\n'
        ? '\\n'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  if (visible.length <= max && head === value) return `"${visible}"`;
  return `"${visible.slice(0, max)}…" (${value.length.toLocaleString('en-US')} characters)`;
}

/** A sentence to be put inside another one: without its final full stop, so no ".." appears. */
export function clause(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}
