// Paints hexes: terrain fills, fog, glyphs, roads, grid lines, the hatch over hexes a player only
// glimpsed, and the DM's veil, for one rectangle of the map. The tile layer calls it once per
// tile; nothing here depends on the view.
//
// Hexes are batched into one path per terrain, so a rectangle costs ~14 fills however many hexes
// it holds.
import { ALL_TERRAINS, FOG, MUTED_TERRAIN_COLORS, TERRAIN_COLORS } from '../hex/terrain';
import { hexCorners, visibleRange } from '../hex/coords';
import type { Orientation } from '../protocol/schema';
import { addGlyph, glyphStroke } from './glyphs';

export interface MapRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The per-hex state the cached map layer is painted from (row-major arrays, width × height). */
export interface HexLayers {
  width: number;
  height: number;
  orientation: Orientation;
  /** terrain index, FOG = not visible */
  cells: Uint8Array;
  /** 1 where the DM's players do not see the hex: fog drawn translucent over the terrain; 2
   * where they only glimpsed it: a lighter veil */
  veil: Uint8Array | null;
  /** 1 where the viewer only glimpsed the hex: its terrain muted, glyph faded, hatched */
  muted: Uint8Array | null;
  /** 1 where a road runs: drawn joining neighbouring road hexes that are not fog */
  roads: Uint8Array | null;
}

/** How much of the veil a hex players only glimpsed gets (DM view). */
export const HALF_VEIL = 0.45;

/** CSS px between the hatch lines over glimpsed hexes. */
const HATCH_PX = 7;
/** How faint a glimpsed hex's glyph is. */
const MUTED_GLYPH_ALPHA = 0.45;

// Offset neighbours by column parity (flat, odd-q) or row parity (pointy, odd-r): [dcol, drow].
const FLAT_NB: readonly (readonly [number, number])[][] = [
  [[1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [0, 1]], // even column
  [[1, 1], [1, 0], [0, -1], [-1, 0], [-1, 1], [0, 1]], // odd column
];
const POINTY_NB: readonly (readonly [number, number])[][] = [
  [[1, 0], [0, -1], [-1, -1], [-1, 0], [-1, 1], [0, 1]], // even row
  [[1, 0], [1, -1], [0, -1], [-1, 0], [0, 1], [1, 1]], // odd row
];

/** Row-major indices of the neighbours of hex i on the map. */
export function neighbourIndices(i: number, width: number, height: number, flat: boolean): number[] {
  const col = i % width;
  const row = (i - col) / width;
  const table = flat ? FLAT_NB[col & 1]! : POINTY_NB[row & 1]!;
  const out: number[] = [];
  for (const [dc, dr] of table) {
    const c = col + dc;
    const r = row + dr;
    if (c >= 0 && r >= 0 && c < width && r < height) out.push(r * width + c);
  }
  return out;
}

export interface PaintStyle {
  fogColor: string;
  veilAlpha: number;
  glyphMinScale: number;
  gridMinScale: number;
}

const HALF_SQRT3 = Math.sqrt(3) / 2;

/**
 * Paints every hex touching `rect` (map units). The caller has set ctx's transform to map units
 * → device pixels (a scale and a translation), `scale` CSS px per unit (which decides glyphs and
 * grid), and cleared the area.
 * Returns the number of hexes painted.
 */
export function paintHexes(
  ctx: CanvasRenderingContext2D,
  hex: HexLayers,
  rect: MapRect,
  scale: number,
  style: PaintStyle,
  sprites: GlyphSprites,
): number {
  const { width, height, orientation, cells, veil, muted, roads } = hex;
  const { c0, c1, r0, r1 } = visibleRange(rect, width, height, orientation);
  if (c0 > c1 || r0 > r1) return 0;
  const corners = hexCorners(orientation);
  // A hair larger than the hex so neighbouring fills leave no anti-aliasing seams.
  const grow = 1 + 0.6 / scale;
  const cx = corners.map((c) => c.x * grow);
  const cy = corners.map((c) => c.y * grow);
  const flat = orientation === 'flat';

  // Terrain t at index t, its muted form (a glimpsed hex) at index t + ALL_TERRAINS.length.
  const nt = ALL_TERRAINS.length;
  const paths: (Path2D | null)[] = new Array(2 * nt).fill(null);
  const fog = new Path2D();
  const veilPath = new Path2D();
  const halfVeilPath = new Path2D();
  const mutedPath = new Path2D();
  let anyFog = false;
  let anyVeil = false;
  let anyHalfVeil = false;
  let anyMuted = false;
  let anyRoad = false;
  let painted = 0;
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const i = row * width + col;
      const t = cells[i]!;
      const px = flat ? 1 + 1.5 * col : HALF_SQRT3 * (1 + 2 * col + (row & 1));
      const py = flat ? HALF_SQRT3 * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
      let p: Path2D;
      if (t === FOG) {
        p = fog;
        anyFog = true;
      } else {
        const m = muted !== null && muted[i] === 1 ? nt : 0;
        p = paths[t + m] ?? (paths[t + m] = new Path2D());
        if (m) {
          anyMuted = true;
          mutedPath.moveTo(px + cx[0]!, py + cy[0]!);
          for (let k = 1; k < 6; k++) mutedPath.lineTo(px + cx[k]!, py + cy[k]!);
          mutedPath.lineTo(px + cx[0]!, py + cy[0]!);
        }
        if (roads !== null && roads[i] === 1) anyRoad = true;
      }
      // lineTo back, not closePath(): Chromium's Path2D.closePath is quadratic in the number of
      // subpaths (10,000 hexes: 1.2 s; 40,000: 16 s), lineTo is linear (20 ms for 40,000).
      p.moveTo(px + cx[0]!, py + cy[0]!);
      for (let k = 1; k < 6; k++) p.lineTo(px + cx[k]!, py + cy[k]!);
      p.lineTo(px + cx[0]!, py + cy[0]!);
      const v = veil ? veil[i]! : 0;
      if (v !== 0) {
        const vp = v === 1 ? veilPath : halfVeilPath;
        if (v === 1) anyVeil = true;
        else anyHalfVeil = true;
        vp.moveTo(px + cx[0]!, py + cy[0]!);
        for (let k = 1; k < 6; k++) vp.lineTo(px + cx[k]!, py + cy[k]!);
        vp.lineTo(px + cx[0]!, py + cy[0]!);
      }
      painted++;
    }
  }

  for (let t = 0; t < paths.length; t++) {
    const p = paths[t];
    if (!p) continue;
    ctx.fillStyle = t < nt ? TERRAIN_COLORS[ALL_TERRAINS[t]!] : MUTED_TERRAIN_COLORS[ALL_TERRAINS[t - nt]!];
    ctx.fill(p);
  }
  if (anyFog) {
    ctx.fillStyle = style.fogColor;
    ctx.fill(fog);
  }

  // Terrain glyphs (trees, peaks, waves …) when hexes are big enough to carry them: copies of a
  // glyph drawn once per terrain and scale (stroking thousands of tiny paths was most of a
  // tile's raster cost), placed at whole device pixels.
  if (scale >= style.glyphMinScale) {
    const m = ctx.getTransform();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const i = row * width + col;
        const t = cells[i]!;
        if (t === FOG || t === 0) continue;
        const x = flat ? 1 + 1.5 * col : HALF_SQRT3 * (1 + 2 * col + (row & 1));
        const y = flat ? HALF_SQRT3 * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
        const g = sprites.get(t, (col * 7 + row * 13) & 7, scale, m.a);
        const faint = muted !== null && muted[i] === 1;
        if (faint) ctx.globalAlpha = MUTED_GLYPH_ALPHA;
        ctx.drawImage(g, Math.round(x * m.a + m.e) - g.width / 2, Math.round(y * m.d + m.f) - g.height / 2);
        if (faint) ctx.globalAlpha = 1;
      }
    }
    ctx.setTransform(m);
  }

  if (anyRoad) paintRoads(ctx, hex, r0, r1, c0, c1, scale);

  // Glimpsed hexes: diagonal hatching in screen pixels, in phase with the map's origin so tiles
  // (and a first frame painted directly) continue each other's lines.
  if (anyMuted && scale >= style.gridMinScale) {
    const m = ctx.getTransform();
    ctx.save();
    ctx.clip(mutedPath);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    const dpr = m.a / scale;
    const step = HATCH_PX * dpr;
    const w = ctx.canvas.width;
    const h = ctx.canvas.height;
    // Lines x − y = c (device px) relative to the map origin (m.e, m.f): tiles meet seamlessly.
    const phase = (((m.e - m.f) % step) + step) % step;
    const hatch = new Path2D();
    for (let c = phase - Math.ceil(h / step) * step; c <= w + step; c += step) {
      hatch.moveTo(c, 0);
      hatch.lineTo(c + h, h);
    }
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeStyle = 'rgba(24, 26, 32, 0.32)';
    ctx.stroke(hatch);
    ctx.restore();
  }

  // Grid lines: one stroke for all hexes, each edge once. A hex draws its three upper edges (the
  // hexes below draw the others, as their upper edges); hexes on the map's edge draw all six.
  if (scale >= style.gridMinScale) {
    const grid = new Path2D();
    // flat: north-west, north, north-east edges (corners 3 → 4 → 5 → 0); pointy: west,
    // north-west, north-east (corners 2 → 3 → 4 → 5).
    const first = flat ? 3 : 2;
    const gx = [0, 1, 2, 3, 4, 5].map((k) => corners[(first + k) % 6]!.x);
    const gy = [0, 1, 2, 3, 4, 5].map((k) => corners[(first + k) % 6]!.y);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const px = flat ? 1 + 1.5 * col : HALF_SQRT3 * (1 + 2 * col + (row & 1));
        const py = flat ? HALF_SQRT3 * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
        const edges = row === height - 1 || col === 0 || col === width - 1 ? 6 : 3;
        grid.moveTo(px + gx[0]!, py + gy[0]!);
        for (let k = 1; k <= edges; k++) grid.lineTo(px + gx[k % 6]!, py + gy[k % 6]!); // not closePath, as above
      }
    }
    ctx.lineWidth = 1 / scale;
    ctx.strokeStyle = 'rgba(10, 12, 16, 0.28)';
    ctx.stroke(grid);
  }

  if (anyVeil || anyHalfVeil) {
    ctx.fillStyle = style.fogColor;
    ctx.globalAlpha = style.veilAlpha;
    if (anyVeil) ctx.fill(veilPath);
    ctx.globalAlpha = style.veilAlpha * HALF_VEIL;
    if (anyHalfVeil) ctx.fill(halfVeilPath);
    ctx.globalAlpha = 1;
  }
  return painted;
}

/**
 * Roads: from each road hex's centre to the edge it shares with each road neighbour (so two road
 * hexes draw one line between their centres), a dot where a road hex has no road neighbour. Fog
 * draws none, and joins none.
 */
function paintRoads(ctx: CanvasRenderingContext2D, hex: HexLayers, r0: number, r1: number, c0: number, c1: number, s: number): void {
  const { width, height, orientation, cells, roads } = hex;
  const flat = orientation === 'flat';
  const path = new Path2D();
  const dots = new Path2D();
  const r = Math.max(0.08, 2 / s);
  const centre = (i: number) => {
    const col = i % width;
    const row = (i - col) / width;
    return flat
      ? { x: 1 + 1.5 * col, y: HALF_SQRT3 * (1 + 2 * row + (col & 1)) }
      : { x: HALF_SQRT3 * (1 + 2 * col + (row & 1)), y: 1 + 1.5 * row };
  };
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      const i = row * width + col;
      if (roads![i] !== 1 || cells[i] === FOG) continue;
      const c = centre(i);
      let joined = false;
      for (const n of neighbourIndices(i, width, height, flat)) {
        if (roads![n] !== 1 || cells[n] === FOG) continue;
        const m = centre(n);
        path.moveTo(c.x, c.y);
        path.lineTo((c.x + m.x) / 2, (c.y + m.y) / 2);
        joined = true;
      }
      if (!joined) {
        dots.moveTo(c.x + r * 2, c.y);
        dots.arc(c.x, c.y, r * 2, 0, Math.PI * 2);
      }
    }
  }
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(0.12, 3.5 / s);
  ctx.strokeStyle = 'rgba(40, 28, 14, 0.55)';
  ctx.stroke(path);
  ctx.lineWidth = Math.max(0.07, 2 / s);
  ctx.strokeStyle = '#c9a46a';
  ctx.stroke(path);
  ctx.fillStyle = '#c9a46a';
  ctx.fill(dots);
  ctx.lineCap = 'butt';
}

/**
 * Each terrain's glyph drawn once into a small canvas, for a given scale: hexes get copies. Water
 * and coast come in two variants (waves shifted), as addGlyph draws them.
 */
export class GlyphSprites {
  private scale = 0;
  private k = 0;
  private readonly cache = new Map<number, HTMLCanvasElement>();

  /** The sprite for terrain index `t`, variant `v`, at `scale` CSS px and `k` device px per unit;
   * its centre is the hex centre. */
  get(t: number, v: number, scale: number, k: number): HTMLCanvasElement {
    if (scale !== this.scale || k !== this.k) {
      this.cache.clear();
      this.scale = scale;
      this.k = k;
    }
    const terrain = ALL_TERRAINS[t]!;
    const variant = terrain === 'water' || terrain === 'coast' ? v & 1 : 0;
    const key = t * 2 + variant;
    let c = this.cache.get(key);
    if (c) return c;
    // Glyphs stay within 0.6 units of the centre; the stroke adds its half width.
    const size = 2 * Math.ceil(0.65 * k + 2);
    c = document.createElement('canvas');
    c.width = c.height = size;
    const g = c.getContext('2d');
    if (!g) throw new Error('canvas 2D is not available');
    g.setTransform(k, 0, 0, k, size / 2, size / 2);
    g.lineWidth = Math.max(1.2, scale * 0.05) / scale;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    addGlyph(g, terrain, 0, 0, variant);
    g.strokeStyle = glyphStroke(terrain);
    g.stroke();
    this.cache.set(key, c);
    return c;
  }
}
