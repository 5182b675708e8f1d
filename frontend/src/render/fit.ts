// Where the view goes on its own: the opening view of a player's map (fitted to what they know,
// at a scale where a hex can be tapped) and following the party token. Pure functions of the
// map, the viewport and the view, so they are unit-tested without a browser.
import { SQRT3, hexToPixel, parseHexKey, type Point } from '../hex/coords';
import { FOG } from '../hex/terrain';
import type { MapInfo } from '../protocol/schema';
import type { Insets, View } from './renderer';
import type { MapRect } from './paint';

/**
 * The smallest hex the opening view shows, in CSS px between opposite sides (its narrowest
 * width): 44 px, the touch target Apple's and the W3C's guidelines ask for (WCAG 2.5.5; Material
 * asks 48 dp, which a hex of 44 px side to side gives along its long axis, 2/√3 × 44 = 51 px).
 * On a 360×640 phone that is ~9 columns by ~13 rows: enough map to know where you are.
 */
export const MIN_TAP_PX = 44;
/** The scale (CSS px per unit of hex radius) at which a hex is MIN_TAP_PX across its sides. */
export const TAP_SCALE = MIN_TAP_PX / SQRT3;
/** The opening view shows a small known area no larger than this (a hex ~70 px across). */
export const MAX_OPEN_SCALE = 40;
/** Space kept free around a fitted area, CSS px. */
const FIT_MARGIN = 16;

export interface Viewport {
  w: number;
  h: number;
  insets: Insets;
}

/** Map-unit bounding box of the hexes that are not fog, and the token's (null when all fog). */
export function knownBounds(map: MapInfo, cells: Uint8Array, token: string | null): MapRect | null {
  const { width, orientation } = map;
  const flat = orientation === 'flat';
  const h = SQRT3 / 2;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  const add = (col: number, row: number) => {
    const x = flat ? 1 + 1.5 * col : h * (1 + 2 * col + (row & 1));
    const y = flat ? h * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  };
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] === FOG) continue;
    const col = i % width;
    add(col, (i - col) / width);
  }
  const o = token ? parseHexKey(token) : null;
  if (o) add(o.col, o.row);
  if (x0 === Infinity) return null;
  // Centres, plus the hexes' own reach: to the corners across the row, to the sides along it.
  const rx = flat ? 1 : h;
  const ry = flat ? h : 1;
  return { x0: x0 - rx, y0: y0 - ry, x1: x1 + rx, y1: y1 + ry };
}

/** The free part of the viewport (minus insets and margin), CSS px. */
function area(vp: Viewport) {
  const w = Math.max(40, vp.w - vp.insets.left - vp.insets.right - 2 * FIT_MARGIN);
  const h = Math.max(40, vp.h - vp.insets.top - vp.insets.bottom - 2 * FIT_MARGIN);
  return { w, h, cx: vp.insets.left + FIT_MARGIN + w / 2, cy: vp.insets.top + FIT_MARGIN + h / 2 };
}

/** A view at `scale` with map point `p` in the middle of the free area. */
export function centredOn(p: Point, scale: number, vp: Viewport): View {
  const a = area(vp);
  return { scale, x: a.cx - p.x * scale, y: a.cy - p.y * scale };
}

/** The known hex nearest to a map point (null when nothing is known). */
function nearestKnown(map: MapInfo, cells: Uint8Array, p: Point): Point | null {
  let best: Point | null = null;
  let bestD = Infinity;
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] === FOG) continue;
    const col = i % map.width;
    const c = hexToPixel({ col, row: (i - col) / map.width }, map.orientation);
    const d = (c.x - p.x) ** 2 + (c.y - p.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * A player's opening view: everything they know fitted on screen when that leaves hexes at least
 * TAP_SCALE; otherwise TAP_SCALE centred on the party token when they can see it, else on the
 * known hex nearest the middle of what they know. Null when they know nothing yet.
 */
export function openingView(map: MapInfo, cells: Uint8Array, token: string | null, vp: Viewport): View | null {
  const b = knownBounds(map, cells, token);
  if (!b) return null;
  const a = area(vp);
  const fit = Math.min(MAX_OPEN_SCALE, a.w / (b.x1 - b.x0), a.h / (b.y1 - b.y0));
  if (fit >= TAP_SCALE) return centredOn({ x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 }, fit, vp);
  const o = token ? parseHexKey(token) : null;
  const focus = o ? hexToPixel(o, map.orientation) : nearestKnown(map, cells, { x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 });
  return centredOn(focus!, TAP_SCALE, vp);
}

/**
 * The view that brings map point `p` back to the middle of the free area when it is not well
 * inside it (a hex's radius or more from its edges), keeping the scale; null when it is.
 */
export function followView(view: View, p: Point, vp: Viewport): View | null {
  const sx = p.x * view.scale + view.x;
  const sy = p.y * view.scale + view.y;
  const edge = Math.min(view.scale, vp.w / 6, vp.h / 6);
  const inside =
    sx >= vp.insets.left + edge &&
    sx <= vp.w - vp.insets.right - edge &&
    sy >= vp.insets.top + edge &&
    sy <= vp.h - vp.insets.bottom - edge;
  return inside ? null : centredOn(p, view.scale, vp);
}
