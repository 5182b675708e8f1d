// What the DM's map shows, computed from the DM's projection of the hub's state:
// - the staged list drawn as a preview on top of the published map,
// - the veil over hexes no player can see, and which hexes only some players see,
// - "view as <player>": exactly the projection the hub sends that player.
// Pure functions over SessionData so they can be tested without a page.
import { FOG, terrainIndex } from '../hex/terrain';
import { keyToIndex } from '../hex/coords';
import type { StagedChange, Targets } from '../protocol/schema';
import type { SessionData } from '../store/session';

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

/** Players whose reveals count: current members of the campaign. */
function memberIds(data: Pick<SessionData, 'revealedTo' | 'players'>): string[] {
  return [...data.revealedTo.keys()].filter((id) => data.players.has(id));
}

export interface Visibility {
  /** 1 per hex that no player can see (drawn as translucent fog for the DM) */
  veil: Uint8Array;
  /** keys seen by some players only (revealed privately, not to all) */
  privateKeys: Set<string>;
}

/** What visibility() reads: who sees what, not the terrain. */
export type VisibilityInput = Pick<SessionData, 'map' | 'revealedAll' | 'revealedTo' | 'players'>;

export function visibility(data: VisibilityInput): Visibility {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const n = w * h;
  const veil = new Uint8Array(n);
  const all = data.revealedAll;
  for (let i = 0; i < n; i++) veil[i] = all && all[i]! > 0 ? 0 : 1;
  const privateKeys = new Set<string>();
  for (const id of memberIds(data)) {
    for (const k of data.revealedTo.get(id) ?? []) {
      const i = keyToIndex(k, w, h);
      if (i < 0 || veil[i] === 0) continue;
      privateKeys.add(k);
    }
  }
  for (const k of privateKeys) veil[keyToIndex(k, w, h)] = 0;
  return { veil, privateKeys };
}

/** 1 per hex the player sees: revealed to all, or to them privately. */
export function visibleTo(data: SessionData, playerId: string): Uint8Array {
  const n = data.cells.length;
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const out = new Uint8Array(n);
  const all = data.revealedAll;
  if (all) for (let i = 0; i < n; i++) out[i] = all[i]! > 0 ? 1 : 0;
  for (const k of data.revealedTo.get(playerId) ?? []) {
    const i = keyToIndex(k, w, h);
    if (i >= 0) out[i] = 1;
  }
  return out;
}

/**
 * Exactly what one player's page holds: fog on every hex they cannot see, labels of visible
 * hexes only, the token only when its hex is visible. Published state only (nothing staged).
 */
export function projectFor(data: SessionData, playerId: string): DisplayMap & { visible: number } {
  const vis = visibleTo(data, playerId);
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const cells = new Uint8Array(data.cells.length);
  let visible = 0;
  for (let i = 0; i < cells.length; i++) {
    if (vis[i]) {
      cells[i] = data.cells[i]!;
      visible++;
    } else cells[i] = FOG;
  }
  const labels = new Map<string, string>();
  for (const [k, v] of data.labels) {
    const i = keyToIndex(k, w, h);
    if (i >= 0 && vis[i]) labels.set(k, v);
  }
  let token: string | null = null;
  if (data.token) {
    const i = keyToIndex(data.token, w, h);
    if (i >= 0 && vis[i]) token = data.token;
  }
  return { cells, labels, token, visible };
}

/** Who sees a hex: 'all', the ids of the players who see it privately, or [] for nobody. */
export function seenBy(data: SessionData, key: string): 'all' | string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const i = keyToIndex(key, w, h);
  if (i < 0) return [];
  if ((data.revealedAll?.[i] ?? 0) > 0) return 'all';
  return memberIds(data).filter((id) => data.revealedTo.get(id)?.has(key));
}

/**
 * Keys of `keys` that a reveal to `targets` would actually change (already visible ones are
 * dropped), so the confirmation threshold and the staged list count real work.
 */
export function keysToReveal(data: SessionData, keys: Iterable<string>, targets: Targets): string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const out: string[] = [];
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i < 0) continue;
    if ((data.revealedAll?.[i] ?? 0) > 0) continue;
    if (targets !== 'all' && 'playerIds' in targets && targets.playerIds.every((p) => data.revealedTo.get(p)?.has(k))) continue;
    out.push(k);
  }
  return out;
}

/** Keys of `keys` that a hide from `targets` would actually change. */
export function keysToHide(data: SessionData, keys: Iterable<string>, targets: Targets): string[] {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const out: string[] = [];
  for (const k of keys) {
    const i = keyToIndex(k, w, h);
    if (i < 0) continue;
    const all = (data.revealedAll?.[i] ?? 0) > 0;
    if (targets === 'all') {
      if (all || memberIds(data).some((p) => data.revealedTo.get(p)?.has(k))) out.push(k);
    } else if ('partyIds' in targets || targets.playerIds.some((p) => data.revealedTo.get(p)?.has(k))) out.push(k);
  }
  return out;
}
