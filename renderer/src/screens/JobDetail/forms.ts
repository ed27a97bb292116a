// Form helpers shared by the job's dialogs: field errors from a zod check (before sending) and
// from the bridge's `target` (after), and drafts that outlive a closed dialog, so nothing the
// person typed is lost to an error or a stray Escape.
import { useEffect, useState } from 'react';
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

type Sent = { ok: true } | { ok: false; error: BridgeError };

/**
 * The state of a job's dialog: the form (kept as a draft until it is sent), field errors, the
 * bridge's refusal and busy. `submit` checks the request with the channel's schema, sends it,
 * and closes on success; a refusal keeps every value and marks the field its target names.
 */
export function useJobForm<F, R>(opts: {
  draftKey: string;
  initial: () => F;
  schema: z.ZodType<R>;
  fields: readonly string[];
  send: (request: R) => Promise<Sent>;
  onClose: () => void;
}) {
  const { draftKey, schema, fields, send, onClose } = opts;
  const [form, setForm] = useState<F>(() => getDraft<F>(draftKey) ?? opts.initial());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failed, setFailed] = useState<BridgeError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => saveDraft(draftKey, form), [draftKey, form]);

  const clearError = (k: string) => setErrors(({ [k]: _drop, ...rest }) => rest);
  const submit = async (request: unknown) => {
    const parsed = schema.safeParse(request);
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error));
      return;
    }
    setBusy(true);
    setFailed(undefined);
    const r = await send(parsed.data);
    setBusy(false);
    if (r.ok) {
      dropDraft(draftKey);
      onClose();
      return;
    }
    setFailed(r.error);
    const field = fieldOfTarget(r.error, fields);
    if (field) setErrors((e) => ({ ...e, [field]: r.error.message }));
  };
  return { form, setForm, errors, setErrors, clearError, failed, busy, submit };
}
