// A session's recap as files (docs/history.md): Markdown from the hub's recap, and a PNG of the
// players' known map at the session's end drawn by the map renderer itself, so the picture is
// the one the table saw (same palette, glyphs, labels, roads) without a second renderer in Go.
import type { Clock, Recap } from '../protocol/history';
import { TERRAIN_NAMES } from '../hex/terrain';
import type { SessionData } from '../store/session';
import { HexRenderer } from '../render/renderer';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ');
}

function clockText(c: Clock | null): string {
  return c ? `day ${c.day}, ${c.watchName}` : '';
}

/** The recap as Markdown: what was discovered, by whom, the labels learned, where the parties went. */
export function recapMarkdown(r: Recap): string {
  const player = new Map(r.players.map((p) => [p.id, p.name]));
  const mapName = new Map(r.maps.map((m) => [m.id, m.name]));
  const who = (ids: readonly string[]) => (ids.length === 0 ? 'nobody' : ids.map((id) => player.get(id) ?? 'a former player').join(', '));
  const manyMaps = new Set(r.hexes.map((h) => h.mapId)).size > 1;
  const where = (mapId: string, key: string) => (manyMaps ? `${mapName.get(mapId) ?? 'a map'} ${key}` : key);
  const out: string[] = [];
  out.push(`# ${r.campaign} — session ${r.number} recap`, '');
  out.push(`${when(r.startedAt)} to ${when(r.endedAt)}${r.ended ? '' : ' (still going: the recap so far)'}.`, '');
  out.push('## Discovered', '');
  if (r.hexes.length === 0) out.push('Nothing new was discovered.');
  for (const h of r.hexes) {
    const name = h.label ? ` **${h.label}**` : '';
    out.push(`- ${where(h.mapId, h.key)}: ${TERRAIN_NAMES[h.terrain] || 'unpainted'}${name} — ${h.state}, by ${who(h.players)}`);
  }
  out.push('', '## Labels learned', '');
  if (r.labels.length === 0) out.push('No names were learned.');
  for (const h of r.labels) out.push(`- **${h.label ?? ''}** at ${where(h.mapId, h.key)}, by ${who(h.players)}`);
  out.push('', '## Parties', '');
  if (r.parties.length === 0) out.push('No party moved.');
  for (const p of r.parties) {
    const members = p.members.length > 0 ? ` (${who(p.members)})` : '';
    const path = p.path.length > 0 ? `: ${p.path.join(' → ')}` : '';
    const clocks = p.start || p.end ? ` From ${clockText(p.start) || 'the start'} to ${clockText(p.end) || 'the end'}.` : '';
    out.push(`- **${p.name}**${members}, ${p.steps} step${p.steps === 1 ? '' : 's'}${path}.${clocks}`);
  }
  out.push('');
  return out.join('\n');
}

/** A file name from a campaign's name and what the file is. */
export function fileName(campaign: string, what: string, ext: string): string {
  const base = campaign.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'campaign';
  return `${base} ${what}.${ext}`;
}

/** Offers a file to save. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The map of `data` (a session:state seen by the players) as a PNG, fitted to at most `maxPx`
 * on its long side. Only what the state holds is drawn: the hub already left out what the
 * players did not know.
 */
export async function mapPng(data: SessionData, maxPx = 1600): Promise<Blob> {
  if (!data.map) throw new Error('no map to draw');
  const canvas = document.createElement('canvas');
  const r = new HexRenderer(canvas);
  r.setScene({ map: data.map, cells: data.cells, labels: data.labels, token: null, roads: data.roads });
  r.resize(maxPx, maxPx, 1);
  r.setView(r.fitView(undefined, 48));
  for (let i = 0; i < 200 && r.hasWork(); i++) r.work(100);
  r.draw();
  for (let i = 0; i < 200 && (r.hasWork() || r.animating(performance.now())); i++) {
    r.work(100);
    r.draw();
  }
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser made no PNG'))), 'image/png'));
}
