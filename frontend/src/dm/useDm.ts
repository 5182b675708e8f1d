// React's side of the DM store: the app provides the store once (DmApp), components read it with
// narrow selectors — a component re-renders only when what its selector returns changes, so the
// console shell does not re-render on every hub echo — and event handlers call actions through
// useDmStore().getState() (actions never change; state read there is the current state).
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DmState, DmStore } from './store';

export const DmStoreContext = createContext<DmStore | null>(null);

export function useDmStore(): DmStore {
  const store = useContext(DmStoreContext);
  if (!store) throw new Error('useDm outside the DM app');
  return store;
}

/** A value from the DM store; the component re-renders when it changes (Object.is). */
export function useDm<T>(selector: (s: DmState) => T): T {
  return useStore(useDmStore(), selector);
}
