// The hub's state for the open campaign, as the shared session reducer (src/store/session.ts)
// builds it from the socket's messages, and the socket's status. The DM's own reactions to a
// message live here too: the hub's errors become toasts, "view as" ends when that player is gone,
// the map list and the join code load when the state says they may have changed.
import type { ConnectionStatus } from '../../net/socket';
import type { ServerMessage } from '../../protocol/schema';
import { applyServerMessage, type ServerError, type SessionData } from '../../store/session';
import type { DmConnection } from '../connection';
import { defineSlice } from './slice';

export interface SessionSlice {
  connection: ConnectionStatus;
  data: SessionData | null;
  /** true between map:changed and the fresh session:state that follows it */
  mapChanging: boolean;
  fadeIn: ReadonlyMap<number, number>;
  errors: readonly ServerError[];
  /** How saving goes (storage:status): a slow commit, or a data file that refuses changes. */
  storage: { saving: boolean; problem: string | null };

  /** A message from `from`'s socket (ignored once another campaign is open). */
  received(from: DmConnection, msg: ServerMessage): void;
  connectionChanged(from: DmConnection, status: ConnectionStatus): void;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What the map menu lists depends on: the active map, its name and size. */
export function mapsKey(d: SessionData | null): string | null {
  return d?.map ? `${d.map.id}:${d.map.name}:${d.map.width}x${d.map.height}` : d ? '' : null;
}

export const sessionSlice = defineSlice(
  () => ({
    connection: { kind: 'connecting' } as ConnectionStatus,
    data: null as SessionData | null,
    mapChanging: false,
    fadeIn: new Map() as ReadonlyMap<number, number>,
    errors: [] as readonly ServerError[],
    storage: { saving: false, problem: null } as { saving: boolean; problem: string | null },
  }),
  (set, get, deps) => ({
    received(from: DmConnection, msg: ServerMessage) {
      if (from !== get().conn) return;
      const before = get();
      const patch = applyServerMessage(before, msg, deps.now());
      if (patch) set(patch);
      from.editor.onServerMessage(msg);
      get().travelReceived(msg);
      get().exploreReceived(msg);
      if (msg.type === 'error') get().toast(capital(msg.message), 'error');
      if (msg.type === 'storage:status') set({ storage: { saving: msg.saving, problem: msg.problem } });
      if (msg.type !== 'session:state') return;
      const s = get();
      if (s.viewAs && !msg.players.some((p) => p.id === s.viewAs) && !msg.parties.some((p) => p.id === s.viewAs)) set({ viewAs: null });
      // After the first state, not before: these requests would compete with the map's.
      if (before.data === null) {
        void s.loadInvite();
        void s.loadTravelLog();
      }
      if (mapsKey(s.data) !== mapsKey(before.data)) void s.loadMaps();
    },

    connectionChanged(from: DmConnection, status: ConnectionStatus) {
      if (from !== get().conn) return;
      set({ connection: status });
      if (status.kind !== 'closed' || status.reason === 'client stopped') return;
      if (status.code === 4001) get().signOut('The hub no longer accepts this DM token.');
      else if (status.code === 4002) void get().refreshCampaigns('');
    },
  }),
);
