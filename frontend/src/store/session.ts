// Session store: the client's projection of the hub's state. session:state replaces everything;
// deltas patch it. Every change produces new Map/Set/array instances so React selectors and the
// renderer see it (mutating in place would not re-render).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { decodeGlimpsed, decodeGrid, FOG, terrainIndex, type Terrain } from '../hex/terrain';
import type { SightRule } from '../hex/sight';
import { keyToIndex } from '../hex/coords';
import type {
  BroadcastMode,
  DisplayView,
  HexView,
  MapInfo,
  MarkerView,
  PartyView,
  PlayerNote,
  ServerMessage,
  ServerMessageOf,
  SessionStatus,
  StagedChange,
} from '../protocol/schema';
import type { ConnectionStatus } from '../net/socket';
import { reduceTravel, travelFromState, withParties, type TravelData } from './travel';
import { DEFAULT_SIGHT_RULES } from '../hex/sight';

export interface Player {
  id: string;
  name: string;
  online: boolean;
}

type Role = 'player' | 'dm' | 'display';

/** A ping heard (docs/table.md): shown as a ring for PING_MS, then dropped. */
export interface Ping {
  id: string;
  key: string;
  /** null: the DM */
  from: { id: string; name: string } | null;
  /** when it arrived (ms, from `now`) */
  at: number;
}
export const PING_MS = 2500;

export interface SessionData {
  seq: number;
  role: Role;
  you: { id: string; name: string; partyId: string | null } | null;
  campaign: { id: string; name: string };
  session: { id: string; status: SessionStatus } | null;
  broadcastMode: BroadcastMode;
  preparing: boolean;
  map: MapInfo | null;
  /** terrain index per hex (row-major); FOG where not visible to us */
  cells: Uint8Array;
  /** 1 per hex the player only glimpsed (terrain only, drawn muted); all 0 for the DM */
  glimpsed: Uint8Array;
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
  /** per player, the hexes they know privately: key → 1 glimpsed, 2 explored */
  revealedTo: ReadonlyMap<string, ReadonlyMap<string, Level>>;
  /** per party, what it knows of the active map: a level per hex (0, 1, 2), row-major */
  partyKnown: ReadonlyMap<string, Uint8Array>;
  /** the campaign's sight rules, every terrain filled in; null for players */
  sightRules: Readonly<Record<Terrain, SightRule>> | null;
  staged: readonly StagedChange[];
  travel: TravelData;
  /** players' notes: a player's own and those shared with their party; the DM's every one */
  playerNotes: readonly PlayerNote[];
  /** a table screen: what it watches; null for players and the DM */
  display: DisplayView | null;
  /** pings heard in the last PING_MS (not state: a reconnect forgets them) */
  pings: readonly Ping[];
}

/** What a player knows of a hex beyond fog: 1 glimpsed, 2 explored. */
export type Level = 1 | 2;

function levelsOf(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) - 48;
  return out;
}

function privateOf(known: Readonly<Record<string, Level>>): Map<string, Level> {
  return new Map(Object.entries(known) as [string, Level][]);
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
  const revealedTo = new Map<string, ReadonlyMap<string, Level>>();
  for (const [pid, known] of Object.entries(m.revealedTo ?? {})) revealedTo.set(pid, privateOf(known));
  const revealedAll = m.revealedAll !== undefined ? levelsOf(m.revealedAll) : null;
  const partyKnown = new Map<string, Uint8Array>();
  for (const [pid, known] of Object.entries(m.partyKnown ?? {})) partyKnown.set(pid, levelsOf(known));
  const you = m.you;
  return {
    seq: m.seq,
    role: m.role,
    you,
    campaign: m.campaign,
    session: m.session,
    broadcastMode: m.broadcastMode,
    preparing: m.preparing,
    map: m.map,
    cells,
    glimpsed: m.role !== 'dm' && m.map ? decodeGlimpsed(m.grid) : new Uint8Array(cells.length),
    labels: new Map(Object.entries(m.labels)),
    roads: new Set(m.roads ?? []),
    token: tokenOf(m.role, partyOf(m.display, you), m.parties),
    parties: m.parties,
    markers: m.markers,
    players: new Map(m.players.map((p) => [p.id, { ...p }])),
    notes: new Map(Object.entries(m.notes ?? {})),
    revealedAll,
    revealedTo,
    partyKnown,
    sightRules: m.sightRules ? fullRules(m.sightRules) : null,
    staged: m.staged ?? [],
    travel: travelFromState(m),
    playerNotes: m.playerNotes ?? [],
    display: m.display ?? null,
    pings: [],
  };
}

/** The hub fills in every terrain; anything missing (an older hub) takes the defaults. */
function fullRules(r: Partial<Record<Terrain, SightRule>>): Record<Terrain, SightRule> {
  return { ...DEFAULT_SIGHT_RULES, ...r };
}

/**
 * A player's own party: the one whose members are listed (players get the members of their own
 * party only). A split or an assignment changes it without a new session:state.
 */
function ownParty(playerId: string, parties: readonly PartyView[]): string | null {
  return parties.find((p) => p.memberIds?.includes(playerId))?.id ?? null;
}

/** The party whose token we follow: a player's own, the one a table screen watches. */
function partyOf(display: DisplayView | null | undefined, you: { partyId: string | null } | null): string | null {
  return display ? display.partyId : (you?.partyId ?? null);
}

/** Our party's token: a player's own party or a screen's, the DM's default party. */
function tokenOf(role: Role, partyId: string | null, parties: readonly PartyView[]): string | null {
  const p = role === 'dm' ? parties.find((x) => x.default) : parties.find((x) => x.id === partyId);
  return p?.key ?? null;
}

interface Patch {
  data: SessionData;
  fadeIn?: ReadonlyMap<number, number>;
  mapChanging?: boolean;
}

function applyHexViews(d: SessionData, hexes: readonly HexView[]): Pick<SessionData, 'cells' | 'glimpsed' | 'labels' | 'notes' | 'roads'> {
  const w = d.map?.width ?? 0;
  const h = d.map?.height ?? 0;
  const cells = new Uint8Array(d.cells);
  const labels = new Map(d.labels);
  const roads = new Set(d.roads);
  const notes = d.role === 'dm' ? new Map(d.notes) : d.notes;
  // A player's hexes say their state; a hex sent without one (an update of a hex already known)
  // keeps the state it had.
  let glimpsed = d.glimpsed;
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
    } else if (hv.state !== undefined) {
      const g = hv.state === 'glimpsed' ? 1 : 0;
      if (glimpsed[i] !== g) {
        if (glimpsed === d.glimpsed) glimpsed = new Uint8Array(d.glimpsed);
        glimpsed[i] = g;
      }
    }
  }
  return { cells, glimpsed, labels, notes, roads };
}

/** Raises `levels` to `level` at `keys` (a copy; never lowers). */
function raised(levels: Uint8Array, keys: readonly string[], level: Level, w: number, h: number): Uint8Array {
  const out = new Uint8Array(levels);
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i >= 0 && out[i]! < level) out[i] = level;
  }
  return out;
}

/** Clears `levels` at `keys` (a copy). */
function cleared(levels: Uint8Array, keys: readonly string[], w: number, h: number): Uint8Array {
  const out = new Uint8Array(levels);
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i >= 0) out[i] = 0;
  }
  return out;
}

/** Drops `keys` from the private knowledge of `ids` (every player when null). */
function withoutPrivate(
  revealedTo: ReadonlyMap<string, ReadonlyMap<string, Level>>,
  ids: readonly string[] | null,
  keys: readonly string[],
): ReadonlyMap<string, ReadonlyMap<string, Level>> {
  let out: Map<string, ReadonlyMap<string, Level>> | null = null;
  for (const id of ids ?? [...revealedTo.keys()]) {
    const known = revealedTo.get(id);
    if (!known || !keys.some((k) => known.has(k))) continue;
    const next = new Map(known);
    for (const k of keys) next.delete(k);
    out ??= new Map(revealedTo);
    out.set(id, next);
  }
  return out ?? revealedTo;
}

/**
 * How the DM's knowledge changes with a reveal or hide (docs/protocol.md, "How a DM's client
 * keeps its revealedAll, revealedTo and partyKnown"): the scope a message names (all, parties,
 * players) rises to its state, or is cleared.
 */
function dmKnowledge(
  d: SessionData,
  msg: ServerMessageOf<'hex:revealed'> | ServerMessageOf<'hex:hidden'>,
): Pick<SessionData, 'revealedAll' | 'revealedTo' | 'partyKnown'> {
  const w = d.map?.width ?? 0;
  const h = d.map?.height ?? 0;
  const n = w * h;
  const t = msg.targets;
  if (msg.type === 'hex:revealed') {
    const keys = msg.hexes.map((hv) => hv.key);
    const level: Level = msg.state === 'glimpsed' ? 1 : 2;
    if (t === undefined || t === 'all') {
      return { revealedAll: raised(d.revealedAll ?? new Uint8Array(n), keys, level, w, h), revealedTo: d.revealedTo, partyKnown: d.partyKnown };
    }
    if ('partyIds' in t) {
      const partyKnown = new Map(d.partyKnown);
      for (const id of t.partyIds) partyKnown.set(id, raised(d.partyKnown.get(id) ?? new Uint8Array(n), keys, level, w, h));
      return { revealedAll: d.revealedAll, revealedTo: d.revealedTo, partyKnown };
    }
    const revealedTo = new Map(d.revealedTo);
    for (const id of t.playerIds) {
      const next = new Map(revealedTo.get(id) ?? []);
      for (const k of keys) if ((next.get(k) ?? 0) < level) next.set(k, level);
      revealedTo.set(id, next);
    }
    return { revealedAll: d.revealedAll, revealedTo, partyKnown: d.partyKnown };
  }
  const keys = msg.keys;
  if (t === undefined || t === 'all') {
    const partyKnown = new Map<string, Uint8Array>();
    for (const [id, known] of d.partyKnown) partyKnown.set(id, cleared(known, keys, w, h));
    return {
      revealedAll: cleared(d.revealedAll ?? new Uint8Array(n), keys, w, h),
      revealedTo: withoutPrivate(d.revealedTo, null, keys),
      partyKnown,
    };
  }
  if ('partyIds' in t) {
    const partyKnown = new Map(d.partyKnown);
    const members: string[] = [];
    for (const id of t.partyIds) {
      const known = d.partyKnown.get(id);
      if (known) partyKnown.set(id, cleared(known, keys, w, h));
      members.push(...(d.parties.find((p) => p.id === id)?.memberIds ?? []));
    }
    return { revealedAll: d.revealedAll, revealedTo: withoutPrivate(d.revealedTo, members, keys), partyKnown };
  }
  // From players: their private knowledge; what moved out of their party's arrives as
  // party:known and player:known right after.
  return { revealedAll: d.revealedAll, revealedTo: withoutPrivate(d.revealedTo, t.playerIds, keys), partyKnown: d.partyKnown };
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
      if (d.role === 'dm') return { data: { ...d, ...patch, ...dmKnowledge(d, msg), seq } };
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
      if (d.role === 'dm') return { data: { ...d, ...dmKnowledge(d, msg), seq } };
      const cells = new Uint8Array(d.cells);
      const glimpsed = new Uint8Array(d.glimpsed);
      const labels = new Map(d.labels);
      const roads = new Set(d.roads);
      const fadeIn = new Map(state.fadeIn);
      for (const k of msg.keys) {
        const i = keyToIndex(k, w, h);
        if (i < 0) continue;
        cells[i] = FOG;
        glimpsed[i] = 0;
        labels.delete(k);
        roads.delete(k);
        fadeIn.delete(i);
      }
      return { data: { ...d, seq, cells, glimpsed, labels, roads }, fadeIn };
    }
    case 'hex:updated':
      return { data: { ...d, ...applyHexViews(d, msg.hexes), seq } };
    case 'parties:changed': {
      const you = d.role === 'player' && d.you ? { ...d.you, partyId: ownParty(d.you.id, msg.parties) } : d.you;
      let partyKnown = d.partyKnown;
      if (d.role === 'dm') {
        // A party no longer listed (merged) goes with its knowledge; a new one knows nothing until
        // its party:known.
        const n = (d.map?.width ?? 0) * (d.map?.height ?? 0);
        const next = new Map<string, Uint8Array>();
        for (const p of msg.parties) next.set(p.id, d.partyKnown.get(p.id) ?? new Uint8Array(n));
        partyKnown = next;
      }
      return {
        data: {
          ...d,
          seq,
          you,
          parties: msg.parties,
          partyKnown,
          token: tokenOf(d.role, partyOf(d.display, you), msg.parties),
          travel: withParties(d.travel, msg.parties),
        },
      };
    }
    case 'party:moved': {
      const w = d.map?.width ?? 0;
      const h = d.map?.height ?? 0;
      const parties = d.parties.map((p) => (p.id === msg.partyId ? { ...p, key: msg.key, undo: msg.undo } : p));
      let partyKnown = d.partyKnown;
      if (msg.explored.length > 0 || msg.glimpsed.length > 0) {
        const known = d.partyKnown.get(msg.partyId) ?? new Uint8Array(w * h);
        partyKnown = new Map(d.partyKnown).set(msg.partyId, raised(raised(known, msg.explored, 2, w, h), msg.glimpsed, 1, w, h));
      }
      return { data: { ...d, seq, parties, partyKnown, token: tokenOf(d.role, partyOf(d.display, d.you), parties) } };
    }
    case 'markers:changed':
      return { data: { ...d, seq, markers: msg.markers } };
    case 'playerNotes:changed':
      return { data: { ...d, seq, playerNotes: msg.playerNotes } };
    case 'hex:pinged': {
      const pings = d.pings.filter((p) => now - p.at < PING_MS && p.id !== msg.id);
      pings.push({ id: msg.id, key: msg.key, from: msg.from, at: now });
      return { data: { ...d, pings } };
    }
    case 'party:known': {
      const n = (d.map?.width ?? 0) * (d.map?.height ?? 0);
      if (msg.known.length !== n) return { data: { ...d, seq } }; // another map's: a session:state follows
      return { data: { ...d, seq, partyKnown: new Map(d.partyKnown).set(msg.partyId, levelsOf(msg.known)) } };
    }
    case 'player:known':
      return { data: { ...d, seq, revealedTo: new Map(d.revealedTo).set(msg.playerId, privateOf(msg.known)) } };
    case 'sight:rulesChanged':
      return { data: { ...d, seq, sightRules: fullRules(msg.rules) } };
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
