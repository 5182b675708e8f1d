// What a page load starts before React renders anything (main.tsx calls startPlayer() first):
// the questions to the hub (/api/me, /api/hub) and, for a returning player whose seat this
// browser remembers, the table's connection itself. /api/me then confirms or corrects that
// guess (PlayerApp). The socket checks the cookie by itself, so a stale guess can only fail with
// a close code, never show what the cookie does not allow.
import { fetchHub, fetchMe, rememberedSeat, type HubInfo, type Me } from './api';
import { PlayerConnection } from './connection';

/** What the hub says about this browser; `reached: false` when it did not answer. */
export type Arrival = { reached: true; me: Me | null; hub: HubInfo | null } | { reached: false };

export interface PlayerBoot {
  /** already connecting, for a remembered seat; null when we do not know who we are */
  connection: PlayerConnection | null;
  /** never rejects */
  arrival: Promise<Arrival>;
}

export async function askHub(): Promise<Arrival> {
  try {
    const [me, hub] = await Promise.all([fetchMe(), fetchHub().catch(() => null)]);
    return { reached: true, me, hub };
  } catch {
    return { reached: false };
  }
}

export function startPlayer(): PlayerBoot {
  performance.mark('hexcrawl:boot'); // for the benchmark: all modules evaluated
  const arrival = askHub();
  const seat = rememberedSeat();
  const connection = seat ? new PlayerConnection(seat) : null;
  connection?.start();
  return { connection, arrival };
}
