// Pure hex geometry for the editor's tools: brush footprints, the hexes a fast drag passes over,
// and flood-fill regions. Everything works on offset coordinates of one map.
import { axialToOffset, cubeRound, inBounds, neighbours, offsetToAxial, type Offset } from '../hex/coords';
import type { Orientation } from '../protocol/schema';

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 12;

export function clampBrush(size: number): number {
  return Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(size)));
}

/**
 * Hexes covered by a brush of `size` centred on `center`: size 1 is the hex itself, size n every
 * hex within n-1 steps (1, 7, 19, 37 … hexes), clipped to the map.
 */
export function brushFootprint(
  center: Offset,
  size: number,
  orientation: Orientation,
  width: number,
  height: number,
): Offset[] {
  return hexesInRange(center, clampBrush(size) - 1, orientation, width, height);
}

/** Every hex within `radius` steps of `center` (itself included), clipped to the map. */
export function hexesInRange(center: Offset, radius: number, orientation: Orientation, width: number, height: number): Offset[] {
  const a = offsetToAxial(center, orientation);
  const out: Offset[] = [];
  for (let dq = -radius; dq <= radius; dq++) {
    const lo = Math.max(-radius, -dq - radius);
    const hi = Math.min(radius, -dq + radius);
    for (let dr = lo; dr <= hi; dr++) {
      const o = axialToOffset({ q: a.q + dq, r: a.r + dr }, orientation);
      if (inBounds(o, width, height)) out.push(o);
    }
  }
  return out;
}

/** Number of hexes in an unclipped brush of `size`: 1 + 3n(n+1) for radius n. */
export function brushArea(size: number): number {
  const r = clampBrush(size) - 1;
  return 1 + 3 * r * (r + 1);
}

/**
 * Every hex on the straight line from a to b, both included, each adjacent to the next: a drag
 * reported every few hexes still paints an unbroken stroke.
 */
export function hexLine(a: Offset, b: Offset, orientation: Orientation): Offset[] {
  const x = offsetToAxial(a, orientation);
  const y = offsetToAxial(b, orientation);
  const n = (Math.abs(x.q - y.q) + Math.abs(x.r - y.r) + Math.abs(x.q + x.r - y.q - y.r)) / 2;
  if (n === 0) return [a];
  const out: Offset[] = [];
  // A tiny nudge keeps points that fall exactly between two hexes on one consistent side.
  const e = 1e-6;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const q = x.q + e + (y.q - x.q) * t;
    const r = x.r + e + (y.r - x.r) * t;
    out.push(axialToOffset(cubeRound(q, r), orientation));
  }
  return out;
}

/**
 * Row-major indices of the connected region of hexes sharing the start hex's cell value (the
 * same rule as the hub's game.FloodFill), breadth first, start first.
 */
export function floodRegion(
  cells: Uint8Array,
  width: number,
  height: number,
  orientation: Orientation,
  start: number,
): number[] {
  if (start < 0 || start >= width * height || cells.length !== width * height) return [];
  const want = cells[start];
  const seen = new Uint8Array(cells.length);
  seen[start] = 1;
  const region = [start];
  for (let i = 0; i < region.length; i++) {
    const idx = region[i]!;
    const o = { col: idx % width, row: Math.floor(idx / width) };
    for (const n of neighbours(o, orientation, width, height)) {
      const j = n.row * width + n.col;
      if (seen[j] || cells[j] !== want) continue;
      seen[j] = 1;
      region.push(j);
    }
  }
  return region;
}
