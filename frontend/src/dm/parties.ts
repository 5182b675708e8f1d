// Parties from the DM console, until the console has its own party tools: the map's "party"
// tool places the default party (a teleport that reveals nothing, as the one token of protocol
// version 1 did).
import type { ClientMessage } from '../protocol/schema';
import type { SessionData } from '../store/session';

/** The message that puts the default party's token on key (off the map with null). */
export function placeDefaultParty(data: SessionData, key: string | null): ClientMessage | null {
  const party = data.parties.find((p) => p.default);
  return party ? { type: 'party:place', partyId: party.id, key, reveal: false } : null;
}
