// What the DM console needs before it can draw, started the moment this chunk is evaluated and
// all at once: the credentials, the campaign list and — for the campaign the DM had open last
// time — the WebSocket with its session:state. Waiting for React to mount and run its effects
// first made these a waterfall (chunk → render → /api/campaigns → render → socket → state).
import { DmApi, type Campaign } from './api';
import { loadCredentials, type DmCredentials } from './creds';
import { DmConnection } from './connection';

const CAMPAIGN_KEY = 'hexcrawl.dmCampaign';

export function rememberCampaign(id: string): void {
  try {
    localStorage.setItem(CAMPAIGN_KEY, id);
  } catch {
    /* private mode: not remembered */
  }
}

export function lastCampaign(): string | null {
  try {
    return localStorage.getItem(CAMPAIGN_KEY);
  } catch {
    return null;
  }
}

export type Booted =
  /** creds null: no token yet (the console asks for one) */
  | { ok: true; creds: DmCredentials | null; campaigns: Campaign[] }
  /** the campaign list failed (a 401 is a refused token) */
  | { ok: false; creds: DmCredentials; error: unknown };

/** The connection opened ahead of the console, until a Console takes it or it is dropped. */
let early: DmConnection | null = null;

/**
 * Credentials (rejects if the window's binding fails), then the campaign list and the remembered campaign's socket in parallel. The
 * socket is a guess: if the list does not hold that campaign, or the token is refused, the
 * caller drops it (dropEarly).
 */
export async function boot(): Promise<Booted> {
  const creds = await loadCredentials();
  if (!creds) return { ok: true, creds: null, campaigns: [] };
  const last = lastCampaign();
  if (last) {
    early = new DmConnection(last, creds);
    early.start();
  }
  try {
    return { ok: true, creds, campaigns: await new DmApi(creds.token).campaigns() };
  } catch (error) {
    dropEarly();
    return { ok: false, creds, error };
  }
}

/** The early connection if it is for this campaign and token and still usable, else null. */
export function earlyConnection(campaignId: string, creds: DmCredentials): DmConnection | null {
  const c = early;
  if (!c || c.campaignId !== campaignId || c.token !== creds.token) return null;
  return c.socket.getStatus().kind === 'closed' ? null : c;
}

/** Stops the early connection unless it is `keep` (the one a Console now owns). */
export function dropEarly(keep?: DmConnection): void {
  if (early && early !== keep) early.stop();
  early = null;
}
