// The DM app's one store: everything the console shows and every change to it, as one zustand
// (vanilla) store made of slices. Each slice is a file here that declares its state and its
// actions (defineSlice); `createDmStore` puts them together. The framework-free parts (the
// socket, the edit controller, the session reducer, the HTTP client) are driven by these actions
// and report back through them; React reads the store with narrow selectors (../useDm.ts) and
// calls actions. See docs/dm-ui.md, "State".
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionOptions } from '../connection';
import { appSlice, type AppSlice } from './app';
import { sessionSlice, type SessionSlice } from './session';
import { editSlice, type EditSlice } from './edit';
import { toolsSlice, type ToolsSlice } from './tools';
import { tableSlice, type TableSlice } from './table';
import { toastSlice, type ToastSlice } from './toasts';
import { travelSlice, type TravelSlice } from './travel';
import { exploreSlice, type ExploreSlice } from './explore';
import { historySlice, type HistorySlice } from './history';
import { socialSlice, type SocialSlice } from './social';

export type DmState = AppSlice &
  SessionSlice &
  EditSlice &
  ToolsSlice &
  TableSlice &
  ToastSlice &
  TravelSlice &
  ExploreSlice &
  HistorySlice &
  SocialSlice;
export type DmStore = StoreApi<DmState>;
export type SetDm = DmStore['setState'];
export type GetDm = DmStore['getState'];

/** What the slices get besides set/get: injection points for tests. */
export interface DmDeps {
  /** ms clock for the session reducer and the editor */
  now: () => number;
  /** the socket's injection points (a WebSocket factory, timers …) */
  socket?: ConnectionOptions['socket'];
}

export function createDmStore(deps: Partial<DmDeps> = {}): DmStore {
  const d: DmDeps = { now: () => performance.now(), ...deps };
  return createStore<DmState>()((set, get) => ({
    ...appSlice(set, get, d),
    ...sessionSlice(set, get, d),
    ...editSlice(set, get, d),
    ...toolsSlice(set, get, d),
    ...tableSlice(set, get, d),
    ...toastSlice(set, get, d),
    ...travelSlice(set, get, d),
    ...exploreSlice(set, get, d),
    ...historySlice(set, get, d),
    ...socialSlice(set, get, d),
  }));
}
