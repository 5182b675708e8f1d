// The history's HTTP answers (docs/protocol.md, "History"): the DM's timeline, entries, a hex's
// history and a session's recap, and a player's journal. zod/mini, as the journal is on the
// player's path; the replay's answer is a session:state and parses with the socket's schema.
import { z } from 'zod/mini';
import { hexStateSchema, terrainSchema } from './schema';

export const clockSchema = z.object({ day: z.number(), watch: z.number(), watchName: z.string() });
export type Clock = z.infer<typeof clockSchema>;

export const nameRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: z.optional(z.string()),
  gone: z.optional(z.boolean()),
});
export type NameRef = z.infer<typeof nameRefSchema>;

export const HISTORY_KINDS = ['reveal', 'hide', 'move', 'edit', 'marker', 'party', 'join', 'session', 'travel'] as const;
export const historyKindSchema = z.enum(HISTORY_KINDS);
export type HistoryKind = z.infer<typeof historyKindSchema>;

export const watchSpanSchema = z.object({
  clock: z.nullable(clockSchema),
  first: z.number(),
  last: z.number(),
  events: z.number(),
  kinds: z.record(z.string(), z.number()),
});
export type WatchSpan = z.infer<typeof watchSpanSchema>;

export const sessionSpanSchema = z.object({
  id: z.string(),
  number: z.number(),
  first: z.number(),
  last: z.number(),
  startedAt: z.string(),
  endedAt: z.string(),
  events: z.number(),
  watches: z.array(watchSpanSchema),
});
export type SessionSpan = z.infer<typeof sessionSpanSchema>;

export const timelineSchema = z.object({
  seq: z.number(),
  sessions: z.array(sessionSpanSchema),
  members: z.array(nameRefSchema),
  parties: z.array(nameRefSchema),
  maps: z.array(nameRefSchema),
  kinds: z.array(z.string()),
});
export type Timeline = z.infer<typeof timelineSchema>;

export const historyEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  sessionId: z.string(),
  type: z.string(),
  kind: historyKindSchema,
  text: z.string(),
  mapId: z.optional(z.string()),
  partyId: z.optional(z.string()),
  keys: z.optional(z.array(z.string())),
  keyCount: z.number(),
  seen: z.array(z.string()),
  clock: z.nullable(clockSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const entriesSchema = z.object({ entries: z.array(historyEntrySchema), more: z.boolean() });

export const hexEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  sessionId: z.string(),
  what: z.string(),
  text: z.string(),
  state: z.optional(hexStateSchema),
  partyId: z.optional(z.string()),
  targets: z.optional(z.unknown()),
});
export type HexEntry = z.infer<typeof hexEntrySchema>;
export const hexHistorySchema = z.object({ mapId: z.string(), key: z.string(), entries: z.array(hexEntrySchema) });
export type HexHistory = z.infer<typeof hexHistorySchema>;

export const recapHexSchema = z.object({
  mapId: z.string(),
  key: z.string(),
  terrain: terrainSchema,
  state: z.string(),
  label: z.optional(z.string()),
  players: z.array(z.string()),
});
export type RecapHex = z.infer<typeof recapHexSchema>;

export const recapSchema = z.object({
  campaign: z.string(),
  sessionId: z.string(),
  number: z.number(),
  first: z.number(),
  last: z.number(),
  startedAt: z.string(),
  endedAt: z.string(),
  ended: z.boolean(),
  mapId: z.string(),
  hexes: z.array(recapHexSchema),
  labels: z.array(recapHexSchema),
  parties: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      color: z.string(),
      members: z.array(z.string()),
      path: z.array(z.string()),
      steps: z.number(),
      start: z.nullable(clockSchema),
      end: z.nullable(clockSchema),
    }),
  ),
  players: z.array(nameRefSchema),
  maps: z.array(nameRefSchema),
});
export type Recap = z.infer<typeof recapSchema>;

export const journalEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  sessionId: z.string(),
  mapId: z.string(),
  key: z.string(),
  what: z.enum(['discovered', 'label']),
  state: z.optional(hexStateSchema),
  terrain: terrainSchema,
  label: z.optional(z.string()),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const journalSchema = z.object({
  seq: z.number(),
  sessions: z.array(
    z.object({ id: z.string(), number: z.number(), startedAt: z.string(), endedAt: z.string(), entries: z.array(journalEntrySchema) }),
  ),
  maps: z.array(nameRefSchema),
});
export type Journal = z.infer<typeof journalSchema>;
