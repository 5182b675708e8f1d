// Parties from the DM console, until the console has its own party tools: the map's "party"
// tool places the default party (a teleport that reveals nothing, as the one token of protocol
// version 1 did).
import type { SessionData } from '../store/session';
import type { DmConnection } from './connection';

export function placeDefaultParty(conn: DmConnection, data: SessionData, key: string | null): void {
  const party = data.parties.find((p) => p.default);
  if (party) conn.editor.command({ type: 'party:place', partyId: party.id, key, reveal: false });
}
