// Canvas 2D hex renderer, shared by the player view and the DM console. Framework-free: the
// React wrapper (HexMapView) feeds it a scene and a view and asks it to draw.
//
// Two layers. The map itself (terrain, fog, glimpsed hexes, glyphs, roads, grid, veil) is cached
// in tiles by MapLayer (layer.ts) and copied to the screen each frame, so a pan costs a few image
// copies however many hexes are on screen. Over it, drawn afresh each frame because they move or
// fade on their own: reveal fades, highlights, move paths, the hover outline, labels, markers and
// the party tokens (marks.ts).
import { FOG_COLOR } from '../hex/terrain';
import {
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
import { MapLayer } from './layer';
import { drawMarkers, drawPaths, drawTokens, type MarkerMark, type PathMark, type TokenMark } from './marks';

export type { MarkerMark, PathMark, TokenMark } from './marks';

export interface RenderScene {
  map: MapInfo | null;
  /** terrain index per hex (row-major), FOG = not visible. Never mutated: a change is a new array
   * (the same holds for `veil`), which the cached layer compares with what it drew. */
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
  /** 1 per hex the viewer only glimpsed: drawn muted and hatched (never mutated, as `cells`) */
  muted?: Uint8Array | null | undefined;
  /** party tokens in their colours; when absent, `token` is drawn as the one party token */
  tokens?: readonly TokenMark[] | undefined;
  /** markers (monsters, camps …), an icon per kind */
  markers?: readonly MarkerMark[] | undefined;
  /** paths through hex centres: a move being dragged, staged moves (dashed) */
  paths?: readonly PathMark[] | undefined;
}

export interface RenderOptions {
  background: string;
  fogColor: string;
  /** opacity of the veil over hexes players cannot see (DM view) */
  veilAlpha: number;
  /** px per hex-size unit from which labels are drawn */
  labelMinScale: number;
  /** label size factor (the table screen's labels are read from across a table: bigger) */
  labelScale: number;
  /** px per unit from which terrain glyphs are drawn */
  glyphMinScale: number;
  /** px per unit from which grid lines are drawn */
  gridMinScale: number;
  fadeMs: number;
  /** ms per frame spent rendering tiles that something else can stand in for meanwhile */
  tileBudgetMs: number;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  background: '#171a1f',
  fogColor: FOG_COLOR,
  veilAlpha: 0.55,
  labelMinScale: 22,
  labelScale: 1,
  glyphMinScale: 16,
  gridMinScale: 5,
  fadeMs: 600,
  tileBudgetMs: 8,
};

/** How long after the last step of a zoom gesture the map is re-rendered at the new scale;
 * until then the cached tiles are scaled. */
export const ZOOM_SETTLE_MS = 140;

/** A reveal of more hexes than this on screen appears at once rather than fading in: fading
 * thousands of hexes costs more per frame than an old phone has. */
const MAX_FADING = 3000;

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

/** A party token drawn without a party's colour (a scene with only `token`). */
const DEFAULT_TOKEN_COLOR = '#e0a030';

interface LabelIndex {
  source: ReadonlyMap<string, string> | null;
  x: Float64Array;
  y: Float64Array;
  text: string[];
}

export class HexRenderer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: RenderScene = { map: null, cells: new Uint8Array(0), labels: new Map(), token: null };
  private opts: RenderOptions;
  private view: View = { scale: 20, x: 0, y: 0 };
  private cssW = 1;
  private cssH = 1;
  private dpr = 1;
  private readonly layer = new MapLayer();
  /** the layer's last picture had stand-ins: draw again */
  private layerIncomplete = false;
  /** the layer has rendering to do that does not change the picture (`work`) */
  private layerWork = false;
  private labelIndex: LabelIndex = { source: null, x: new Float64Array(0), y: new Float64Array(0), text: [] };
  private fitted = new Map<string, string>();
  private fittedFor = '';
  /** the scene's road set as a per-hex array for the layer, made again when the set changes */
  private roadCells: { source: ReadonlySet<string> | undefined; n: number; cells: Uint8Array | null } = { source: undefined, n: 0, cells: null };
  /** time of the last draw; exposed for benchmarks */
  lastDrawMs = 0;
  /** hexes on screen in the last draw (painted from the cache or anew) */
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
    this.syncLayer();
  }

  setScene(scene: RenderScene): void {
    this.scene = scene;
    this.syncLayer();
  }

  private syncLayer(): void {
    const { map, cells, veil, muted } = this.scene;
    this.layer.sync(map, cells, veil ?? null, this.opts, muted ?? null, this.roadArray());
  }

  private roadArray(): Uint8Array | null {
    const { map, roads, cells } = this.scene;
    const rc = this.roadCells;
    if (rc.source === roads && rc.n === cells.length) return rc.cells;
    let out: Uint8Array | null = null;
    if (map && roads && roads.size > 0) {
      out = new Uint8Array(cells.length);
      for (const k of roads) {
        const i = keyToIndex(k, map.width, map.height);
        if (i >= 0) out[i] = 1;
      }
    }
    this.roadCells = { source: roads, n: cells.length, cells: out };
    return out;
  }

  /** Hexes painted into the cache so far, and the tiles that took; for benchmarks and tests. */
  cacheStats(): { paintedHexes: number; tilesRendered: number } {
    return { paintedHexes: this.layer.paintedHexes, tilesRendered: this.layer.tilesRendered };
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

  /** A zoom gesture is under way: scale the cached map until ZOOM_SETTLE_MS after this call,
   * then re-render it at the scale reached (see `wakeIn`). */
  zooming(now: number = performance.now()): void {
    this.layer.hold(now + ZOOM_SETTLE_MS);
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

  /** True while something animates (fades) or stand-ins are on screen, so the caller keeps
   * requesting frames. */
  animating(now: number): boolean {
    if (this.layerIncomplete) return true;
    const f = this.scene.fadeIn;
    if (!f || f.size === 0) return false;
    for (const t of f.values()) if (now - t < this.opts.fadeMs) return true;
    return false;
  }

  /** Rendering ahead that changes nothing on screen (tiles after a first frame painted directly,
   * the ring around the screen): true while some is left. Call between frames, when the main
   * thread is free; `budgetMs` bounds one call. */
  hasWork(): boolean {
    return this.layerWork;
  }

  work(budgetMs: number = this.opts.tileBudgetMs): boolean {
    this.layerWork = this.layer.work(budgetMs);
    return this.layerWork;
  }

  /** ms until the map wants a frame without anything else changing (a zoom gesture's settle),
   * or null. */
  wakeIn(now: number): number | null {
    return this.layer.holding(now) ? this.layer.holdEnds() - now + 1 : null;
  }

  draw(now: number = performance.now()): void {
    const t0 = performance.now();
    const { ctx, opts, dpr } = this;
    const { map, labels, token } = this.scene;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = opts.background;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawnHexes = 0;
    this.layerIncomplete = false;
    if (!map || this.scene.cells.length !== map.width * map.height) {
      this.lastDrawMs = performance.now() - t0;
      return;
    }
    // The map layer is copied at whole device pixels (no resampling blur, no seams between
    // tiles); everything else in this frame is drawn with the same rounded offset so it lines up.
    const s = this.view.scale;
    const view: View = { scale: s, x: Math.round(this.view.x * dpr) / dpr, y: Math.round(this.view.y * dpr) / dpr };
    const drawn = this.layer.draw(
      ctx,
      { ...view, dpr, width: this.canvas.width, height: this.canvas.height },
      now,
      opts.tileBudgetMs,
    );
    this.layerIncomplete = !drawn.complete;
    this.layerWork = drawn.work;

    const { width, height, orientation } = map;
    const rect = { x0: -view.x / s, y0: -view.y / s, x1: (this.cssW - view.x) / s, y1: (this.cssH - view.y) / s };
    const range = visibleRange(rect, width, height, orientation);
    this.drawnHexes = Math.max(0, range.c1 - range.c0 + 1) * Math.max(0, range.r1 - range.r0 + 1);

    ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * view.x, dpr * view.y);
    this.drawFades(now, range);
    this.drawHighlights(range);

    // Screen-space passes: text, paths, markers and tokens stay crisp and legible at any zoom.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const { paths, markers, tokens } = this.scene;
    if (paths && paths.length > 0) drawPaths(ctx, map, view, paths);
    if (s >= opts.labelMinScale && labels.size > 0) this.drawLabels(view, rect, now);
    if (markers && markers.length > 0) drawMarkers(ctx, map, view, rect, markers);
    if (tokens) drawTokens(ctx, map, view, rect, tokens);
    else if (token) drawTokens(ctx, map, view, rect, [{ id: '', key: token, color: DEFAULT_TOKEN_COLOR, own: true }]);
    this.lastDrawMs = performance.now() - t0;
    if (!firstMapMarked && drawn.complete && this.drawnHexes > 0) {
      // For the benchmark: navigation start → first frame with the map on it.
      firstMapMarked = true;
      performance.mark('hexcrawl:first-map');
    }
  }

  /** Fresh reveals: fog over them, fading out; one fill per reveal. */
  private drawFades(now: number, range: { c0: number; c1: number; r0: number; r1: number }): void {
    const fades = this.scene.fadeIn;
    const map = this.scene.map!;
    if (!fades || fades.size === 0) return;
    const groups = new Map<number, number[]>();
    for (const [i, start] of fades) {
      if (now - start >= this.opts.fadeMs) continue;
      const col = i % map.width;
      const row = (i - col) / map.width;
      if (col < range.c0 || col > range.c1 || row < range.r0 || row > range.r1) continue;
      let g = groups.get(start);
      if (!g) groups.set(start, (g = []));
      g.push(i);
    }
    const corners = hexCorners(map.orientation);
    const grow = 1 + 0.6 / this.view.scale;
    const cx = corners.map((c) => c.x * grow);
    const cy = corners.map((c) => c.y * grow);
    const { ctx } = this;
    ctx.fillStyle = this.opts.fogColor;
    for (const [start, list] of groups) {
      if (list.length > MAX_FADING) continue;
      const path = new Path2D();
      for (const i of list) {
        const col = i % map.width;
        const c = hexToPixel({ col, row: (i - col) / map.width }, map.orientation);
        path.moveTo(c.x + cx[0]!, c.y + cy[0]!);
        for (let k = 1; k < 6; k++) path.lineTo(c.x + cx[k]!, c.y + cy[k]!);
        path.lineTo(c.x + cx[0]!, c.y + cy[0]!); // not closePath: quadratic in Chromium (paint.ts)
      }
      ctx.globalAlpha = Math.min(1, 1 - (now - start) / this.opts.fadeMs);
      ctx.fill(path);
    }
    ctx.globalAlpha = 1;
  }

  /** Highlights (one path per colour) and the hover outline. */
  private drawHighlights(range: { c0: number; c1: number; r0: number; r1: number }): void {
    const { ctx } = this;
    const map = this.scene.map!;
    const { width, height, orientation } = map;
    const s = this.view.scale;
    const corners = hexCorners(orientation);
    const hl = this.scene.highlights;
    if (hl && hl.size > 0) {
      const inner = corners.map((k) => ({ x: k.x * 0.92, y: k.y * 0.92 }));
      const byColour = new Map<string, Path2D>();
      for (const [key, colour] of hl) {
        const idx = keyToIndex(key, width, height);
        if (idx < 0) continue;
        const col = idx % width;
        const row = (idx - col) / width;
        if (col < range.c0 || col > range.c1 || row < range.r0 || row > range.r1) continue;
        let p = byColour.get(colour);
        if (!p) byColour.set(colour, (p = new Path2D()));
        const c = hexToPixel({ col, row }, orientation);
        p.moveTo(c.x + inner[0]!.x, c.y + inner[0]!.y);
        for (let k = 1; k < 6; k++) p.lineTo(c.x + inner[k]!.x, c.y + inner[k]!.y);
        p.closePath(); // few subpaths per colour in practice; closes the outline's corner cleanly
      }
      ctx.lineWidth = Math.max(2, s * 0.08) / s;
      for (const [colour, p] of byColour) {
        ctx.globalAlpha = 0.28;
        ctx.fillStyle = colour;
        ctx.fill(p);
        ctx.globalAlpha = 1;
        ctx.strokeStyle = colour;
        ctx.stroke(p);
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
  }

  /** Label positions, parsed once per labels map rather than every frame. */
  private labelsIndexed(): LabelIndex {
    const labels = this.scene.labels;
    if (this.labelIndex.source === labels) return this.labelIndex;
    const map = this.scene.map!;
    const x: number[] = [];
    const y: number[] = [];
    const text: string[] = [];
    for (const [key, t] of labels) {
      const o = parseHexKey(key);
      if (!o || !inBounds(o, map.width, map.height)) continue;
      const c = hexToPixel(o, map.orientation);
      x.push(c.x);
      y.push(c.y);
      text.push(t);
    }
    this.labelIndex = { source: labels, x: Float64Array.from(x), y: Float64Array.from(y), text };
    return this.labelIndex;
  }

  /** The label cut to fit `maxW` px, remembered for the current font and width. */
  private fit(text: string, maxW: number, font: string): string {
    const key = `${font}|${Math.round(maxW)}`;
    if (key !== this.fittedFor) {
      this.fitted.clear();
      this.fittedFor = key;
    }
    let t = this.fitted.get(text);
    if (t === undefined) {
      t = fitText(this.ctx, text, Math.round(maxW));
      this.fitted.set(text, t);
    }
    return t;
  }

  private drawLabels(view: View, rect: { x0: number; y0: number; x1: number; y1: number }, now: number): void {
    const { ctx } = this;
    const s = view.scale;
    // Laid out at the scale the map was rendered at: during a zoom gesture that is the scale it
    // began at, so labels keep their size and cut while the map moves under them, and text is
    // neither measured nor rasterised at a new size every frame.
    const at = this.layer.holding(now) ? (this.layer.renderedScale() ?? s) : s;
    const k = this.opts.labelScale;
    const size = Math.round(Math.min(16 * k, Math.max(10, at * 0.3 * k)));
    const font = `600 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
    ctx.font = font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(20, 22, 26, 0.85)';
    ctx.fillStyle = '#fbf7ec';
    const maxW = at * 2.2;
    const idx = this.labelsIndexed();
    for (let i = 0; i < idx.text.length; i++) {
      const cx = idx.x[i]!;
      const cy = idx.y[i]!;
      if (cx < rect.x0 - 2 || cx > rect.x1 + 2 || cy < rect.y0 - 2 || cy > rect.y1 + 2) continue;
      const x = cx * s + view.x;
      const y = cy * s + view.y + s * 0.64; // below the token, inside the hex
      const t = this.fit(idx.text[i]!, maxW, font);
      ctx.strokeText(t, x, y);
      ctx.fillText(t, x, y);
    }
  }

}

function hexPath(ctx: CanvasRenderingContext2D, c: Point, cx: number[], cy: number[]): void {
  ctx.beginPath();
  ctx.moveTo(c.x + cx[0]!, c.y + cy[0]!);
  for (let k = 1; k < 6; k++) ctx.lineTo(c.x + cx[k]!, c.y + cy[k]!);
  ctx.closePath();
}

function fitText(ctx: CanvasRenderingContext2D, text: string, maxW: number): string {
  const w = ctx.measureText(text).width;
  if (w <= maxW) return text;
  // Start from the length the widths suggest and step from there: two or three measures, where a
  // binary search takes six (text measuring is much of a first frame's labels).
  const fits = (n: number) => ctx.measureText(text.slice(0, n) + '…').width <= maxW;
  let n = Math.max(1, Math.min(text.length - 1, Math.floor((text.length * maxW) / w)));
  if (fits(n)) {
    while (n + 1 < text.length && fits(n + 1)) n++;
  } else {
    do n--;
    while (n > 1 && !fits(n));
  }
  return text.slice(0, Math.max(1, n)) + '…';
}
