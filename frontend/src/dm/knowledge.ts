// What each player and party knows, from the DM's projection (docs/exploration.md): a player's
// level on a hex is the highest of three scopes — revealed to all, to their party, to them
// privately. Pure functions over SessionData, used by the veil, "view as", the Hex panel and the
// reveal planning.
import { keyToIndex } from '../hex/coords';
import type { PartyView } from '../protocol/schema';
import type { SessionData } from '../store/session';

export type KnowledgeInput = Pick<SessionData, 'map' | 'revealedAll' | 'revealedTo' | 'partyKnown' | 'parties' | 'players'>;

/** The party a player is in (by the parties' member lists), if any. */
export function partyOfPlayer(data: Pick<SessionData, 'parties'>, playerId: string): PartyView | undefined {
  return data.parties.find((p) => p.memberIds?.includes(playerId));
}

/** A party's level per hex: the highest of all and its own knowledge. */
export function partyLevels(data: KnowledgeInput, partyId: string): Uint8Array {
  const n = (data.map?.width ?? 0) * (data.map?.height ?? 0);
  const out = data.revealedAll && data.revealedAll.length === n ? new Uint8Array(data.revealedAll) : new Uint8Array(n);
  const known = data.partyKnown.get(partyId);
  if (known && known.length === n) for (let i = 0; i < n; i++) if (known[i]! > out[i]!) out[i] = known[i]!;
  return out;
}

/** A player's level per hex: all, their party's, their private knowledge. */
export function playerLevels(data: KnowledgeInput, playerId: string): Uint8Array {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const party = partyOfPlayer(data, playerId);
  const out = party ? partyLevels(data, party.id) : partyLevels(data, '');
  for (const [k, level] of data.revealedTo.get(playerId) ?? []) {
    const i = keyToIndex(k, w, h);
    if (i >= 0 && level > out[i]!) out[i] = level;
  }
  return out;
}

/** One player's level on one hex. */
export function playerLevelAt(data: KnowledgeInput, playerId: string, key: string): number {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const i = keyToIndex(key, w, h);
  if (i < 0) return 0;
  let level = data.revealedAll?.[i] ?? 0;
  const party = partyOfPlayer(data, playerId);
  if (party) level = Math.max(level, data.partyKnown.get(party.id)?.[i] ?? 0);
  return Math.max(level, data.revealedTo.get(playerId)?.get(key) ?? 0);
}

/** One party's level on one hex (all and its own). */
export function partyLevelAt(data: KnowledgeInput, partyId: string, key: string): number {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const i = keyToIndex(key, w, h);
  if (i < 0) return 0;
  return Math.max(data.revealedAll?.[i] ?? 0, data.partyKnown.get(partyId)?.[i] ?? 0);
}

/** Players who are members of the campaign now (a revoked player's reveals do not count). */
export function memberIds(data: Pick<SessionData, 'revealedTo' | 'players'>): string[] {
  return [...data.revealedTo.keys()].filter((id) => data.players.has(id));
}

export interface KnownBy {
  /** what everyone knows */
  all: number;
  /** each party that knows the hex through its own knowledge, beyond what all know */
  parties: { id: string; level: number }[];
  /** each member who knows it privately, beyond what all and their party know */
  players: { id: string; level: number }[];
}

/** Who knows a hex beyond what everyone knows, and how well: the Hex panel's line. */
export function knownBy(data: KnowledgeInput, key: string): KnownBy {
  const w = data.map?.width ?? 0;
  const h = data.map?.height ?? 0;
  const i = keyToIndex(key, w, h);
  if (i < 0) return { all: 0, parties: [], players: [] };
  const all = data.revealedAll?.[i] ?? 0;
  const parties = data.parties.flatMap((p) => {
    const level = data.partyKnown.get(p.id)?.[i] ?? 0;
    return level > all ? [{ id: p.id, level }] : [];
  });
  const players = memberIds(data).flatMap((id) => {
    const level = data.revealedTo.get(id)?.get(key) ?? 0;
    const party = partyOfPlayer(data, id);
    const through = Math.max(all, party ? (data.partyKnown.get(party.id)?.[i] ?? 0) : 0);
    return level > through ? [{ id, level }] : [];
  });
  return { all, parties, players };
}
