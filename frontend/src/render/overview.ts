// The whole map as a tiny bitmap, one colour per hex: drawn instead of hexes when they are only a
// few pixels across, and under tiles that are not rendered yet. Each hex is a "brick" of two
// pixels offset half a brick in alternate columns (flat) or rows (pointy), the same stagger as
// the hexes, so scaled up it lands on the hexes it stands for to within a fraction of a hex.
// Kept up to date hex by hex: a reveal costs a few pixel writes, not a re-render.
import { ALL_TERRAINS, FOG, MUTED_TERRAIN_COLORS, TERRAIN_COLORS } from '../hex/terrain';
import { HALF_VEIL, type HexLayers, type MapRect } from './paint';

const HALF_SQRT3 = Math.sqrt(3) / 2;
/** Offset of a terrain's muted colour in the palettes. */
const MUTED = 256;

function rgb(css: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (!m) throw new Error(`not a #rrggbb colour: ${css}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/** RGBA packed for a little-endian Uint32Array over ImageData (every browser we target). */
function pack([r, g, b]: readonly number[], a = 255): number {
  return ((a << 24) | (b! << 16) | (g! << 8) | r!) >>> 0;
}

function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  return a.map((v, i) => Math.round(v * (1 - t) + b[i]! * t));
}

export class Overview {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly image: ImageData;
  private readonly px: Uint32Array;
  private readonly flat: boolean;
  private readonly width: number;
  /** packed colour per terrain index (and FOG), plain and under the veil; muted (glimpsed) at
   * index + MUTED */
  private readonly plain = new Uint32Array(512);
  private readonly veiled = new Uint32Array(512);
  private readonly halfVeiled = new Uint32Array(512);

  constructor(hex: Pick<HexLayers, 'width' | 'height' | 'orientation'>, fogColor: string, veilAlpha: number) {
    this.flat = hex.orientation === 'flat';
    this.width = hex.width;
    const w = this.flat ? hex.width : 2 * hex.width + 1;
    const h = this.flat ? 2 * hex.height + 1 : hex.height;
    this.canvas = document.createElement('canvas');
    this.canvas.width = w;
    this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('canvas 2D is not available');
    this.ctx = ctx;
    this.image = ctx.createImageData(w, h);
    this.px = new Uint32Array(this.image.data.buffer);
    const fog = rgb(fogColor);
    ALL_TERRAINS.forEach((t, i) => {
      const c = rgb(TERRAIN_COLORS[t]);
      this.plain[i] = pack(c);
      this.veiled[i] = pack(mix(c, fog, veilAlpha));
      this.halfVeiled[i] = pack(mix(c, fog, veilAlpha * HALF_VEIL));
      const m = rgb(MUTED_TERRAIN_COLORS[t]);
      this.plain[i + MUTED] = pack(m);
      this.veiled[i + MUTED] = pack(mix(m, fog, veilAlpha));
      this.halfVeiled[i + MUTED] = pack(mix(m, fog, veilAlpha * HALF_VEIL));
    });
    this.plain[FOG] = this.veiled[FOG] = this.halfVeiled[FOG] = pack(fog);
  }

  /** Sets the colour of every hex in `indices` (all hexes when null) and uploads the change. */
  update(hex: HexLayers, indices: readonly number[] | null): void {
    const { cells, veil, muted } = hex;
    const px = this.px;
    const w = this.canvas.width;
    const cols = this.width;
    const { plain, veiled, halfVeiled, flat } = this;
    const n = indices === null ? cells.length : indices.length;
    if (n === 0) return;
    let y0 = Infinity, y1 = -1;
    // Two pixels per hex: one above the other (flat), side by side (pointy).
    for (let k = 0; k < n; k++) {
      const i = indices === null ? k : indices[k]!;
      const col = i % cols;
      const row = (i - col) / cols;
      const c = cells[i]! + (muted !== null && muted[i] === 1 && cells[i] !== FOG ? MUTED : 0);
      const v = veil !== null ? veil[i]! : 0;
      const colour = v === 0 ? plain[c]! : v === 1 ? veiled[c]! : halfVeiled[c]!;
      if (flat) {
        const y = 2 * row + (col & 1);
        px[y * w + col] = colour;
        px[(y + 1) * w + col] = colour;
        if (y < y0) y0 = y;
        if (y + 1 > y1) y1 = y + 1;
      } else {
        const at = row * w + 2 * col + (row & 1);
        px[at] = colour;
        px[at + 1] = colour;
        if (row < y0) y0 = row;
        if (row > y1) y1 = row;
      }
    }
    this.ctx.putImageData(this.image, 0, 0, 0, y0, w, y1 - y0 + 1);
  }

  /** The map rectangle (map units) the bitmap covers, edge to edge. */
  bounds(): MapRect {
    const { width: w, height: h } = this.canvas;
    return this.flat
      ? { x0: 0.25, y0: 0, x1: 0.25 + 1.5 * w, y1: HALF_SQRT3 * h }
      : { x0: 0, y0: 0.25, x1: HALF_SQRT3 * w, y1: 0.25 + 1.5 * h };
  }

  /**
   * Draws the part of the bitmap under `rect` (map units) into the device-pixel rectangle
   * (dx, dy, dw, dh) of ctx, whose transform must be the identity.
   */
  drawRect(ctx: CanvasRenderingContext2D, rect: MapRect, dx: number, dy: number, dw: number, dh: number): void {
    const b = this.bounds();
    const kx = this.canvas.width / (b.x1 - b.x0);
    const ky = this.canvas.height / (b.y1 - b.y0);
    // Clip the source to the bitmap (drawImage draws nothing for a source rect outside it).
    const sx0 = Math.max(0, (rect.x0 - b.x0) * kx);
    const sy0 = Math.max(0, (rect.y0 - b.y0) * ky);
    const sx1 = Math.min(this.canvas.width, (rect.x1 - b.x0) * kx);
    const sy1 = Math.min(this.canvas.height, (rect.y1 - b.y0) * ky);
    if (sx1 <= sx0 || sy1 <= sy0) return;
    const fx = dw / ((rect.x1 - rect.x0) * kx);
    const fy = dh / ((rect.y1 - rect.y0) * ky);
    const tx = dx + (sx0 - (rect.x0 - b.x0) * kx) * fx;
    const ty = dy + (sy0 - (rect.y0 - b.y0) * ky) * fy;
    // Blocky when scaled up (it stands in for hexes for a moment); smoothed when scaled down.
    ctx.imageSmoothingEnabled = fx < 1 || fy < 1;
    ctx.drawImage(this.canvas, sx0, sy0, sx1 - sx0, sy1 - sy0, tx, ty, (sx1 - sx0) * fx, (sy1 - sy0) * fy);
    ctx.imageSmoothingEnabled = true;
  }
}
