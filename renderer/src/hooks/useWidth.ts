// An element's width, kept as it changes (a list that lays its rows out as cards when narrow).
import { useLayoutEffect, useState, type RefObject } from 'react';

export function useWidth(ref: RefObject<HTMLElement | null>, initial = 1024): number {
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const watcher = new ResizeObserver(() => setWidth(el.clientWidth));
    watcher.observe(el);
    setWidth(el.clientWidth);
    return () => watcher.disconnect();
  }, [ref]);
  return width;
}
