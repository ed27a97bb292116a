// The one form hook of the job's dialogs (Edit, Ship): kept apart from forms.ts, whose pure
// helpers the unit tests import without React.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { BridgeError } from '../../../../shared/ipc/contract';
import { dropDraft, fieldOfTarget, getDraft, issuesByField, saveDraft, type FieldErrors } from './forms';

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
