// Session store: the client's projection of the hub's state. session:state replaces everything;
// deltas patch it. Every change produces new Map/Set/array instances so React selectors and the
// renderer see it (mutating in place would not re-render).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { decodeGrid, FOG, terrainIndex } from '../hex/terrain';
import { keyToIndex } from '../hex/coords';
import type {
  BroadcastMode,
  HexView,
  MapInfo,
  MarkerView,
  PartyView,
  ServerMessage,
  ServerMessageOf,
  SessionStatus,
  StagedChange,
  Targets,
} from '../protocol/schema';
import type { ConnectionStatus } from '../net/socket';
import { reduceTravel, travelFromState, withParties, type TravelData } from './travel';

export interface Player {
  id: string;
  name: string;
  online: boolean;
}

export interface SessionData {
  seq: number;
  role: 'player' | 'dm';
  you: { id: string; name: string; partyId: string | null } | null;
  campaign: { id: string; name: string };
  session: { id: string; status: SessionStatus } | null;
  broadcastMode: BroadcastMode;
  preparing: boolean;
  map: MapInfo | null;
  /** terrain index per hex (row-major); FOG where not visible to us */
  cells: Uint8Array;
  labels: ReadonlyMap<string, string>;
  /** hexes a road runs through (a player's: explored ones) */
  roads: ReadonlySet<string>;
  /** where our party stands (a player's own party; for the DM the default party), if on the map */
  token: string | null;
  parties: readonly PartyView[];
  markers: readonly MarkerView[];
  players: ReadonlyMap<string, Player>;
  // DM only (empty for players)
  notes: ReadonlyMap<string, string>;
  /** per hex, what all players know: 0 unknown, 1 glimpsed, 2 explored; null for players */
  revealedAll: Uint8Array | null;
  /** per player, the hexes they know privately (glimpsed or explored) */
  revealedTo: ReadonlyMap<string, ReadonlySet<string>>;
  staged: readonly StagedChange[];
  travel: TravelData;
}

export interface ServerError {
  code: string;
  message: string;
  ref?: string | undefined;
  at: number;
}

export interface SessionStoreState {
  connection: ConnectionStatus;
  data: SessionData | null;
  /** true between map:changed and the fresh session:state that follows it */
  mapChanging: boolean;
  /** session:state messages applied so far (one per connect, and after map:changed): the
   * player's map opens fitted again at each */
  fullStates: number;
  /** hex index → time (ms, from `now`) it became visible; the renderer fades these in */
  fadeIn: ReadonlyMap<number, number>;
  errors: readonly ServerError[];
  apply: (msg: ServerMessage) => void;
  setConnection: (s: ConnectionStatus) => void;
  reset: () => void;
}

export const FADE_MS = 600;
const MAX_ERRORS = 20;

export function sessionDataFromState(m: ServerMessageOf<'session:state'>): SessionData {
  const w = m.map?.width ?? 0;
  const h = m.map?.height ?? 0;
  const cells = m.map ? decodeGrid(m.grid, w, h) : new Uint8Array(0);
  const revealedTo = new Map<string, Set<string>>();
  for (const [pid, known] of Object.entries(m.revealedTo ?? {})) revealedTo.set(pid, new Set(Object.keys(known)));
  let revealedAll: Uint8Array | null = null;
  if (m.revealedAll !== undefined) {
    revealedAll = new Uint8Array(m.revealedAll.length);
    for (let i = 0; i < m.revealedAll.length; i++) revealedAll[i] = m.revealedAll.charCodeAt(i) - 48;
  }
  return {
    seq: m.seq,
    role: m.role,
    you: m.you,
    campaign: m.campaign,
    session: m.session,
    broadcastMode: m.broadcastMode,
    preparing: m.preparing,
    map: m.map,
    cells,
    labels: new Map(Object.entries(m.labels)),
    roads: new Set(m.roads ?? []),
    token: tokenOf(m.role, m.you?.partyId ?? null, m.parties),
    parties: m.parties,
    markers: m.markers,
    players: new Map(m.players.map((p) => [p.id, { ...p }])),
    notes: new Map(Object.entries(m.notes ?? {})),
    revealedAll,
    revealedTo,
    staged: m.staged ?? [],
    travel: travelFromState(m),
  };
}

/** Our party's token: a player's own party, the DM's default party. */
export function tokenOf(role: 'player' | 'dm', partyId: string | null, parties: readonly PartyView[]): string | null {
  const p = role === 'dm' ? parties.find((x) => x.default) : parties.find((x) => x.id === partyId);
  return p?.key ?? null;
}

interface Patch {
  data: SessionData;
  fadeIn?: ReadonlyMap<number, number>;
  mapChanging?: boolean;
}

function applyHexViews(d: SessionData, hexes: readonly HexView[]): Pick<SessionData, 'cells' | 'labels' | 'notes' | 'roads'> {
  const w = d.map?.width ?? 0;
  const h = d.map?.height ?? 0;
  const cells = new Uint8Array(d.cells);
  const labels = new Map(d.labels);
  const roads = new Set(d.roads);
  const notes = d.role === 'dm' ? new Map(d.notes) : d.notes;
  for (const hv of hexes) {
    const i = keyToIndex(hv.key, w, h);
    if (i < 0) continue; // off our map (e.g. the map changed under us): the next state fixes it
    cells[i] = terrainIndex(hv.terrain);
    if (hv.label) labels.set(hv.key, hv.label);
    else labels.delete(hv.key);
    if (hv.road) roads.add(hv.key);
    else roads.delete(hv.key);
    if (d.role === 'dm') {
      if (hv.notes) (notes as Map<string, string>).set(hv.key, hv.notes);
      else (notes as Map<string, string>).delete(hv.key);
    }
  }
  return { cells, labels, notes, roads };
}

function playerIdsOf(t: Targets | undefined): string[] | null {
  if (t === undefined || t === 'all') return null;
  return 'playerIds' in t ? t.playerIds : [];
}

function isParties(t: Targets | undefined): boolean {
  return t !== undefined && t !== 'all' && 'partyIds' in t;
}

/** Pure reducer: returns the patch for a message, or null to ignore it. */
export function reduce(
  state: Pick<SessionStoreState, 'data' | 'fadeIn' | 'mapChanging'>,
  msg: ServerMessage,
  now: number,
): Patch | null {
  if (msg.type === 'session:state') {
    const data = sessionDataFromState(msg);
    // Hexes that were fogged and are now visible fade in (a reconnect that reveals nothing new
    // fades nothing); a different map starts without fades.
    const prev = state.data;
    const fadeIn = new Map<number, number>();
    if (prev?.map && data.map && prev.map.id === data.map.id && prev.cells.length === data.cells.length) {
      for (let i = 0; i < data.cells.length; i++) {
        if (prev.cells[i] === FOG && data.cells[i] !== FOG) fadeIn.set(i, now);
      }
    }
    return { data, fadeIn, mapChanging: false };
  }
  const d = state.data;
  if (!d) return null; // deltas before the first state have nothing to apply to
  if ('seq' in msg && msg.seq < d.seq) return null; // already reflected in our state

  const seq = 'seq' in msg ? Math.max(d.seq, msg.seq) : d.seq;
  switch (msg.type) {
    case 'session:statusChanged':
      return { data: { ...d, seq, session: { id: msg.sessionId, status: msg.status } } };
    case 'broadcast:modeChanged':
      return { data: { ...d, seq, broadcastMode: msg.mode } };
    case 'hex:revealed': {
      const w = d.map?.width ?? 0;
      const h = d.map?.height ?? 0;
      const patch = applyHexViews(d, msg.hexes);
      if (d.role === 'dm') {
        if (isParties(msg.targets)) return { data: { ...d, ...patch, seq } };
        const ids = playerIdsOf(msg.targets);
        if (ids === null) {
          const revealedAll = d.revealedAll ? new Uint8Array(d.revealedAll) : new Uint8Array(w * h);
          const level = msg.state === 'glimpsed' ? 1 : 2;
          for (const hv of msg.hexes) {
            const i = keyToIndex(hv.key, w, h);
            if (i >= 0) revealedAll[i] = Math.max(revealedAll[i]!, level);
          }
          return { data: { ...d, ...patch, seq, revealedAll } };
        }
        const revealedTo = new Map(d.revealedTo);
        for (const pid of ids) {
          const set = new Set(revealedTo.get(pid) ?? []);
          for (const hv of msg.hexes) set.add(hv.key);
          revealedTo.set(pid, set);
        }
        return { data: { ...d, ...patch, seq, revealedTo } };
      }
      const fadeIn = new Map<number, number>();
      for (const [i, t] of state.fadeIn) if (now - t < FADE_MS) fadeIn.set(i, t);
      for (const hv of msg.hexes) {
        const i = keyToIndex(hv.key, w, h);
        if (i >= 0 && d.cells[i] === FOG) fadeIn.set(i, now);
      }
      return { data: { ...d, ...patch, seq }, fadeIn };
    }
    case 'hex:hidden': {
      const w = d.map?.width ?? 0;
      const h = d.map?.height ?? 0;
      if (d.role === 'dm') {
        if (isParties(msg.targets)) return { data: { ...d, seq } };
        const ids = playerIdsOf(msg.targets);
        const revealedTo = new Map(d.revealedTo);
        if (ids === null) {
          // Hidden from all: nobody sees it any more, private reveals included.
          const revealedAll = d.revealedAll ? new Uint8Array(d.revealedAll) : new Uint8Array(w * h);
          for (const k of msg.keys) {
            const i = keyToIndex(k, w, h);
            if (i >= 0) revealedAll[i] = 0;
          }
          for (const [pid, set] of d.revealedTo) {
            if (msg.keys.some((k) => set.has(k))) {
              const next = new Set(set);
              for (const k of msg.keys) next.delete(k);
              revealedTo.set(pid, next);
            }
          }
          return { data: { ...d, seq, revealedAll, revealedTo } };
        }
        for (const pid of ids) {
          const next = new Set(revealedTo.get(pid) ?? []);
          for (const k of msg.keys) next.delete(k);
          revealedTo.set(pid, next);
        }
        return { data: { ...d, seq, revealedTo } };
      }
      const cells = new Uint8Array(d.cells);
      const labels = new Map(d.labels);
      const roads = new Set(d.roads);
      const fadeIn = new Map(state.fadeIn);
      for (const k of msg.keys) {
        const i = keyToIndex(k, w, h);
        if (i < 0) continue;
        cells[i] = FOG;
        labels.delete(k);
        roads.delete(k);
        fadeIn.delete(i);
      }
      return { data: { ...d, seq, cells, labels, roads }, fadeIn };
    }
    case 'hex:updated':
      return { data: { ...d, ...applyHexViews(d, msg.hexes), seq } };
    case 'parties:changed':
      return {
        data: { ...d, seq, parties: msg.parties, token: tokenOf(d.role, d.you?.partyId ?? null, msg.parties), travel: withParties(d.travel, msg.parties) },
      };
    case 'party:moved': {
      const parties = d.parties.map((p) => (p.id === msg.partyId ? { ...p, key: msg.key, undo: msg.undo } : p));
      return { data: { ...d, seq, parties, token: tokenOf(d.role, d.you?.partyId ?? null, parties) } };
    }
    case 'markers:changed':
      return { data: { ...d, seq, markers: msg.markers } };
    case 'party:known':
    case 'player:known':
    case 'sight:rulesChanged':
      return { data: { ...d, seq } };
    case 'map:changed':
      return { data: { ...d, seq }, mapChanging: true };
    case 'staged:changed':
      return { data: { ...d, seq, staged: msg.staged } };
    case 'player:joined': {
      const players = new Map(d.players);
      for (const p of msg.players) players.set(p.id, { id: p.id, name: p.name, online: true });
      return { data: { ...d, players } };
    }
    case 'player:left': {
      const players = new Map(d.players);
      for (const id of msg.playerIds) {
        const p = players.get(id);
        if (p) players.set(id, { ...p, online: false });
      }
      return { data: { ...d, players } };
    }
    case 'member:added': {
      if (d.players.has(msg.member.id)) return null;
      const players = new Map(d.players);
      players.set(msg.member.id, { ...msg.member, online: false });
      return { data: { ...d, players } };
    }
    case 'dm:preparing':
      return { data: { ...d, preparing: msg.preparing } };
    case 'travel:changed':
    case 'travel:happened':
    case 'encounters:changed':
    case 'travel:rulesChanged':
      return { data: { ...d, seq, travel: reduceTravel(d.travel, msg) } };
    case 'error':
      return null; // handled by the store (kept in `errors`), not part of the session data
    case 'pong':
      return null; // the socket's heartbeat; HexcrawlSocket keeps it to itself
    case 'storage:status':
      return null; // the DM console's banner (dm/store/session.ts), not the map's state
  }
}

export type SessionStore = StoreApi<SessionStoreState>;

/** What a store holds of the hub's state (the player's store, and the DM's store among the rest). */
export type SessionFields = Pick<SessionStoreState, 'data' | 'fadeIn' | 'mapChanging' | 'errors'>;

/**
 * The change one server message makes to a store's session fields, or null when it changes
 * nothing. `error` frames go to `errors` (the last 20). A message that passed zod but cannot be
 * applied (e.g. a corrupt grid) must not take the page down: it is logged; the next full state
 * repairs us.
 */
export function applyServerMessage(state: SessionFields, msg: ServerMessage, now: number): Partial<SessionFields> | null {
  if (msg.type === 'error') {
    const e: ServerError = { code: msg.code, message: msg.message, ref: msg.ref, at: now };
    return { errors: [...state.errors, e].slice(-MAX_ERRORS) };
  }
  try {
    return reduce(state, msg, now);
  } catch (e) {
    console.warn('hexcrawl: cannot apply', msg.type, e);
    return null;
  }
}

export function createSessionStore(now: () => number = () => performance.now()): SessionStore {
  return createStore<SessionStoreState>()((set, get) => ({
    connection: { kind: 'connecting' },
    data: null,
    mapChanging: false,
    fullStates: 0,
    fadeIn: new Map(),
    errors: [],
    apply(msg) {
      const patch = applyServerMessage(get(), msg, now());
      if (!patch) return;
      set(msg.type === 'session:state' ? { ...patch, fullStates: get().fullStates + 1 } : patch);
    },
    setConnection(connection) {
      set({ connection });
    },
    reset() {
      set({ connection: { kind: 'connecting' }, data: null, mapChanging: false, fullStates: 0, fadeIn: new Map(), errors: [] });
    },
  }));
}
