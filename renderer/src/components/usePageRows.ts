// A virtualized list that scrolls with the page: only the rows in view (and a few around them) are
// drawn, each measured once drawn, so rows whose text wraps still sit right. The list may start
// anywhere on the page; its offset in the scrolling element is measured as the page changes.
import { useLayoutEffect, useState, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useScrollParent } from './ScrollParent';

export function usePageRows({
  count,
  estimate,
  listRef,
  getKey,
}: {
  count: number;
  estimate: number;
  listRef: RefObject<HTMLElement | null>;
  getKey: (index: number) => string;
}) {
  const parent = useScrollParent();
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!parent || !list) return;
    const measure = () =>
      setMargin(list.getBoundingClientRect().top - parent.getBoundingClientRect().top + parent.scrollTop);
    measure();
    const watcher = new ResizeObserver(measure);
    watcher.observe(parent);
    if (parent.firstElementChild) watcher.observe(parent.firstElementChild);
    return () => watcher.disconnect();
  }, [parent, listRef]);
  return useVirtualizer({
    count,
    estimateSize: () => estimate,
    getScrollElement: () => parent,
    scrollMargin: margin,
    overscan: 6,
    getItemKey: getKey,
  });
}
