// Small typed fetch helpers for the HTTP API (docs/protocol.md). Responses are checked with zod
// (zod/mini on the player's path; api() accepts any zod schema, the DM's are full zod).
import { z } from 'zod/mini';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface ApiOptions {
  baseUrl?: string;
  /** DM token; sent as Authorization: Bearer. */
  token?: string;
  signal?: AbortSignal;
}

export async function api<T>(
  method: string,
  path: string,
  schema: z.core.$ZodType<T> | null,
  body?: unknown,
  opts: ApiOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const url = opts.baseUrl ? new URL(path, opts.baseUrl).toString() : path;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'same-origin',
    signal: opts.signal ?? null,
  });
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const e = errorBody.safeParse(json);
    if (e.success) throw new ApiError(res.status, e.data.error.code, e.data.error.message);
    throw new ApiError(res.status, 'http', `${res.status} ${res.statusText}`);
  }
  if (!schema) return undefined as T;
  const r = z.safeParse(schema, json);
  if (!r.success) throw new ApiError(res.status, 'bad_response', `unexpected response from ${path}`);
  return r.data;
}

export const hubInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  protocol: z.number(),
  campaigns: z.int().check(z.nonnegative()),
});
export type HubInfo = z.infer<typeof hubInfoSchema>;

export const meSchema = z.object({
  playerId: z.string(),
  campaignId: z.string(),
  name: z.string(),
  // The hub sends it with /api/me and /api/join; optional so seats remembered before it still parse.
  campaignName: z.optional(z.string()),
});
export type Me = z.infer<typeof meSchema>;
