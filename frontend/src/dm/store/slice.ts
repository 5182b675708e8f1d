import { isLive } from '../../protocol/schema';
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

/** True when a session is running; otherwise says (a toast) that one must start to do `what`. */
export function liveOrSay(get: GetDm, what: string): boolean {
  if (isLive(get().data?.session?.status)) return true;
  get().toast(`Start the session to ${what}.`, 'info');
  return false;
}
