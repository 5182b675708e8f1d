// The travel rules editor's text forms: one line per watch, per encounter entry, per weather
// entry, so a DM edits a table like a list. Parsing checks the shape (a weight first, the right
// number of fields); the hub checks the rest (dice notation, ranges) and names the entry.
import type { EncounterEntry, WeatherEntry } from '../protocol/travel';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "Morning 4" per line. */
export function watchesText(watches: readonly { name: string; hours: number }[]): string {
  return watches.map((w) => `${w.name} ${w.hours}`).join('\n');
}

export function parseWatches(text: string): Parsed<{ name: string; hours: number }[]> {
  const out: { name: string; hours: number }[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const m = /^(.+?)\s+(\d{1,2})$/.exec(line);
    if (!m) return { ok: false, error: `Watch line ${i + 1}: write the name, then its hours (e.g. "Morning 4").` };
    out.push({ name: m[1]!, hours: Number(m[2]) });
  }
  if (out.length === 0) return { ok: false, error: 'A day needs at least one watch.' };
  const total = out.reduce((n, w) => n + w.hours, 0);
  if (total !== 24) return { ok: false, error: `The watches last ${total} hours in all; a day has 24.` };
  return { ok: true, value: out };
}

/** "3 2d4 wolves" per line: the weight, then the entry. */
export function encounterText(entries: readonly EncounterEntry[]): string {
  return entries.map((e) => `${e.weight} ${e.text}`).join('\n');
}

export function parseEncounters(text: string): Parsed<EncounterEntry[]> {
  const out: EncounterEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\d{1,4})\s+(.+)$/.exec(line);
    if (!m) return { ok: false, error: `Line ${i + 1}: start with a weight, then the encounter (e.g. "3 2d4 wolves").` };
    out.push({ weight: Number(m[1]), text: m[2]! });
  }
  return { ok: true, value: out };
}

/** "5 | Clear | 0 | 1 | shown" per line: weight, name, sight penalty, pace factor, shown to players. */
export function weatherText(entries: readonly WeatherEntry[]): string {
  return entries.map((e) => `${e.weight} | ${e.name} | ${e.sightPenalty} | ${e.paceFactor ?? 1} | ${e.share ? 'shown' : 'hidden'}`).join('\n');
}

export function parseWeather(text: string): Parsed<WeatherEntry[]> {
  const out: WeatherEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const f = line.split('|').map((x) => x.trim());
    const bad = (why: string): Parsed<WeatherEntry[]> => ({ ok: false, error: `Line ${i + 1}: ${why} (e.g. "2 | Fog | 1 | 1 | shown").` });
    if (f.length !== 5) return bad('write weight | name | sight penalty | pace factor | shown or hidden');
    const [w, name, penalty, pace, shown] = f as [string, string, string, string, string];
    if (!/^\d{1,4}$/.test(w)) return bad('the weight is a whole number');
    if (!/^\d{1,2}$/.test(penalty)) return bad('the sight penalty is a whole number of hexes');
    const p = Number(pace);
    if (!pace || !Number.isFinite(p)) return bad('the pace factor is a number such as 1 or 0.5');
    if (shown !== 'shown' && shown !== 'hidden') return bad('the last field is "shown" or "hidden"');
    const e: WeatherEntry = { weight: Number(w), name, sightPenalty: Number(penalty), share: shown === 'shown' };
    if (p !== 1) e.paceFactor = p;
    out.push(e);
  }
  return { ok: true, value: out };
}
