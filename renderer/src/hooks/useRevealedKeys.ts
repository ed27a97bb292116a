// The drives' BitLocker recovery keys of a job, fetched from the service only when the person asks
// (jobs.bitLockerKeys), kept in the calling screen's state alone, and copying one to the clipboard.
import { useState } from 'react';
import type { JobView } from '../../../shared/jobs/schemas';
import { useHaul } from '../store';

/** The drives' BitLocker keys, fetched only when asked and never kept, and copying one to the clipboard. */
export function useRevealedKeys(job: JobView) {
  const fetchKeys = useHaul((s) => s.jobs.bitLockerKeys);
  const [keys, setKeys] = useState<Record<string, string> | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const reveal = async () => {
    setBusy(true);
    setError(undefined);
    const r = await fetchKeys(job.name);
    setBusy(false);
    if (r.ok) setKeys(Object.fromEntries(r.value.keys.map((k) => [k.driveId, k.bitLockerKey])));
    else setError(r.error.message);
  };
  const copy = async (driveId: string, key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(driveId);
    } catch {
      setError('The clipboard refused the key. Select it and copy it by hand.');
    }
  };
  return { keys, busy, error, copied, reveal, copy };
}
