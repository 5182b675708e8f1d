// The player's HTTP calls: who am I (cookie), join with a code, hub info.
import { z } from 'zod/mini';
import { api, ApiError, hubInfoSchema, meSchema, type HubInfo, type Me } from '../net/http';

export type { HubInfo, Me };
export { ApiError };

const joinResult = meSchema;
const inviteLookup = z.object({ campaignId: z.string(), campaignName: z.string() });

/** What a join link's code turned out to be: a campaign, or a refusal in the join screen's words. */
export type LinkInvite =
  | { kind: 'ok'; code: string; campaignId: string; campaignName: string }
  | { kind: 'bad'; code: string; message: string };

export async function fetchMe(): Promise<Me | null> {
  try {
    return await api('GET', '/api/me', meSchema);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) return null;
    throw e;
  }
}

export function fetchHub(): Promise<HubInfo> {
  return api('GET', '/api/hub', hubInfoSchema);
}

/** Which campaign a join link's code is for (GET /api/invites/{code}); null when the hub could
 * not say (the join screen then works as it did without the lookup). */
export async function lookupInvite(code: string): Promise<LinkInvite | null> {
  try {
    const r = await api('GET', `/api/invites/${encodeURIComponent(code)}`, inviteLookup);
    return { kind: 'ok', code, ...r };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 410)) return { kind: 'bad', code, message: joinErrorText(e) };
    return null;
  }
}

export function join(code: string, name: string): Promise<Me> {
  return api('POST', '/api/join', joinResult, { code, name });
}

/**
 * Text for a failed join, by HTTP status (docs/protocol.md: 404 unknown code, 410 expired, 403 a
 * seat the DM removed, 409 a full campaign, 429 too many attempts: the hub's words say how long).
 */
export function joinErrorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 404) return 'No invite matches that code. Check it with your DM.';
    if (e.status === 410) return 'That invite has expired. Ask your DM for a new one.';
    if (e.status === 400) return e.message ? capitalise(e.message) : 'Please check the code and your name.';
    if (e.status === 403) return e.message ? capitalise(e.message) : 'The DM removed you from this campaign.';
    if (e.status === 409) return e.message ? capitalise(e.message) : 'This campaign has no room for more players. Ask your DM.';
    if (e.status === 429) return e.message ? capitalise(e.message) : 'Too many attempts. Wait a moment and try again.';
    return `The hub could not let you in (${e.status}). Try again in a moment.`;
  }
  return 'Cannot reach the hub. Check that you are on the same network as the DM.';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The cookie is HttpOnly, so the page cannot see it; remember that we joined (and as whom) to
// tell "never joined" from "our seat was revoked" when /api/me says 401.
const SEAT_KEY = 'hexcrawl.seat';
const NAME_KEY = 'hexcrawl.name';

export function rememberSeat(me: Me): void {
  try {
    localStorage.setItem(SEAT_KEY, JSON.stringify(me));
    localStorage.setItem(NAME_KEY, me.name);
  } catch {
    // private mode: nothing to remember
  }
}
export function forgetSeat(): void {
  try {
    localStorage.removeItem(SEAT_KEY);
  } catch {
    /* ignore */
  }
}
/** The seat this browser last joined with, if any (checked: localStorage is not ours alone). */
export function rememberedSeat(): Me | null {
  try {
    const raw = localStorage.getItem(SEAT_KEY);
    if (raw === null) return null;
    const r = meSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
export function hadSeat(): boolean {
  try {
    return localStorage.getItem(SEAT_KEY) !== null;
  } catch {
    return false;
  }
}
export function lastName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Code from a join link: /join/CODE (also ?code=CODE). */
export function codeFromLocation(loc: Location): string {
  const m = /^\/join\/([^/?#]+)/.exec(loc.pathname);
  if (m?.[1]) return decodeURIComponent(m[1]);
  return new URLSearchParams(loc.search).get('code') ?? '';
}
