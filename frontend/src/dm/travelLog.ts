// The travel log (docs/travel.md): every travel action of the event log, read back per party,
// day and watch, filterable, and exported as Markdown. Pure: the console feeds it the entries
// (from the event log on open, then from each `travel:happened`).
import type { Clock, Roll, TravelAction, TravelEvent } from '../protocol/travel';

/** The DM's answer to an encounter prompt, as the event log keeps it (travel:encounter). */
export interface EncounterAnswer {
  answer: 'dismiss' | 'reroll' | 'place';
  /** when and where the encounter was */
  minutes: number;
  clock: Clock;
  at?: string;
  /** what was answered (for a reroll: the new result) */
  result?: { summary: string };
  /** where a placed encounter's marker stands */
  key?: string;
  /** dismissed by the hub: more prompts waited than it keeps */
  expired?: boolean;
}

/** One travel action as the log keeps it: its events and, for a move, what it revealed; or the
 *  DM's answer to an encounter (`action: 'answer'`, no events). */
export interface TravelLogEntry {
  seq: number;
  partyId: string;
  action: TravelAction | 'answer';
  events: TravelEvent[];
  explored?: string[];
  glimpsed?: string[];
  answer?: EncounterAnswer;
}

/** What a line is about; the log's filter picks among these. */
export type LineKind = 'move' | 'time' | 'weather' | 'check' | 'encounter' | 'lost' | 'reveal';
export const LINE_KINDS: readonly LineKind[] = ['move', 'time', 'weather', 'check', 'encounter', 'lost', 'reveal'];
export const LINE_KIND_NAMES: Record<LineKind, string> = {
  move: 'Moves',
  time: 'Time',
  weather: 'Weather',
  check: 'Checks',
  encounter: 'Encounters',
  lost: 'Lost & found',
  reveal: 'Reveals',
};

export interface LogLine {
  seq: number;
  minutes: number;
  time: string; // "06:40"
  kind: LineKind;
  text: string;
}

export interface LogWatch {
  watch: number;
  watchName: string;
  lines: LogLine[];
}

export interface LogDay {
  partyId: string;
  day: number;
  watches: LogWatch[];
}

export interface LogFilter {
  partyId: string | null; // null: every party
  kinds: ReadonlySet<LineKind>;
}

export const allKinds = (): Set<LineKind> => new Set(LINE_KINDS);

function hours(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
const terrainName = (t: string) => t || 'unpainted';

/** "1d6: 4", "2d4+1: 3+2+1 = 6". */
export function describeRoll(r: Roll): string {
  const faces = r.faces.join('+');
  const mod = r.modifier ? (r.modifier > 0 ? `+${r.modifier}` : `${r.modifier}`) : '';
  if (r.faces.length === 1 && !mod) return `${r.dice}: ${r.total}`;
  return `${r.dice}: ${faces}${mod} = ${r.total}`;
}

/** A line of an event; `departure` lines happened when a step set off, not when it arrived. */
export interface EventLine {
  kind: LineKind;
  text: string;
  departure?: boolean;
}

/** The lines one event makes (an encounter hit is both a check and an encounter). */
export function describeEvent(e: TravelEvent): EventLine[] {
  switch (e.kind) {
    case 'step': {
      const s = e.step;
      if (!s) return [];
      const out: EventLine[] = [];
      const cost = s.cost === 'road' ? 'by road' : s.cost === 'unknown' ? 'unknown ground' : terrainName(s.terrain);
      const nav = s.navigation;
      if (nav) {
        out.push({
          kind: 'check',
          text: `Navigation (${terrainName(nav.terrain)}, ${nav.chance}): ${describeRoll(nav.roll)}, ${nav.lost ? 'lost' : 'on course'}`,
          departure: true,
        });
        if (nav.lost && nav.veer) {
          out.push({ kind: 'lost', text: `Lost: veered (${describeRoll(nav.veer)}), truly at ${s.true ?? s.to}`, departure: true });
        }
      }
      const truly = s.lost && s.true && s.true !== s.to ? `, truly ${s.true}` : '';
      out.push({ kind: 'move', text: `Moved ${s.from} → ${s.to}${truly} (${cost}, ${hours(s.minutes)})` });
      return out;
    }
    case 'watch':
      return [{ kind: 'time', text: `${e.clock.watchName} begins` }];
    case 'weather': {
      const w = e.weather;
      if (!w) return [];
      const effects = [
        w.sightPenalty ? `sight −${w.sightPenalty}` : '',
        w.paceFactor !== 1 ? `pace ×${w.paceFactor}` : '',
      ].filter(Boolean);
      const how = w.roll ? describeRoll(w.roll) : 'chosen';
      return [{
        kind: 'weather',
        text: `Weather: ${w.name}${effects.length ? ` (${effects.join(', ')})` : ''} — ${how}${w.shared ? '' : ', not shown to players'}`,
      }];
    }
    case 'encounter': {
      const c = e.encounter;
      if (!c) return [];
      const head = `Encounter check (${c.reason}, ${terrainName(c.terrain)}, ${c.chance})`;
      if (!c.roll) return [{ kind: 'check', text: `${head}: never` }];
      if (!c.hit) return [{ kind: 'check', text: `${head}: ${describeRoll(c.roll)}, nothing` }];
      const r = c.result;
      const rolls = r ? [r.pick ? describeRoll(r.pick) : '', r.count ? describeRoll(r.count) : ''].filter(Boolean) : [];
      return [
        { kind: 'check', text: `${head}: ${describeRoll(c.roll)}, an encounter` },
        { kind: 'encounter', text: `Encounter at ${c.at}: ${r?.summary ?? 'an encounter'}${rolls.length ? ` (${rolls.join('; ')})` : ''}` },
      ];
    }
    case 'rest':
      return [{ kind: 'time', text: `Rested ${hours(e.spent ?? 0)}` }];
    case 'camp':
      return [{ kind: 'time', text: `Camped ${hours(e.spent ?? 0)}` }];
    case 'advance':
      return [{ kind: 'time', text: `Time passed: ${hours(e.spent ?? 0)}` }];
    case 'found':
      return [{ kind: 'lost', text: `Found: the party is at ${e.at ?? '?'}` }];
  }
}

/** The line of an answered encounter, told at the encounter's time. */
export function describeAnswer(a: EncounterAnswer): EventLine {
  const what = `the encounter at ${a.at ?? '?'}${a.result ? ` (${a.result.summary})` : ''}`;
  switch (a.answer) {
    case 'dismiss':
      return { kind: 'encounter', text: a.expired ? `Dropped ${what}: too many prompts were waiting` : `Dismissed ${what}` };
    case 'reroll':
      return { kind: 'encounter', text: `Rerolled the encounter at ${a.at ?? '?'}: ${a.result?.summary ?? 'an encounter'}` };
    case 'place':
      return { kind: 'encounter', text: `Placed ${what} as a marker at ${a.key ?? a.at ?? '?'}` };
  }
}

/** The log as days and watches, oldest first, each party on its own. */
export function travelLog(entries: readonly TravelLogEntry[], filter: LogFilter): LogDay[] {
  const days: LogDay[] = [];
  const dayOf = new Map<string, LogDay>();
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  for (const entry of sorted) {
    if (filter.partyId !== null && entry.partyId !== filter.partyId) continue;
    const lines: { minutes: number; clock: Clock; kind: LineKind; text: string }[] = [];
    if (entry.answer) lines.push({ minutes: entry.answer.minutes, clock: entry.answer.clock, ...describeAnswer(entry.answer) });
    for (const e of entry.events) {
      for (const l of describeEvent(e)) {
        const at = l.departure && e.step ? { minutes: e.step.start, clock: e.step.startClock } : { minutes: e.minutes, clock: e.clock };
        lines.push({ ...at, kind: l.kind, text: l.text });
      }
    }
    const explored = entry.explored?.length ?? 0;
    const glimpsed = entry.glimpsed?.length ?? 0;
    const last = entry.events[entry.events.length - 1];
    if ((explored || glimpsed) && last) {
      lines.push({ minutes: last.minutes, clock: last.clock, kind: 'reveal', text: `Revealed ${explored} explored, ${glimpsed} glimpsed` });
    }
    lines.sort((a, b) => a.minutes - b.minutes); // stable: same-time lines keep the order they happened in
    for (const { minutes, clock, kind, text } of lines) {
      if (!filter.kinds.has(kind)) continue;
      const k = `${entry.partyId}/${clock.day}`;
      let day = dayOf.get(k);
      if (!day) {
        day = { partyId: entry.partyId, day: clock.day, watches: [] };
        dayOf.set(k, day);
        days.push(day);
      }
      let watch = day.watches[day.watches.length - 1];
      if (!watch || watch.watch !== clock.watch) {
        watch = { watch: clock.watch, watchName: clock.watchName, lines: [] };
        day.watches.push(watch);
      }
      watch.lines.push({ seq: entry.seq, minutes, time: `${pad(clock.hour)}:${pad(clock.minute)}`, kind, text });
    }
  }
  return days;
}

/** The log as Markdown: a heading per party and day, a sub-heading per watch, a line per entry. */
export function travelLogMarkdown(days: readonly LogDay[], partyName: (id: string) => string, title = 'Travel log'): string {
  const out = [`# ${title}`, ''];
  if (days.length === 0) out.push('Nothing yet.', '');
  for (const day of days) {
    out.push(`## ${escapeMd(partyName(day.partyId))} — day ${day.day}`, '');
    for (const w of day.watches) {
      out.push(`### ${escapeMd(w.watchName)}`, '');
      for (const l of w.lines) out.push(`- ${l.time} ${escapeMd(l.text)}`);
      out.push('');
    }
  }
  return out.join('\n');
}

// Names and table entries are the DM's text: keep them from turning into Markdown.
function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]#<>|])/g, '\\$1');
}
