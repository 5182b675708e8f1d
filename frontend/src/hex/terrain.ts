// One palette for the player view and the DM console.
import { GLIMPSED_UNPAINTED_CODE } from '../protocol/constants';
import { TERRAINS, type Terrain } from '../protocol/schema';

export { TERRAINS };
export type { Terrain };

/** Terrain index used in decoded grids: 0 = unpainted, 1..12 = TERRAINS, FOG = not visible. */
export const FOG = 255;
export const UNPAINTED = 0;

export const TERRAIN_CODES: Readonly<Record<Terrain, string>> = {
  '': '.',
  plains: 'p',
  forest: 'f',
  hills: 'h',
  mountains: 'm',
  swamp: 's',
  desert: 'd',
  water: 'w',
  coast: 'c',
  tundra: 't',
  jungle: 'j',
  settlement: 'v',
  ruins: 'r',
};
export const FOG_CODE = '?';

/** Terrains in index order: ALL_TERRAINS[i] is the terrain of index i (i < 13). */
export const ALL_TERRAINS: readonly Terrain[] = ['', ...TERRAINS];

export const TERRAIN_NAMES: Readonly<Record<Terrain, string>> = {
  '': 'Unpainted',
  plains: 'Plains',
  forest: 'Forest',
  hills: 'Hills',
  mountains: 'Mountains',
  swamp: 'Swamp',
  desert: 'Desert',
  water: 'Water',
  coast: 'Coast',
  tundra: 'Tundra',
  jungle: 'Jungle',
  settlement: 'Settlement',
  ruins: 'Ruins',
};

/** Fill colours, chosen to stay distinguishable for common colour-vision deficiencies. */
export const TERRAIN_COLORS: Readonly<Record<Terrain, string>> = {
  '': '#d8cfb8',
  plains: '#b5c97a',
  forest: '#4d8a4f',
  hills: '#c0a36a',
  mountains: '#8d867d',
  swamp: '#6f7f52',
  desert: '#e8d096',
  water: '#3f77b0',
  coast: '#93c4d8',
  tundra: '#e3eaec',
  jungle: '#2c6338',
  settlement: '#c8714d',
  ruins: '#9b8aa0',
};

export const FOG_COLOR = '#262a31';

/**
 * How a hex a player only glimpsed is filled: its terrain colour drained towards grey and darkened
 * towards the fog, so it reads as the same terrain seen from afar and never as explored ground
 * (the tiles hatch it too, and fade its glyph).
 */
export function mutedColor(css: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
  const [fr, fg, fb] = [1, 3, 5].map((i) => parseInt(FOG_COLOR.slice(i, i + 2), 16)) as [number, number, number];
  const grey = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const mix = (c: number, f: number) => Math.round((c * 0.4 + grey * 0.6) * 0.7 + f * 0.3);
  return '#' + [mix(r, fr), mix(g, fg), mix(b, fb)].map((v) => v.toString(16).padStart(2, '0')).join('');
}

export const MUTED_TERRAIN_COLORS: Readonly<Record<Terrain, string>> = Object.fromEntries(
  Object.entries(TERRAIN_COLORS).map(([t, c]) => [t, mutedColor(c)]),
) as Record<Terrain, string>;

const indexByCode = new Map<string, number>();
ALL_TERRAINS.forEach((t, i) => indexByCode.set(TERRAIN_CODES[t], i));
indexByCode.set(FOG_CODE, FOG);
/** Glimpsed codes (upper case, ',' for unpainted) decode to their terrain; see isGlimpsedCode. */
const glimpsedByCode = new Map<string, number>();
ALL_TERRAINS.forEach((t, i) => glimpsedByCode.set(t === '' ? GLIMPSED_UNPAINTED_CODE : TERRAIN_CODES[t].toUpperCase(), i));

/** Whether a player's grid code marks a glimpsed hex (terrain only, no label). */
export function isGlimpsedCode(code: string): boolean {
  return glimpsedByCode.has(code);
}

export function terrainIndex(t: Terrain): number {
  return ALL_TERRAINS.indexOf(t);
}

export function terrainAt(index: number): Terrain | null {
  return index === FOG ? null : (ALL_TERRAINS[index] ?? null);
}

/** Index for a grid code, or undefined for a character that is not a code. */
export function indexOfCode(code: string): number | undefined {
  return indexByCode.get(code);
}

/** Terrain index by char code (ASCII), NO_CODE for a character that is not a code: decoding a
 * 40,000-hex grid by table is several times faster than by Map and one-character strings. */
const NO_CODE = 254;
const indexByCharCode = new Uint8Array(128).fill(NO_CODE);
for (const [code, idx] of indexByCode) indexByCharCode[code.charCodeAt(0)] = idx;
// Glimpsed codes decode to their terrain too; isGlimpsedCode tells them apart.
for (const [code, idx] of glimpsedByCode) indexByCharCode[code.charCodeAt(0)] = idx;

/** Decodes the compact grid (one code per hex, row-major) into terrain indices. */
export function decodeGrid(grid: string, width: number, height: number): Uint8Array {
  if (grid.length !== width * height) {
    throw new Error(`grid has ${grid.length} cells, ${width}×${height} needs ${width * height}`);
  }
  const out = new Uint8Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const c = grid.charCodeAt(i);
    const idx = c < 128 ? indexByCharCode[c]! : NO_CODE;
    if (idx === NO_CODE) throw new Error(`unknown terrain code ${JSON.stringify(grid[i])} at ${i}`);
    out[i] = idx;
  }
  return out;
}

/** 1 per hex whose grid code is a glimpsed one (upper case, ','): a player's muted hexes. */
export function decodeGlimpsed(grid: string): Uint8Array {
  const out = new Uint8Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const c = grid.charCodeAt(i);
    // 'A'..'Z' and ','; every other code (lower case, '.', '?') is explored or fog.
    if ((c >= 65 && c <= 90) || c === 44) out[i] = 1;
  }
  return out;
}

export function encodeGrid(cells: Uint8Array): string {
  let s = '';
  for (const c of cells) s += c === FOG ? FOG_CODE : TERRAIN_CODES[ALL_TERRAINS[c] ?? '']!;
  return s;
}
