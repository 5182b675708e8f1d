// React wrapper around HexRenderer: the canvas, pan/zoom input (drag, wheel, pinch via
// @use-gesture/react, keys), hover and tap. The view's own life — sizing, frames, fitting,
// following the token — is MapController's (controller.ts). The DM console reuses it with
// `options` (veil alpha), `scene.highlights`, `dragPans={false}` (drag paints) and `onHexPointer`.
import { useEffect, useImperativeHandle, useRef, type CSSProperties, type Ref } from 'react';
import { useGesture } from '@use-gesture/react';
import { MapController } from './controller';
import { NO_INSETS, type HexRenderer, type Insets, type RenderOptions, type RenderScene, type View } from './renderer';

export interface HexPointerEvent {
  key: string | null;
  phase: 'down' | 'move' | 'up';
  /** CSS px relative to the canvas */
  x: number;
  y: number;
  button: number;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** How long a touch is held still before it is a long press. */
export const LONG_PRESS_MS = 500;

export interface HexMapHandle {
  renderer(): HexRenderer | null;
  /** Fits everything the player knows (`known`), or the whole map. */
  fit(known?: boolean): void;
  /** Centres a hex; `ms` > 0 glides there. */
  centerOn(key: string, ms?: number): void;
  /** Zooms about the middle of the screen. */
  zoomBy(factor: number): void;
  redraw(): void;
  /** Where a hex's centre is now, in CSS px from the canvas's corner (null off the map). */
  screenOf(key: string): { x: number; y: number } | null;
}

export interface HexMapViewProps {
  scene: RenderScene;
  options?: Partial<RenderOptions>;
  /** true (default): primary-button drag pans. false: it reports onHexPointer instead, and panning
   * needs the middle/right button, two fingers, or a drag with Space held. */
  dragPans?: boolean;
  /** Opening view: what the player knows at a tappable scale ('visible'), or the whole map. */
  initialFit?: 'visible' | 'map';
  /** The view is fitted again whenever this changes (as for a new map): the player's page
   * passes a count of full states received, so a reconnect opens fitted too. */
  fitKey?: unknown;
  /** Glide to the token when it moves out of view. */
  followToken?: boolean;
  /** CSS px covered by toolbars on each side; fitting keeps the map out from under them */
  fitInsets?: Insets;
  onHexTap?: (key: string | null, at: { x: number; y: number }) => void;
  /** A touch held still for LONG_PRESS_MS, or a right-click (docs/table.md: a ping). */
  onHexLongPress?: (key: string | null, at: { x: number; y: number }) => void;
  onHexHover?: (key: string | null, at: { x: number; y: number }) => void;
  onHexPointer?: (e: HexPointerEvent) => void;
  onViewChange?: (v: View) => void;
  className?: string;
  style?: CSSProperties;
  handle?: Ref<HexMapHandle>;
  ariaLabel?: string;
}

export function HexMapView(props: HexMapViewProps) {
  const { scene, options, dragPans = true, initialFit = 'map', fitKey, followToken = false, fitInsets = NO_INSETS, onViewChange, handle } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const ctlRef = useRef<MapController | null>(null);
  if (ctlRef.current === null) ctlRef.current = new MapController();

  useEffect(() => {
    ctlRef.current!.config = { initialFit, fitInsets, followToken, onViewChange };
  }, [initialFit, fitInsets, followToken, onViewChange]);

  useEffect(() => ctlRef.current!.attach(canvasRef.current!, wrapRef.current!), []);

  useEffect(() => ctlRef.current!.setOptions(options ?? {}), [options]);

  useEffect(() => ctlRef.current!.setScene(scene, fitKey), [scene, fitKey]);

  useImperativeHandle(handle, () => {
    const ctl = ctlRef.current!;
    return {
      renderer: () => ctl.renderer,
      fit: (known = false) => ctl.fit(known),
      centerOn: (key: string, ms?: number) => ctl.centerOn(key, ms),
      zoomBy: (f: number) => ctl.zoomBy(f),
      redraw: ctl.schedule,
      screenOf: (key: string) => ctl.renderer?.hexCenter(key) ?? null,
    };
  }, []);

  const local = (clientX: number, clientY: number) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return { x: clientX - rect.left, y: clientY - rect.top };
  };

  const spaceHeld = useRef(false);
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space') spaceHeld.current = true;
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') spaceHeld.current = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  const pointerInfo = (e: PointerEvent | MouseEvent, phase: HexPointerEvent['phase']): HexPointerEvent => {
    const p = local(e.clientX, e.clientY);
    return {
      key: ctlRef.current!.renderer?.hexAt(p.x, p.y) ?? null,
      phase,
      x: p.x,
      y: p.y,
      button: e.button,
      shiftKey: e.shiftKey,
      altKey: e.altKey,
      ctrlKey: e.ctrlKey,
      metaKey: e.metaKey,
    };
  };

  // Long press: a touch or pen held still; the tap that ends it is not a tap. Chromium on
  // Android also sends contextmenu for the same hold, so one press fires once.
  const press = useRef<{ timer: ReturnType<typeof setTimeout> | null; x: number; y: number; firedAt: number; held: boolean }>({
    timer: null,
    x: 0,
    y: 0,
    firedAt: -Infinity,
    held: false,
  });
  const longPress = (clientX: number, clientY: number) => {
    const pr = press.current;
    if (performance.now() - pr.firedAt < 1000) return;
    pr.firedAt = performance.now();
    const p = local(clientX, clientY);
    props.onHexLongPress?.(ctlRef.current!.renderer?.hexAt(p.x, p.y) ?? null, p);
  };
  const cancelPress = () => {
    const pr = press.current;
    if (pr.timer !== null) clearTimeout(pr.timer);
    pr.timer = null;
  };
  const onPointerDown = (e: React.PointerEvent) => {
    cancelPress();
    const pr = press.current;
    pr.held = false;
    if (!props.onHexLongPress || e.pointerType === 'mouse' || !e.isPrimary) return;
    pr.x = e.clientX;
    pr.y = e.clientY;
    pr.timer = setTimeout(() => {
      pr.timer = null;
      pr.held = true;
      longPress(pr.x, pr.y);
    }, LONG_PRESS_MS);
  };
  const onPointerMove = (e: React.PointerEvent) => {
    const pr = press.current;
    if (pr.timer !== null && Math.hypot(e.clientX - pr.x, e.clientY - pr.y) > 10) cancelPress();
  };

  const painting = useRef(false);
  // A pan or a pinch in progress (the controller does not move the map under it).
  const panning = useRef(false);
  const pinching = useRef(false);
  const endPan = () => {
    if (!panning.current) return;
    panning.current = false;
    ctlRef.current!.gestureEnd();
  };

  useGesture(
    {
      onDrag: ({ delta: [dx, dy], tap, event, first, last, touches, pinching: pinchOn, cancel, xy }) => {
        const ctl = ctlRef.current!;
        const r = ctl.renderer;
        if (!r) return;
        if (pinchOn) {
          endPan();
          return cancel();
        }
        const pe = event as PointerEvent;
        const pans =
          dragPans || touches > 1 || spaceHeld.current || (pe.buttons !== undefined && (pe.buttons & 6) !== 0);
        if (tap) {
          endPan();
          // A right-click is the context menu's (a ping); the lift after a long press is not a tap.
          if (pe.button === 2 || press.current.held) return;
          const p = local(xy[0], xy[1]);
          props.onHexTap?.(r.hexAt(p.x, p.y), p);
          return;
        }
        if (!pans && props.onHexPointer) {
          if (first) painting.current = true;
          if (painting.current) props.onHexPointer(pointerInfo(pe, first ? 'down' : last ? 'up' : 'move'));
          if (last) painting.current = false;
          return;
        }
        if (!panning.current) {
          panning.current = true;
          ctl.gestureStart();
        }
        ctl.panBy(dx, dy);
        if (last) endPan();
      },
      onPinch: ({ origin: [ox, oy], offset: [s], memo, first, last }) => {
        const ctl = ctlRef.current!;
        if (!ctl.renderer) return memo;
        if (first && !pinching.current) {
          pinching.current = true;
          ctl.gestureStart();
        }
        // offset[0] is the cumulative scale; apply the ratio since the last event.
        const prev = first || memo === undefined ? s : (memo as number);
        const p = local(ox, oy);
        if (prev > 0) ctl.zoomAt(s / prev, p.x, p.y, true);
        if (last && pinching.current) {
          pinching.current = false;
          ctl.gestureEnd();
        }
        return s;
      },
      onWheel: ({ event, delta: [dx, dy] }) => {
        const ctl = ctlRef.current!;
        if (!ctl.renderer) return;
        const e = event as WheelEvent;
        if (e.ctrlKey) return; // trackpad pinch arrives as ctrl+wheel; onPinch handles it
        e.preventDefault();
        const p = local(e.clientX, e.clientY);
        // Lines vs pixels: normalise so one notch is ~10 % zoom.
        const unit = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
        const amount = (Math.abs(dy) > Math.abs(dx) ? dy : 0) * unit;
        ctl.zoomAt(Math.exp(-amount * 0.0015), p.x, p.y, true);
      },
      onMove: ({ xy, event, dragging }) => {
        const pe = event as PointerEvent;
        if (pe.pointerType !== 'mouse' || dragging) return;
        const p = local(xy[0], xy[1]);
        const key = ctlRef.current!.renderer?.hexAt(p.x, p.y) ?? null;
        props.onHexHover?.(key, p);
      },
      onHover: ({ hovering, xy }) => {
        if (!hovering) props.onHexHover?.(null, local(xy[0], xy[1]));
      },
    },
    {
      target: wrapRef,
      eventOptions: { passive: false },
      // keys: false — the arrows are onKeyDown's (and the DM's Party tool's). The library's
      // keyboard drag would also replay the last tap when an arrow key is released, where the
      // pointer last was: a move back to the hex just left.
      drag: { filterTaps: true, pointer: { buttons: [1, 2, 4], keys: false } },
      pinch: { scaleBounds: { min: 1e-3, max: 1e3 } },
    },
  );

  // Keyboard: arrows pan, +/- zoom (the canvas is focusable).
  const onKeyDown = (e: React.KeyboardEvent) => {
    const ctl = ctlRef.current!;
    const step = 60;
    const k = e.key;
    if (k === 'ArrowLeft') ctl.panBy(step, 0);
    else if (k === 'ArrowRight') ctl.panBy(-step, 0);
    else if (k === 'ArrowUp') ctl.panBy(0, step);
    else if (k === 'ArrowDown') ctl.panBy(0, -step);
    else if (k === '+' || k === '=') ctl.zoomBy(1.25);
    else if (k === '-' || k === '_') ctl.zoomBy(0.8);
    else return;
    e.preventDefault();
  };

  const map = scene.map;
  const label = props.ariaLabel ?? (map ? `Hex map ${map.name}, ${map.width} by ${map.height}` : 'Hex map');
  return (
    <div
      ref={wrapRef}
      className={props.className}
      style={{ position: 'relative', overflow: 'hidden', touchAction: 'none', userSelect: 'none', ...props.style }}
      onContextMenu={(e) => {
        e.preventDefault();
        if (props.onHexLongPress) longPress(e.clientX, e.clientY);
      }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={cancelPress}
      onPointerCancel={cancelPress}
    >
      <canvas
        ref={canvasRef}
        tabIndex={0}
        role="img"
        aria-label={label}
        onKeyDown={onKeyDown}
        style={{ display: 'block', position: 'absolute', inset: 0, outline: 'none' }}
        data-testid="hexmap"
      />
    </div>
  );
}
