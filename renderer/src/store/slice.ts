// The store is one object of typed slices (`s.jobs`, `s.drives`, …). A slice creator gets a
// `set` and `get` scoped to its own key, so slices never overwrite each other.
import { messageOf } from '../../../shared/errors';

/**
 * The store's state: each slice's module adds its own key (`declare module './slice'`), so this
 * module needs none of them and no slice imports the store that holds it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by each slice's module
export interface HaulState {}

export type SliceSet<K extends keyof HaulState> = (
  change: Partial<HaulState[K]> | ((slice: HaulState[K]) => Partial<HaulState[K]>),
) => void;

export type SliceCreator<K extends keyof HaulState> = (set: SliceSet<K>, get: () => HaulState) => HaulState[K];

/** The message of anything a store action caught (shared/errors.ts). */
export const errorMessage: (err: unknown) => string = messageOf;
