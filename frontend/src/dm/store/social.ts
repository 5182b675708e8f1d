// At the table (docs/table.md): the DM's pings, and the table screens (read-only display links
// the DM makes, shows as a link and a QR code, and revokes). Players' notes arrive with the
// session state (data.playerNotes) and need no action here.
import type { Targets } from '../../protocol/schema';
import { errorText, type DisplayRow } from '../api';
import { defineSlice } from './slice';

export type PingTo = { kind: 'all' } | { kind: 'party'; id: string } | { kind: 'players' };

export interface SocialSlice {
  /** who the DM's pings go to; 'players': the players ticked in the Players panel */
  pingTo: PingTo;
  displays: readonly DisplayRow[];
  /** the link just made: its token is shown once (the hub keeps only a hash) */
  madeDisplay: DisplayRow | null;

  setPingTo(to: PingTo): void;
  /** Pings `key` to `pingTo` among those who know it; false after saying why not. */
  pingHex(key: string): boolean;
  loadDisplays(): Promise<void>;
  createDisplay(name: string, partyId: string | null): Promise<void>;
  revokeDisplay(id: string): Promise<void>;
  closeMadeDisplay(): void;
}

export const socialSlice = defineSlice(
  () => ({
    pingTo: { kind: 'all' } as PingTo,
    displays: [] as readonly DisplayRow[],
    madeDisplay: null as DisplayRow | null,
  }),
  (set, get) => ({
    setPingTo(to: PingTo) {
      set({ pingTo: to });
    },
    pingHex(key: string) {
      const s = get();
      const to = s.pingTo;
      let targets: Targets = 'all';
      if (to.kind === 'party') targets = { partyIds: [to.id] };
      else if (to.kind === 'players') {
        if (s.picked.size === 0) {
          s.toast('Tick the players to ping in the Players panel first.', 'error');
          return false;
        }
        targets = { playerIds: [...s.picked] };
      }
      if (!s.conn?.socket.send({ type: 'hex:ping', key, targets })) {
        s.toast('Not connected to the hub.', 'error');
        return false;
      }
      return true;
    },
    async loadDisplays() {
      const { api, campaignId } = get();
      if (!api || !campaignId) return;
      try {
        const all = await api.displays(campaignId);
        if (get().campaignId === campaignId) set({ displays: all.filter((d) => !d.revokedAt) });
      } catch (e) {
        get().toast(errorText(e), 'error');
      }
    },
    async createDisplay(name: string, partyId: string | null) {
      const { api, campaignId } = get();
      if (!api || !campaignId) return;
      try {
        const made = await api.createDisplay(campaignId, name, partyId);
        set({ madeDisplay: made });
        await get().loadDisplays();
      } catch (e) {
        get().toast(errorText(e), 'error');
      }
    },
    async revokeDisplay(id: string) {
      const { api, campaignId } = get();
      if (!api || !campaignId) return;
      try {
        await api.revokeDisplay(campaignId, id);
        if (get().madeDisplay?.id === id) set({ madeDisplay: null });
        get().toast('Table screen turned off.', 'info');
        await get().loadDisplays();
      } catch (e) {
        get().toast(errorText(e), 'error');
      }
    },
    closeMadeDisplay() {
      set({ madeDisplay: null });
    },
  }),
);
