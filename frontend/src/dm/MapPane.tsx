// The DM's map: the working view (published + staged preview + edits in flight) or, with
// "view as", exactly one player's view; pointer input turned into tool actions.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { HexMapView, type HexMapHandle, type HexPointerEvent } from '../render/HexMapView';
import type { HexRenderer, MarkerMark, PathMark, RenderScene, TokenMark } from '../render/renderer';
import { parseHexKey, hexKey } from '../hex/coords';
import { useDm, useDmStore } from './useDm';
import type { Sweep } from './Console';
import { brushFootprint, hexLine } from './brush';
import { composeDisplay, projectFor, sameDisplay, stagedOverlay, stagedParties, visibility, type DisplayMap, type Projection } from './preview';
import { clickPath, extendDrag } from './moves';
import { PreviewNote, usePartyPreview } from './MovePreview';

export const COLORS = {
  selected: '#ffffff',
  brush: '#fff4c2',
  sweepReveal: '#5fe3d0',
  sweepHide: '#ff8a65',
  stagedUpdate: '#f2c14e',
  stagedReveal: '#4fd1c5',
  stagedHide: '#e46a52',
  private: '#b48cff',
  /** where a lost party truly is (its token shows where its players believe they are) */
  lostTruth: '#ff5a4a',
  /** a hovered move's preview: hexes it would explore, hexes it would glimpse */
  previewExplored: '#ffd166',
  previewGlimpsed: '#8fd3ff',
};

// Keep a fitted map clear of the palette (left) and the tool options bar (top).
const FIT_INSETS = { top: 52, right: 8, bottom: 8, left: 168 };

/** Maps with more hexes than this open zoomed in to OPEN_SCALE px per hex instead of fitted. */
export const BIG_MAP = 12_000;
export const OPEN_SCALE = 12;

const NONE: ReadonlySet<string> = new Set();

/** `value`, or the previous one while `same` says they are equal (so what depends on it keeps still). */
function useKept<T>(value: T, same: (a: T, b: T) => boolean): T {
  const [kept, setKept] = useState(value);
  if (kept === value || same(kept, value)) return kept;
  setKept(value);
  return value;
}

export function MapPane(props: { sweep: Sweep; handle: RefObject<HexMapHandle | null> }) {
  const { sweep, handle } = props;
  const dm = useDmStore();
  const data = useDm((s) => s.data);
  const pending = useDm((s) => s.edit.pending);
  const tool = useDm((s) => s.tool);
  const brush = useDm((s) => s.brush);
  const hover = useDm((s) => s.hover);
  const selected = useDm((s) => s.selected);
  const viewAs = useDm((s) => s.viewAs);
  const sweepKeys = useDm((s) => s.sweep);
  const showVeil = useDm((s) => s.veil);
  // Who sees what changes far less often than the terrain (every echo of a stroke is a new grid).
  const map = useDm((s) => s.data?.map ?? null);
  const revealedAll = useDm((s) => s.data?.revealedAll ?? null);
  const revealedTo = useDm((s) => s.data?.revealedTo);
  const players = useDm((s) => s.data?.players);
  const parties = useDm((s) => s.data?.parties);
  const partyKnown = useDm((s) => s.data?.partyKnown);
  const markers = useDm((s) => s.data?.markers);
  const selectedParty = useDm((s) => s.party()?.id ?? null);
  const markerId = useDm((s) => s.markerId);
  const dragPath = useDm((s) => s.dragPath);
  const preview = usePartyPreview();

  const staged = useMemo(
    () => (data?.map && data.staged.length > 0 ? stagedOverlay(data.staged, data.map.width, data.map.height) : null),
    [data?.staged, data?.map],
  );
  const vis = useMemo(
    () => (revealedTo && players && parties && partyKnown ? visibility({ map, revealedAll, revealedTo, players, parties, partyKnown }) : null),
    [map, revealedAll, revealedTo, players, parties, partyKnown],
  );
  const composed = useMemo((): DisplayMap | Projection | null => {
    if (!data) return null;
    return viewAs ? projectFor(data, viewAs) : composeDisplay(data, staged, pending);
  }, [data, staged, pending, viewAs]);
  // Same picture (e.g. the hub confirming what a stroke already drew): keep the old object so
  // the scene stays the same and nothing is redrawn.
  const display = useKept(composed, (a, b) => a !== null && b !== null && !('muted' in a) && !('muted' in b) && sameDisplay(a, b));
  const projection = display && 'muted' in display ? display : null;

  // Footprint under the pointer for the area tools.
  const footprint = useMemo(() => {
    if (!map || !hover || viewAs) return null;
    if (tool !== 'brush' && tool !== 'reveal' && tool !== 'hide') return null;
    const o = parseHexKey(hover);
    if (!o) return null;
    return brushFootprint(o, brush, map.orientation, map.width, map.height).map((x) => hexKey(x.col, x.row));
  }, [map, hover, tool, brush, viewAs]);

  const travelParties = useDm((s) => s.data?.travel.parties);
  const highlights = useMemo(() => {
    const hl = new Map<string, string>();
    if (!viewAs) {
      for (const t of travelParties?.values() ?? []) if (t.lost) hl.set(t.lost.at, COLORS.lostTruth);
      if (staged) {
        for (const k of staged.updated) hl.set(k, COLORS.stagedUpdate);
        for (const k of staged.reveal.keys()) hl.set(k, COLORS.stagedReveal);
        for (const k of staged.hide) hl.set(k, COLORS.stagedHide);
      }
      if (preview) {
        for (const k of preview.preview.glimpsed) hl.set(k, COLORS.previewGlimpsed);
        for (const k of preview.preview.explored) hl.set(k, COLORS.previewExplored);
      }
      const sweepColour = tool === 'hide' ? COLORS.sweepHide : COLORS.sweepReveal;
      for (const k of sweepKeys) hl.set(k, sweepColour);
      if (footprint && footprint.length > 1) for (const k of footprint) hl.set(k, tool === 'brush' ? COLORS.brush : sweepColour);
    }
    if (selected) hl.set(selected, COLORS.selected);
    return hl;
  }, [staged, sweepKeys, footprint, selected, tool, viewAs, travelParties, preview]);

  // Party tokens in their colours (the picked one ringed), where staged moves will leave them
  // (faint), the staged moves as dashed paths and a dragged move as a solid one; markers.
  const stagedList = data?.staged;
  const pieces = useMemo(() => {
    if (projection) {
      return {
        tokens: projection.tokens.map((p): TokenMark => ({ id: p.id, key: p.key!, color: p.color, own: p.id === projection.partyId })),
        markers: projection.markers.map((m): MarkerMark => ({ id: m.id, key: m.key, kind: m.kind, label: m.label })),
        paths: [] as PathMark[],
      };
    }
    const tokens: TokenMark[] = [];
    const paths: PathMark[] = [];
    const ahead = stagedList && parties && stagedList.length > 0 ? stagedParties(stagedList, parties) : null;
    for (const p of parties ?? []) {
      const sel = p.id === selectedParty;
      if (p.key) tokens.push({ id: p.id, key: p.key, color: p.color, selected: sel && (tool === 'token' || tool === 'travel') });
      const st = ahead?.get(p.id);
      if (st) {
        for (const keys of st.paths) paths.push({ color: p.color, keys, dashed: true });
        if (st.end && st.end !== p.key) tokens.push({ id: `${p.id}:staged`, key: st.end, color: p.color, ghost: true });
      }
      if (sel && dragPath && dragPath.length > 0 && preview?.from) paths.push({ color: p.color, keys: [preview.from, ...dragPath] });
    }
    const marks = (markers ?? []).map((m): MarkerMark => ({ id: m.id, key: m.key, kind: m.kind, label: m.label, dmOnly: m.visibility !== 'players', selected: m.id === markerId }));
    return { tokens, markers: marks, paths };
  }, [projection, parties, stagedList, selectedParty, tool, dragPath, preview, markers, markerId]);

  const roads = useDm((s) => s.data?.roads);
  const scene: RenderScene = useMemo(
    () => ({
      map,
      cells: display?.cells ?? new Uint8Array(0),
      labels: display?.labels ?? new Map(),
      roads: projection ? projection.roads : roads,
      muted: projection?.muted ?? null,
      token: display?.token ?? null,
      tokens: pieces.tokens,
      markers: pieces.markers,
      paths: pieces.paths,
      veil: viewAs || !showVeil ? null : (vis?.veil ?? null),
      highlights,
      hover: footprint && footprint.length > 1 ? null : hover,
    }),
    [map, display, projection, roads, vis, highlights, hover, footprint, viewAs, showVeil, pieces],
  );

  // Hexes only some players see get a violet dot, drawn on the renderer's canvas right after each
  // frame (so it can never lag behind a pan or zoom) instead of a tint that would change the
  // terrain's colour. The renderer lives as long as this pane.
  const privateKeys = useRef<ReadonlySet<string>>(NONE);
  useEffect(() => {
    const r = handle.current?.renderer();
    if (!r) return;
    const orig = r.draw;
    r.draw = function (this: typeof r, now?: number) {
      orig.call(this, now);
      drawPrivateMarks(this, privateKeys.current);
    };
    return () => {
      r.draw = orig;
    };
  }, [handle]);
  useLayoutEffect(() => {
    privateKeys.current = viewAs ? NONE : (vis?.privateKeys ?? NONE);
    handle.current?.redraw();
  }, [vis, viewAs, handle]);

  useEffect(() => {
    performance.mark('hexcrawl:dm-map-mounted'); // for the benchmark's boot timeline
  }, []);

  // A big map opens zoomed in on the party (or the middle) rather than fitted whole: at a few
  // pixels per hex nothing can be edited, and a frame of 40,000 hexes costs ~150 ms to raster
  // without a GPU. This effect runs after HexMapView's own fit, before the first frame.
  const mapId = map?.id;
  const width = map?.width ?? 0;
  const height = map?.height ?? 0;
  useEffect(() => {
    const r = handle.current?.renderer();
    if (!mapId || !r || width * height <= BIG_MAP) return;
    const v = r.getView();
    if (v.scale >= OPEN_SCALE) return;
    r.setView({ ...v, scale: OPEN_SCALE });
    const token = dm.getState().data?.token;
    handle.current?.centerOn(token ?? hexKey(Math.floor(width / 2), Math.floor(height / 2)));
  }, [mapId, width, height, handle, dm]);

  // ------------------------------------------------------------ input
  const last = useRef<string | null>(null);
  // The gesture library reports a drag only after a few pixels of movement; remember the hex the
  // button went down on so a fast stroke still starts there.
  const downKey = useRef<string | null>(null);
  const onPointerDownCapture = (e: React.PointerEvent<HTMLDivElement>) => {
    const r = handle.current?.renderer();
    if (!r || e.button !== 0) return;
    const rect = r.canvas.getBoundingClientRect();
    downKey.current = r.hexAt(e.clientX - rect.left, e.clientY - rect.top);
  };
  // Taps do not carry modifiers; Alt+click (pick a terrain) needs to know Alt is down.
  const altHeld = useRef(false);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      altHeld.current = e.altKey;
    };
    const off = () => {
      altHeld.current = false;
    };
    window.addEventListener('keydown', on);
    window.addEventListener('keyup', on);
    window.addEventListener('blur', off);
    return () => {
      window.removeEventListener('keydown', on);
      window.removeEventListener('keyup', on);
      window.removeEventListener('blur', off);
    };
  }, []);

  const footprintOf = (key: string): string[] => {
    const s = dm.getState();
    const m = s.data?.map;
    const o = parseHexKey(key);
    if (!m || !o) return [];
    return brushFootprint(o, s.brush, m.orientation, m.width, m.height).map((x) => hexKey(x.col, x.row));
  };

  /** Keys along the pointer's path since the last event, each widened by the brush. */
  const pathKeys = (from: string | null, to: string): string[] => {
    const m = dm.getState().data?.map;
    const a = from ? parseHexKey(from) : null;
    const b = parseHexKey(to);
    if (!m || !b) return [];
    const line = a ? hexLine(a, b, m.orientation) : [b];
    const out = new Set<string>();
    for (const o of line) for (const k of footprintOf(hexKey(o.col, o.row))) out.add(k);
    return [...out];
  };

  const pickTerrain = (key: string) => {
    const t = dm.getState().hexAt(key).terrain;
    if (t) dm.getState().setTerrain(t);
  };

  const onTap = (key: string | null, alt = false) => {
    const s = dm.getState();
    if (!key) {
      if (s.tool === 'select') s.select(null);
      return;
    }
    if (s.viewAs !== null || s.tool === 'select') {
      s.select(key);
      // Clicking a party's token picks that party (for the Party tool and the arrow keys).
      const here = s.viewAs === null ? s.data?.parties.find((p) => p.key === key) : undefined;
      if (here) s.selectParty(here.id);
      return;
    }
    switch (s.tool) {
      case 'brush':
        if (alt) pickTerrain(key);
        else s.editHexes(`Paint ${terrainName(s.terrain)}`, footprintOf(key), { terrain: s.terrain });
        break;
      case 'fill':
        if (alt) pickTerrain(key);
        else s.fill(key, s.terrain);
        break;
      case 'reveal':
      case 'hide':
        sweep(s.tool, footprintOf(key));
        break;
      case 'token':
        s.partyTap(key);
        break;
      case 'marker': {
        // A marker here: edit it (Hex panel); an empty hex: a new marker.
        const here = s.data?.markers.filter((m) => m.key === key) ?? [];
        if (here.length > 0) {
          s.select(key);
          s.selectMarker(here.find((m) => m.id === s.markerId)?.id ?? here[0]!.id);
        } else {
          s.placeMarker(key);
          s.select(key);
        }
        break;
      }
      case 'travel': {
        // The straight line from the party's token: each hex a step of the journey.
        const m = s.data?.map;
        const from = s.travelParty()?.key;
        if (!m || !from) {
          s.toast('Place the party on the map first (Party tool).', 'info');
          break;
        }
        // The same path as a Party-tool click, capped at a message's most steps.
        s.travelTo(clickPath(from, key, m.orientation));
        break;
      }
    }
  };

  // A drag with the Party tool: the path from the token, sent on release (a placement, in place
  // mode, lands where the button is released). With the Marker tool: a marker carried along.
  const dragFrom = useRef<string | null>(null);
  const onPartyDrag = (e: HexPointerEvent) => {
    const s = dm.getState();
    const p = s.party();
    const m = s.data?.map;
    if (!p || !m) return;
    const from = s.partyKey(p.id);
    const place = s.partyMode === 'place' || from === null;
    if (e.phase === 'down') {
      dragFrom.current = downKey.current;
      s.setDragPath(place ? null : extendDrag([], from!, downKey.current ?? e.key ?? from!, m.orientation));
    }
    if (!place && e.key && e.phase !== 'down') s.setDragPath(extendDrag(s.dragPath ?? [], from!, e.key, m.orientation));
    if (e.phase === 'up') {
      const path = dm.getState().dragPath;
      s.setDragPath(null);
      const moved = e.key !== null && e.key !== dragFrom.current;
      dragFrom.current = null;
      if (place) {
        if (e.key) s.placeParty(e.key, s.placeReveal);
      } else if (path && path.length > 0) s.moveParty(path);
      else if (!moved && e.key) s.partyTap(e.key);
    }
  };
  const onMarkerDrag = (e: HexPointerEvent) => {
    const s = dm.getState();
    if (e.phase === 'down') dragFrom.current = downKey.current;
    if (e.phase !== 'up') return;
    const from = dragFrom.current;
    dragFrom.current = null;
    if (!from || !e.key) return;
    if (from === e.key) return onTap(e.key);
    const onIt = s.data?.markers.filter((m) => m.key === from) ?? [];
    const marker = onIt.find((m) => m.id === s.markerId) ?? onIt[0];
    if (!marker) return;
    s.updateMarker(marker.id, { key: e.key });
    s.selectMarker(marker.id);
    s.select(e.key);
  };

  const onPointer = (e: HexPointerEvent) => {
    const s = dm.getState();
    if (s.viewAs === null && s.tool === 'token') return onPartyDrag(e);
    if (s.viewAs === null && s.tool === 'marker') return onMarkerDrag(e);
    if (s.viewAs !== null || s.tool === 'select' || s.tool === 'fill' || s.tool === 'token' || s.tool === 'travel') {
      if (e.phase === 'down') onTap(e.key, e.altKey);
      return;
    }
    if (s.tool === 'brush') {
      if (e.phase === 'down') {
        if (e.altKey) {
          if (e.key) pickTerrain(e.key);
          last.current = null;
          return;
        }
        s.beginStroke(s.roadBrush === null ? `Paint ${terrainName(s.terrain)}` : s.roadBrush ? 'Lay a road' : 'Lift a road');
        last.current = downKey.current;
      }
      if (e.key && (e.phase !== 'down' || !e.altKey)) {
        const { roadBrush, terrain } = dm.getState();
        s.paint(pathKeys(last.current, e.key), roadBrush === null ? { terrain } : { road: roadBrush });
        last.current = e.key;
      }
      if (e.phase === 'up') {
        s.endStroke();
        last.current = null;
      }
      return;
    }
    // reveal / hide: collect, act on release
    if (e.phase === 'down') {
      last.current = downKey.current;
      s.setSweep(NONE);
    }
    if (e.key) {
      const next = new Set(dm.getState().sweep);
      for (const k of pathKeys(last.current, e.key)) next.add(k);
      last.current = e.key;
      s.setSweep(next);
    }
    if (e.phase === 'up') {
      const keys = dm.getState().sweep;
      last.current = null;
      s.setSweep(NONE);
      if (keys.size > 0 && (s.tool === 'reveal' || s.tool === 'hide')) sweep(s.tool, keys);
    }
  };

  return (
    <div className="dm-map-wrap" onPointerDownCapture={onPointerDownCapture}>
      <HexMapView
        handle={handle}
        className={`dm-map tool-${tool}${viewAs ? ' viewing-as' : ''}`}
        style={{ position: 'absolute', inset: 0 }}
        scene={scene}
        dragPans={false}
        initialFit="map"
        fitInsets={FIT_INSETS}
        onHexTap={(key) => onTap(key, altHeld.current)}
        onHexPointer={onPointer}
        onHexHover={(key) => dm.getState().hoverHex(key)}
        ariaLabel={map ? `Map ${map.name}, ${map.width} by ${map.height}` : 'No map'}
      />
      <PreviewNote preview={preview} />
    </div>
  );
}

function drawPrivateMarks(r: HexRenderer, keys: ReadonlySet<string>): void {
  if (keys.size === 0) return;
  const ctx = r.canvas.getContext('2d');
  if (!ctx) return;
  const { w, h } = r.size();
  const dpr = r.canvas.width / w;
  const s = r.getView().scale;
  const rad = Math.max(2.5, Math.min(7, s * 0.13));
  ctx.save();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.beginPath();
  for (const k of keys) {
    const c = r.hexCenter(k);
    if (!c || c.x < -s || c.y < -s || c.x > w + s || c.y > h + s) continue;
    const y = c.y - s * 0.58;
    ctx.moveTo(c.x + rad, y);
    ctx.arc(c.x, y, rad, 0, Math.PI * 2);
  }
  ctx.fillStyle = COLORS.private;
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = 'rgba(20, 12, 36, 0.9)';
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

function terrainName(t: string): string {
  return t ? t : 'unpainted';
}
