// Whether a CSS media query matches now, kept true as the window changes (resize, zoom, theme).
import { useSyncExternalStore } from 'react';

const lists = new Map<string, MediaQueryList>();
const listOf = (query: string) => {
  let list = lists.get(query);
  if (!list) lists.set(query, (list = window.matchMedia(query)));
  return list;
};

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = listOf(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => listOf(query).matches,
    () => false,
  );
}

/** The frame's three widths: the nav with labels, the nav as icons, the nav in a menu. */
export type FrameSize = 'wide' | 'medium' | 'narrow';

export function useFrameSize(): FrameSize {
  const wide = useMediaQuery('(min-width: 900px)');
  const medium = useMediaQuery('(min-width: 600px)');
  return wide ? 'wide' : medium ? 'medium' : 'narrow';
}
