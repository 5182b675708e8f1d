// Offset coordinates as the protocol uses them: flat maps are odd-q (odd columns shoved down
// half a hex), pointy maps odd-r (odd rows shoved right). Maths after Red Blob Games' hexagon
// guide (https://www.redblobgames.com/grids/hexagons/), via axial coordinates.
// Pixel units: the hex "size" is 1 (centre to corner); multiply by a scale to draw.
import type { Orientation } from '../protocol/schema';

export interface Offset {
  col: number;
  row: number;
}
export interface Axial {
  q: number;
  r: number;
}
export interface Point {
  x: number;
  y: number;
}

export const SQRT3 = Math.sqrt(3);

export function hexKey(col: number, row: number): string {
  return `${col},${row}`;
}

const KEY_RE = /^(0|[1-9][0-9]*),(0|[1-9][0-9]*)$/;

/** Parses a canonical key; null when not canonical. */
export function parseHexKey(key: string): Offset | null {
  const m = KEY_RE.exec(key);
  if (!m) return null;
  return { col: Number(m[1]), row: Number(m[2]) };
}

export function inBounds(o: Offset, width: number, height: number): boolean {
  return o.col >= 0 && o.row >= 0 && o.col < width && o.row < height;
}

/** Row-major index of a key on a width×height map, or -1 when off the map or not canonical. */
export function keyToIndex(key: string, width: number, height: number): number {
  const o = parseHexKey(key);
  if (!o || !inBounds(o, width, height)) return -1;
  return o.row * width + o.col;
}

export function indexToKey(index: number, width: number): string {
  return hexKey(index % width, Math.floor(index / width));
}

export function offsetToAxial(o: Offset, orientation: Orientation): Axial {
  if (orientation === 'flat') {
    return { q: o.col, r: o.row - (o.col - (o.col & 1)) / 2 };
  }
  return { q: o.col - (o.row - (o.row & 1)) / 2, r: o.row };
}

export function axialToOffset(a: Axial, orientation: Orientation): Offset {
  if (orientation === 'flat') {
    return { col: a.q, row: a.r + (a.q - (a.q & 1)) / 2 };
  }
  return { col: a.q + (a.r - (a.r & 1)) / 2, row: a.r };
}

const AXIAL_DIRS: readonly Axial[] = [
  { q: 1, r: 0 },
  { q: 1, r: -1 },
  { q: 0, r: -1 },
  { q: -1, r: 0 },
  { q: -1, r: 1 },
  { q: 0, r: 1 },
];

/** The six neighbours (those on the map, when width/height are given). */
export function neighbours(o: Offset, orientation: Orientation, width?: number, height?: number): Offset[] {
  const a = offsetToAxial(o, orientation);
  const out: Offset[] = [];
  for (const d of AXIAL_DIRS) {
    const n = axialToOffset({ q: a.q + d.q, r: a.r + d.r }, orientation);
    if (width === undefined || height === undefined || inBounds(n, width, height)) out.push(n);
  }
  return out;
}

export function distance(a: Offset, b: Offset, orientation: Orientation): number {
  const x = offsetToAxial(a, orientation);
  const y = offsetToAxial(b, orientation);
  const dq = x.q - y.q;
  const dr = x.r - y.r;
  return (Math.abs(dq) + Math.abs(dr) + Math.abs(dq + dr)) / 2;
}

/**
 * Centre of a hex in map pixels (size 1). The map's top-left corner is at (0,0): hex 0,0 sits
 * one half-extent in from each edge.
 */
export function hexToPixel(o: Offset, orientation: Orientation): Point {
  if (orientation === 'flat') {
    return { x: 1 + 1.5 * o.col, y: (SQRT3 / 2) * (1 + 2 * o.row + (o.col & 1)) };
  }
  return { x: (SQRT3 / 2) * (1 + 2 * o.col + (o.row & 1)), y: 1 + 1.5 * o.row };
}

/** The hex nearest fractional axial coordinates (cube rounding). */
export function cubeRound(q: number, r: number): Axial {
  const s = -q - r;
  let rq = Math.round(q);
  let rr = Math.round(r);
  const rs = Math.round(s);
  const dq = Math.abs(rq - q);
  const dr = Math.abs(rr - r);
  const ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  return { q: rq + 0, r: rr + 0 }; // + 0 turns -0 into 0
}

/** The hex containing a map pixel (may be off the map; check with inBounds). */
export function pixelToHex(p: Point, orientation: Orientation): Offset {
  let q: number;
  let r: number;
  if (orientation === 'flat') {
    const x = p.x - 1;
    const y = p.y - SQRT3 / 2;
    q = (2 / 3) * x;
    r = (-1 / 3) * x + (SQRT3 / 3) * y;
  } else {
    const x = p.x - SQRT3 / 2;
    const y = p.y - 1;
    q = (SQRT3 / 3) * x - (1 / 3) * y;
    r = (2 / 3) * y;
  }
  return axialToOffset(cubeRound(q, r), orientation);
}

/** Corner offsets from a hex centre (size 1), clockwise from the east/north-east corner. */
export function hexCorners(orientation: Orientation): Point[] {
  const start = orientation === 'flat' ? 0 : 30;
  return Array.from({ length: 6 }, (_, i) => {
    const a = ((start + 60 * i) * Math.PI) / 180;
    return { x: Math.cos(a), y: Math.sin(a) };
  });
}

/** Size of the whole map in map pixels. */
export function mapPixelSize(width: number, height: number, orientation: Orientation): { w: number; h: number } {
  if (orientation === 'flat') {
    return { w: 1.5 * (width - 1) + 2, h: SQRT3 * (height + (width > 1 ? 0.5 : 0)) };
  }
  return { w: SQRT3 * (width + (height > 1 ? 0.5 : 0)), h: 1.5 * (height - 1) + 2 };
}

/**
 * Inclusive column and row ranges of hexes that may intersect a map-pixel rectangle, clamped to
 * the map (conservative by one hex so nothing at an edge is culled).
 */
export function visibleRange(
  rect: { x0: number; y0: number; x1: number; y1: number },
  width: number,
  height: number,
  orientation: Orientation,
): { c0: number; c1: number; r0: number; r1: number } {
  let c0: number, c1: number, r0: number, r1: number;
  if (orientation === 'flat') {
    c0 = Math.floor((rect.x0 - 2) / 1.5);
    c1 = Math.ceil(rect.x1 / 1.5);
    r0 = Math.floor(rect.y0 / SQRT3 - 1.5);
    r1 = Math.ceil(rect.y1 / SQRT3);
  } else {
    c0 = Math.floor(rect.x0 / SQRT3 - 1.5);
    c1 = Math.ceil(rect.x1 / SQRT3);
    r0 = Math.floor((rect.y0 - 2) / 1.5);
    r1 = Math.ceil(rect.y1 / 1.5);
  }
  return {
    c0: Math.max(0, c0),
    c1: Math.min(width - 1, c1),
    r0: Math.max(0, r0),
    r1: Math.min(height - 1, r1),
  };
}
