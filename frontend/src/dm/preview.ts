// What the DM's map shows, computed from the DM's projection of the hub's state:
// - the staged list drawn as a preview on top of the published map,
// - the veil over hexes no player can see, and which hexes only some players see,
// - "view as <player>": exactly the projection the hub sends that player.
// Pure functions over SessionData so they can be tested without a page.
import { FOG, terrainIndex } from '../hex/terrain';
import { keyToIndex } from '../hex/coords';
import type { HexState, MarkerView, PartyView, StagedChange, Targets } from '../protocol/schema';
import type { SessionData } from '../store/session';
import { memberIds, partyLevelAt, partyLevels, partyOfPlayer, playerLevelAt, playerLevels, type KnowledgeInput } from './knowledge';

export interface StagedOverlay {
  /** hex index → terrain index after the staged updates */
  terrain: Map<number, number>;
  /** key → label after the staged updates ('' = label removed) */
  labels: Map<string, string>;
  /** undefined: no staged token move; otherwise where the token will be (null = removed) */
  token: string | null | undefined;
  /** keys a staged reveal will show, with to whom (the last staged reveal of a key wins) */
  reveal: Map<string, Targets>;
  /** keys a staged hide will cover */
  hide: Set<string>;
  /** keys touched by staged terrain/label updates */
  updated: Set<string>;
}

export function emptyOverlay(): StagedOverlay {
  return { terrain: new Map(), labels: new Map(), token: undefined, reveal: new Map(), hide: new Set(), updated: new Set() };
}

/** Folds the staged list, in order, into one overlay. Keys off the map are skipped. */
export function stagedOverlay(staged: readonly StagedChange[], width: number, height: number): StagedOverlay {
  const o = emptyOverlay();
  for (const sc of staged) {
    switch (sc.kind) {
      case 'update':
        for (const c of sc.changes) {
          const i = keyToIndex(c.key, width, height);
          if (i < 0) continue;
          if (c.terrain !== undefined) o.terrain.set(i, terrainIndex(c.terrain));
          if (c.label !== undefined) o.labels.set(c.key, c.label);
          if (c.terrain !== undefined || c.label !== undefined) o.updated.add(c.key);
        }
        break;
      case 'reveal':
        for (const k of sc.hexKeys) {
          o.reveal.set(k, sc.targets);
          o.hide.delete(k);
        }
        break;
      case 'hide':
        for (const k of sc.hexKeys) {
          o.hide.add(k);
          o.reveal.delete(k);
        }
        break;
      case 'place':
        o.token = sc.key;
        break;
      case 'move':
        o.token = sc.path[sc.path.length - 1] ?? o.token;
        break;
    }
  }
  return o;
}

/** Optimistic edits not yet confirmed by the hub (see pending.ts). */
export interface PendingOverlay {
  terrain: ReadonlyMap<number, number>;
  labels: ReadonlyMap<string, string>;
}

export interface DisplayMap {
  cells: Uint8Array;
  labels: ReadonlyMap<string, string>;
  token: string | null;
}

/**
 * The DM's working view: published state, then the staged preview, then edits in flight (the
 * newest intent wins, so a stroke shows at once whatever is staged under it).
 */
export function composeDisplay(data: SessionData, staged: StagedOverlay | null, pending: PendingOverlay | null): DisplayMap {
  const hasStaged = staged !== null && (staged.terrain.size > 0 || staged.labels.size > 0 || staged.token !== undefined);
  const hasPending = pending !== null && (pending.terrain.size > 0 || pending.labels.size > 0);
  if (!hasStaged && !hasPending) return { cells: data.cells, labels: data.labels, token: data.token };
  const cells = new Uint8Array(data.cells);
  let labels: Map<string, string> | null = null;
  const setLabel = (k: string, v: string) => {
    labels ??= new Map(data.labels);
    if (v) labels.set(k, v);
    else labels.delete(k);
  };
  let token = data.token;
  if (staged) {
    for (const [i, t] of staged.terrain) cells[i] = t;
    for (const [k, v] of staged.labels) setLabel(k, v);
    if (staged.token !== undefined) token = staged.token;
  }
  if (pending) {
    for (const [i, t] of pending.terrain) if (i < cells.length) cells[i] = t;
    for (const [k, v] of pending.labels) setLabel(k, v);
  }
  return { cells, labels: labels ?? data.labels, token };
}

/**
 * True when two displays draw the same map. The hub's echo of a painted hex changes the store
 * but not the picture (the pending edit already showed it): keeping the previous display then
 * spares a full redraw per echo, half the frames of a brush stroke.
 */
export function sameDisplay(a: DisplayMap, b: DisplayMap): boolean {
  if (a === b) return true;
  if (a.token !== b.token || a.cells.length !== b.cells.length) return false;
  if (a.cells !== b.cells) {
    for (let i = 0; i < a.cells.length; i++) if (a.cells[i] !== b.cells[i]) return false;
  }
  if (a.labels === b.labels) return true;
  if (a.labels.size !== b.labels.size) return false;
  for (const [k, v] of a.labels) if (b.labels.get(k) !== v) return false;
  return true;
}

export interface Visibility {
  /** per hex: 1 no player knows it (drawn under translucent fog for the DM), 2 players only
   * glimpsed it (a lighter veil), 0 someone explored it */
  veil: Uint8Array;
  /** keys some players know privately (revealed to them, not through all or their party) */
  privateKeys: Set<string>;
}

/** What visibility() reads: who knows what, not the terrain. */
export type VisibilityInput = KnowledgeInput;

export function visibility(data: VisibilityInput): Visibility {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const n = w * h;
  // The best any current player knows each hex.
  const best = new Uint8Array(n);
  const raise = (i: number, l: number) => {
    if (l > best[i]!) best[i] = l;
  };
  const all = data.revealedAll;
  if (all && all.length === n) for (let i = 0; i < n; i++) raise(i, all[i]!);
  // A party's knowledge counts while one of its members is still in the campaign.
  for (const p of data.parties) {
    const known = data.partyKnown.get(p.id);
    if (!known || known.length !== n || !p.memberIds?.some((id) => data.players.has(id))) continue;
    for (let i = 0; i < n; i++) raise(i, known[i]!);
  }
  const privateKeys = new Set<string>();
  for (const id of memberIds(data)) {
    const party = partyOfPlayer(data, id);
    const through = party ? data.partyKnown.get(party.id) : undefined;
    for (const k of data.revealedTo.get(id)?.keys() ?? []) {
      const i = keyToIndex(k, w, h);
      if (i < 0 || (all?.[i] ?? 0) > 0 || (through?.[i] ?? 0) > 0) continue;
      privateKeys.add(k);
    }
  }
  for (const id of memberIds(data)) {
    for (const [k, l] of data.revealedTo.get(id) ?? []) {
      const i = keyToIndex(k, w, h);
      if (i >= 0) raise(i, l);
    }
  }
  const veil = new Uint8Array(n);
  for (let i = 0; i < n; i++) veil[i] = best[i] === 0 ? 1 : best[i] === 1 ? 2 : 0;
  return { veil, privateKeys };
}

/** 1 per hex the player (or, given a party's id, the party) knows at all. */
export function visibleTo(data: SessionData, id: string): Uint8Array {
  const levels = data.parties.some((p) => p.id === id) ? partyLevels(data, id) : playerLevels(data, id);
  return levels.map((l) => (l > 0 ? 1 : 0));
}

/** Exactly what one player's page holds (or a party's members', for a party's id). */
export interface Projection extends DisplayMap {
  /** 1 per glimpsed hex: drawn muted */
  muted: Uint8Array;
  /** roads of explored hexes only */
  roads: ReadonlySet<string>;
  /** the viewer's party (the party viewed, or the player's), null for a player in none */
  partyId: string | null;
  /** tokens the viewer sees: their own party's always, others' on explored hexes */
  tokens: PartyView[];
  /** markers shown to players, on explored hexes */
  markers: MarkerView[];
  /** hexes known at all */
  visible: number;
}

/**
 * Exactly what one player's page holds — fog where they know nothing, glimpsed hexes muted and
 * without labels or roads, their own party's token, other parties' tokens and visible markers
 * on explored hexes only — or, given a party's id, what that party's members share. Published
 * state only (nothing staged).
 */
export function projectFor(data: SessionData, id: string): Projection {
  const isParty = data.parties.some((p) => p.id === id);
  const levels = isParty ? partyLevels(data, id) : playerLevels(data, id);
  const partyId = isParty ? id : (partyOfPlayer(data, id)?.id ?? null);
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const n = data.cells.length;
  const cells = new Uint8Array(n);
  const muted = new Uint8Array(n);
  let visible = 0;
  for (let i = 0; i < n; i++) {
    const l = levels[i] ?? 0;
    if (l > 0) {
      cells[i] = data.cells[i]!;
      if (l === 1) muted[i] = 1;
      visible++;
    } else cells[i] = FOG;
  }
  const explored = (k: string) => {
    const i = keyToIndex(k, w, h);
    return i >= 0 && levels[i] === 2;
  };
  const labels = new Map<string, string>();
  for (const [k, v] of data.labels) if (explored(k)) labels.set(k, v);
  const roads = new Set<string>();
  for (const k of data.roads) if (explored(k)) roads.add(k);
  const lost = (pid: string) => data.travel.parties.get(pid)?.lost != null;
  const tokens = data.parties.filter((p) => p.key !== null && (p.id === partyId || (explored(p.key) && !lost(p.id))));
  const markers = data.markers.filter((m) => m.visibility === 'players' && explored(m.key));
  const token = data.parties.find((p) => p.id === partyId)?.key ?? null;
  return { cells, labels, token, muted, roads, partyId, tokens, markers, visible };
}

/** Who sees a hex: 'all', the ids of the members who know it (through their party or privately), or [] for nobody. */
export function seenBy(data: SessionData, key: string): 'all' | string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const i = keyToIndex(key, w, h);
  if (i < 0) return [];
  if ((data.revealedAll?.[i] ?? 0) > 0) return 'all';
  return [...data.players.keys()].filter((id) => playerLevelAt(data, id, key) > 0);
}

const LEVEL: Record<HexState, number> = { glimpsed: 1, explored: 2 };

/**
 * Keys of `keys` that a reveal to `targets` as `state` would actually change (those the targets
 * already know at least that well are dropped), so the confirmation threshold and the staged
 * list count real work.
 */
export function keysToReveal(data: SessionData, keys: Iterable<string>, targets: Targets, state: HexState = 'explored'): string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const level = LEVEL[state];
  const out: string[] = [];
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i < 0) continue;
    if ((data.revealedAll?.[i] ?? 0) >= level) continue;
    if (targets !== 'all') {
      const known =
        'playerIds' in targets
          ? targets.playerIds.every((p) => playerLevelAt(data, p, k) >= level)
          : targets.partyIds.every((p) => partyLevelAt(data, p, k) >= level);
      if (known) continue;
    }
    out.push(k);
  }
  return out;
}

/** Keys of `keys` that a hide from `targets` would actually change. */
export function keysToHide(data: SessionData, keys: Iterable<string>, targets: Targets): string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const members = (pid: string) => data.parties.find((p) => p.id === pid)?.memberIds ?? [];
  // Who could lose a hex, worked out once for the whole list (a region can be the whole map).
  const knowingParties = targets === 'all' ? [...data.partyKnown.keys()] : [];
  const allMembers = targets === 'all' ? memberIds(data) : [];
  const players = targets !== 'all' && 'playerIds' in targets ? targets.playerIds.map((id) => ({ id, party: partyOfPlayer(data, id) })) : [];
  const out: string[] = [];
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i < 0) continue;
    const partyKnows = (pid: string) => (data.partyKnown.get(pid)?.[i] ?? 0) > 0;
    const privately = (id: string) => data.revealedTo.get(id)?.has(k) ?? false;
    let hides: boolean;
    if (targets === 'all') {
      hides = (data.revealedAll?.[i] ?? 0) > 0 || knowingParties.some(partyKnows) || allMembers.some(privately);
    } else if ('partyIds' in targets) {
      hides = targets.partyIds.some((p) => partyKnows(p) || members(p).some(privately));
    } else {
      hides = players.some(({ id, party }) => privately(id) || (party !== undefined && partyKnows(party.id)));
    }
    if (hides) out.push(k);
  }
  return out;
}

/** Where each party's staged moves and placements take it, in order (docs/exploration.md). */
export interface StagedParty {
  /** where it stands once every staged change of it is published (null: off the map) */
  end: string | null;
  /** the staged moves as paths through hex centres, each from where the party then stands */
  paths: string[][];
}

/** Folds the staged moves and placements per party, from where each party stands now. */
export function stagedParties(staged: readonly StagedChange[], parties: readonly PartyView[]): Map<string, StagedParty> {
  const out = new Map<string, StagedParty>();
  for (const sc of staged) {
    if (sc.kind !== 'move' && sc.kind !== 'place') continue;
    let p = out.get(sc.partyId);
    if (!p) {
      const party = parties.find((x) => x.id === sc.partyId);
      if (!party) continue; // merged away: the hub skips it
      p = { end: party.key, paths: [] };
      out.set(sc.partyId, p);
    }
    if (sc.kind === 'place') p.end = sc.key;
    else {
      p.paths.push(p.end !== null ? [p.end, ...sc.path] : [...sc.path]);
      p.end = sc.path[sc.path.length - 1] ?? p.end;
    }
  }
  return out;
}
