// Paints hexes: terrain fills, fog, glyphs, grid lines and the DM's veil, for one rectangle of
// the map. The tile layer calls it once per tile; nothing here depends on the view.
//
// Hexes are batched into one path per terrain, so a rectangle costs ~14 fills however many hexes
// it holds.
import { ALL_TERRAINS, FOG, TERRAIN_COLORS } from '../hex/terrain';
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
  /** 1 where the DM's players do not see the hex: fog drawn translucent over the terrain */
  veil: Uint8Array | null;
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
  const { width, height, orientation, cells, veil } = hex;
  const { c0, c1, r0, r1 } = visibleRange(rect, width, height, orientation);
  if (c0 > c1 || r0 > r1) return 0;
  const corners = hexCorners(orientation);
  // A hair larger than the hex so neighbouring fills leave no anti-aliasing seams.
  const grow = 1 + 0.6 / scale;
  const cx = corners.map((c) => c.x * grow);
  const cy = corners.map((c) => c.y * grow);
  const flat = orientation === 'flat';

  const paths: (Path2D | null)[] = new Array(ALL_TERRAINS.length).fill(null);
  const fog = new Path2D();
  const veilPath = new Path2D();
  let anyFog = false;
  let anyVeil = false;
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
        p = paths[t] ?? (paths[t] = new Path2D());
      }
      // lineTo back, not closePath(): Chromium's Path2D.closePath is quadratic in the number of
      // subpaths (10,000 hexes: 1.2 s; 40,000: 16 s), lineTo is linear (20 ms for 40,000).
      p.moveTo(px + cx[0]!, py + cy[0]!);
      for (let k = 1; k < 6; k++) p.lineTo(px + cx[k]!, py + cy[k]!);
      p.lineTo(px + cx[0]!, py + cy[0]!);
      if (veil && veil[i] === 1) {
        anyVeil = true;
        veilPath.moveTo(px + cx[0]!, py + cy[0]!);
        for (let k = 1; k < 6; k++) veilPath.lineTo(px + cx[k]!, py + cy[k]!);
        veilPath.lineTo(px + cx[0]!, py + cy[0]!);
      }
      painted++;
    }
  }

  for (let t = 0; t < paths.length; t++) {
    const p = paths[t];
    if (!p) continue;
    ctx.fillStyle = TERRAIN_COLORS[ALL_TERRAINS[t]!];
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
        const t = cells[row * width + col]!;
        if (t === FOG || t === 0) continue;
        const x = flat ? 1 + 1.5 * col : HALF_SQRT3 * (1 + 2 * col + (row & 1));
        const y = flat ? HALF_SQRT3 * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
        const g = sprites.get(t, (col * 7 + row * 13) & 7, scale, m.a);
        ctx.drawImage(g, Math.round(x * m.a + m.e) - g.width / 2, Math.round(y * m.d + m.f) - g.height / 2);
      }
    }
    ctx.setTransform(m);
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

  if (anyVeil) {
    ctx.globalAlpha = style.veilAlpha;
    ctx.fillStyle = style.fogColor;
    ctx.fill(veilPath);
    ctx.globalAlpha = 1;
  }
  return painted;
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
