// How the screens write things for people: platforms, times (absolute and relative), sizes.
import { formatBytes } from '../../shared/prep/names';

export { formatBytes };

export function platformName(platform: string): string {
  return ({ linux: 'Linux', win32: 'Windows', darwin: 'macOS' } as Record<string, string>)[platform] ?? platform;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "1 Dec 2026, 19:31" in the person's locale; '—' when unknown. */
export function formatDateTime(at: number | string | undefined): string {
  if (at === undefined || at === '') return '—';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : dateTime.format(d);
}

export function formatDate(at: number | string | undefined): string {
  if (at === undefined || at === '') return '—';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? String(at) : dateOnly.format(d);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 1000],
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
  ['month', 30 * 86_400_000],
  ['year', 365 * 86_400_000],
];

/** "3 minutes ago", "in 3 days": the largest unit that fits. */
export function formatRelative(at: number, now = Date.now()): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return 'just now'; // clocks a few seconds apart are the same moment to a person
  let unit: Intl.RelativeTimeFormatUnit = 'second';
  let size = 1000;
  for (const [u, ms] of STEPS) if (abs >= ms * 0.95) [unit, size] = [u, ms];
  return relative.format(Math.round(diff / size), unit);
}

/** "45 %" for a 0–100 number; rounded down, so "100 %" is said only when it is all done. */
export function formatPercent(p: number | undefined): string {
  return p === undefined ? '—' : `${Math.max(0, Math.min(100, Math.floor(p)))} %`;
}

const count = new Intl.NumberFormat();
const plurals = new Intl.PluralRules('en');

/** "1,024" in the person's locale. */
export function formatCount(n: number): string {
  return count.format(n);
}

/** "2 drives", "1 drive", "1,000 jobs": the number in the person's locale, the noun as English wants it. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count.format(n)} ${plurals.select(n) === 'one' ? one : many}`;
}

const RULES =
  /\s*\((?:see )?rules? ([A-Z]{1,2}\d+(?:(?:, | and | or )[A-Z]{1,2}\d+)*)\)|,? (?:see )?rules? ([A-Z]{1,2}\d+(?:(?:, | and | or )[A-Z]{1,2}\d+)*)(?=\))/g;

/**
 * A sentence without its life-cycle rule ids ("… after 14 days (rule J2).") and the ids it named:
 * the sentence is for the customer, the ids go to a "why" detail for support.
 */
export function withoutRules(text: string): { text: string; rules: string[] } {
  const rules: string[] = [];
  const clean = text.replace(RULES, (_m, a?: string, b?: string) => {
    for (const r of (a ?? b ?? '').split(/, | and | or /)) if (r && !rules.includes(r)) rules.push(r);
    return '';
  });
  return { text: clean.replace(/ \(\)/g, '').replace(/\s+([.,;:])/g, '$1'), rules };
}
