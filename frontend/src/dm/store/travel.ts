// The travel turn in the console (docs/travel.md): which party the travel panel drives, the
// travel log (the event log's travel entries, then each `travel:happened`), its filter, and the
// actions that send the travel commands. The hub's travel state itself (each party's clock, the
// prompts, the rules) is in the session data (src/store/travel.ts).
import { type ClientMessage, type ServerMessage } from '../../protocol/schema';
import { TRAVEL_ACTIONS, encounterAnswerPayloadSchema, travelEventSchema, type TravelAction, type TravelView } from '../../protocol/travel';
import { z } from 'zod/mini';
import { allKinds, travelLog, travelLogMarkdown, type LineKind, type LogFilter, type TravelLogEntry } from '../travelLog';
import { errorText } from '../api';
import { defineSlice, liveOrSay } from './slice';

const logPayloadSchema = z.object({
  partyId: z.string(),
  events: z.array(travelEventSchema),
  explored: z.optional(z.array(z.string())),
  glimpsed: z.optional(z.array(z.string())),
});


/** A travel:encounter event as a log entry; null for one logged before answers kept their time. */
function answerEntry(seq: number, payload: unknown): TravelLogEntry | null {
  const p = encounterAnswerPayloadSchema.safeParse(payload);
  if (!p.success) return null;
  const { partyId, ...answer } = p.data;
  return { seq, partyId, action: 'answer', events: [], answer };
}

/** The log action of an event type ("travel:move" → "move"), or null for travel events without a journey entry. */
function actionOf(type: string): TravelAction | null {
  const a = type.startsWith('travel:') ? type.slice(7) : '';
  if (a === 'weather' || a === 'check') return a;
  return (TRAVEL_ACTIONS as readonly string[]).includes(a) ? (a as TravelAction) : null;
}

export interface TravelSlice {
  /** the party the travel panel drives; null: the default party */
  travelPartyId: string | null;
  travelLog: readonly TravelLogEntry[];
  /** the log has been read from the hub for the open campaign */
  travelLogLoaded: boolean;
  logFilter: LogFilter;
  /** the DM's last party:moved (its reveals go with the travel move of the same seq) */
  lastMoved: { seq: number; explored: readonly string[]; glimpsed: readonly string[] } | null;

  /** Picks the party the travel panel drives. */
  setTravelParty(partyId: string | null): void;
  /** The party the travel panel drives, and its travel state (null when the campaign has none). */
  travelParty(): { id: string; name: string; key: string | null; travel: TravelView | null } | null;
  /** Sends a travel command for the panel's party; false (and a toast) when it cannot. */
  travel(make: (partyId: string) => ClientMessage, what?: string): boolean;
  /** Moves the panel's party to `key` along the straight line from its token (the travel tool). */
  travelTo(path: readonly string[]): boolean;
  /** Reads the travel log from the hub's event log. */
  loadTravelLog(): Promise<void>;
  /** Reads the DM's encounter answers logged since the last one the log holds. */
  loadAnswers(): Promise<void>;
  /** What the console does with a server message for the log (travel:happened, party:moved, encounters:changed). */
  travelReceived(msg: ServerMessage): void;
  setLogFilter(filter: Partial<LogFilter>): void;
  toggleLogKind(kind: LineKind): void;
  /** The log as Markdown, as filtered. */
  travelLogMarkdown(): string;
}

export const travelSlice = defineSlice(
  () => ({
    travelPartyId: null as string | null,
    travelLog: [] as readonly TravelLogEntry[],
    travelLogLoaded: false,
    logFilter: { partyId: null, kinds: allKinds() } as LogFilter,
    lastMoved: null as { seq: number; explored: readonly string[]; glimpsed: readonly string[] } | null,
  }),
  (set, get) => ({
    setTravelParty(partyId: string | null) {
      set({ travelPartyId: partyId, partyId });
    },

    travelParty() {
      const d = get().data;
      if (!d || d.parties.length === 0) return null;
      const id = get().travelPartyId;
      const p = d.parties.find((x) => x.id === id) ?? d.parties.find((x) => x.default) ?? d.parties[0]!;
      return { id: p.id, name: p.name, key: p.key ?? null, travel: d.travel.parties.get(p.id) ?? null };
    },

    travel(make: (partyId: string) => ClientMessage, what = 'travel') {
      const p = get().travelParty();
      if (!p) {
        get().toast('There is no party to travel with.', 'info');
        return false;
      }
      const msg = make(p.id);
      const needsLive = msg.type !== 'travel:pace' && msg.type !== 'weather:set';
      if (needsLive && !liveOrSay(get, what)) return false;
      return get().command(msg);
    },

    travelTo(path: readonly string[]) {
      if (path.length === 0) return false;
      return get().travel((partyId) => ({ type: 'travel:move', partyId, path: [...path] }), 'travel');
    },

    async loadTravelLog() {
      const { api, conn, campaignId } = get();
      if (!api || !conn) return;
      try {
        const entries: TravelLogEntry[] = [];
        let after = 0;
        for (;;) {
          const page = await api.events(campaignId, after, 'travel:');
          for (const e of page) {
            const action = actionOf(e.type);
            const payload = logPayloadSchema.safeParse(e.payload);
            if (action && payload.success) entries.push({ seq: e.seq, action, ...payload.data });
            const answer = e.type === 'travel:encounter' ? answerEntry(e.seq, e.payload) : null;
            if (answer) entries.push(answer);
            after = e.seq;
          }
          if (page.length < 5000) break;
        }
        if (get().conn !== conn) return;
        // Entries heard live while loading stay; the hub's list is the truth for the rest.
        const seen = new Set(entries.map((e) => e.seq));
        const live = get().travelLog.filter((e) => !seen.has(e.seq));
        set({ travelLog: [...entries, ...live].sort((a, b) => a.seq - b.seq), travelLogLoaded: true });
      } catch (e) {
        if (get().conn === conn) get().toast(`Cannot read the travel log: ${errorText(e)}`, 'error');
      }
    },

    async loadAnswers() {
      const { api, conn, campaignId } = get();
      if (!api || !conn || !get().travelLogLoaded) return;
      const after = get().travelLog.reduce((m, e) => (e.action === 'answer' ? Math.max(m, e.seq) : m), 0);
      try {
        const page = await api.events(campaignId, after, 'travel:encounter');
        if (get().conn !== conn) return;
        const known = new Set(get().travelLog.map((e) => e.seq));
        const fresh = page.flatMap((e) => {
          const a = known.has(e.seq) ? null : answerEntry(e.seq, e.payload);
          return a ? [a] : [];
        });
        if (fresh.length) set({ travelLog: [...get().travelLog, ...fresh].sort((a, b) => a.seq - b.seq) });
      } catch (e) {
        if (get().conn === conn) get().toast(`Cannot read the travel log: ${errorText(e)}`, 'error');
      }
    },

    travelReceived(msg: ServerMessage) {
      // An answer changes the prompts; what it was is in the event log (not in the frame).
      if (msg.type === 'encounters:changed') {
        void get().loadAnswers();
        return;
      }
      if (msg.type === 'party:moved') {
        set({ lastMoved: { seq: msg.seq, explored: msg.explored, glimpsed: msg.glimpsed } });
        return;
      }
      if (msg.type !== 'travel:happened') return;
      const moved = get().lastMoved;
      const entry: TravelLogEntry = { seq: msg.seq, partyId: msg.partyId, action: msg.action, events: msg.events };
      if (moved && moved.seq === msg.seq) {
        entry.explored = [...moved.explored];
        entry.glimpsed = [...moved.glimpsed];
      }
      if (get().travelLog.some((e) => e.seq === msg.seq)) return;
      set({ travelLog: [...get().travelLog, entry] });
    },

    setLogFilter(filter: Partial<LogFilter>) {
      set({ logFilter: { ...get().logFilter, ...filter } });
    },

    toggleLogKind(kind: LineKind) {
      const kinds = new Set(get().logFilter.kinds);
      if (kinds.has(kind)) kinds.delete(kind);
      else kinds.add(kind);
      set({ logFilter: { ...get().logFilter, kinds } });
    },

    travelLogMarkdown() {
      const s = get();
      const names = new Map((s.data?.parties ?? []).map((p) => [p.id, p.name]));
      const title = `Travel log — ${s.data?.campaign.name ?? 'campaign'}`;
      return travelLogMarkdown(travelLog(s.travelLog, s.logFilter), (id) => names.get(id) ?? 'A party no longer in the campaign', title);
    },
  }),
);
