// A long run's progress events (verify the import, a returned drive's check and copy), throttled.

/** A run's progress sent at most once per `interval` while it runs; `stop` drops the one still waiting. */
export function throttledProgress<S extends { state: string }>(
  status: S,
  interval: number,
  emit: (s: S) => void,
): { changed: () => void; stop: () => void } {
  let lastSent = 0;
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    const wait = lastSent + interval - Date.now();
    if (wait <= 0) {
      lastSent = Date.now();
      emit(status);
    } else
      timer ??= setTimeout(() => {
        timer = undefined;
        lastSent = Date.now();
        if (status.state === 'running') emit(status);
      }, wait);
  };
  return {
    changed,
    stop: () => {
      if (timer) clearTimeout(timer);
    },
  };
}
