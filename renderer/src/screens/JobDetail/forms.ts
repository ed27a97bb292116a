// Form helpers shared by the job's dialogs: field errors from a zod check (before sending) and
// from the bridge's `target` (after), and drafts that outlive a closed dialog, so nothing the
// person typed is lost to an error or a stray Escape.
import type { z } from 'zod';
import type { BridgeError } from '../../../../shared/ipc/contract';

export type FieldErrors = Record<string, string>;

/** zod issues by field path ("returnAddress.postalCode"), first message each, starting with a capital. */
export function issuesByField(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) {
    const key = i.path.map(String).join('.') || '_';
    out[key] ??= sentence(i.message);
  }
  return out;
}

export function sentence(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** The form field a bridge error's target names: exact, or its last segment ("properties.deliveryPackage.trackingNumber" -> "trackingNumber"). */
export function fieldOfTarget(error: BridgeError | undefined, fields: readonly string[]): string | undefined {
  const t = error?.target;
  if (!t) return undefined;
  if (fields.includes(t)) return t;
  const tail = t.split('.').slice(-1)[0] ?? '';
  const two = t.split('.').slice(-2).join('.');
  return fields.find((f) => f === two) ?? fields.find((f) => f === tail || f.endsWith(`.${tail}`));
}

const drafts = new Map<string, unknown>();
export function getDraft<T>(key: string): T | undefined {
  return drafts.get(key) as T | undefined;
}
export function saveDraft(key: string, value: unknown): void {
  drafts.set(key, value);
}
export function dropDraft(key: string): void {
  drafts.delete(key);
}

export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
