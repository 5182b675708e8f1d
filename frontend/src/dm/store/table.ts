// The campaign around the map: its maps (the map menu), its current join code, the players the
// DM removed, and the table actions that need checks first (reveal, hide, move the party).
import { type ClientMessage, type HexState, type Targets } from '../../protocol/schema';
import { errorText, type DmApi, type Invite, type MapRow } from '../api';
import { currentInvite, formatCode } from '../invites';
import { keysToHide, keysToReveal } from '../preview';
import { defineSlice, liveOrSay } from './slice';

/** Reveals or hides of more hexes than this at once ask first. */
export const LARGE_REVEAL = 50;

/** A reveal or hide ready to send (the console asks first when it is large). */
export interface SweepPlan {
  message: Extract<ClientMessage, { type: 'hex:reveal' | 'hex:hide' }>;
  count: number;
  /** "everyone", or the names of the players it goes to */
  who: string;
  staged: boolean;
  /** what a reveal makes of the hexes (null for a hide) */
  state: HexState | null;
}

export interface TableSlice {
  /** the campaign's maps, for the map menu (loaded after the first state and when the active map changes) */
  maps: readonly MapRow[];
  /** the campaign's current join code (the newest invite with more than an hour left) */
  joinInvite: Invite | null;
  /** players removed here, hidden from the lists until the hub's next full state */
  removed: ReadonlySet<string>;

  loadMaps(): Promise<void>;
  loadInvite(): Promise<void>;
  setInvite(invite: Invite): void;
  /**
   * Removes players from the campaign (the console asked first). Unless keepCode, the hub makes a
   * new join code, which the Players panel shows at once.
   */
  revoke(playerIds: string[], what: string, keepCode: boolean): Promise<void>;
  /**
   * A reveal or hide of `keys` to the current targets, or null after saying why not (no live
   * session, no players ticked, nothing would change).
   */
  planSweep(kind: 'reveal' | 'hide', keys: Iterable<string>): SweepPlan | null;
  /** Puts the picked party on `key` (off the map with null) without revealing: the Hex panel's "Party here". */
  moveToken(key: string | null): void;
}

export const tableSlice = defineSlice(
  () => ({
    maps: [] as readonly MapRow[],
    joinInvite: null as Invite | null,
    removed: new Set() as ReadonlySet<string>,
  }),
  (set, get) => {
    /** Runs `load` for the open campaign; its answer counts only if that campaign is still open. */
    const forOpen = async <T>(load: (api: DmApi, campaignId: string) => Promise<T>): Promise<{ value: T } | null> => {
      const { api, conn, campaignId } = get();
      if (!api || !conn) return null;
      const value = await load(api, campaignId);
      return get().conn === conn ? { value } : null;
    };
    const targets = (): Targets | null => {
      const s = get();
      if (s.revealTo === 'all') return 'all';
      if (s.revealTo === 'parties') {
        const ids = [...s.pickedParties].filter((id) => s.data?.parties.some((p) => p.id === id));
        if (ids.length === 0) {
          s.toast('Tick parties in the Parties panel first (or reveal to everyone).', 'info');
          return null;
        }
        return { partyIds: ids };
      }
      const ids = [...s.picked].filter((id) => s.data?.players.has(id) && !s.removed.has(id));
      if (ids.length === 0) {
        s.toast('Select players in the Players panel first (or reveal to everyone).', 'info');
        return null;
      }
      return { playerIds: ids };
    };
    return {
      async loadMaps() {
        try {
          const r = await forOpen((api, id) => api.maps(id));
          if (r) set({ maps: r.value });
        } catch (e) {
          get().toast(errorText(e), 'error');
        }
      },
      async loadInvite() {
        try {
          const r = await forOpen((api, id) => api.invites(id));
          if (r) set({ joinInvite: currentInvite(r.value) });
        } catch {
          // the panel then offers "Invite players" only
        }
      },
      setInvite(invite: Invite) {
        set({ joinInvite: invite });
      },
      async revoke(playerIds: string[], what: string, keepCode: boolean) {
        const { api, campaignId, conn } = get();
        if (!api || playerIds.length === 0) return;
        let res;
        try {
          res = await api.revokeMembers(campaignId, playerIds, keepCode);
        } catch (e) {
          get().toast(errorText(e), 'error');
          return;
        }
        if (get().conn !== conn) return;
        const s = get();
        const picked = new Set(s.picked);
        const removed = new Set(s.removed);
        for (const id of res.revoked) {
          picked.delete(id);
          removed.add(id);
        }
        const viewAs = s.viewAs && removed.has(s.viewAs) ? null : s.viewAs;
        set({ removed, picked, viewAs, ...(res.invite ? { joinInvite: res.invite } : {}) });
        s.toast(res.invite ? `Removed ${what}. New join code: ${formatCode(res.invite.code)}` : `Removed ${what}`, 'ok');
      },
      planSweep(kind: 'reveal' | 'hide', keys: Iterable<string>): SweepPlan | null {
        const data = get().data;
        if (!data || !liveOrSay(get, kind === 'reveal' ? 'reveal hexes' : 'hide hexes')) return null;
        const t = targets();
        if (!t) return null;
        const state = get().revealState;
        const list = kind === 'reveal' ? keysToReveal(data, keys, t, state) : keysToHide(data, keys, t);
        if (list.length === 0) {
          get().toast(kind === 'reveal' ? 'Those hexes are already visible to them.' : 'Nobody sees those hexes.', 'info');
          return null;
        }
        return {
          message: kind === 'reveal' ? { type: 'hex:reveal' as const, hexKeys: list, targets: t, state } : { type: 'hex:hide' as const, hexKeys: list, targets: t },
          count: list.length,
          who:
            t === 'all'
              ? 'everyone'
              : 'playerIds' in t
                ? t.playerIds.map((id) => data.players.get(id)?.name ?? '?').join(', ')
                : t.partyIds.map((id) => data.parties.find((p) => p.id === id)?.name ?? '?').join(', '),
          staged: data.broadcastMode === 'staged',
          state: kind === 'reveal' ? state : null,
        };
      },
      moveToken(key: string | null) {
        get().placeParty(key, false);
      },
    };
  },
);
