// The console's own state (tools, selection, reveal targets, view-as), separate from the hub's
// state in the session store. A vanilla zustand store so the map and panels subscribe to slices.
import { createStore } from 'zustand/vanilla';
import type { Terrain } from '../protocol/schema';
import { clampBrush } from './brush';

export type Tool = 'select' | 'brush' | 'fill' | 'reveal' | 'hide' | 'token';

export const TOOLS: readonly { id: Tool; name: string; key: string; hint: string }[] = [
  { id: 'select', name: 'Select', key: 'S', hint: 'Click a hex to edit its label and notes' },
  { id: 'brush', name: 'Brush', key: 'B', hint: 'Click or drag to paint · Alt+click picks a terrain · [ ] brush size' },
  { id: 'fill', name: 'Fill', key: 'F', hint: 'Click to fill the connected area of one terrain' },
  { id: 'reveal', name: 'Reveal', key: 'R', hint: 'Click or drag to reveal hexes to the chosen players' },
  { id: 'hide', name: 'Hide', key: 'H', hint: 'Click or drag to hide hexes again' },
  { id: 'token', name: 'Party', key: 'T', hint: 'Click a hex to move the party token there' },
];

export interface UiState {
  tool: Tool;
  terrain: Terrain;
  brush: number;
  selected: string | null;
  hover: string | null;
  /** reveal/hide to everyone, or to the players ticked in the players panel */
  revealTo: 'all' | 'selected';
  picked: ReadonlySet<string>;
  /** render exactly what this player sees */
  viewAs: string | null;
  /** hexes collected by a reveal/hide drag in progress */
  sweep: ReadonlySet<string>;
  /** draw the translucent fog over hexes no player sees (V toggles) */
  veil: boolean;
}

export const createUiStore = () =>
  createStore<UiState>()(() => ({
    tool: 'brush',
    terrain: 'forest',
    brush: 1,
    selected: null,
    hover: null,
    revealTo: 'all',
    picked: new Set<string>(),
    viewAs: null,
    sweep: new Set<string>(),
    veil: true,
  }));

export type UiStore = ReturnType<typeof createUiStore>;

export function setBrush(ui: UiStore, n: number): void {
  ui.setState({ brush: clampBrush(n) });
}

export function togglePicked(ui: UiStore, id: string): void {
  const next = new Set(ui.getState().picked);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  ui.setState({ picked: next, revealTo: next.size > 0 ? 'selected' : ui.getState().revealTo });
}
