// The element the page scrolls in (the frame's <main>), for lists that draw only the rows in view.
import { createContext, useContext } from 'react';

export const ScrollParent = createContext<HTMLElement | null>(null);

export const useScrollParent = () => useContext(ScrollParent);
