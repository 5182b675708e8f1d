// Zod schemas for every WebSocket message in docs/protocol.md (v1). The server schemas are
// lenient about extra fields (a newer hub may add some); the client schemas are strict, like
// the hub, so a message the DM app builds is checked before it leaves.
import { z } from 'zod/mini';
import { ERROR_CODES, LIMITS, MAX_HEXES_PER_MESSAGE, MAX_LABEL, MAX_NOTES, MAX_REF } from './constants';

export { MAX_HEXES_PER_MESSAGE, MAX_LABEL, MAX_NOTES, MAX_REF, PROTOCOL_VERSION } from './constants';

export const TERRAINS = [
  'plains',
  'forest',
  'hills',
  'mountains',
  'swamp',
  'desert',
  'water',
  'coast',
  'tundra',
  'jungle',
  'settlement',
  'ruins',
] as const;

export const terrainSchema = z.enum(['', ...TERRAINS]);
export type Terrain = z.infer<typeof terrainSchema>;

// Canonical "col,row": no leading zeros, no sign, no spaces.
export const HEX_KEY_RE = /^(0|[1-9][0-9]*),(0|[1-9][0-9]*)$/;
export const hexKeySchema = z.string().check(z.regex(HEX_KEY_RE, 'not a canonical "col,row" key'));
export type HexKey = string;

const seq = z.int().check(z.nonnegative());
const id = z.string().check(z.minLength(1));

export const sessionStatusSchema = z.enum(['waiting', 'active', 'paused', 'ended']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/**
 * A running session (active or paused): map changes follow the broadcast mode, and reveals,
 * hides and token moves are allowed. The hub's rule is `game.SessionStatus.Live`.
 */
export function isLive(status: SessionStatus | null | undefined): boolean {
  return status === 'active' || status === 'paused';
}

export const broadcastModeSchema = z.enum(['immediate', 'staged']);
export type BroadcastMode = z.infer<typeof broadcastModeSchema>;

export const orientationSchema = z.enum(['flat', 'pointy']);
export type Orientation = z.infer<typeof orientationSchema>;

export const targetsSchema = z.union([
  z.literal('all'),
  z.strictObject({ playerIds: z.array(id).check(z.minLength(1)) }),
]);
export type Targets = z.infer<typeof targetsSchema>;

export const hexViewSchema = z.object({
  key: hexKeySchema,
  terrain: terrainSchema,
  label: z.optional(z.string()),
  notes: z.optional(z.string()),
});
export type HexView = z.infer<typeof hexViewSchema>;

// The hub counts characters (Unicode code points), not UTF-16 units as String.length does.
function maxRunes(n: number) {
  return z.string().check(z.refine((s) => s.length <= n || [...s].length <= n, { message: `at most ${n} characters` }));
}

export const hexChangeSchema = z
  .strictObject({
    key: hexKeySchema,
    terrain: z.optional(terrainSchema),
    label: z.optional(maxRunes(MAX_LABEL)),
    notes: z.optional(maxRunes(MAX_NOTES)),
  })
  .check(
    z.refine((c) => c.terrain !== undefined || c.label !== undefined || c.notes !== undefined, {
      message: 'a change needs terrain, label or notes',
    }),
  );
export type HexChange = z.infer<typeof hexChangeSchema>;

const hexKeys = z.array(hexKeySchema).check(z.minLength(1), z.maxLength(MAX_HEXES_PER_MESSAGE));
const changes = z.array(hexChangeSchema).check(z.minLength(1), z.maxLength(MAX_HEXES_PER_MESSAGE));

export const stagedChangeSchema = z.discriminatedUnion('kind', [
  z.object({ id, kind: z.literal('reveal'), hexKeys: z.array(hexKeySchema), targets: targetsSchema }),
  z.object({ id, kind: z.literal('hide'), hexKeys: z.array(hexKeySchema), targets: targetsSchema }),
  z.object({ id, kind: z.literal('update'), changes: z.array(hexChangeSchema) }),
  z.object({ id, kind: z.literal('token'), key: z.nullable(hexKeySchema) }),
]);
export type StagedChange = z.infer<typeof stagedChangeSchema>;

export const memberSchema = z.object({ id, name: z.string() });
export type Member = z.infer<typeof memberSchema>;

export const playerPresenceSchema = z.object({ id, name: z.string(), online: z.boolean() });
export type PlayerPresence = z.infer<typeof playerPresenceSchema>;

export const mapInfoSchema = z.object({
  id,
  name: z.string(),
  width: z.int().check(z.minimum(1), z.maximum(LIMITS.maxMapSide)),
  height: z.int().check(z.minimum(1), z.maximum(LIMITS.maxMapSide)),
  orientation: orientationSchema,
});
export type MapInfo = z.infer<typeof mapInfoSchema>;

// ---------------------------------------------------------------- server → client

export const sessionStateSchema = z
  .object({
    type: z.literal('session:state'),
    seq,
    role: z.enum(['player', 'dm']),
    you: z.nullable(memberSchema),
    campaign: z.object({ id, name: z.string() }),
    session: z.nullable(z.object({ id, status: sessionStatusSchema })),
    broadcastMode: broadcastModeSchema,
    preparing: z.boolean(),
    map: z.nullable(mapInfoSchema),
    grid: z.string(),
    labels: z.record(hexKeySchema, z.string()),
    token: z.nullable(hexKeySchema),
    players: z.array(playerPresenceSchema),
    // DM only
    notes: z.optional(z.record(hexKeySchema, z.string())),
    revealedAll: z.optional(z.string().check(z.regex(/^[01]*$/))),
    revealedTo: z.optional(z.record(id, z.array(hexKeySchema))),
    staged: z.optional(z.array(stagedChangeSchema)),
  })
  .check(z.superRefine((s, ctx) => {
    // The grid must match the map, or the store would index past it.
    const expected = s.map ? s.map.width * s.map.height : 0;
    if (s.grid.length !== expected) {
      ctx.addIssue({ code: 'custom', path: ['grid'], message: `grid has ${s.grid.length} cells, map needs ${expected}` });
    }
    if (!/^[.pfhmsdwctjvr?]*$/.test(s.grid)) {
      ctx.addIssue({ code: 'custom', path: ['grid'], message: 'grid has an unknown terrain code' });
    }
    if (s.revealedAll !== undefined && s.revealedAll.length !== expected) {
      ctx.addIssue({ code: 'custom', path: ['revealedAll'], message: 'revealedAll does not match the map' });
    }
  }));
export type SessionState = z.infer<typeof sessionStateSchema>;

export const sessionStatusChangedSchema = z.object({
  type: z.literal('session:statusChanged'),
  seq,
  sessionId: id,
  status: sessionStatusSchema,
});
export const broadcastModeChangedSchema = z.object({
  type: z.literal('broadcast:modeChanged'),
  seq,
  mode: broadcastModeSchema,
});
export const hexRevealedSchema = z.object({
  type: z.literal('hex:revealed'),
  seq,
  hexes: z.array(hexViewSchema),
  targets: z.optional(targetsSchema),
});
export const hexHiddenSchema = z.object({
  type: z.literal('hex:hidden'),
  seq,
  keys: z.array(hexKeySchema),
  targets: z.optional(targetsSchema),
});
export const hexUpdatedSchema = z.object({
  type: z.literal('hex:updated'),
  seq,
  hexes: z.array(hexViewSchema),
});
export const tokenMovedSchema = z.object({
  type: z.literal('token:moved'),
  seq,
  key: z.nullable(hexKeySchema),
});
export const mapChangedSchema = z.object({ type: z.literal('map:changed'), seq });
export const stagedChangedSchema = z.object({
  type: z.literal('staged:changed'),
  seq,
  staged: z.array(stagedChangeSchema),
});
export const playerJoinedSchema = z.object({ type: z.literal('player:joined'), players: z.array(memberSchema) });
export const playerLeftSchema = z.object({ type: z.literal('player:left'), playerIds: z.array(id) });
export const memberAddedSchema = z.object({ type: z.literal('member:added'), member: memberSchema });
export const dmPreparingSchema = z.object({ type: z.literal('dm:preparing'), preparing: z.boolean() });
/** The answer to a client's `ping` (the heartbeat, see net/socket.ts); echoes its ref. */
export const pongSchema = z.object({ type: z.literal('pong'), ref: z.optional(z.string()) });

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;
export const errorMessageSchema = z.object({
  type: z.literal('error'),
  // A newer hub may add codes; keep the message rather than dropping it.
  code: z.union([errorCodeSchema, z.string()]),
  message: z.string(),
  ref: z.optional(z.string()),
});

export const serverMessageSchemas = {
  'session:state': sessionStateSchema,
  'session:statusChanged': sessionStatusChangedSchema,
  'broadcast:modeChanged': broadcastModeChangedSchema,
  'hex:revealed': hexRevealedSchema,
  'hex:hidden': hexHiddenSchema,
  'hex:updated': hexUpdatedSchema,
  'token:moved': tokenMovedSchema,
  'map:changed': mapChangedSchema,
  'staged:changed': stagedChangedSchema,
  'player:joined': playerJoinedSchema,
  'player:left': playerLeftSchema,
  'member:added': memberAddedSchema,
  'dm:preparing': dmPreparingSchema,
  pong: pongSchema,
  error: errorMessageSchema,
} as const;

export type ServerMessageType = keyof typeof serverMessageSchemas;
export type ServerMessage = {
  [K in ServerMessageType]: z.infer<(typeof serverMessageSchemas)[K]>;
}[ServerMessageType];
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;
/** What the socket hands on: everything but `pong`, which only the socket itself cares about. */
export type SessionMessage = Exclude<ServerMessage, { type: 'pong' }>;

// ---------------------------------------------------------------- client → server

const ref = z.optional(z.string().check(z.maxLength(MAX_REF)));

export const clientMessageSchemas = {
  'session:start': z.strictObject({ type: z.literal('session:start'), ref }),
  'session:pause': z.strictObject({ type: z.literal('session:pause'), ref }),
  'session:resume': z.strictObject({ type: z.literal('session:resume'), ref }),
  'session:end': z.strictObject({ type: z.literal('session:end'), ref }),
  'broadcast:mode': z.strictObject({ type: z.literal('broadcast:mode'), mode: broadcastModeSchema, ref }),
  'broadcast:publish': z.strictObject({ type: z.literal('broadcast:publish'), ref }),
  'staged:undo': z.strictObject({ type: z.literal('staged:undo'), index: z.int().check(z.nonnegative()), ref }),
  'hex:reveal': z.strictObject({ type: z.literal('hex:reveal'), hexKeys, targets: targetsSchema, ref }),
  'hex:hide': z.strictObject({ type: z.literal('hex:hide'), hexKeys, targets: targetsSchema, ref }),
  'hex:update': z.strictObject({ type: z.literal('hex:update'), changes, ref }),
  'token:move': z.strictObject({ type: z.literal('token:move'), key: z.nullable(hexKeySchema), ref }),
  'hex:fill': z.strictObject({ type: z.literal('hex:fill'), key: hexKeySchema, terrain: terrainSchema, ref }),
  // Any role; the hub answers `pong` at once without touching the session.
  ping: z.strictObject({ type: z.literal('ping'), ref }),
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage = {
  [K in ClientMessageType]: z.infer<(typeof clientMessageSchemas)[K]>;
}[ClientMessageType];
