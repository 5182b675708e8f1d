// Moving a party from the DM console (docs/dm-ui.md, "Parties and moves"): which path a click, a
// drag or an arrow key makes, and what that path would reveal — computed with the sight rules'
// TypeScript twin (src/hex/sight.ts) on the DM's grid before anything is sent. Pure functions.
import { hexKey, inBounds, keyToIndex, parseHexKey, type Offset } from '../hex/coords';
import { Sight, type SightRules } from '../hex/sight';
import { LIMITS } from '../protocol/constants';
import type { MapInfo, Orientation, PartyReveal } from '../protocol/schema';
import { hexLine } from './brush';

export type ArrowKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight';

export function isArrowKey(k: string): k is ArrowKey {
  return k === 'ArrowUp' || k === 'ArrowDown' || k === 'ArrowLeft' || k === 'ArrowRight';
}

/**
 * The neighbour an arrow key steps to (docs/dm-ui.md has the table). Four keys, six neighbours:
 * - flat-top (odd-q): ↑ ↓ north and south; → ← the neighbour on that side in the same row, so
 *   repeated presses walk the row, zig-zagging (the straightest east–west line the grid has);
 *   Shift+→ / Shift+← the other neighbour on that side, leaving the row.
 * - pointy-top (odd-r): → ← east and west; ↑ ↓ the neighbour above or below in the same column,
 *   zig-zagging up or down it; Shift+↑ / Shift+↓ the other one, leaving the column.
 * Null when the step would leave the map.
 */
export function arrowStep(from: Offset, key: ArrowKey, shift: boolean, orientation: Orientation, width: number, height: number): Offset | null {
  const { col, row } = from;
  let to: Offset;
  if (orientation === 'flat') {
    const odd = (col & 1) === 1;
    switch (key) {
      case 'ArrowUp':
        to = { col, row: row - 1 };
        break;
      case 'ArrowDown':
        to = { col, row: row + 1 };
        break;
      case 'ArrowRight':
      case 'ArrowLeft': {
        const dc = key === 'ArrowRight' ? 1 : -1;
        // The same row is below (SE/SW) from an even column, above (NE/NW) from an odd one.
        const other = odd ? 1 : -1;
        to = { col: col + dc, row: shift ? row + other : row };
        break;
      }
    }
  } else {
    const odd = (row & 1) === 1;
    switch (key) {
      case 'ArrowRight':
        to = { col: col + 1, row };
        break;
      case 'ArrowLeft':
        to = { col: col - 1, row };
        break;
      case 'ArrowUp':
      case 'ArrowDown': {
        const dr = key === 'ArrowDown' ? 1 : -1;
        // The same column is to the right (NE/SE) from an even row, to the left from an odd one.
        const other = odd ? 1 : -1;
        to = { col: shift ? col + other : col, row: row + dr };
        break;
      }
    }
  }
  return inBounds(to, width, height) ? to : null;
}

/**
 * The path a click on `to` sends for a party standing on `from`: the hexes of the straight line
 * after `from`, one step each (a neighbour is one step). Empty when `to` is where it stands;
 * cut to the hub's longest path.
 */
export function clickPath(from: string, to: string, orientation: Orientation): string[] {
  const a = parseHexKey(from);
  const b = parseHexKey(to);
  if (!a || !b || from === to) return [];
  return hexLine(a, b, orientation)
    .slice(1, LIMITS.maxPathLength + 1)
    .map((o) => hexKey(o.col, o.row));
}

/**
 * A drag's path, extended by the pointer reaching `key` (from the last hex it was on): every hex
 * in between becomes a step; coming back over a step of the path cuts the path there (dragging
 * back undoes), and coming back to the token empties it.
 */
export function extendDrag(path: readonly string[], start: string, key: string, orientation: Orientation): string[] {
  const last = path.length > 0 ? path[path.length - 1]! : start;
  const a = parseHexKey(last);
  const b = parseHexKey(key);
  if (!a || !b || last === key) return [...path];
  let out = [...path];
  for (const o of hexLine(a, b, orientation).slice(1)) {
    const k = hexKey(o.col, o.row);
    if (k === start) {
      out = [];
      continue;
    }
    const at = out.indexOf(k);
    if (at >= 0) out = out.slice(0, at + 1);
    else if (out.length < LIMITS.maxPathLength) out.push(k);
  }
  return out;
}

export interface MovePreview {
  /** hexes the party would explore that it has not explored */
  explored: string[];
  /** hexes it would glimpse that it knows nothing of */
  glimpsed: string[];
}

/**
 * What a party would learn stepping along `path` (each step in order, as the hub reveals), by its
 * reveal mode: `sight` explores each step and glimpses what is seen from it, `hex` explores the
 * steps, `none` reveals nothing. `known` is the party's level per hex now (all and its own);
 * `cells` the DM's terrain indices; `penalty` the weather's cut to sight.
 */
export function previewMove(
  map: MapInfo,
  cells: ArrayLike<number>,
  known: ArrayLike<number>,
  path: readonly string[],
  reveal: PartyReveal,
  rules: SightRules,
  penalty = 0,
): MovePreview {
  if (reveal === 'none' || path.length === 0) return { explored: [], glimpsed: [] };
  const { width, height, orientation } = map;
  const level = new Uint8Array(width * height);
  const sight = reveal === 'sight' ? new Sight(rules) : null;
  for (const k of path) {
    const o = parseHexKey(k);
    const i = keyToIndex(k, width, height);
    if (!o || i < 0) continue;
    level[i] = 2;
    if (!sight) continue;
    for (const j of sight.seenFrom(width, height, orientation, cells, o.col, o.row, penalty)) if (level[j] === 0) level[j] = 1;
  }
  const explored: string[] = [];
  const glimpsed: string[] = [];
  for (let i = 0; i < level.length; i++) {
    const l = level[i]!;
    if (l === 0 || (known[i] ?? 0) >= l) continue;
    (l === 2 ? explored : glimpsed).push(hexKey(i % width, Math.floor(i / width)));
  }
  return { explored, glimpsed };
}
