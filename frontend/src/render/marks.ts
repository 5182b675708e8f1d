// What is drawn over the map each frame, in screen pixels: party tokens in their colours, markers
// with an icon per kind, and paths through hex centres (a move being dragged, staged moves). They
// move and change on their own, so they never go into the cached tiles (layer.ts).
import { hexToPixel, inBounds, parseHexKey, type Point } from '../hex/coords';
import type { MapInfo, MarkerKind } from '../protocol/schema';

export interface TokenMark {
  id: string;
  key: string;
  /** the party's colour, #rrggbb */
  color: string;
  /** the viewer's own party (a player's), or the party the DM has selected: drawn larger, ringed */
  own?: boolean | undefined;
  selected?: boolean | undefined;
  /** where a staged move will leave the party: drawn faint */
  ghost?: boolean | undefined;
}

export interface MarkerMark {
  id: string;
  key: string;
  kind: MarkerKind;
  label: string;
  /** only the DM sees it: a dashed ring */
  dmOnly?: boolean | undefined;
  selected?: boolean | undefined;
}

/** The tokens of the parties on the map (a party off it has no key), `own` drawn as the viewer's. */
export function partyTokens(parties: readonly { id: string; key: string | null; color: string }[], own: string | null): TokenMark[] {
  return parties.flatMap((p) => (p.key ? [{ id: p.id, key: p.key, color: p.color, own: p.id === own }] : []));
}

/** Markers as a player (or a table screen) sees them: no DM-only ring, none selected. */
export function markerMarks(markers: readonly { id: string; key: string; kind: MarkerKind; label: string }[]): MarkerMark[] {
  return markers.map((m) => ({ id: m.id, key: m.key, kind: m.kind, label: m.label }));
}

export interface PathMark {
  color: string;
  /** hex keys, each a step; the line runs through their centres */
  keys: readonly string[];
  /** staged (queued) moves are dashed; a move being dragged is solid */
  dashed?: boolean | undefined;
}

interface ScreenView {
  scale: number;
  x: number;
  y: number;
}

type Rect = { x0: number; y0: number; x1: number; y1: number };

export const MARKER_COLORS: Readonly<Record<MarkerKind, string>> = {
  monster: '#b0382e',
  camp: '#8a5a33',
  npc: '#2e77b8',
  treasure: '#c9a00c',
  danger: '#e07b12',
  poi: '#178f78',
};

function centre(map: MapInfo, v: ScreenView, key: string, rect: Rect | null): Point | null {
  const o = parseHexKey(key);
  if (!o || !inBounds(o, map.width, map.height)) return null;
  const c = hexToPixel(o, map.orientation);
  if (rect && (c.x < rect.x0 - 2 || c.x > rect.x1 + 2 || c.y < rect.y0 - 2 || c.y > rect.y1 + 2)) return null;
  return { x: c.x * v.scale + v.x, y: c.y * v.scale + v.y };
}

/** Radius of a lone token at this scale (CSS px); the tests sample its face at (0.55r, 0.3r). */
function tokenRadius(scale: number): number {
  return Math.max(7, Math.min(26, scale * 0.42));
}

/** Where the tokens sharing a hex sit, as offsets in units of the lone token's radius. */
function cluster(n: number): { dx: number; dy: number; k: number }[] {
  if (n <= 1) return [{ dx: 0, dy: 0, k: 1 }];
  const k = n === 2 ? 0.72 : 0.6;
  const ring = n === 2 ? 0.62 : 0.78;
  return Array.from({ length: n }, (_, i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / n + (n === 2 ? Math.PI / 2 : 0);
    return { dx: Math.cos(a) * ring, dy: Math.sin(a) * ring, k };
  });
}

/** A darker edge for a fill colour, so a light party colour still has an outline. */
function edge(css: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) as [number, number, number];
  return `rgb(${Math.round(r * 0.35)}, ${Math.round(g * 0.35)}, ${Math.round(b * 0.35)})`;
}

export function drawTokens(ctx: CanvasRenderingContext2D, map: MapInfo, v: ScreenView, rect: Rect, tokens: readonly TokenMark[]): void {
  const byKey = new Map<string, TokenMark[]>();
  for (const t of tokens) {
    const list = byKey.get(t.key);
    if (list) list.push(t);
    else byKey.set(t.key, [t]);
  }
  const base = tokenRadius(v.scale);
  for (const [key, list] of byKey) {
    const c = centre(map, v, key, rect);
    if (!c) continue;
    // Ghosts under real tokens; the emphasised one last, on top.
    const sorted = [...list].sort((a, b) => rank(a) - rank(b));
    const spots = cluster(sorted.length);
    sorted.forEach((t, i) => {
      const p = spots[i]!;
      drawToken(ctx, c.x + p.dx * base, c.y + p.dy * base, base * p.k, t);
    });
  }
}

const rank = (t: TokenMark) => (t.ghost ? 0 : t.selected || t.own ? 2 : 1);

function drawToken(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, t: TokenMark): void {
  ctx.save();
  if (t.ghost) ctx.globalAlpha = 0.5;
  if (t.selected) {
    // A halo: the party the DM's keys and clicks move.
    ctx.beginPath();
    ctx.arc(x, y, r + Math.max(3, r * 0.28), 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fill();
  } else {
    ctx.beginPath();
    ctx.arc(x, y + r * 0.12, r * 1.08, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
    ctx.fill();
  }
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = t.color;
  ctx.fill();
  ctx.lineWidth = Math.max(1.5, r * 0.16);
  ctx.strokeStyle = edge(t.color);
  if (t.ghost) ctx.setLineDash([Math.max(2, r * 0.3), Math.max(2, r * 0.25)]);
  ctx.stroke();
  ctx.setLineDash([]);
  // A small banner: a party.
  ctx.beginPath();
  ctx.moveTo(x - r * 0.28, y + r * 0.5);
  ctx.lineTo(x - r * 0.28, y - r * 0.55);
  ctx.lineTo(x + r * 0.42, y - r * 0.32);
  ctx.lineTo(x - r * 0.28, y - r * 0.08);
  ctx.lineWidth = Math.max(1.2, r * 0.12);
  ctx.lineJoin = 'round';
  ctx.strokeStyle = edge(t.color);
  ctx.fillStyle = '#fbf7ec';
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

/** Marker badges at the upper right of their hex, side by side when several share it. */
export function drawMarkers(ctx: CanvasRenderingContext2D, map: MapInfo, v: ScreenView, rect: Rect, markers: readonly MarkerMark[]): void {
  const s = v.scale;
  const r = Math.max(5, Math.min(13, s * 0.2));
  const perHex = new Map<string, number>();
  for (const m of markers) {
    const c = centre(map, v, m.key, rect);
    if (!c) continue;
    const n = perHex.get(m.key) ?? 0;
    perHex.set(m.key, n + 1);
    const x = c.x + s * 0.5 - n * (2 * r + 1);
    const y = c.y - s * 0.4;
    drawMarker(ctx, x, y, r, m);
  }
}

function drawMarker(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, m: MarkerMark): void {
  ctx.save();
  if (m.selected) {
    ctx.beginPath();
    ctx.arc(x, y, r + 3, 0, Math.PI * 2);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
  }
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = MARKER_COLORS[m.kind];
  if (m.dmOnly) ctx.globalAlpha = 0.8;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = m.dmOnly ? '#ffffff' : 'rgba(15, 15, 20, 0.9)';
  if (m.dmOnly) ctx.setLineDash([3, 2]);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.translate(x, y);
  ctx.scale(r, r);
  ctx.strokeStyle = '#fbf7ec';
  ctx.fillStyle = '#fbf7ec';
  ctx.lineWidth = 0.16;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  icon(ctx, m.kind);
  ctx.restore();
}

/** The kind's icon in a unit circle (the badge's radius is 1). */
function icon(ctx: CanvasRenderingContext2D, kind: MarkerKind): void {
  ctx.beginPath();
  switch (kind) {
    case 'monster':
      // Three claw marks.
      for (const dx of [-0.36, 0, 0.36]) {
        ctx.moveTo(dx - 0.16, -0.5);
        ctx.quadraticCurveTo(dx + 0.08, -0.05, dx + 0.14, 0.5);
      }
      ctx.stroke();
      break;
    case 'camp':
      // A tent with its door.
      ctx.moveTo(-0.62, 0.45);
      ctx.lineTo(0, -0.55);
      ctx.lineTo(0.62, 0.45);
      ctx.closePath();
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(0, 0.45);
      ctx.lineTo(0, 0.02);
      ctx.stroke();
      break;
    case 'npc':
      // Head and shoulders.
      ctx.arc(0, -0.24, 0.24, 0, Math.PI * 2);
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(-0.5, 0.58);
      ctx.quadraticCurveTo(-0.5, 0.08, 0, 0.08);
      ctx.quadraticCurveTo(0.5, 0.08, 0.5, 0.58);
      ctx.fill();
      break;
    case 'treasure':
      // A gem.
      ctx.moveTo(-0.5, -0.18);
      ctx.lineTo(-0.24, -0.48);
      ctx.lineTo(0.24, -0.48);
      ctx.lineTo(0.5, -0.18);
      ctx.lineTo(0, 0.55);
      ctx.closePath();
      ctx.fill();
      break;
    case 'danger':
      // An exclamation mark.
      ctx.moveTo(0, -0.55);
      ctx.lineTo(0, 0.12);
      ctx.lineWidth = 0.24;
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(0, 0.42, 0.13, 0, Math.PI * 2);
      ctx.fill();
      break;
    case 'poi':
      // A star.
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? 0.62 : 0.26;
        if (k === 0) ctx.moveTo(Math.cos(a) * rr, Math.sin(a) * rr);
        else ctx.lineTo(Math.cos(a) * rr, Math.sin(a) * rr);
      }
      ctx.closePath();
      ctx.fill();
      break;
  }
}

/** Paths through hex centres, with a darker casing so they read on any terrain. */
export function drawPaths(ctx: CanvasRenderingContext2D, map: MapInfo, v: ScreenView, paths: readonly PathMark[]): void {
  const w = Math.max(2.5, Math.min(6, v.scale * 0.12));
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const p of paths) {
    const pts = p.keys.map((k) => centre(map, v, k, null)).filter((c): c is Point => c !== null);
    if (pts.length < 2) continue;
    ctx.beginPath();
    ctx.moveTo(pts[0]!.x, pts[0]!.y);
    for (const c of pts.slice(1)) ctx.lineTo(c.x, c.y);
    ctx.setLineDash([]);
    ctx.lineWidth = w + 3;
    ctx.strokeStyle = 'rgba(15, 16, 20, 0.7)';
    if (p.dashed) ctx.setLineDash([w * 2.4, w * 2]);
    ctx.stroke();
    ctx.lineWidth = w;
    ctx.strokeStyle = p.color;
    ctx.stroke();
    // The end: a dot where the party will stand.
    const end = pts[pts.length - 1]!;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(end.x, end.y, w * 1.3, 0, Math.PI * 2);
    ctx.fillStyle = p.color;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = 'rgba(15, 16, 20, 0.8)';
    ctx.stroke();
  }
  ctx.restore();
}
