// The cached map layer: terrain, fog, glyphs, grid and veil rendered once into tiles of TILE×TILE
// device pixels at one scale (a "level"), and copied onto the screen each frame. A pan moves
// pixels already drawn instead of painting 20,000 hexes again; a zoom gesture scales the tiles it
// has, and the level is re-rendered at the new scale once the gesture rests, tile by tile within
// a time budget per frame, the old level (or the overview bitmap) standing in meanwhile. A change
// to a hex repaints only the tiles it touches, and the overview's pixels for it.
//
// What the layer draws is a function of per-hex arrays only (HexLayers: terrain, veil, muted,
// roads), each compared in `sync` and read in `paintHexes`. Everything that moves on its own
// (fades, tokens, markers, pings) is drawn over the layer by the renderer each frame, never into
// it.
import { mapPixelSize } from '../hex/coords';
import { Overview } from './overview';
import { GlyphSprites, neighbourIndices, paintHexes, type HexLayers, type MapRect, type PaintStyle } from './paint';
import type { MapInfo } from '../protocol/schema';

/** Tile edge in device pixels. */
export const TILE = 256;
/** Below this many device pixels per map unit (a hex under ~6 device px across) the overview
 * bitmap is the map: hexes that small cannot be told from its bricks, and it costs one copy. */
export const OVERVIEW_BELOW = 3;
/** While zooming, tiles are scaled rather than re-rendered until they would be drawn at more
 * than STRETCH_IN times, or less than STRETCH_OUT times, the scale they were rendered at. In:
 * fewer, larger copies of what is there, soft but cheap; out: each step needs more tiles. */
const STRETCH_IN = 4;
const STRETCH_OUT = 0.5;
/** Tile canvases kept for reuse. */
const POOL = 24;

export interface LayerStyle extends PaintStyle {
  background: string;
}

interface Tile {
  canvas: HTMLCanvasElement;
  ctx: CanvasRenderingContext2D;
  /** to be painted again whole */
  dirty: boolean;
  /** hexes to be painted again in place (a few changed: a brush step, a small reveal) */
  patch: number[] | null;
}

/** Past this many changed hexes a tile is painted again whole rather than hex by hex. */
const MAX_PATCH = 24;

/** The tile no longer shows the map as it is. */
const stale = (t: Tile) => t.dirty || t.patch !== null;

interface Level {
  /** CSS px per map unit it was rendered at */
  scale: number;
  dpr: number;
  /** Where the tile grid starts (level px = map units × scale × dpr, each in [0, TILE)): tile
   * (tx, ty) covers level px [ox + tx·TILE, ox + (tx+1)·TILE). Chosen so the screen's corner is a
   * tile corner when the level is made: the first frame renders ⌈w/TILE⌉×⌈h/TILE⌉ tiles, not
   * one more row and column. */
  ox: number;
  oy: number;
  tiles: Map<number, Tile>;
}

/** The view of a frame: screen CSS px = map units × scale + (x, y), x·dpr and y·dpr integers. */
export interface LayerView {
  scale: number;
  x: number;
  y: number;
  dpr: number;
  /** canvas size in device pixels */
  width: number;
  height: number;
}

export interface LayerDrawResult {
  /** the picture is the map as it is: nothing on screen stands in for a tile not rendered yet
   * (otherwise draw again next frame) */
  complete: boolean;
  /** rendering is left that does not change the picture: call `work` when the thread is free */
  work: boolean;
}

/** `src` into the layer's own copy (reused when it has one), or null. */
function copyInto(copy: Uint8Array | null, src: Uint8Array | null): Uint8Array | null {
  if (!src) return null;
  if (!copy) return src.slice();
  copy.set(src);
  return copy;
}

// tx, ty ≥ -1 (the part-tile left of and above the grid's origin).
const tileKey = (tx: number, ty: number) => (tx + 1) * 65536 + (ty + 1);
const keyTx = (key: number) => Math.floor(key / 65536) - 1;
const keyTy = (key: number) => (key % 65536) - 1;

export class MapLayer {
  private hex: HexLayers | null = null;
  private mapKey = '';
  private styleKey = '';
  private style: LayerStyle | null = null;
  private cellsCopy = new Uint8Array(0);
  private veilCopy: Uint8Array | null = null;
  private mutedCopy: Uint8Array | null = null;
  private roadsCopy: Uint8Array | null = null;
  private overview: Overview | null = null;
  private level: Level | null = null;
  private old: Level | null = null;
  private pool: Tile[] = [];
  private readonly sprites = new GlyphSprites();
  /** 1×1 canvas a new tile is copied into, to have it rasterised while its cost is counted */
  private readonly sink: CanvasRenderingContext2D;
  /** something of this map has been on screen (before, the first frame paints it directly) */
  private shown = false;
  /** the view last drawn, which `work` renders ahead for */
  private view: LayerView | null = null;
  /** until this time (performance.now()), keep scaling the current level instead of replacing it */
  private holdUntil = 0;
  /** hexes painted into tiles, for benchmarks */
  paintedHexes = 0;
  tilesRendered = 0;

  constructor() {
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    const ctx = c.getContext('2d');
    if (!ctx) throw new Error('canvas 2D is not available');
    this.sink = ctx;
  }

  /** Keep the current level while a zoom gesture goes on (until `until`, a performance.now()). */
  hold(until: number): void {
    this.holdUntil = until;
  }

  holding(now: number): boolean {
    return now < this.holdUntil;
  }

  holdEnds(): number {
    return this.holdUntil;
  }

  /** The scale the map's tiles were rendered at (the view's, except during a zoom gesture);
   * null in overview mode. Labels are laid out at it, so a gesture does not re-measure them. */
  renderedScale(): number | null {
    return this.level?.scale ?? null;
  }

  /**
   * Takes the scene's per-hex state. Arrays are compared by identity, then hex by hex against
   * the layer's own copy: callers must give a new array for a change, never mutate one. Returns
   * true when something the layer draws changed.
   */
  sync(
    map: MapInfo | null,
    cells: Uint8Array,
    veil: Uint8Array | null,
    style: LayerStyle,
    muted: Uint8Array | null = null,
    roads: Uint8Array | null = null,
  ): boolean {
    const styleKey = `${style.background}|${style.fogColor}|${style.veilAlpha}|${style.glyphMinScale}|${style.gridMinScale}`;
    const mapKey = map ? `${map.id}:${map.width}x${map.height}:${map.orientation}` : '';
    const n = cells.length;
    if (!map || n !== map.width * map.height || (veil && veil.length !== n) || (muted && muted.length !== n) || (roads && roads.length !== n)) {
      if (this.hex) this.reset(null, '');
      return false;
    }
    if (mapKey !== this.mapKey || styleKey !== this.styleKey) {
      this.style = style;
      this.styleKey = styleKey;
      this.reset({ width: map.width, height: map.height, orientation: map.orientation, cells, veil, muted, roads }, mapKey);
      return true;
    }
    const hex = this.hex!;
    if (hex.cells === cells && hex.veil === veil && hex.muted === muted && hex.roads === roads) return false;
    const at = (a: Uint8Array | null, i: number) => (a ? a[i]! : 0);
    const changed: number[] = [];
    const prevCells = this.cellsCopy;
    const { veilCopy, mutedCopy, roadsCopy } = this;
    for (let i = 0; i < n; i++) {
      if (prevCells[i] !== cells[i] || at(veilCopy, i) !== at(veil, i) || at(mutedCopy, i) !== at(muted, i) || at(roadsCopy, i) !== at(roads, i)) changed.push(i);
    }
    // A road hex draws its joins to its neighbours: it changes with them (a road laid or lifted
    // next to it, a neighbour revealed or hidden).
    if ((roads || roadsCopy) && changed.length > 0 && changed.length <= 2048) {
      const flat = hex.orientation === 'flat';
      const seen = new Set(changed);
      for (const i of changed) {
        for (const j of neighbourIndices(i, hex.width, hex.height, flat)) {
          if (!seen.has(j) && (at(roads, j) === 1 || at(roadsCopy, j) === 1)) {
            seen.add(j);
            changed.push(j);
          }
        }
      }
    }
    hex.cells = cells;
    hex.veil = veil;
    hex.muted = muted;
    hex.roads = roads;
    if (changed.length === 0) return false;
    prevCells.set(cells);
    this.veilCopy = copyInto(veilCopy, veil);
    this.mutedCopy = copyInto(mutedCopy, muted);
    this.roadsCopy = copyInto(roadsCopy, roads);
    this.overview?.update(hex, changed);
    for (const level of [this.level, this.old]) if (level) this.invalidate(level, changed);
    return true;
  }

  private reset(hex: HexLayers | null, mapKey: string): void {
    this.dropLevel(this.level);
    this.dropLevel(this.old);
    this.level = this.old = null;
    this.hex = hex;
    this.mapKey = mapKey;
    this.overview = null;
    this.shown = false;
    if (!hex) return;
    this.cellsCopy = hex.cells.slice();
    this.veilCopy = hex.veil ? hex.veil.slice() : null;
    this.mutedCopy = hex.muted ? hex.muted.slice() : null;
    this.roadsCopy = hex.roads ? hex.roads.slice() : null;
  }

  /** The overview, made when first needed (or in the first frame with time to spare): the
   * opening frame of a map does not wait for it. */
  private overviewMap(): Overview {
    if (!this.overview) {
      const hex = this.hex!;
      this.overview = new Overview(hex, this.style!.fogColor, this.style!.veilAlpha);
      this.overview.update(hex, null);
    }
    return this.overview;
  }

  /** Marks the tiles under these hexes for repainting (all of them for a large change). */
  private invalidate(level: Level, indices: readonly number[]): void {
    const hex = this.hex!;
    if (indices.length > 2048) {
      for (const t of level.tiles.values()) {
        t.dirty = true;
        t.patch = null;
      }
      return;
    }
    const k = level.scale * level.dpr;
    const flat = hex.orientation === 'flat';
    const h = Math.sqrt(3) / 2;
    // A hex reaches one unit from its centre; a little more for the seam overlap and grid line.
    const reach = 1 + 2 / k;
    for (const i of indices) {
      const col = i % hex.width;
      const row = (i - col) / hex.width;
      const x = flat ? 1 + 1.5 * col : h * (1 + 2 * col + (row & 1));
      const y = flat ? h * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
      const tx0 = Math.floor(((x - reach) * k - level.ox) / TILE);
      const tx1 = Math.floor(((x + reach) * k - level.ox) / TILE);
      const ty0 = Math.floor(((y - reach) * k - level.oy) / TILE);
      const ty1 = Math.floor(((y + reach) * k - level.oy) / TILE);
      for (let tx = tx0; tx <= tx1; tx++) {
        for (let ty = ty0; ty <= ty1; ty++) {
          const t = level.tiles.get(tileKey(tx, ty));
          if (!t || t.dirty) continue;
          if (!t.patch) t.patch = [];
          if (t.patch.push(i) > MAX_PATCH) {
            t.dirty = true;
            t.patch = null;
          }
        }
      }
    }
  }

  private dropLevel(level: Level | null): void {
    if (!level) return;
    for (const t of level.tiles.values()) this.recycle(t);
    level.tiles.clear();
  }

  private recycle(t: Tile): void {
    if (this.pool.length < POOL) this.pool.push(t);
    else {
      t.canvas.width = 0; // frees the backing store now rather than at collection
      t.canvas.height = 0;
    }
  }

  private newTile(): Tile {
    const reused = this.pool.pop();
    if (reused) {
      reused.dirty = true;
      reused.patch = null;
      return reused;
    }
    const canvas = document.createElement('canvas');
    canvas.width = TILE;
    canvas.height = TILE;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2D is not available');
    return { canvas, ctx, dirty: true, patch: null };
  }

  private tileRect(level: Level, tx: number, ty: number): MapRect {
    const k = level.scale * level.dpr;
    const x = level.ox + tx * TILE;
    const y = level.oy + ty * TILE;
    return { x0: x / k, y0: y / k, x1: (x + TILE) / k, y1: (y + TILE) / k };
  }

  private paint(level: Level, tx: number, ty: number, tile: Tile): void {
    const k = level.scale * level.dpr;
    const { ctx } = tile;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.style!.background;
    ctx.fillRect(0, 0, TILE, TILE);
    ctx.setTransform(k, 0, 0, k, -(level.ox + tx * TILE), -(level.oy + ty * TILE));
    this.paintedHexes += paintHexes(ctx, this.hex!, this.tileRect(level, tx, ty), level.scale, this.style!, this.sprites);
    // Canvas drawing is recorded and rasterised when the canvas is next used: use it now, so the
    // raster (most of a tile's cost without a GPU) happens inside the frame budget and not in
    // whichever later frame first shows the tile.
    this.sink.drawImage(tile.canvas, 0, 0, 1, 1);
    this.tilesRendered++;
    tile.dirty = false;
    tile.patch = null;
  }

  /** Brings a stale tile up to date: whole, or only around the hexes that changed. Around each,
   * a rectangle of whole device pixels is cleared and painted again with every hex touching it,
   * in the order a whole repaint draws them; a clip with whole-pixel edges has no partly covered
   * pixels, so the result is what a whole repaint gives, to the pixel. */
  private repaint(level: Level, tx: number, ty: number, tile: Tile): void {
    if (tile.dirty || !tile.patch) return this.paint(level, tx, ty, tile);
    const k = level.scale * level.dpr;
    const hex = this.hex!;
    const { ctx } = tile;
    const flat = hex.orientation === 'flat';
    const h = Math.sqrt(3) / 2;
    const left = level.ox + tx * TILE;
    const top = level.oy + ty * TILE;
    // A hex reaches 1 from its centre; the grid line and the seams a little more.
    const reach = 1 + 2 / level.scale;
    for (const i of new Set(tile.patch)) {
      const col = i % hex.width;
      const row = (i - col) / hex.width;
      const x = flat ? 1 + 1.5 * col : h * (1 + 2 * col + (row & 1));
      const y = flat ? h * (1 + 2 * row + (col & 1)) : 1 + 1.5 * row;
      const px0 = Math.max(0, Math.floor((x - reach) * k - left));
      const py0 = Math.max(0, Math.floor((y - reach) * k - top));
      const px1 = Math.min(TILE, Math.ceil((x + reach) * k - left));
      const py1 = Math.min(TILE, Math.ceil((y + reach) * k - top));
      if (px1 <= px0 || py1 <= py0) continue;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.beginPath();
      ctx.rect(px0, py0, px1 - px0, py1 - py0);
      ctx.clip();
      ctx.fillStyle = this.style!.background;
      ctx.fillRect(px0, py0, px1 - px0, py1 - py0);
      ctx.setTransform(k, 0, 0, k, -left, -top);
      const rect = { x0: (left + px0) / k, y0: (top + py0) / k, x1: (left + px1) / k, y1: (top + py1) / k };
      this.paintedHexes += paintHexes(ctx, hex, rect, level.scale, this.style!, this.sprites);
      ctx.restore();
    }
    this.sink.drawImage(tile.canvas, 0, 0, 1, 1);
    tile.patch = null;
  }

  /** Inclusive tile range of `level` on the screen of view `v` (empty when lo > hi). */
  private range(level: Level, v: LayerView, margin = 0) {
    const hex = this.hex!;
    const m = v.scale / level.scale; // screen device px per level px
    const k = level.scale * level.dpr;
    const size = mapPixelSize(hex.width, hex.height, hex.orientation);
    const ox = v.x * v.dpr;
    const oy = v.y * v.dpr;
    // Level px on screen: (device px − offset) / m; tiles from the map's first level px to its last.
    const tile = (lpx: number, o: number) => Math.floor((lpx - o) / TILE);
    return {
      tx0: Math.max(tile(0, level.ox), tile(-ox / m, level.ox) - margin),
      tx1: Math.min(tile(size.w * k - 1, level.ox), tile((v.width - 1 - ox) / m, level.ox) + margin),
      ty0: Math.max(tile(0, level.oy), tile(-oy / m, level.oy) - margin),
      ty1: Math.min(tile(size.h * k - 1, level.oy), tile((v.height - 1 - oy) / m, level.oy) + margin),
    };
  }

  /** Device-pixel rectangle of a tile on screen; edges rounded so neighbours share them. */
  private dest(level: Level, v: LayerView, tx: number, ty: number) {
    const m = v.scale / level.scale;
    const ox = v.x * v.dpr;
    const oy = v.y * v.dpr;
    const lx = level.ox + tx * TILE;
    const ly = level.oy + ty * TILE;
    const x0 = Math.round(ox + lx * m);
    const y0 = Math.round(oy + ly * m);
    return { x: x0, y: y0, w: Math.round(ox + (lx + TILE) * m) - x0, h: Math.round(oy + (ly + TILE) * m) - y0 };
  }

  /**
   * Draws the map layer into ctx (identity transform, device pixels; the caller has cleared it).
   * The first frame of a map paints the hexes on screen straight onto the canvas (the cheapest
   * way to a first picture); tiles are rendered afterwards, by `work`. After that, tiles missing
   * at the current level are rendered until `budgetMs` is spent, the rest stood in for by the
   * previous level or the overview until a later frame.
   */
  draw(ctx: CanvasRenderingContext2D, v: LayerView, now: number, budgetMs: number): LayerDrawResult {
    const hex = this.hex;
    if (!hex) return { complete: true, work: false };
    const t0 = performance.now();
    const k = v.scale * v.dpr;
    this.view = v;
    if (k < OVERVIEW_BELOW) {
      // The level's tiles are of no use this far out; keep none.
      this.dropLevel(this.level);
      this.dropLevel(this.old);
      this.level = this.old = null;
      const overview = this.overviewMap();
      const b = overview.bounds();
      const x0 = Math.round(v.x * v.dpr + b.x0 * k);
      const y0 = Math.round(v.y * v.dpr + b.y0 * k);
      overview.drawRect(ctx, b, x0, y0, Math.round(v.x * v.dpr + b.x1 * k) - x0, Math.round(v.y * v.dpr + b.y1 * k) - y0);
      this.shown = true;
      return { complete: true, work: false };
    }

    const holding = this.holding(now);
    let level = this.level;
    const stretch = level ? v.scale / level.scale : 1;
    const keep = level !== null && level.dpr === v.dpr && (level.scale === v.scale || (holding && stretch <= STRETCH_IN && stretch >= STRETCH_OUT));
    if (!keep) {
      if (level && level.tiles.size > 0) {
        this.dropLevel(this.old);
        this.old = level.dpr === v.dpr ? level : null;
        if (!this.old) this.dropLevel(level);
      }
      const mod = (n: number) => ((Math.round(n) % TILE) + TILE) % TILE;
      level = this.level = { scale: v.scale, dpr: v.dpr, ox: mod(-v.x * v.dpr), oy: mod(-v.y * v.dpr), tiles: new Map() };
    }
    const lv = level!;
    if (!this.shown) {
      this.shown = true;
      this.paintDirect(ctx, v);
      return { complete: true, work: true };
    }
    // During a zoom gesture nothing is rendered: the tiles it has are stretched, stand-ins fill
    // what they do not cover, and the map is rendered at the scale reached once it rests.
    if (holding) budgetMs = 0;
    const r = this.range(lv, v);
    let complete = true;
    // Stretched tiles (a zoom in progress) are copied nearest-neighbour: half the raster cost of
    // smoothing without a GPU, and the gesture's motion hides it; at rest they are 1:1.
    const smooth = lv.scale === v.scale;
    ctx.imageSmoothingEnabled = smooth;
    for (let ty = r.ty0; ty <= r.ty1; ty++) {
      for (let tx = r.tx0; tx <= r.tx1; tx++) {
        const key = tileKey(tx, ty);
        let tile = lv.tiles.get(key);
        const d = this.dest(lv, v, tx, ty);
        // A stale tile is repainted whatever the budget: a change must show in the next frame.
        if (tile && stale(tile)) this.repaint(lv, tx, ty, tile);
        else if (!tile && performance.now() - t0 < budgetMs) {
          tile = this.newTile();
          lv.tiles.set(key, tile);
          this.paint(lv, tx, ty, tile);
        }
        if (tile && !stale(tile)) {
          ctx.drawImage(tile.canvas, d.x, d.y, d.w, d.h);
        } else {
          complete = false;
          this.standIn(ctx, v, this.tileRect(lv, tx, ty), d);
          ctx.imageSmoothingEnabled = smooth;
        }
      }
    }
    ctx.imageSmoothingEnabled = true;
    if (complete) {
      this.dropLevel(this.old);
      this.old = null;
    }
    const left = holding ? true : this.work(budgetMs - (performance.now() - t0), now);
    return { complete, work: left };
  }

  /**
   * Rendering that does not change the picture: tiles under the screen after a first frame
   * painted directly, the overview, the ring of tiles around the screen (so a pan finds them
   * ready), all for the view last drawn, until `budgetMs` is spent. Returns true while some is
   * left. Nothing during a zoom gesture.
   */
  work(budgetMs: number, now: number = performance.now()): boolean {
    const v = this.view;
    const lv = this.level;
    if (!this.hex || !v || !lv || this.holding(now) || lv.scale !== v.scale) return false;
    const t0 = performance.now();
    const rings = [this.range(lv, v), this.range(lv, v, 1)];
    let overviewDone = this.overview !== null;
    for (const [i, r] of rings.entries()) {
      if (i === 1 && !overviewDone) {
        if (performance.now() - t0 >= budgetMs) return true;
        this.overviewMap();
        overviewDone = true;
      }
      for (let ty = r.ty0; ty <= r.ty1; ty++) {
        for (let tx = r.tx0; tx <= r.tx1; tx++) {
          const key = tileKey(tx, ty);
          const tile = lv.tiles.get(key);
          if (tile && !stale(tile)) continue;
          if (performance.now() - t0 >= budgetMs) return true;
          const t = tile ?? this.newTile();
          lv.tiles.set(key, t);
          this.repaint(lv, tx, ty, t);
        }
      }
    }
    this.evict(lv, v);
    return false;
  }

  /** Paints the hexes on screen straight onto ctx, at the view's scale. */
  private paintDirect(ctx: CanvasRenderingContext2D, v: LayerView): void {
    const k = v.scale * v.dpr;
    const rect = { x0: -v.x / v.scale, y0: -v.y / v.scale, x1: (v.width / v.dpr - v.x) / v.scale, y1: (v.height / v.dpr - v.y) / v.scale };
    ctx.save();
    ctx.setTransform(k, 0, 0, k, v.x * v.dpr, v.y * v.dpr);
    this.paintedHexes += paintHexes(ctx, this.hex!, rect, v.scale, this.style!, this.sprites);
    ctx.restore();
  }

  /** Draws what we have for a tile not rendered yet: the old level's tiles, over the overview
   * where they leave gaps. */
  private standIn(ctx: CanvasRenderingContext2D, v: LayerView, rect: MapRect, d: { x: number; y: number; w: number; h: number }): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(d.x, d.y, d.w, d.h);
    ctx.clip();
    const old = this.old;
    const covering: { t: Tile; tx: number; ty: number }[] = [];
    let gaps = old === null;
    if (old) {
      const k = old.scale * old.dpr;
      const tx0 = Math.floor((rect.x0 * k - old.ox) / TILE);
      const tx1 = Math.floor((rect.x1 * k - old.ox) / TILE);
      const ty0 = Math.floor((rect.y0 * k - old.oy) / TILE);
      const ty1 = Math.floor((rect.y1 * k - old.oy) / TILE);
      for (let ty = ty0; ty <= ty1; ty++) {
        for (let tx = tx0; tx <= tx1; tx++) {
          const t = old.tiles.get(tileKey(tx, ty));
          if (t && !stale(t)) covering.push({ t, tx, ty });
          else gaps = true;
        }
      }
    }
    if (gaps) this.overviewMap().drawRect(ctx, rect, d.x, d.y, d.w, d.h);
    ctx.imageSmoothingEnabled = false;
    for (const { t, tx, ty } of covering) {
      const od = this.dest(old!, v, tx, ty);
      ctx.drawImage(t.canvas, od.x, od.y, od.w, od.h);
    }
    ctx.restore();
  }

  /** Drops the level's tiles two or more tiles away from the screen once there are many. */
  private evict(level: Level, v: LayerView): void {
    const r = this.range(level, v);
    const visible = (r.tx1 - r.tx0 + 1) * (r.ty1 - r.ty0 + 1);
    if (level.tiles.size <= Math.max(48, 3 * visible)) return;
    for (const [key, t] of level.tiles) {
      const tx = keyTx(key);
      const ty = keyTy(key);
      if (tx < r.tx0 - 2 || tx > r.tx1 + 2 || ty < r.ty0 - 2 || ty > r.ty1 + 2) {
        level.tiles.delete(key);
        this.recycle(t);
      }
    }
  }
}
