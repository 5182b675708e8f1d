// The DM's HTTP calls (docs/protocol.md, "HTTP API"), all with the Bearer token, all checked
// with zod. Errors are ApiError carrying the hub's own message, which the UI shows as is.
import { z } from 'zod';
import { api, ApiError } from '../net/http';
import { mapInfoSchema, orientationSchema, broadcastModeSchema, type Orientation, type ServerMessageOf } from '../protocol/schema';
import { parseServerMessage } from '../protocol/parse';
import { entriesSchema, hexHistorySchema, recapSchema, timelineSchema } from '../protocol/history';

export { ApiError };

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  activeMapId: z.string().optional().default(''),
  broadcastMode: z.optional(broadcastModeSchema),
});
export type Campaign = z.infer<typeof campaignSchema>;

export const mapRowSchema = z.object({ ...mapInfoSchema.shape, campaignId: z.string().optional() });
export type MapRow = z.infer<typeof mapRowSchema>;

export const inviteSchema = z.object({ code: z.string(), expiresAt: z.string(), joinUrl: z.string() });
export type Invite = z.infer<typeof inviteSchema>;

// The hub also lists revoked members, with revokedAt (not in docs/protocol.md; reported).
export const memberRowSchema = z.object({ id: z.string(), name: z.string(), online: z.boolean(), joinedAt: z.string().optional(), revokedAt: z.string().optional() });
export type MemberRow = z.infer<typeof memberRowSchema>;

export const eventRowSchema = z.object({ seq: z.number(), type: z.string(), payload: z.unknown() });
export type EventRow = z.infer<typeof eventRowSchema>;

/** What a removal answers: who left, and the table's new join code (null when the DM kept it). */
export const revokeResultSchema = z.object({ revoked: z.array(z.string()), invite: inviteSchema.nullable() });
export type RevokeResult = z.infer<typeof revokeResultSchema>;

export const backupSchema = z.object({ name: z.string(), path: z.string(), size: z.number(), at: z.string() });
export type Backup = z.infer<typeof backupSchema>;
export const backupsSchema = z.object({ dir: z.string(), keep: z.number(), backups: z.array(backupSchema) });
export type Backups = z.infer<typeof backupsSchema>;

/** A table screen (docs/table.md); `token` and `url` only in the answer that made it. */
export const displayRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  partyId: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  online: z.boolean(),
  token: z.string().optional(),
  url: z.string().optional(),
});
export type DisplayRow = z.infer<typeof displayRowSchema>;

export const hubSchema = z.object({
  name: z.string(),
  version: z.string(),
  protocol: z.number(),
  campaigns: z.number(),
  // Not in protocol v1 yet (requested): the addresses players can open.
  urls: z.array(z.string()).optional(),
});
export type Hub = z.infer<typeof hubSchema>;

export class DmApi {
  constructor(private readonly token: string) {}

  private call<T>(method: string, path: string, schema: z.core.$ZodType<T> | null, body?: unknown): Promise<T> {
    return api(method, path, schema, body, { token: this.token });
  }

  hub() {
    return this.call('GET', '/api/hub', hubSchema);
  }
  campaigns() {
    return this.call('GET', '/api/campaigns', z.array(campaignSchema));
  }
  createCampaign(name: string) {
    return this.call('POST', '/api/campaigns', campaignSchema, { name });
  }
  renameCampaign(id: string, name: string) {
    return this.call('PATCH', `/api/campaigns/${id}`, campaignSchema, { name });
  }
  deleteCampaign(id: string) {
    return this.call('DELETE', `/api/campaigns/${id}`, null);
  }
  maps(campaignId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/maps`, z.array(mapRowSchema));
  }
  createMap(campaignId: string, m: { name: string; width: number; height: number; orientation: Orientation }) {
    orientationSchema.parse(m.orientation);
    return this.call('POST', `/api/campaigns/${campaignId}/maps`, mapRowSchema, m);
  }
  patchMap(mapId: string, p: { name?: string; width?: number; height?: number }) {
    return this.call('PATCH', `/api/maps/${mapId}`, mapRowSchema, p);
  }
  setActiveMap(campaignId: string, mapId: string) {
    return this.call('PUT', `/api/campaigns/${campaignId}/active-map`, null, { mapId });
  }
  createInvite(campaignId: string) {
    return this.call('POST', `/api/campaigns/${campaignId}/invites`, inviteSchema, {});
  }
  invites(campaignId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/invites`, z.array(inviteSchema));
  }
  deleteInvite(code: string) {
    return this.call('DELETE', `/api/invites/${encodeURIComponent(code)}`, null);
  }
  members(campaignId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/members`, z.array(memberRowSchema).nullable()).then((m) => (m ?? []).filter((x) => !x.revokedAt));
  }
  /** The event log after `after`, of the types starting with `type` ("travel:": the travel log). */
  events(campaignId: string, after: number, type: string) {
    const q = new URLSearchParams({ after: String(after), limit: '5000', type });
    return this.call('GET', `/api/campaigns/${campaignId}/events?${q}`, z.array(eventRowSchema));
  }
  /** The campaign's history: sessions, days and watches, who and what it names. */
  timeline(campaignId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/history`, timelineSchema);
  }
  /** The events after `after` up to `upTo`, told (a page of at most 1000: `more` says there are others). */
  historyEntries(campaignId: string, after: number, upTo: number) {
    const q = new URLSearchParams({ after: String(after), upTo: String(upTo) });
    return this.call('GET', `/api/campaigns/${campaignId}/history/entries?${q}`, entriesSchema);
  }
  /** One hex's history, oldest first. */
  hexHistory(campaignId: string, mapId: string, key: string) {
    const q = new URLSearchParams({ mapId, key });
    return this.call('GET', `/api/campaigns/${campaignId}/history/hex?${q}`, hexHistorySchema);
  }
  /** A session's recap (the newest when sessionId is empty). */
  recap(campaignId: string, sessionId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/history/recap?${new URLSearchParams({ sessionId })}`, recapSchema);
  }
  /** The campaign as it was after event `seq`, seen as `as` ("dm", "players", "player:<id>",
   * "party:<id>"): a session:state, checked with the socket's own schema. */
  async replay(campaignId: string, seq: number, as: string, signal?: AbortSignal): Promise<ServerMessageOf<'session:state'>> {
    const q = new URLSearchParams({ seq: String(seq), as });
    const res = await fetch(`/api/campaigns/${campaignId}/history/state?${q}`, { headers: { Authorization: `Bearer ${this.token}` }, signal: signal ?? null });
    const text = await res.text();
    if (!res.ok) throw errorFrom(res, text);
    const m = parseServerMessage(text);
    if (!m.ok || m.message.type !== 'session:state') throw new ApiError(res.status, 'bad_response', 'unexpected replay from the hub');
    return m.message;
  }
  /** Removes players, all or none; unless keepCode the hub withdraws every join code and makes a new one. */
  revokeMembers(campaignId: string, memberIds: string[], keepCode: boolean) {
    return this.call('POST', `/api/campaigns/${campaignId}/members/revoke`, revokeResultSchema, { memberIds, keepCode });
  }
  displays(campaignId: string) {
    return this.call('GET', `/api/campaigns/${campaignId}/displays`, z.array(displayRowSchema).nullable()).then((d) => d ?? []);
  }
  /** A table screen watching `partyId` (null: what everyone knows); the answer has its link. */
  createDisplay(campaignId: string, name: string, partyId: string | null) {
    return this.call('POST', `/api/campaigns/${campaignId}/displays`, displayRowSchema, { name, partyId });
  }
  revokeDisplay(campaignId: string, id: string) {
    return this.call('DELETE', `/api/campaigns/${campaignId}/displays/${encodeURIComponent(id)}`, null);
  }
  backups() {
    return this.call('GET', '/api/backups', backupsSchema);
  }
  backupNow() {
    return this.call('POST', '/api/backups', backupSchema);
  }
  /** The campaign file as text (kept verbatim: it is the backup). */
  async exportCampaign(campaignId: string): Promise<string> {
    const res = await fetch(`/api/campaigns/${campaignId}/export`, { headers: { Authorization: `Bearer ${this.token}` } });
    const text = await res.text();
    if (!res.ok) throw errorFrom(res, text);
    return text;
  }
  /** Imports a campaign file (text); the hub checks it and imports all or nothing. */
  async importCampaign(text: string): Promise<Campaign> {
    const res = await fetch('/api/import', {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: text,
    });
    const body = await res.text();
    if (!res.ok) throw errorFrom(res, body);
    return campaignSchema.parse(JSON.parse(body));
  }
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

function errorFrom(res: Response, text: string): ApiError {
  try {
    const e = errorBody.safeParse(JSON.parse(text));
    if (e.success) return new ApiError(res.status, e.data.error.code, e.data.error.message);
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
}

/** Text for any failure of an API call: the hub's message when it sent one. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return 'The hub did not accept the DM token.';
    return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
  if (e instanceof TypeError) return 'Cannot reach the hub.';
  return e instanceof Error ? e.message : String(e);
}
