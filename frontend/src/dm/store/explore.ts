// Exploration in the console (docs/exploration.md, docs/dm-ui.md "Parties and moves"): which
// party the DM moves, how the Party tool's clicks, drags and arrow keys become party:move and
// party:place, undo, the parties' own commands (split, assign, merge, rename …), markers and the
// sight rules. The hub's state itself (parties, knowledge, markers, rules) is in the session data.
import { hexKey, parseHexKey } from '../../hex/coords';
import type { SightRule } from '../../hex/sight';
import type { Terrain } from '../../hex/terrain';
import { type ClientMessage, type MarkerKind, type MarkerVisibility, type PartyReveal, type PartyView, type ServerMessage } from '../../protocol/schema';
import { arrowStep, clickPath, type ArrowKey } from '../moves';
import { stagedParties } from '../preview';
import { isStagedLive } from '../editor';
import { defineSlice, liveOrSay } from './slice';

export type PartyToolMode = 'move' | 'place';

export interface ExploreSlice {
  /** the party the Party tool and the arrow keys move; null: the default party */
  partyId: string | null;
  /** the Party tool moves the party (steps that reveal by its mode) or places it anywhere */
  partyMode: PartyToolMode;
  /** a placement reveals what the party sees from there */
  placeReveal: boolean;
  /** the path of a move being dragged (not sent yet) */
  dragPath: readonly string[] | null;
  /** the Marker tool's next marker */
  markerKind: MarkerKind;
  markerLabel: string;
  markerVisibility: MarkerVisibility;
  /** the marker being edited (Hex panel) or dragged */
  markerId: string | null;

  /** The party the console acts on: the one picked, else the default, else the first. */
  party(): PartyView | null;
  selectParty(id: string | null): void;
  /** The next party in the list (the `P` key). */
  cycleParty(): void;
  setPartyMode(mode: PartyToolMode): void;
  setPlaceReveal(reveal: boolean): void;
  setDragPath(path: readonly string[] | null): void;
  /** Where a party stands for the next move: after its staged moves and placements, if any. */
  partyKey(id: string): string | null;
  /** The Party tool's click: a step or a straight path from the token, or a placement. */
  partyTap(key: string): boolean;
  /** Sends a move of the picked party along `path` (each step adjacent to the one before). */
  moveParty(path: readonly string[]): boolean;
  /** An arrow key: one step of the picked party (docs/dm-ui.md's table). */
  partyArrow(key: ArrowKey, shift: boolean): boolean;
  /** Puts the picked party on `key` (off the map with null), revealing or not. */
  placeParty(key: string | null, reveal: boolean): boolean;
  /** Takes back a party's last move or placement (the picked party by default). */
  undoMove(partyId?: string): boolean;
  /** Split: a new party of these players (moved from wherever they were). */
  createParty(name: string, color: string, playerIds: readonly string[]): boolean;
  updateParty(partyId: string, fields: { name?: string; color?: string; reveal?: PartyReveal }): boolean;
  /** Moves players into a party, or into none (null). */
  assignPlayers(partyId: string | null, playerIds: readonly string[]): boolean;
  mergeParty(partyId: string, intoId: string): boolean;
  setMarkerKind(kind: MarkerKind): void;
  setMarkerLabel(label: string): void;
  setMarkerVisibility(v: MarkerVisibility): void;
  selectMarker(id: string | null): void;
  placeMarker(key: string): boolean;
  updateMarker(markerId: string, fields: { key?: string; kind?: MarkerKind; label?: string; visibility?: MarkerVisibility }): boolean;
  removeMarker(markerId: string): boolean;
  /** Sends the campaign's sight rules (terrains left out take the defaults). */
  saveSightRules(rules: Partial<Record<Terrain, SightRule>>): boolean;
  /** What the console does after a server message: forget a party merged away, a marker removed. */
  exploreReceived(msg: ServerMessage): void;
}

export const exploreSlice = defineSlice(
  () => ({
    partyId: null as string | null,
    partyMode: 'move' as PartyToolMode,
    placeReveal: false,
    dragPath: null as readonly string[] | null,
    markerKind: 'monster' as MarkerKind,
    markerLabel: '',
    markerVisibility: 'dm' as MarkerVisibility,
    markerId: null as string | null,
  }),
  (set, get) => {
    const picked = (): PartyView | null => {
      const p = get().party();
      if (!p) get().toast('There is no party: create one in the Parties panel.', 'info');
      return p;
    };
    return {
      party() {
        const d = get().data;
        if (!d || d.parties.length === 0) return null;
        const id = get().partyId;
        return d.parties.find((p) => p.id === id) ?? d.parties.find((p) => p.default) ?? d.parties[0]!;
      },
      selectParty(id: string | null) {
        // One party at a time: the travel panel drives the same one.
        set({ partyId: id, travelPartyId: id, dragPath: null });
      },
      cycleParty() {
        const parties = get().data?.parties ?? [];
        if (parties.length === 0) return;
        const at = parties.findIndex((p) => p.id === get().party()?.id);
        const id = parties[(at + 1) % parties.length]!.id;
        set({ partyId: id, travelPartyId: id, dragPath: null });
      },
      setPartyMode(partyMode: PartyToolMode) {
        set({ partyMode, dragPath: null });
      },
      setPlaceReveal(placeReveal: boolean) {
        set({ placeReveal });
      },
      setDragPath(dragPath: readonly string[] | null) {
        set({ dragPath });
      },
      partyKey(id: string) {
        const d = get().data;
        const p = d?.parties.find((x) => x.id === id);
        if (!d || !p) return null;
        if (!isStagedLive(d) || d.staged.length === 0) return p.key;
        return stagedParties(d.staged, d.parties).get(id)?.end ?? p.key;
      },
      partyTap(key: string) {
        const s = get();
        const p = picked();
        const m = s.data?.map;
        if (!p || !m) return false;
        const from = s.partyKey(p.id);
        if (s.partyMode === 'place' || from === null) return s.placeParty(key, s.placeReveal);
        const path = clickPath(from, key, m.orientation);
        return path.length > 0 && s.moveParty(path);
      },
      moveParty(path: readonly string[]) {
        const p = picked();
        if (!p || path.length === 0 || !liveOrSay(get, 'move the party')) return false;
        return get().command({ type: 'party:move', partyId: p.id, path: [...path] });
      },
      partyArrow(key: ArrowKey, shift: boolean) {
        const s = get();
        const p = picked();
        const m = s.data?.map;
        if (!p || !m) return false;
        const from = s.partyKey(p.id);
        const o = from ? parseHexKey(from) : null;
        if (!o) {
          s.toast(`Place ${p.name} on the map first (Party tool, then click a hex).`, 'info');
          return false;
        }
        const to = arrowStep(o, key, shift, m.orientation, m.width, m.height);
        if (!to) {
          s.toast('That is the edge of the map.', 'info');
          return false;
        }
        return s.moveParty([hexKey(to.col, to.row)]);
      },
      placeParty(key: string | null, reveal: boolean) {
        const p = picked();
        if (!p) return false;
        // Setting up (no reveal) works before a session; revealing needs one.
        if (reveal && !liveOrSay(get, 'reveal what the party sees')) return false;
        return get().command({ type: 'party:place', partyId: p.id, key, reveal });
      },
      undoMove(partyId?: string) {
        const d = get().data;
        const p = partyId ? d?.parties.find((x) => x.id === partyId) : picked();
        if (!p || !liveOrSay(get, 'undo a move')) return false;
        if ((p.undo ?? 0) === 0) {
          get().toast(`${p.name} has no move to take back.`, 'info');
          return false;
        }
        return get().command({ type: 'party:undo', partyId: p.id });
      },
      createParty(name: string, color: string, playerIds: readonly string[]) {
        return get().command({ type: 'party:create', name, color, playerIds: [...playerIds] });
      },
      updateParty(partyId: string, fields: { name?: string; color?: string; reveal?: PartyReveal }) {
        return get().command({ type: 'party:update', partyId, ...fields } as ClientMessage);
      },
      assignPlayers(partyId: string | null, playerIds: readonly string[]) {
        if (playerIds.length === 0) return false;
        return get().command({ type: 'party:assign', partyId, playerIds: [...playerIds] });
      },
      mergeParty(partyId: string, intoId: string) {
        if (partyId === intoId) return false;
        if (get().partyId === partyId) set({ partyId: intoId });
        return get().command({ type: 'party:merge', partyId, intoId });
      },
      setMarkerKind(markerKind: MarkerKind) {
        set({ markerKind });
      },
      setMarkerLabel(markerLabel: string) {
        set({ markerLabel });
      },
      setMarkerVisibility(markerVisibility: MarkerVisibility) {
        set({ markerVisibility });
      },
      selectMarker(markerId: string | null) {
        set({ markerId });
      },
      placeMarker(key: string) {
        const s = get();
        return s.command({ type: 'marker:place', key, kind: s.markerKind, label: s.markerLabel.trim(), visibility: s.markerVisibility });
      },
      updateMarker(markerId: string, fields: { key?: string; kind?: MarkerKind; label?: string; visibility?: MarkerVisibility }) {
        return get().command({ type: 'marker:update', markerId, ...fields } as ClientMessage);
      },
      removeMarker(markerId: string) {
        if (get().markerId === markerId) set({ markerId: null });
        return get().command({ type: 'marker:remove', markerId });
      },
      saveSightRules(rules: Partial<Record<Terrain, SightRule>>) {
        return get().command({ type: 'sight:rules', rules });
      },
      exploreReceived(msg: ServerMessage) {
        const s = get();
        if (msg.type === 'parties:changed' || msg.type === 'session:state') {
          const gone = (id: string | null) => id !== null && !msg.parties.some((p) => p.id === id);
          const picked = [...s.pickedParties].filter((id) => !gone(id));
          const patch: Partial<ExploreSlice & { viewAs: string | null; pickedParties: ReadonlySet<string> }> = {};
          if (gone(s.partyId)) patch.partyId = null;
          if (picked.length !== s.pickedParties.size) patch.pickedParties = new Set(picked);
          // Viewing as a party that was merged away: back to the DM's view.
          if (msg.type === 'parties:changed' && s.viewAs && !s.data?.players.has(s.viewAs) && gone(s.viewAs)) patch.viewAs = null;
          if (Object.keys(patch).length > 0) set(patch);
        }
        if ((msg.type === 'markers:changed' || msg.type === 'session:state') && s.markerId && !msg.markers.some((m) => m.id === s.markerId)) set({ markerId: null });
      },
    };
  },
);
