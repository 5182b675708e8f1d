// The timeline's grouping, apart from React so it is tested on its own.
import type { HistoryEntry } from '../protocol/history';

/** Entries in runs of the same day and watch (the travel turn's clock), in order. */
export function byWatch(entries: readonly HistoryEntry[]): { clock: HistoryEntry['clock']; entries: HistoryEntry[] }[] {
  const out: { clock: HistoryEntry['clock']; entries: HistoryEntry[] }[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    const same = last && (last.clock === e.clock || (last.clock && e.clock && last.clock.day === e.clock.day && last.clock.watch === e.clock.watch));
    if (last && same) last.entries.push(e);
    else out.push({ clock: e.clock, entries: [e] });
  }
  return out;
}
