// Region reveals ("they bought a map", docs/exploration.md): every hex within N of a hex, every hex
// carrying a label, the whole map. Pure functions of the map; the console reveals or hides the
// keys they give like any brush stroke (planSweep, with its confirmation when large).
import { hexKey, inBounds, parseHexKey } from '../hex/coords';
import type { MapInfo } from '../protocol/schema';
import { hexesInRange } from './brush';

/** The largest N a region reveal takes: 200 steps cover a 400×400 map from its middle. */
export const MAX_REGION_RADIUS = 200;

/** Every hex within `n` steps of `center` (itself included), on the map. */
export function hexesWithin(map: MapInfo, center: string, n: number): string[] {
  const c = parseHexKey(center);
  if (!c || !inBounds(c, map.width, map.height) || n < 0) return [];
  const r = Math.min(Math.floor(n), MAX_REGION_RADIUS);
  return hexesInRange(c, r, map.orientation, map.width, map.height).map((o) => hexKey(o.col, o.row));
}

/** The labels on the map, each with the hexes carrying it (the same text on several hexes is one entry), by name. */
export function labelGroups(labels: ReadonlyMap<string, string>): { label: string; keys: string[] }[] {
  const by = new Map<string, string[]>();
  for (const [k, v] of labels) {
    const t = v.trim();
    if (!t) continue;
    const list = by.get(t);
    if (list) list.push(k);
    else by.set(t, [k]);
  }
  return [...by].map(([label, keys]) => ({ label, keys: keys.sort() })).sort((a, b) => a.label.localeCompare(b.label));
}

/** Every hex of the map. */
export function wholeMap(map: MapInfo): string[] {
  const out: string[] = [];
  for (let row = 0; row < map.height; row++) for (let col = 0; col < map.width; col++) out.push(hexKey(col, row));
  return out;
}
