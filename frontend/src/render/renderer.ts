// Canvas 2D hex renderer, shared by the player view and the DM console. Framework-free: the
// React wrapper (HexMapView) feeds it a scene and a view and asks it to draw.
//
// Speed: only hexes intersecting the viewport are visited, and hexes are batched into one path
// per terrain so a frame costs ~14 fills however many hexes are on screen.
import { FOG, FOG_COLOR, ALL_TERRAINS, TERRAIN_COLORS } from '../hex/terrain';
import {
  hexKey,
  neighbours,
  hexCorners,
  hexToPixel,
  inBounds,
  keyToIndex,
  mapPixelSize,
  parseHexKey,
  pixelToHex,
  visibleRange,
  type Point,
} from '../hex/coords';
import type { MapInfo } from '../protocol/schema';
import { addGlyph, glyphStroke } from './glyphs';

export interface RenderScene {
  map: MapInfo | null;
  /** terrain index per hex (row-major), FOG = not visible */
  cells: Uint8Array;
  labels: ReadonlyMap<string, string>;
  token: string | null;
  /** hex index → start time (performance.now()) of its fade-in */
  fadeIn?: ReadonlyMap<number, number> | undefined;
  /** DM: 1 per hex the players do not see; drawn as translucent fog over the terrain */
  veil?: Uint8Array | null | undefined;
  /** key → CSS colour: tinted and outlined (selection, staged changes, …) */
  highlights?: ReadonlyMap<string, string> | undefined;
  /** hex under the pointer, outlined */
  hover?: string | null | undefined;
  /** hexes a road runs through: drawn joining neighbouring road hexes (docs/travel.md) */
  roads?: ReadonlySet<string> | undefined;
}

export interface RenderOptions {
  background: string;
  fogColor: string;
  /** opacity of the veil over hexes players cannot see (DM view) */
  veilAlpha: number;
  /** px per hex-size unit from which labels are drawn */
  labelMinScale: number;
  /** px per unit from which terrain glyphs are drawn */
  glyphMinScale: number;
  /** px per unit from which grid lines are drawn */
  gridMinScale: number;
  fadeMs: number;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  background: '#171a1f',
  fogColor: FOG_COLOR,
  veilAlpha: 0.55,
  labelMinScale: 22,
  glyphMinScale: 16,
  gridMinScale: 5,
  fadeMs: 600,
};

/** screen (CSS px) = map px × scale + (x, y) */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MAX_SCALE = 160;

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}
export const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 };

let firstMapMarked = false;

export class HexRenderer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: RenderScene = { map: null, cells: new Uint8Array(0), labels: new Map(), token: null };
  private opts: RenderOptions;
  private view: View = { scale: 20, x: 0, y: 0 };
  private cssW = 1;
  private cssH = 1;
  private dpr = 1;
  /** time of the last draw; exposed for benchmarks */
  lastDrawMs = 0;
  drawnHexes = 0;

  constructor(canvas: HTMLCanvasElement, opts: Partial<RenderOptions> = {}) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2D is not available');
    this.ctx = ctx;
    this.opts = { ...DEFAULT_RENDER_OPTIONS, ...opts };
  }

  setOptions(opts: Partial<RenderOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  setScene(scene: RenderScene): void {
    this.scene = scene;
  }

  getView(): View {
    return this.view;
  }

  setView(v: View): void {
    this.view = this.clampView(v);
  }

  size(): { w: number; h: number } {
    return { w: this.cssW, h: this.cssH };
  }

  /** Matches the backing store to the element size × devicePixelRatio (crisp on high DPI). */
  resize(cssW: number, cssH: number, dpr: number): void {
    this.cssW = Math.max(1, cssW);
    this.cssH = Math.max(1, cssH);
    this.dpr = dpr > 0 ? dpr : 1;
    const w = Math.round(this.cssW * this.dpr);
    const h = Math.round(this.cssH * this.dpr);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    this.view = this.clampView(this.view);
  }

  screenToMap(sx: number, sy: number): Point {
    return { x: (sx - this.view.x) / this.view.scale, y: (sy - this.view.y) / this.view.scale };
  }

  mapToScreen(p: Point): Point {
    return { x: p.x * this.view.scale + this.view.x, y: p.y * this.view.scale + this.view.y };
  }

  /** Key of the hex at a CSS-pixel point of the canvas, or null off the map. */
  hexAt(sx: number, sy: number): string | null {
    const map = this.scene.map;
    if (!map) return null;
    const o = pixelToHex(this.screenToMap(sx, sy), map.orientation);
    return inBounds(o, map.width, map.height) ? `${o.col},${o.row}` : null;
  }

  /** Screen position of a hex centre. */
  hexCenter(key: string): Point | null {
    const map = this.scene.map;
    const o = parseHexKey(key);
    if (!map || !o) return null;
    return this.mapToScreen(hexToPixel(o, map.orientation));
  }

  /** Smallest scale allowed: a little smaller than the whole map fitted to the screen. */
  minScale(): number {
    const map = this.scene.map;
    if (!map) return 1;
    const m = mapPixelSize(map.width, map.height, map.orientation);
    return Math.min(4, 0.5 * Math.min(this.cssW / m.w, this.cssH / m.h));
  }

  /**
   * A view showing a map-pixel rectangle (default: the whole map) inside the canvas minus
   * `insets` (CSS px hidden under toolbars), with some margin.
   */
  fitView(
    rect?: { x0: number; y0: number; x1: number; y1: number },
    maxScale = 48,
    insets: Insets = NO_INSETS,
  ): View {
    const map = this.scene.map;
    if (!map) return { scale: 20, x: 0, y: 0 };
    const m = mapPixelSize(map.width, map.height, map.orientation);
    const r = rect ?? { x0: 0, y0: 0, x1: m.w, y1: m.h };
    const margin = 16;
    const aw = Math.max(40, this.cssW - insets.left - insets.right - 2 * margin);
    const ah = Math.max(40, this.cssH - insets.top - insets.bottom - 2 * margin);
    const rw = Math.max(1e-6, r.x1 - r.x0);
    const rh = Math.max(1e-6, r.y1 - r.y0);
    const scale = Math.max(this.minScale(), Math.min(maxScale, aw / rw, ah / rh));
    const cx = insets.left + margin + aw / 2;
    const cy = insets.top + margin + ah / 2;
    return {
      scale,
      x: cx - ((r.x0 + r.x1) / 2) * scale,
      y: cy - ((r.y0 + r.y1) / 2) * scale,
    };
  }

  /** Zooms by `factor` keeping the screen point (sx, sy) fixed. */
  zoomAt(factor: number, sx: number, sy: number): void {
    const v = this.view;
    const scale = Math.min(MAX_SCALE, Math.max(this.minScale(), v.scale * factor));
    const k = scale / v.scale;
    this.setView({ scale, x: sx - (sx - v.x) * k, y: sy - (sy - v.y) * k });
  }

  panBy(dx: number, dy: number): void {
    this.setView({ ...this.view, x: this.view.x + dx, y: this.view.y + dy });
  }

  /** Keeps part of the map on screen so it cannot be flung out of sight. */
  private clampView(v: View): View {
    const map = this.scene.map;
    if (!map) return v;
    const m = mapPixelSize(map.width, map.height, map.orientation);
    const scale = Math.min(MAX_SCALE, Math.max(this.minScale(), v.scale));
    const keep = Math.min(80, this.cssW / 3, this.cssH / 3);
    const x = Math.min(this.cssW - keep, Math.max(keep - m.w * scale, v.x));
    const y = Math.min(this.cssH - keep, Math.max(keep - m.h * scale, v.y));
    return { scale, x, y };
  }

  /** True while something animates (fades), so the caller keeps requesting frames. */
  animating(now: number): boolean {
    const f = this.scene.fadeIn;
    if (!f || f.size === 0) return false;
    for (const t of f.values()) if (now - t < this.opts.fadeMs) return true;
    return false;
  }

  draw(now: number = performance.now()): void {
    const t0 = performance.now();
    const { ctx, opts, view, dpr } = this;
    const { map, cells, labels, token } = this.scene;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = opts.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawnHexes = 0;
    if (!map || cells.length !== map.width * map.height) {
      this.lastDrawMs = performance.now() - t0;
      return;
    }
    const { width, height, orientation } = map;
    const s = view.scale;
    const rect = {
      x0: -view.x / s,
      y0: -view.y / s,
      x1: (this.cssW - view.x) / s,
      y1: (this.cssH - view.y) / s,
    };
    const { c0, c1, r0, r1 } = visibleRange(rect, width, height, orientation);
    const corners = hexCorners(orientation);
    // A hair larger than the hex so neighbouring fills leave no anti-aliasing seams.
    const grow = 1 + 0.6 / s;
    const cx = corners.map((c) => c.x * grow);
    const cy = corners.map((c) => c.y * grow);

    const paths: (Path2D | null)[] = new Array(ALL_TERRAINS.length).fill(null);
    const fog = new Path2D();
    const veilPath = new Path2D();
    let anyFog = false;
    let anyVeil = false;
    const veil = this.scene.veil;
    const flat = orientation === 'flat';
    const half = Math.sqrt(3) / 2;
    let drawn = 0;
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const i = row * width + col;
        const t = cells[i]!;
        const px = flat ? 1 + 1.5 * col : half * (1 + 2 * col + (row & 1));
        const py = flat ? half * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
        let p: Path2D;
        if (t === FOG) {
          p = fog;
          anyFog = true;
        } else {
          p = paths[t] ?? (paths[t] = new Path2D());
        }
        p.moveTo(px + cx[0]!, py + cy[0]!);
        for (let k = 1; k < 6; k++) p.lineTo(px + cx[k]!, py + cy[k]!);
        // lineTo back, not closePath(): Chromium's Path2D.closePath is quadratic in the number of
        // subpaths (10,000 hexes: 1.2 s; 40,000: 16 s), lineTo is linear (20 ms for 40,000).
        p.lineTo(px + cx[0]!, py + cy[0]!);
        if (veil && veil[i] === 1) {
          anyVeil = true;
          veilPath.moveTo(px + cx[0]!, py + cy[0]!);
          for (let k = 1; k < 6; k++) veilPath.lineTo(px + cx[k]!, py + cy[k]!);
          veilPath.lineTo(px + cx[0]!, py + cy[0]!); // see above: not closePath
        }
        drawn++;
      }
    }
    this.drawnHexes = drawn;

    ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * view.x, dpr * view.y);
    for (let t = 0; t < paths.length; t++) {
      const p = paths[t];
      if (!p) continue;
      ctx.fillStyle = TERRAIN_COLORS[ALL_TERRAINS[t]!];
      ctx.fill(p);
    }
    if (anyFog) {
      ctx.fillStyle = opts.fogColor;
      ctx.fill(fog);
    }

    // Terrain glyphs (trees, peaks, waves …) when hexes are big enough to carry them.
    if (s >= opts.glyphMinScale) {
      ctx.lineWidth = Math.max(1.2, s * 0.05) / s;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      const byTerrain: number[][] = ALL_TERRAINS.map(() => []);
      for (let row = r0; row <= r1; row++) {
        for (let col = c0; col <= c1; col++) {
          const t = cells[row * width + col]!;
          if (t !== FOG && t !== 0) byTerrain[t]!.push(row * width + col);
        }
      }
      for (let t = 1; t < byTerrain.length; t++) {
        const list = byTerrain[t]!;
        if (list.length === 0) continue;
        const terrain = ALL_TERRAINS[t]!;
        ctx.beginPath();
        for (const i of list) {
          const col = i % width;
          const row = (i - col) / width;
          const c = hexToPixel({ col, row }, orientation);
          addGlyph(ctx, terrain, c.x, c.y, (col * 7 + row * 13) & 7);
        }
        ctx.strokeStyle = glyphStroke(terrain);
        ctx.stroke();
      }
    }

    const roads = this.scene.roads;
    if (roads && roads.size > 0) this.drawRoads(roads, cells, rect);

    // Grid lines: one stroke for all visible hexes.
    if (s >= opts.gridMinScale) {
      const grid = new Path2D();
      for (let row = r0; row <= r1; row++) {
        for (let col = c0; col <= c1; col++) {
          const px = flat ? 1 + 1.5 * col : half * (1 + 2 * col + (row & 1));
          const py = flat ? half * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
          grid.moveTo(px + corners[0]!.x, py + corners[0]!.y);
          for (let k = 1; k < 6; k++) grid.lineTo(px + corners[k]!.x, py + corners[k]!.y);
          grid.lineTo(px + corners[0]!.x, py + corners[0]!.y); // see above: not closePath
        }
      }
      ctx.lineWidth = 1 / s;
      ctx.strokeStyle = 'rgba(10, 12, 16, 0.28)';
      ctx.stroke(grid);
    }

    if (anyVeil) {
      ctx.globalAlpha = opts.veilAlpha;
      ctx.fillStyle = opts.fogColor;
      ctx.fill(veilPath);
      ctx.globalAlpha = 1;
    }

    // Fresh reveals: fog over them fading out.
    const fades = this.scene.fadeIn;
    if (fades && fades.size > 0) {
      ctx.fillStyle = opts.fogColor;
      for (const [i, start] of fades) {
        const a = 1 - (now - start) / opts.fadeMs;
        if (a <= 0) continue;
        const col = i % width;
        const row = (i - col) / width;
        if (col < c0 || col > c1 || row < r0 || row > r1) continue;
        const c = hexToPixel({ col, row }, orientation);
        ctx.globalAlpha = Math.min(1, a);
        hexPath(ctx, c, cx, cy);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    }

    const hl = this.scene.highlights;
    if (hl && hl.size > 0) {
      ctx.lineWidth = Math.max(2, s * 0.08) / s;
      for (const [key, colour] of hl) {
        const idx = keyToIndex(key, width, height);
        if (idx < 0) continue;
        const c = hexToPixel({ col: idx % width, row: Math.floor(idx / width) }, orientation);
        hexPath(ctx, c, corners.map((k) => k.x * 0.92), corners.map((k) => k.y * 0.92));
        ctx.globalAlpha = 0.28;
        ctx.fillStyle = colour;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.strokeStyle = colour;
        ctx.stroke();
      }
    }

    const hover = this.scene.hover;
    if (hover) {
      const idx = keyToIndex(hover, width, height);
      if (idx >= 0) {
        const c = hexToPixel({ col: idx % width, row: Math.floor(idx / width) }, orientation);
        hexPath(ctx, c, corners.map((k) => k.x), corners.map((k) => k.y));
        ctx.lineWidth = 2.5 / s;
        ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
        ctx.stroke();
      }
    }

    // Screen-space passes: text and the token stay crisp and legible at any zoom.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (s >= opts.labelMinScale && labels.size > 0) this.drawLabels(rect);
    if (token) this.drawToken(token);
    this.lastDrawMs = performance.now() - t0;
    if (!firstMapMarked && drawn > 0) {
      // For the benchmark: navigation start → first frame with hexes on it.
      firstMapMarked = true;
      performance.mark('hexcrawl:first-map');
    }
  }

  /**
   * Roads, in map units: from each road hex's centre to the edge it shares with each road
   * neighbour (so two road hexes draw one line between their centres), a dot where a road hex has
   * no road neighbour. Fogged hexes draw nothing.
   */
  private drawRoads(roads: ReadonlySet<string>, cells: Uint8Array, rect: { x0: number; y0: number; x1: number; y1: number }): void {
    const { ctx, view } = this;
    const map = this.scene.map!;
    const { width, height, orientation } = map;
    const s = view.scale;
    const path = new Path2D();
    const dots = new Path2D();
    const r = Math.max(0.08, 2 / s);
    for (const key of roads) {
      const o = parseHexKey(key);
      if (!o || !inBounds(o, width, height) || cells[o.row * width + o.col] === FOG) continue;
      const c = hexToPixel(o, orientation);
      if (c.x < rect.x0 - 2 || c.x > rect.x1 + 2 || c.y < rect.y0 - 2 || c.y > rect.y1 + 2) continue;
      let joined = false;
      for (const n of neighbours(o, orientation, width, height)) {
        const k = hexKey(n.col, n.row);
        if (!roads.has(k) || cells[n.row * width + n.col] === FOG) continue;
        const m = hexToPixel(n, orientation);
        path.moveTo(c.x, c.y);
        path.lineTo((c.x + m.x) / 2, (c.y + m.y) / 2);
        joined = true;
      }
      if (!joined) {
        dots.moveTo(c.x + r * 2, c.y);
        dots.arc(c.x, c.y, r * 2, 0, Math.PI * 2);
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
  }

  private drawLabels(rect: { x0: number; y0: number; x1: number; y1: number }): void {
    const { ctx, view } = this;
    const map = this.scene.map!;
    const s = view.scale;
    const size = Math.round(Math.min(16, Math.max(10, s * 0.3)));
    ctx.font = `600 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
    ctx.fillStyle = '#fbf7ec';
    const maxW = s * 2.2;
    for (const [key, text] of this.scene.labels) {
      const o = parseHexKey(key);
      if (!o || !inBounds(o, map.width, map.height)) continue;
      const c = hexToPixel(o, map.orientation);
      if (c.x < rect.x0 - 2 || c.x > rect.x1 + 2 || c.y < rect.y0 - 2 || c.y > rect.y1 + 2) continue;
      const x = c.x * s + view.x;
      const y = c.y * s + view.y + s * 0.64; // below the token, inside the hex
      const t = fitText(ctx, text, maxW);
      ctx.strokeText(t, x, y);
      ctx.fillText(t, x, y);
    }
  }

  private drawToken(key: string): void {
    const map = this.scene.map!;
    const o = parseHexKey(key);
    if (!o || !inBounds(o, map.width, map.height)) return;
    const { ctx, view } = this;
    const c = hexToPixel(o, map.orientation);
    const x = c.x * view.scale + view.x;
    const y = c.y * view.scale + view.y;
    const r = Math.max(7, Math.min(26, view.scale * 0.42));
    ctx.beginPath();
    ctx.arc(x, y + r * 0.12, r * 1.08, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
    ctx.fill();
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = '#f2c14e';
    ctx.fill();
    ctx.lineWidth = Math.max(1.5, r * 0.16);
    ctx.strokeStyle = '#3a2a10';
    ctx.stroke();
    // A small banner: the party.
    ctx.beginPath();
    ctx.moveTo(x - r * 0.28, y + r * 0.5);
    ctx.lineTo(x - r * 0.28, y - r * 0.55);
    ctx.lineTo(x + r * 0.42, y - r * 0.32);
    ctx.lineTo(x - r * 0.28, y - r * 0.08);
    ctx.lineWidth = Math.max(1.2, r * 0.12);
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#3a2a10';
    ctx.fillStyle = '#b8442f';
    ctx.fill();
    ctx.stroke();
  }
}

function hexPath(ctx: CanvasRenderingContext2D, c: Point, cx: number[], cy: number[]): void {
  ctx.beginPath();
  ctx.moveTo(c.x + cx[0]!, c.y + cy[0]!);
  for (let k = 1; k < 6; k++) ctx.lineTo(c.x + cx[k]!, c.y + cy[k]!);
  ctx.closePath();
}

function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, Math.max(1, lo)) + '…';
}
