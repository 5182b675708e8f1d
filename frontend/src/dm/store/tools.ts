// The console's own state: the tool and its settings, the selected and hovered hex, the hexes a
// reveal/hide drag has collected, who reveals go to, "view as" and the fog toggle.
import type { HexState, Terrain } from '../../protocol/schema';
import { TERRAINS } from '../../hex/terrain';
import { clampBrush } from '../brush';
import { defineSlice } from './slice';

export type Tool = 'select' | 'brush' | 'fill' | 'reveal' | 'hide' | 'token' | 'travel' | 'marker';

/** Who a reveal or hide goes to: everyone, the players ticked in the Players panel, or the parties ticked in the Parties panel. */
export type RevealTo = 'all' | 'selected' | 'parties';

export const TOOLS: readonly { id: Tool; name: string; key: string; hint: string }[] = [
  { id: 'select', name: 'Select', key: 'S', hint: 'Click a hex to edit its label and notes' },
  { id: 'brush', name: 'Brush', key: 'B', hint: 'Click or drag to paint · Alt+click picks a terrain · [ ] brush size' },
  { id: 'fill', name: 'Fill', key: 'F', hint: 'Click to fill the connected area of one terrain' },
  { id: 'reveal', name: 'Reveal', key: 'R', hint: 'Click or drag to reveal hexes to the chosen players' },
  { id: 'hide', name: 'Hide', key: 'H', hint: 'Click or drag to hide hexes again' },
  { id: 'token', name: 'Party', key: 'T', hint: 'Click a neighbour to step, drag a path, or use the arrow keys; U undoes the last move' },
  { id: 'travel', name: 'Travel', key: 'G', hint: 'Click a hex: the party travels there, spending time, with its checks (Travel panel)' },
  { id: 'marker', name: 'Marker', key: 'M', hint: 'Click a hex to place a marker · drag a marker to move it · click one to edit it' },
];

const EMPTY: ReadonlySet<string> = new Set();

export interface ToolsSlice {
  tool: Tool;
  terrain: Terrain;
  /** the brush lays (true) or lifts (false) roads instead of painting terrain; null: terrain */
  roadBrush: boolean | null;
  brush: number;
  selected: string | null;
  hover: string | null;
  /** reveal/hide to everyone, to the players ticked in the players panel, or to parties */
  revealTo: RevealTo;
  picked: ReadonlySet<string>;
  /** parties ticked as reveal/hide targets */
  pickedParties: ReadonlySet<string>;
  /** what a reveal makes of a hex */
  revealState: HexState;
  /** render exactly what this player sees */
  viewAs: string | null;
  /** hexes collected by a reveal/hide drag in progress */
  sweep: ReadonlySet<string>;
  /** draw the translucent fog over hexes no player sees (V toggles) */
  veil: boolean;

  setTool(tool: Tool): void;
  setTerrain(terrain: Terrain): void;
  /** The palette's road entries: the brush lays or lifts roads (null: back to terrain). */
  setRoadBrush(road: boolean | null): void;
  /** The palette's number keys: 1–9 and 0 pick a terrain (and the brush unless filling). */
  terrainKey(digit: string): void;
  setBrush(n: number): void;
  select(key: string | null): void;
  hoverHex(key: string | null): void;
  setRevealTo(to: RevealTo): void;
  togglePicked(playerId: string): void;
  togglePickedParty(partyId: string): void;
  setRevealState(state: HexState): void;
  setViewAs(playerId: string | null): void;
  toggleVeil(): void;
  setSweep(keys: ReadonlySet<string>): void;
  /** Escape: no selection, no drag, no "view as". */
  escape(): void;
}

export const toolsSlice = defineSlice(
  () => ({
    tool: 'brush' as Tool,
    terrain: 'forest' as Terrain,
    roadBrush: null as boolean | null,
    brush: 1,
    selected: null as string | null,
    hover: null as string | null,
    revealTo: 'all' as RevealTo,
    picked: EMPTY,
    pickedParties: EMPTY,
    revealState: 'explored' as HexState,
    viewAs: null as string | null,
    sweep: EMPTY,
    veil: true,
  }),
  (set, get) => ({
    setTool(tool: Tool) {
      set({ tool, sweep: EMPTY, dragPath: null });
    },
    setTerrain(terrain: Terrain) {
      set({ terrain, roadBrush: null });
    },
    setRoadBrush(roadBrush: boolean | null) {
      set({ roadBrush, tool: 'brush' });
    },
    terrainKey(digit: string) {
      const terrain = TERRAINS[digit === '0' ? 9 : Number(digit) - 1];
      if (terrain) set({ terrain, roadBrush: null, tool: get().tool === 'fill' ? 'fill' : 'brush' });
    },
    setBrush(n: number) {
      set({ brush: clampBrush(n) });
    },
    select(key: string | null) {
      set({ selected: key });
    },
    hoverHex(key: string | null) {
      if (get().hover !== key) set({ hover: key });
    },
    setRevealTo(to: RevealTo) {
      set({ revealTo: to });
    },
    togglePickedParty(id: string) {
      const next = new Set(get().pickedParties);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      set({ pickedParties: next, revealTo: next.size > 0 ? 'parties' : get().revealTo === 'parties' ? 'all' : get().revealTo });
    },
    setRevealState(revealState: HexState) {
      set({ revealState });
    },
    togglePicked(id: string) {
      const next = new Set(get().picked);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      set({ picked: next, revealTo: next.size > 0 ? 'selected' : get().revealTo });
    },
    setViewAs(playerId: string | null) {
      set({ viewAs: playerId });
    },
    toggleVeil() {
      set({ veil: !get().veil });
    },
    setSweep(keys: ReadonlySet<string>) {
      set({ sweep: keys });
    },
    escape() {
      set({ selected: null, sweep: EMPTY, viewAs: null, dragPath: null, markerId: null });
    },
  }),
);
