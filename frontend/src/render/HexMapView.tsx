// React wrapper around HexRenderer: sizing, the draw loop, pan/zoom (drag, wheel, pinch via
// @use-gesture/react), hover and tap. The DM console reuses it with `options` (veil alpha),
// `scene.highlights`, `dragPans={false}` (drag paints) and `onHexPointer`.
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, type CSSProperties, type Ref } from 'react';
import { useGesture } from '@use-gesture/react';
import { HexRenderer, NO_INSETS, type Insets, type RenderOptions, type RenderScene, type View } from './renderer';
import { hexToPixel, parseHexKey } from '../hex/coords';
import { FOG } from '../hex/terrain';

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

export interface HexMapHandle {
  renderer(): HexRenderer | null;
  /** Re-fits the view (whole map, or the visible hexes when `focusVisible`). */
  fit(focusVisible?: boolean): void;
  centerOn(key: string): void;
  redraw(): void;
}

export interface HexMapViewProps {
  scene: RenderScene;
  options?: Partial<RenderOptions>;
  /** true (default): primary-button drag pans. false: it reports onHexPointer instead, and panning
   * needs the middle/right button, two fingers, or a drag with Space held. */
  dragPans?: boolean;
  /** Initial view: fit the non-fog hexes (players) or the whole map. */
  initialFit?: 'visible' | 'map';
  /** CSS px covered by toolbars on each side; fitting keeps the map out from under them */
  fitInsets?: Insets;
  onHexTap?: (key: string | null, at: { x: number; y: number }) => void;
  onHexHover?: (key: string | null, at: { x: number; y: number }) => void;
  onHexPointer?: (e: HexPointerEvent) => void;
  onViewChange?: (v: View) => void;
  className?: string;
  style?: CSSProperties;
  handle?: Ref<HexMapHandle>;
  ariaLabel?: string;
}

/** Map-pixel bounding box of the hexes that are not fog (null when all are fog). */
export function visibleBounds(scene: RenderScene): { x0: number; y0: number; x1: number; y1: number } | null {
  const map = scene.map;
  if (!map) return null;
  let c0 = Infinity, c1 = -Infinity, r0 = Infinity, r1 = -Infinity;
  const { width, cells } = { width: map.width, cells: scene.cells };
  for (let i = 0; i < cells.length; i++) {
    if (cells[i] === FOG) continue;
    const c = i % width;
    const r = (i - c) / width;
    if (c < c0) c0 = c;
    if (c > c1) c1 = c;
    if (r < r0) r0 = r;
    if (r > r1) r1 = r;
  }
  if (scene.token) {
    const o = parseHexKey(scene.token);
    if (o) {
      c0 = Math.min(c0, o.col);
      c1 = Math.max(c1, o.col);
      r0 = Math.min(r0, o.row);
      r1 = Math.max(r1, o.row);
    }
  }
  if (c0 === Infinity) return null;
  const a = hexToPixel({ col: c0, row: r0 }, map.orientation);
  const b = hexToPixel({ col: c1, row: r1 }, map.orientation);
  return { x0: a.x - 1.5, y0: a.y - 1.5, x1: b.x + 1.5, y1: b.y + 1.5 };
}

export function HexMapView(props: HexMapViewProps) {
  const { scene, options, dragPans = true, initialFit = 'map', handle } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<HexRenderer | null>(null);
  const frame = useRef<number | null>(null);
  const fittedMap = useRef<string | null>(null);
  // The latest props for callbacks that outlive a render (gestures, the draw loop, the handle).
  const propsRef = useRef(props);
  useLayoutEffect(() => {
    propsRef.current = props;
  });

  // Stable (they only touch refs), so effects that call them do not re-run on every render.
  const schedule = useCallback(function schedule() {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame((now) => {
      frame.current = null;
      const r = rendererRef.current;
      if (!r) return;
      r.draw(now);
      if (r.animating(now)) schedule();
    });
  }, []);

  const fit = useCallback(
    (focusVisible: boolean) => {
      const r = rendererRef.current;
      if (!r) return;
      const b = focusVisible ? visibleBounds(propsRef.current.scene) : null;
      r.setView(r.fitView(b ?? undefined, focusVisible && b ? 40 : 48, propsRef.current.fitInsets ?? NO_INSETS));
      propsRef.current.onViewChange?.(r.getView());
      schedule();
    },
    [schedule],
  );

  useImperativeHandle(handle, () => ({
    renderer: () => rendererRef.current,
    fit: (v = false) => fit(v),
    centerOn: (key: string) => {
      const r = rendererRef.current;
      const map = propsRef.current.scene.map;
      const o = parseHexKey(key);
      if (!r || !map || !o) return;
      const p = hexToPixel(o, map.orientation);
      const v = r.getView();
      const { w, h } = r.size();
      r.setView({ scale: v.scale, x: w / 2 - p.x * v.scale, y: h / 2 - p.y * v.scale });
      schedule();
    },
    redraw: schedule,
  }));

  // Create the renderer and follow the element's size and devicePixelRatio.
  useEffect(() => {
    const canvas = canvasRef.current;
    const wrap = wrapRef.current;
    if (!canvas || !wrap) return;
    const r = new HexRenderer(canvas, propsRef.current.options);
    rendererRef.current = r;
    const measure = () => {
      const rect = wrap.getBoundingClientRect();
      r.resize(rect.width, rect.height, window.devicePixelRatio || 1);
      canvas.style.width = `${rect.width}px`;
      canvas.style.height = `${rect.height}px`;
      schedule();
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
    return () => {
      ro.disconnect();
      mq?.removeEventListener('change', onDpr);
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      rendererRef.current = null;
    };
  }, [schedule]);

  useEffect(() => {
    rendererRef.current?.setOptions(options ?? {});
    schedule();
  }, [options, schedule]);

  useEffect(() => {
    const r = rendererRef.current;
    if (!r) return;
    r.setScene(scene);
    const mapId = scene.map ? `${scene.map.id}:${scene.map.width}x${scene.map.height}` : null;
    if (mapId !== fittedMap.current) {
      fittedMap.current = mapId;
      if (scene.map) fit(initialFit === 'visible');
    }
    schedule();
  }, [scene, initialFit, fit, schedule]);

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
      key: rendererRef.current?.hexAt(p.x, p.y) ?? null,
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

  const painting = useRef(false);

  useGesture(
    {
      onDrag: ({ delta: [dx, dy], tap, event, first, last, touches, pinching, cancel, xy }) => {
        const r = rendererRef.current;
        if (!r) return;
        if (pinching) return cancel();
        const pe = event as PointerEvent;
        const pans =
          dragPans || touches > 1 || spaceHeld.current || (pe.buttons !== undefined && (pe.buttons & 6) !== 0);
        if (tap) {
          const p = local(xy[0], xy[1]);
          propsRef.current.onHexTap?.(r.hexAt(p.x, p.y), p);
          return;
        }
        if (!pans && propsRef.current.onHexPointer) {
          if (first) painting.current = true;
          if (painting.current) propsRef.current.onHexPointer(pointerInfo(pe, first ? 'down' : last ? 'up' : 'move'));
          if (last) painting.current = false;
          return;
        }
        r.panBy(dx, dy);
        propsRef.current.onViewChange?.(r.getView());
        schedule();
      },
      onPinch: ({ origin: [ox, oy], offset: [s], memo, first }) => {
        const r = rendererRef.current;
        if (!r) return memo;
        // offset[0] is the cumulative scale; apply the ratio since the last event.
        const prev = first || memo === undefined ? s : (memo as number);
        const p = local(ox, oy);
        if (prev > 0) r.zoomAt(s / prev, p.x, p.y);
        propsRef.current.onViewChange?.(r.getView());
        schedule();
        return s;
      },
      onWheel: ({ event, delta: [dx, dy] }) => {
        const r = rendererRef.current;
        if (!r) return;
        const e = event as WheelEvent;
        if (e.ctrlKey) return; // trackpad pinch arrives as ctrl+wheel; onPinch handles it
        e.preventDefault();
        const p = local(e.clientX, e.clientY);
        // Lines vs pixels: normalise so one notch is ~10 % zoom.
        const unit = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
        const amount = (Math.abs(dy) > Math.abs(dx) ? dy : 0) * unit;
        r.zoomAt(Math.exp(-amount * 0.0015), p.x, p.y);
        propsRef.current.onViewChange?.(r.getView());
        schedule();
      },
      onMove: ({ xy, event, dragging }) => {
        const pe = event as PointerEvent;
        if (pe.pointerType !== 'mouse' || dragging) return;
        const p = local(xy[0], xy[1]);
        const key = rendererRef.current?.hexAt(p.x, p.y) ?? null;
        propsRef.current.onHexHover?.(key, p);
      },
      onHover: ({ hovering, xy }) => {
        if (!hovering) propsRef.current.onHexHover?.(null, local(xy[0], xy[1]));
      },
    },
    {
      target: wrapRef,
      eventOptions: { passive: false },
      drag: { filterTaps: true, pointer: { buttons: [1, 2, 4] } },
      pinch: { scaleBounds: { min: 1e-3, max: 1e3 } },
    },
  );

  // Keyboard: arrows pan, +/- zoom (the canvas is focusable).
  const onKeyDown = (e: React.KeyboardEvent) => {
    const r = rendererRef.current;
    if (!r) return;
    const { w, h } = r.size();
    const step = 60;
    const k = e.key;
    if (k === 'ArrowLeft') r.panBy(step, 0);
    else if (k === 'ArrowRight') r.panBy(-step, 0);
    else if (k === 'ArrowUp') r.panBy(0, step);
    else if (k === 'ArrowDown') r.panBy(0, -step);
    else if (k === '+' || k === '=') r.zoomAt(1.25, w / 2, h / 2);
    else if (k === '-' || k === '_') r.zoomAt(0.8, w / 2, h / 2);
    else return;
    e.preventDefault();
    propsRef.current.onViewChange?.(r.getView());
    schedule();
  };

  const map = scene.map;
  const label = props.ariaLabel ?? (map ? `Hex map ${map.name}, ${map.width} by ${map.height}` : 'Hex map');
  return (
    <div
      ref={wrapRef}
      className={props.className}
      style={{ position: 'relative', overflow: 'hidden', touchAction: 'none', userSelect: 'none', ...props.style }}
      onContextMenu={(e) => e.preventDefault()}
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
