// The campaign's history in the console (docs/history.md): the timeline (sessions, days and
// watches, their events told), a replay of any point as the DM or anyone at the table saw it, the
// selected hex's history and a session's recap. Everything here is read from the hub's history
// API over HTTP: a replay never touches the live session data and never sends a message, so
// players cannot hear of it; leaving it shows the live map again.
import type { HexHistory, HistoryEntry, Recap, SessionSpan, Timeline } from '../../protocol/history';
import { sessionDataFromState, type SessionData } from '../../store/session';
import { errorText } from '../api';
import { defineSlice } from './slice';

/** Replay speeds, in events per second. */
export const REPLAY_SPEEDS = [2, 10, 50, 250] as const;
const TICK_MS = 250;

export interface Replay {
  /** the event the map shows the campaign after */
  seq: number;
  /** the scrubber's range: a session's span (or the whole log) */
  first: number;
  last: number;
  /** whose view: "dm", "players" (the whole table), "player:<id>", "party:<id>" */
  as: string;
  /** the state shown (null until the first answer) */
  data: SessionData | null;
  /** the seq `data` is of */
  shownSeq: number;
  playing: boolean;
  speed: number;
  error: string | null;
}

/** A span's key in `entries`: its session id, or "gap:<first>" between sessions. */
export function spanKey(s: Pick<SessionSpan, 'id' | 'first'>): string {
  return s.id || `gap:${s.first}`;
}

export interface HistorySlice {
  timeline: Timeline | null;
  timelineError: string | null;
  /** each span's entries, loaded when the DM opens it */
  entries: ReadonlyMap<string, readonly HistoryEntry[]>;
  replay: Replay | null;
  hexHistory: (HexHistory & { loading: boolean }) | null;

  /** Reads the timeline (sessions, watches, names). */
  loadTimeline(): Promise<void>;
  /** Reads a span's entries (all its pages). */
  loadEntries(span: SessionSpan): Promise<void>;
  /** Shows the campaign after `seq`, with the scrubber over [first, last], as the DM unless told. */
  startReplay(seq: number, first: number, last: number, as?: string): void;
  /** Moves the replay to `seq` (the newest asked wins; answers to older asks are dropped). */
  seek(seq: number): void;
  /** Shows the replay as someone else. */
  setReplayAs(as: string): void;
  play(): void;
  pause(): void;
  setReplaySpeed(speed: number): void;
  /** Back to the live map. */
  leaveReplay(): void;
  /** Reads the hex's history on the live map (or null: forget it). */
  loadHexHistory(key: string | null): Promise<void>;
  /** A session's recap ("": the newest). */
  loadRecap(sessionId: string): Promise<Recap | null>;
}

export const historySlice = defineSlice(
  () => ({
    timeline: null as Timeline | null,
    timelineError: null as string | null,
    entries: new Map() as ReadonlyMap<string, readonly HistoryEntry[]>,
    replay: null as Replay | null,
    hexHistory: null as (HexHistory & { loading: boolean }) | null,
  }),
  (set, get) => {
    // One replay request at a time: while it runs, a newer seek only records what is wanted.
    let inFlight = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let playClock = 0;
    let shownAs = ''; // whose view `replay.data` is

    const patch = (p: Partial<Replay>) => {
      const r = get().replay;
      if (r) set({ replay: { ...r, ...p } });
    };

    const fetchWanted = async () => {
      if (inFlight) return;
      const { api, conn, campaignId } = get();
      if (!api || !conn) return;
      inFlight = true;
      try {
        for (;;) {
          const r = get().replay;
          if (!r || get().conn !== conn) return;
          if (r.data && r.shownSeq === r.seq && shownAs === r.as) return;
          const want = { seq: r.seq, as: r.as };
          try {
            const msg = await api.replay(campaignId, want.seq, want.as);
            if (get().conn !== conn || !get().replay) return;
            shownAs = want.as;
            patch({ data: sessionDataFromState(msg), shownSeq: want.seq, error: null });
          } catch (e) {
            if (get().conn !== conn) return;
            patch({ error: errorText(e), playing: false });
            return;
          }
        }
      } finally {
        inFlight = false;
      }
    };

    const stopTimer = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    };
    const tick = () => {
      timer = null;
      const r = get().replay;
      if (!r || !r.playing) return;
      if (r.seq >= r.last) {
        patch({ playing: false });
        return;
      }
      // Wait for the shown state to catch up before stepping on: a slow hub slows the replay
      // rather than skipping what it could not draw.
      if (!inFlight) {
        const now = performance.now();
        const elapsed = playClock ? now - playClock : TICK_MS;
        playClock = now;
        const step = Math.max(1, Math.round((r.speed * elapsed) / 1000));
        patch({ seq: Math.min(r.last, r.seq + step) });
        void fetchWanted();
      }
      timer = setTimeout(tick, TICK_MS);
    };

    return {
      async loadTimeline() {
        const { api, conn, campaignId } = get();
        if (!api || !conn) return;
        try {
          const t = await api.timeline(campaignId);
          if (get().conn === conn) set({ timeline: t, timelineError: null });
        } catch (e) {
          if (get().conn === conn) set({ timelineError: errorText(e) });
        }
      },

      async loadEntries(span: SessionSpan) {
        const { api, conn, campaignId } = get();
        if (!api || !conn) return;
        try {
          const out: HistoryEntry[] = [];
          let after = span.first - 1;
          for (;;) {
            const page = await api.historyEntries(campaignId, after, span.last);
            out.push(...page.entries);
            if (!page.more || page.entries.length === 0) break;
            after = page.entries[page.entries.length - 1]!.seq;
          }
          if (get().conn !== conn) return;
          const next = new Map(get().entries);
          next.set(spanKey(span), out);
          set({ entries: next });
        } catch (e) {
          if (get().conn === conn) get().toast(`Cannot read the history: ${errorText(e)}`, 'error');
        }
      },

      startReplay(seq: number, first: number, last: number, as = 'dm') {
        const cur = get().replay;
        const clamped = Math.min(last, Math.max(first, seq));
        set({
          replay: {
            seq: clamped,
            first,
            last,
            as: cur?.as ?? as,
            data: cur?.data ?? null,
            shownSeq: cur?.shownSeq ?? -1,
            playing: false,
            speed: cur?.speed ?? REPLAY_SPEEDS[1],
            error: null,
          },
          viewAs: null,
        });
        stopTimer();
        void fetchWanted();
      },

      seek(seq: number) {
        const r = get().replay;
        if (!r) return;
        patch({ seq: Math.min(r.last, Math.max(r.first, Math.round(seq))) });
        void fetchWanted();
      },

      setReplayAs(as: string) {
        patch({ as });
        void fetchWanted();
      },

      play() {
        const r = get().replay;
        if (!r) return;
        if (r.seq >= r.last) patch({ seq: r.first });
        patch({ playing: true });
        playClock = 0;
        stopTimer();
        timer = setTimeout(tick, 0);
      },

      pause() {
        stopTimer();
        patch({ playing: false });
      },

      setReplaySpeed(speed: number) {
        patch({ speed });
      },

      leaveReplay() {
        stopTimer();
        shownAs = '';
        set({ replay: null });
      },

      async loadHexHistory(key: string | null) {
        const { api, conn, campaignId } = get();
        const mapId = get().data?.map?.id;
        if (!key || !api || !conn || !mapId) {
          set({ hexHistory: null });
          return;
        }
        set({ hexHistory: { mapId, key, entries: get().hexHistory?.key === key ? get().hexHistory!.entries : [], loading: true } });
        try {
          const h = await api.hexHistory(campaignId, mapId, key);
          if (get().conn !== conn || get().hexHistory?.key !== key) return;
          set({ hexHistory: { ...h, loading: false } });
        } catch (e) {
          if (get().conn !== conn) return;
          set({ hexHistory: null });
          get().toast(`Cannot read the hex's history: ${errorText(e)}`, 'error');
        }
      },

      async loadRecap(sessionId: string) {
        const { api, conn, campaignId } = get();
        if (!api || !conn) return null;
        try {
          const r = await api.recap(campaignId, sessionId);
          return get().conn === conn ? r : null;
        } catch (e) {
          if (get().conn === conn) get().toast(`Cannot make the recap: ${errorText(e)}`, 'error');
          return null;
        }
      },
    };
  },
);
