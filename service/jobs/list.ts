// List Jobs: `$top`, `$filter` on the job state and `nextLink` paging. The cursor in `$skiptoken`
// is the last key served (keys are sorted), so a page is found by binary search, not by counting.
import { JOB_STATES, type JobState } from '../../shared/lifecycle';
import { MAX_TOP } from '../../shared/arm/schemas';
import { badRequest } from '../errors';
import type { JobStore, StoredJob } from '../store';

export interface ListQuery {
  /** Only jobs of this resource group (case-insensitive); all groups when undefined. */
  resourceGroup?: string;
  url: URL;
  pageSize: number;
}

export interface ListPage {
  jobs: StoredJob[];
  nextLink?: string;
}

export function listPage(store: JobStore, { resourceGroup, url, pageSize }: ListQuery): ListPage {
  const q = url.searchParams;
  const cursor = decodeCursor(q.get('$skiptoken'));
  const top = parseTop(q.get('$top'));
  const states = parseStateFilter(q.get('$filter'));
  const remaining = cursor?.remaining ?? top;
  const limit = Math.min(pageSize, remaining ?? Infinity);
  const rgKey = resourceGroup?.toLowerCase();
  const keys = store.keys();
  const value: StoredJob[] = [];
  let lastKey: string | undefined;
  let more = false;
  for (let i = cursor ? firstAfter(keys, cursor.after) : 0; i < keys.length; i++) {
    const k = keys[i] ?? '';
    const job = store.get(k);
    if (!job) continue;
    if (rgKey !== undefined && job.resourceGroup.toLowerCase() !== rgKey) continue;
    if (states && !states.has(job.lifecycle.state.toLowerCase())) continue;
    if (value.length >= limit) {
      more = true;
      break;
    }
    value.push(job);
    lastKey = k;
  }
  const left = remaining === undefined ? undefined : remaining - value.length;
  const page: ListPage = { jobs: value };
  if (more && lastKey !== undefined && (left === undefined || left > 0)) {
    const next = new URL(url.toString());
    next.searchParams.delete('$top');
    next.searchParams.set(
      '$skiptoken',
      encodeCursor({ after: lastKey, ...(left !== undefined ? { remaining: left } : {}) }),
    );
    page.nextLink = next.toString();
  }
  return page;
}

/** The index of the first key after `after` in sorted keys. */
function firstAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] ?? '') <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parseTop(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_TOP) {
    throw badRequest(
      'InvalidQueryParameterValue',
      `$top must be a whole number from 1 to ${MAX_TOP}; got '${raw}'.`,
      '$top',
    );
  }
  return Number(raw);
}

interface Cursor {
  after: string;
  remaining?: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

function decodeCursor(token: string | null): Cursor | undefined {
  if (token === null) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && typeof (v as Cursor).after === 'string') {
      const rem = (v as Cursor).remaining;
      if (rem === undefined || (Number.isInteger(rem) && rem > 0)) return v as Cursor;
    }
  } catch {
    /* not ours: refused below */
  }
  throw badRequest(
    'InvalidQueryParameterValue',
    '$skiptoken is not one this service issued; follow nextLink exactly as returned.',
    '$skiptoken',
  );
}

/** `state eq 'Shipping'`, `properties/state eq 'Shipping' or state eq 'Creating'`: the states, in lower case. */
export function parseStateFilter(filter: string | null): Set<string> | undefined {
  if (filter === null || filter.trim() === '') return undefined;
  const states = new Set<string>();
  for (const part of filter.trim().split(/\s+or\s+/i)) {
    const m = /^\(?\s*(?:properties\/)?state\s+eq\s+'([^']*)'\s*\)?$/i.exec(part.trim());
    const s = m?.[1]?.toLowerCase();
    if (!s || !JOB_STATES.some((n: JobState) => n.toLowerCase() === s)) {
      throw badRequest(
        'InvalidQueryParameterValue',
        `$filter '${filter}' is not supported. Filter on the job state, e.g. $filter=state eq 'Shipping' (several joined with "or"); states: ${JOB_STATES.join(', ')}.`,
        '$filter',
      );
    }
    states.add(s);
  }
  return states;
}
