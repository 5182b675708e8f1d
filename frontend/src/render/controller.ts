// Everything HexMapView does outside React: owns the renderer, sizes the canvas, schedules frames,
// fits the view when a map (or a fresh state) arrives, follows the party token, and animates
// the view. One per HexMapView, created once; React only forwards props and input to it.
import { hexToPixel, parseHexKey, type Point } from '../hex/coords';
import { FOG } from '../hex/terrain';
import { centredOn, followView, knownBounds, openingView, TAP_SCALE, type Viewport } from './fit';
import { HexRenderer, NO_INSETS, type Insets, type RenderOptions, type RenderScene, type View } from './renderer';

export interface MapControllerConfig {
  /** Opening view: what the player knows, at a tappable scale ('visible'), or the whole map. */
  initialFit: 'visible' | 'map';
  /** CSS px covered by toolbars on each side; fitting keeps the map out from under them */
  fitInsets: Insets;
  /** Bring the token back into view, smoothly, when it moves out of it. */
  followToken: boolean;
  onViewChange?: ((v: View) => void) | undefined;
}

/** Duration of the view's glide when it follows the token. */
const FOLLOW_MS = 450;

interface Glide {
  from: View;
  to: View;
  start: number;
  ms: number;
}

function mapKey(scene: RenderScene): string | null {
  const m = scene.map;
  return m ? `${m.id}:${m.width}x${m.height}:${m.orientation}` : null;
}

/**
 * The party token when it stands on a hex the viewer knows. A player always sees their own
 * party's token, even placed in the fog (docs/exploration.md); the view fits and follows it only
 * onto known ground, so an opening view or a glide never lands on a screenful of fog.
 */
function knownToken(scene: RenderScene): string | null {
  const m = scene.map;
  if (!m || !scene.token) return null;
  const o = parseHexKey(scene.token);
  if (!o || o.col >= m.width || o.row >= m.height) return null;
  return scene.cells[o.row * m.width + o.col] === FOG ? null : scene.token;
}

function knowsSomething(scene: RenderScene): boolean {
  if (knownToken(scene)) return true;
  for (let i = 0; i < scene.cells.length; i++) if (scene.cells[i] !== FOG) return true;
  return false;
}

export class MapController {
  renderer: HexRenderer | null = null;
  config: MapControllerConfig = { initialFit: 'map', fitInsets: NO_INSETS, followToken: false };
  private scene: RenderScene | null = null;
  private options: Partial<RenderOptions> = {};
  private frame: number | null = null;
  private wake: ReturnType<typeof setTimeout> | null = null;
  private working: ReturnType<typeof setTimeout> | null = null;
  private glide: Glide | null = null;
  /** the map and fit key the view was last fitted for */
  private fittedMap: string | null = null;
  private fittedKey: unknown = undefined;
  private fitKey: unknown = undefined;
  /** fitted while the player knew nothing: fit again when they first know something */
  private fitWhenKnown = false;
  private lastToken: string | null = null;
  private gestures = 0;

  /** Creates the renderer on `canvas` and follows `wrap`'s size and the devicePixelRatio. */
  attach(canvas: HTMLCanvasElement, wrap: HTMLElement): () => void {
    const r = new HexRenderer(canvas, this.options);
    this.renderer = r;
    const measure = () => {
      const rect = wrap.getBoundingClientRect();
      const before = r.size();
      // Keep the map point in the middle of the screen there when the screen turns or resizes.
      const mid = before.w > 1 ? r.screenToMap(before.w / 2, before.h / 2) : null;
      r.resize(rect.width, rect.height, window.devicePixelRatio || 1);
      if (mid) {
        const v = r.getView();
        r.setView({ scale: v.scale, x: rect.width / 2 - mid.x * v.scale, y: rect.height / 2 - mid.y * v.scale });
      }
      canvas.style.width = `${rect.width}px`;
      canvas.style.height = `${rect.height}px`;
      this.schedule();
    };
    const ro = new ResizeObserver(measure);
    ro.observe(wrap);
    // devicePixelRatio changes when the window moves to another screen or the page is zoomed.
    let mq: MediaQueryList | null = null;
    const watchDpr = () => {
      mq?.removeEventListener('change', onDpr);
      mq = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
      mq.addEventListener('change', onDpr);
    };
    const onDpr = () => {
      measure();
      watchDpr();
    };
    watchDpr();
    measure();
    if (this.scene) this.applyScene();
    return () => {
      ro.disconnect();
      mq?.removeEventListener('change', onDpr);
      if (this.frame !== null) cancelAnimationFrame(this.frame);
      if (this.wake !== null) clearTimeout(this.wake);
      if (this.working !== null) clearTimeout(this.working);
      this.frame = this.wake = this.working = null;
      this.renderer = null;
    };
  }

  setOptions(options: Partial<RenderOptions>): void {
    this.options = options;
    this.renderer?.setOptions(options);
    this.schedule();
  }

  /**
   * New scene. The view is fitted when the map is new or `fitKey` changed since the last fit
   * (the player's page passes a count of full states: a reconnect fits again); otherwise it
   * stays where the user left it, except to follow the token out of view.
   */
  setScene(scene: RenderScene, fitKey: unknown): void {
    this.scene = scene;
    this.fitKey = fitKey;
    if (this.renderer) this.applyScene();
  }

  private applyScene(): void {
    const r = this.renderer!;
    const scene = this.scene!;
    r.setScene(scene);
    const key = mapKey(scene);
    const token = knownToken(scene);
    if (key !== null && (key !== this.fittedMap || this.fitKey !== this.fittedKey)) {
      this.fittedMap = key;
      this.fittedKey = this.fitKey;
      this.glide = null;
      this.openingFit();
    } else if (key !== null && this.fitWhenKnown && knowsSomething(scene)) {
      this.openingFit();
    } else if (this.config.followToken && token && token !== this.lastToken) {
      this.follow(token);
    }
    this.lastToken = token;
    this.schedule();
  }

  private viewport(): Viewport {
    const { w, h } = this.renderer!.size();
    return { w, h, insets: this.config.fitInsets };
  }

  private openingFit(): void {
    const r = this.renderer!;
    const scene = this.scene!;
    this.fitWhenKnown = false;
    if (this.config.initialFit === 'map' || !scene.map) {
      this.setView(r.fitView(undefined, 48, this.config.fitInsets));
      return;
    }
    const v = openingView(scene.map, scene.cells, knownToken(scene), this.viewport());
    if (v) return this.setView(v);
    // Nothing known yet: the middle of the map, and fit again once something is.
    const { width, height, orientation } = scene.map;
    this.fitWhenKnown = true;
    this.setView(centredOn(hexToPixel({ col: Math.floor(width / 2), row: Math.floor(height / 2) }, orientation), TAP_SCALE, this.viewport()));
  }

  private follow(token: string): void {
    const r = this.renderer!;
    const map = this.scene?.map;
    const o = parseHexKey(token);
    // The user's fingers win: never move the map under a gesture.
    if (!map || !o || this.gestures > 0) return;
    const to = followView(this.glide?.to ?? r.getView(), hexToPixel(o, map.orientation), this.viewport());
    if (to) this.glideTo(to, FOLLOW_MS);
  }

  private setView(v: View): void {
    const r = this.renderer!;
    r.setView(v);
    this.config.onViewChange?.(r.getView());
  }

  /** Moves the view to `to` over `ms`, easing out; a gesture or a fit cancels it. */
  glideTo(to: View, ms: number): void {
    const r = this.renderer;
    if (!r) return;
    this.glide = { from: r.getView(), to, start: performance.now(), ms };
    this.schedule();
  }

  private stepGlide(now: number): void {
    const g = this.glide;
    if (!g) return;
    const t = Math.min(1, Math.max(0, (now - g.start) / g.ms));
    const e = 1 - (1 - t) ** 3;
    // Scale moves geometrically so a zoom looks even; the point under the centre follows.
    const scale = g.from.scale * (g.to.scale / g.from.scale) ** e;
    this.setView({ scale, x: g.from.x + (g.to.x - g.from.x) * e, y: g.from.y + (g.to.y - g.from.y) * e });
    if (t >= 1) this.glide = null;
  }

  schedule = (): void => {
    if (this.frame !== null || !this.renderer) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = null;
      const r = this.renderer;
      if (!r) return;
      this.stepGlide(now);
      r.draw(now);
      if (r.hasWork()) this.scheduleWork();
      if (this.glide || r.animating(now)) return this.schedule();
      const ms = r.wakeIn(now);
      if (ms !== null) {
        if (this.wake !== null) clearTimeout(this.wake);
        this.wake = setTimeout(() => {
          this.wake = null;
          this.schedule();
        }, ms);
      }
    });
  };

  /** Renders ahead between frames (a task of at most the tile budget each), until done. */
  private scheduleWork(): void {
    if (this.working !== null) return;
    this.working = setTimeout(() => {
      this.working = null;
      if (this.renderer?.work()) this.scheduleWork();
    }, 0);
  }

  // ------------------------------------------------------------ the user moves the map

  /** The user took the map in hand: stop gliding, and never re-fit under them. */
  private userMoved(): void {
    this.glide = null;
    this.fitWhenKnown = false;
  }

  gestureStart(): void {
    this.gestures++;
    this.userMoved();
  }

  gestureEnd(): void {
    this.gestures = Math.max(0, this.gestures - 1);
  }

  panBy(dx: number, dy: number): void {
    const r = this.renderer;
    if (!r) return;
    this.userMoved();
    r.panBy(dx, dy);
    this.config.onViewChange?.(r.getView());
    this.schedule();
  }

  /** Zooms by `factor` about a screen point; `gesture`: more steps follow (pinch, wheel), so the
   * cached map is scaled until they stop rather than re-rendered at every step. */
  zoomAt(factor: number, x: number, y: number, gesture: boolean): void {
    const r = this.renderer;
    if (!r) return;
    this.userMoved();
    if (gesture) r.zooming();
    r.zoomAt(factor, x, y);
    this.config.onViewChange?.(r.getView());
    this.schedule();
  }

  /** Zoom about the middle of the screen (the + and − buttons). */
  zoomBy(factor: number): void {
    const r = this.renderer;
    if (!r) return;
    const { w, h } = r.size();
    this.zoomAt(factor, w / 2, h / 2, false);
  }

  /** Fits everything the player knows (`known`), or the whole map, regardless of scale. */
  fit(known: boolean): void {
    const r = this.renderer;
    const scene = this.scene;
    if (!r || !scene?.map) return;
    this.userMoved();
    const b = known ? knownBounds(scene.map, scene.cells, knownToken(scene)) : null;
    this.setView(r.fitView(b ?? undefined, known && b ? 40 : 48, this.config.fitInsets));
    this.schedule();
  }

  /** Centres a hex, keeping the scale; `ms` > 0 glides there. */
  centerOn(key: string, ms = 0): void {
    const r = this.renderer;
    const map = this.scene?.map;
    const o = parseHexKey(key);
    if (!r || !map || !o) return;
    this.userMoved();
    const p: Point = hexToPixel(o, map.orientation);
    const v = r.getView();
    const { w, h } = r.size();
    const to = { scale: v.scale, x: w / 2 - p.x * v.scale, y: h / 2 - p.y * v.scale };
    if (ms > 0) this.glideTo(to, ms);
    else {
      this.setView(to);
      this.schedule();
    }
  }
}
