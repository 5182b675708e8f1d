import type { DmDeps, GetDm, SetDm } from './index';

/**
 * A slice of the DM store: `initial()` is its state as a fresh campaign (or app) starts it, and
 * `actions` its functions, which may read and set the whole store.
 */
export function defineSlice<S extends object, A extends object>(
  initial: () => S,
  actions: (set: SetDm, get: GetDm, deps: DmDeps) => A,
): ((set: SetDm, get: GetDm, deps: DmDeps) => S & A) & { initial: () => S } {
  const make = (set: SetDm, get: GetDm, deps: DmDeps) => ({ ...initial(), ...actions(set, get, deps) });
  return Object.assign(make, { initial });
}
