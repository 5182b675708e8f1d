// The travel turn's part of the session projection (docs/travel.md): the DM's rules, every
// party's clock and weather, the waiting encounter prompts; a player's own party's clock and the
// weather while it is shared. The shared reducer (session.ts) hands travel messages here.
import type { EncounterPrompt, PlayerTravel, TravelRules, TravelView } from '../protocol/travel';
import type { ServerMessageOf } from '../protocol/schema';

export interface TravelData {
  /** DM: the campaign's rules, every part filled in. */
  rules: TravelRules | null;
  /** DM: each party's travel state, by party id. */
  parties: ReadonlyMap<string, TravelView>;
  /** DM: encounter prompts waiting for an answer, oldest first. */
  encounters: readonly EncounterPrompt[];
  /** Player: their own party's clock, pace and shared weather; null when in no party. */
  mine: PlayerTravel | null;
}

export const emptyTravel: TravelData = { rules: null, parties: new Map(), encounters: [], mine: null };

/** The travel fields of a session:state (absent from a hub without the travel turn). */
export function travelFromState(m: {
  travelRules?: TravelRules | undefined;
  travel?: TravelView[] | PlayerTravel | null | undefined;
  encounters?: EncounterPrompt[] | undefined;
}): TravelData {
  const t = m.travel;
  if (Array.isArray(t)) {
    return {
      rules: m.travelRules ?? null,
      parties: new Map(t.map((v) => [v.partyId, v])),
      encounters: m.encounters ?? [],
      mine: null,
    };
  }
  return { ...emptyTravel, rules: m.travelRules ?? null, encounters: m.encounters ?? [], mine: t ?? null };
}

export type TravelMessage = ServerMessageOf<'travel:changed' | 'travel:happened' | 'encounters:changed' | 'travel:rulesChanged'>;

/** The new travel data after a travel message (the same object when it changes nothing). */
export function reduceTravel(t: TravelData, msg: TravelMessage): TravelData {
  switch (msg.type) {
    case 'travel:changed': {
      const v = msg.travel;
      if (v !== null && 'partyId' in v) {
        const parties = new Map(t.parties);
        parties.set(v.partyId, v);
        return { ...t, parties };
      }
      return { ...t, mine: v };
    }
    case 'encounters:changed':
      return { ...t, encounters: msg.encounters };
    case 'travel:rulesChanged':
      return { ...t, rules: msg.rules };
    case 'travel:happened': {
      // The log is the DM console's (dm/store/travel.ts); the state after the action is here.
      const parties = new Map(t.parties);
      parties.set(msg.travel.partyId, msg.travel);
      return { ...t, parties };
    }
  }
}

/** The travel views of the parties there still are: a merged party's goes with it. */
export function withParties(t: TravelData, parties: readonly { id: string }[]): TravelData {
  if ([...t.parties.keys()].every((id) => parties.some((p) => p.id === id))) return t;
  return { ...t, parties: new Map([...t.parties].filter(([id]) => parties.some((p) => p.id === id))) };
}
