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

export interface Booted {
  /** null: no token yet (the console asks for one) */
  creds: DmCredentials | null;
  /** the campaign list (rejects with ApiError 401 for a refused token) */
  campaigns: Promise<Campaign[]>;
}

/** The connection opened ahead of the console, until a Console takes it or it is dropped. */
let early: DmConnection | null = null;

/**
 * Credentials (rejects if the window's binding fails); then, without waiting for each other,
 * the campaign list and the remembered campaign's socket. The console for that campaign can
 * render while both are on their way; if the list turns out not to hold it, or the token is
 * refused, the socket is dropped (dropEarly) or closes itself (4002, 4001).
 */
export async function boot(): Promise<Booted> {
  const creds = await loadCredentials();
  if (!creds) return { creds: null, campaigns: Promise.resolve([]) };
  const last = lastCampaign();
  if (last) {
    early = new DmConnection(last, creds);
    early.start();
  }
  const campaigns = new DmApi(creds.token).campaigns();
  campaigns.catch(() => dropEarly());
  return { creds, campaigns };
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
