// Zod schemas for every WebSocket message in docs/protocol.md (v2). The server schemas are
// lenient about extra fields (a newer hub may add some); the client schemas are strict, like
// the hub, so a message the DM app builds is checked before it leaves.
import { z } from 'zod/mini';
import {
  ERROR_CODES,
  HEX_STATES,
  LIMITS,
  MARKER_KINDS,
  MARKER_VISIBILITIES,
  MAX_HEXES_PER_MESSAGE,
  MAX_LABEL,
  MAX_NOTES,
  MAX_REF,
  PARTY_COLOR_RE,
  PARTY_REVEALS,
} from './constants';
import {
  encounterPromptSchema,
  playerTravelSchema,
  travelClientMessageSchemas,
  travelRulesSchema,
  travelServerMessageSchemas,
  travelViewSchema,
} from './travel';
import { hexKeySchema, terrainSchema } from './primitives';

export { MAX_HEXES_PER_MESSAGE, MAX_LABEL, MAX_NOTES, MAX_REF, PROTOCOL_VERSION } from './constants';

export { HEX_KEY_RE, TERRAINS, hexKeySchema, terrainSchema, type HexKey, type Terrain } from './primitives';

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
  z.strictObject({ partyIds: z.array(id).check(z.minLength(1)) }),
]);
export type Targets = z.infer<typeof targetsSchema>;

/** What a player knows of a hex beyond fog (docs/exploration.md). */
export const hexStateSchema = z.enum(HEX_STATES);
export type HexState = z.infer<typeof hexStateSchema>;

/** A hex; `state` only to players (the DM sees everything), `notes` only to the DM. */
export const hexViewSchema = z.object({
  key: hexKeySchema,
  terrain: terrainSchema,
  label: z.optional(z.string()),
  notes: z.optional(z.string()),
  /** a road runs through it (to a player: explored hexes only) */
  road: z.optional(z.boolean()),
  state: z.optional(hexStateSchema),
});
export type HexView = z.infer<typeof hexViewSchema>;

export const partyRevealSchema = z.enum(PARTY_REVEALS);
export type PartyReveal = z.infer<typeof partyRevealSchema>;
export const partyColorSchema = z.string().check(z.regex(PARTY_COLOR_RE, 'a colour is "#rrggbb" in lower-case hex'));

/**
 * A party. Players get `{id, name, color, key}` (+ `memberIds` for their own party); the DM
 * also `default`, `reveal`, `memberIds` and `undo` for every party.
 */
export const partyViewSchema = z.object({
  id,
  name: z.string(),
  color: partyColorSchema,
  key: z.nullable(hexKeySchema),
  memberIds: z.optional(z.array(id)),
  default: z.optional(z.boolean()),
  reveal: z.optional(partyRevealSchema),
  undo: z.optional(z.int().check(z.nonnegative())),
});
export type PartyView = z.infer<typeof partyViewSchema>;

export const markerKindSchema = z.enum(MARKER_KINDS);
export type MarkerKind = z.infer<typeof markerKindSchema>;
export const markerVisibilitySchema = z.enum(MARKER_VISIBILITIES);
export type MarkerVisibility = z.infer<typeof markerVisibilitySchema>;

/** A marker; `visibility` only to the DM. */
export const markerViewSchema = z.object({
  id,
  key: hexKeySchema,
  kind: markerKindSchema,
  label: z.string(),
  visibility: z.optional(markerVisibilitySchema),
});
export type MarkerView = z.infer<typeof markerViewSchema>;

const ruleNumber = (max: number) => z.int().check(z.minimum(0), z.maximum(max));
export const sightRuleSchema = z.strictObject({
  sight: ruleNumber(LIMITS.maxSight),
  height: ruleNumber(LIMITS.maxHeight),
  landmark: ruleNumber(LIMITS.maxSight),
});
export type SightRuleWire = z.infer<typeof sightRuleSchema>;
/** Per terrain ('' is unpainted); in `sight:rules`, terrains left out keep the defaults. */
export const sightRulesSchema = z.partialRecord(terrainSchema, sightRuleSchema);
export type SightRulesWire = z.infer<typeof sightRulesSchema>;

/** A knowledge level per hex, row-major: 0 unknown, 1 glimpsed, 2 explored. */
const levels = z.string().check(z.regex(/^[012]*$/));
const level = z.union([z.literal(1), z.literal(2)]);

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
    road: z.optional(z.boolean()),
  })
  .check(
    z.refine((c) => c.terrain !== undefined || c.label !== undefined || c.notes !== undefined || c.road !== undefined, {
      message: 'a change needs terrain, label, notes or road',
    }),
  );
export type HexChange = z.infer<typeof hexChangeSchema>;

const hexKeys = z.array(hexKeySchema).check(z.minLength(1), z.maxLength(MAX_HEXES_PER_MESSAGE));
const changes = z.array(hexChangeSchema).check(z.minLength(1), z.maxLength(MAX_HEXES_PER_MESSAGE));

export const stagedChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    id,
    kind: z.literal('reveal'),
    hexKeys: z.array(hexKeySchema),
    targets: targetsSchema,
    // absent in entries staged before protocol v2: explored
    state: z.optional(hexStateSchema),
  }),
  z.object({ id, kind: z.literal('hide'), hexKeys: z.array(hexKeySchema), targets: targetsSchema }),
  z.object({ id, kind: z.literal('update'), changes: z.array(hexChangeSchema) }),
  z.object({ id, kind: z.literal('move'), partyId: id, path: z.array(hexKeySchema) }),
  z.object({ id, kind: z.literal('place'), partyId: id, key: z.nullable(hexKeySchema), reveal: z.boolean() }),
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

// ---------------------------------------------------------------- at the table (docs/table.md)

/** A player's note on a hex; `partyId` only to the DM (the party it is shared with, or null). */
export const playerNoteSchema = z.object({
  id,
  key: hexKeySchema,
  text: z.string(),
  shared: z.boolean(),
  authorId: id,
  authorName: z.string(),
  updatedAt: z.string(),
  partyId: z.optional(z.nullable(id)),
});
export type PlayerNote = z.infer<typeof playerNoteSchema>;

/** What a table screen watches: a party, or (partyId null) what everyone knows. */
export const displayViewSchema = z.object({ id, name: z.string(), partyId: z.nullable(id) });
export type DisplayView = z.infer<typeof displayViewSchema>;

// ---------------------------------------------------------------- server → client

export const sessionStateSchema = z
  .object({
    type: z.literal('session:state'),
    seq,
    role: z.enum(['player', 'dm', 'display']),
    you: z.nullable(z.object({ id, name: z.string(), partyId: z.nullable(id) })),
    campaign: z.object({ id, name: z.string() }),
    session: z.nullable(z.object({ id, status: sessionStatusSchema })),
    broadcastMode: broadcastModeSchema,
    preparing: z.boolean(),
    map: z.nullable(mapInfoSchema),
    grid: z.string(),
    labels: z.record(hexKeySchema, z.string()),
    roads: z.optional(z.array(hexKeySchema)),
    parties: z.array(partyViewSchema),
    markers: z.array(markerViewSchema),
    players: z.array(playerPresenceSchema),
    // DM only
    notes: z.optional(z.record(hexKeySchema, z.string())),
    revealedAll: z.optional(levels),
    revealedTo: z.optional(z.record(id, z.record(hexKeySchema, level))),
    partyKnown: z.optional(z.record(id, levels)),
    sightRules: z.optional(sightRulesSchema),
    staged: z.optional(z.array(stagedChangeSchema)),
    // The travel turn (docs/travel.md): the DM's every party and prompts, a player's own party.
    travelRules: z.optional(travelRulesSchema),
    travel: z.optional(z.union([z.array(travelViewSchema), z.nullable(playerTravelSchema)])),
    encounters: z.optional(z.array(encounterPromptSchema)),
    // At the table (docs/table.md): a player's readable notes, or the DM's every note; a table
    // screen's own description.
    playerNotes: z.optional(z.array(playerNoteSchema)),
    display: z.optional(displayViewSchema),
  })
  .check(z.superRefine((s, ctx) => {
    // The grid must match the map, or the store would index past it.
    const expected = s.map ? s.map.width * s.map.height : 0;
    if (s.grid.length !== expected) {
      ctx.addIssue({ code: 'custom', path: ['grid'], message: `grid has ${s.grid.length} cells, map needs ${expected}` });
    }
    // Lower case: explored (the DM: everything); upper case and ',': glimpsed; '?': fog.
    if (!/^[.pfhmsdwctjvr?,PFHMSDWCTJVR]*$/.test(s.grid)) {
      ctx.addIssue({ code: 'custom', path: ['grid'], message: 'grid has an unknown terrain code' });
    }
    if (s.revealedAll !== undefined && s.revealedAll.length !== expected) {
      ctx.addIssue({ code: 'custom', path: ['revealedAll'], message: 'revealedAll does not match the map' });
    }
    for (const [pid, known] of Object.entries(s.partyKnown ?? {})) {
      if (known.length !== expected) {
        ctx.addIssue({ code: 'custom', path: ['partyKnown', pid], message: 'partyKnown does not match the map' });
      }
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
  // DM only: to whom, and as what
  targets: z.optional(targetsSchema),
  state: z.optional(hexStateSchema),
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
export const partiesChangedSchema = z.object({
  type: z.literal('parties:changed'),
  seq,
  parties: z.array(partyViewSchema),
});
/** To the DM: a party moved or was placed, and what its knowledge gained. */
export const partyMovedSchema = z.object({
  type: z.literal('party:moved'),
  seq,
  partyId: id,
  key: z.nullable(hexKeySchema),
  path: z.array(hexKeySchema),
  explored: z.array(hexKeySchema),
  glimpsed: z.array(hexKeySchema),
  undo: z.int().check(z.nonnegative()),
});
/** To the DM: a party's whole knowledge of the active map (after a split, merge, undo or hide). */
export const partyKnownSchema = z.object({ type: z.literal('party:known'), seq, partyId: id, known: levels });
/** To the DM: a player's whole private knowledge of the active map. */
export const playerKnownSchema = z.object({
  type: z.literal('player:known'),
  seq,
  playerId: id,
  known: z.record(hexKeySchema, level),
});
export const markersChangedSchema = z.object({
  type: z.literal('markers:changed'),
  seq,
  markers: z.array(markerViewSchema),
});
export const sightRulesChangedSchema = z.object({
  type: z.literal('sight:rulesChanged'),
  seq,
  rules: sightRulesSchema,
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
/** DM only: how saving goes (a slow commit; a data file that refuses changes, in words for the DM). */
export const storageStatusSchema = z.object({
  type: z.literal('storage:status'),
  saving: z.boolean(),
  problem: z.nullable(z.string()),
});
/** A ping on a hex: from a player, or (from null) the DM. Not sequenced: it changes no state. */
export const hexPingedSchema = z.object({
  type: z.literal('hex:pinged'),
  id,
  key: hexKeySchema,
  from: z.nullable(z.object({ id, name: z.string() })),
});
export const playerNotesChangedSchema = z.object({
  type: z.literal('playerNotes:changed'),
  seq,
  playerNotes: z.array(playerNoteSchema),
});
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
  'parties:changed': partiesChangedSchema,
  'party:moved': partyMovedSchema,
  'party:known': partyKnownSchema,
  'player:known': playerKnownSchema,
  'markers:changed': markersChangedSchema,
  'sight:rulesChanged': sightRulesChangedSchema,
  'map:changed': mapChangedSchema,
  'staged:changed': stagedChangedSchema,
  'player:joined': playerJoinedSchema,
  'player:left': playerLeftSchema,
  'member:added': memberAddedSchema,
  'dm:preparing': dmPreparingSchema,
  'storage:status': storageStatusSchema,
  'hex:pinged': hexPingedSchema,
  'playerNotes:changed': playerNotesChangedSchema,
  pong: pongSchema,
  error: errorMessageSchema,
  ...travelServerMessageSchemas,
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

/** Player ids, none listed twice. */
function playerIds(min: number) {
  return z.array(id).check(
    z.minLength(min),
    z.refine((ids) => new Set(ids).size === ids.length, { message: 'a player is listed twice' }),
  );
}
const partyName = z.string().check(z.minLength(1), z.refine((s) => [...s].length <= LIMITS.maxPartyNameChars, {
  message: `at most ${LIMITS.maxPartyNameChars} characters`,
}));
const markerLabel = maxRunes(MAX_LABEL);
/** A note's text: the hub trims it, then it needs 1 to maxPlayerNoteChars characters. */
const noteText = z.string().check(
  z.refine((s) => s.trim() !== '', { message: 'a note needs some text' }),
  z.refine((s) => [...s.trim()].length <= LIMITS.maxPlayerNoteChars, {
    message: `a note has at most ${LIMITS.maxPlayerNoteChars} characters`,
  }),
);

export const clientMessageSchemas = {
  'session:start': z.strictObject({ type: z.literal('session:start'), ref }),
  'session:pause': z.strictObject({ type: z.literal('session:pause'), ref }),
  'session:resume': z.strictObject({ type: z.literal('session:resume'), ref }),
  'session:end': z.strictObject({ type: z.literal('session:end'), ref }),
  'broadcast:mode': z.strictObject({ type: z.literal('broadcast:mode'), mode: broadcastModeSchema, ref }),
  'broadcast:publish': z.strictObject({ type: z.literal('broadcast:publish'), ref }),
  'staged:undo': z.strictObject({ type: z.literal('staged:undo'), index: z.int().check(z.nonnegative()), ref }),
  'hex:reveal': z.strictObject({
    type: z.literal('hex:reveal'),
    hexKeys,
    targets: targetsSchema,
    state: z.optional(hexStateSchema), // default explored
    ref,
  }),
  'hex:hide': z.strictObject({ type: z.literal('hex:hide'), hexKeys, targets: targetsSchema, ref }),
  'hex:update': z.strictObject({ type: z.literal('hex:update'), changes, ref }),
  'hex:fill': z.strictObject({ type: z.literal('hex:fill'), key: hexKeySchema, terrain: terrainSchema, ref }),
  'party:create': z.strictObject({
    type: z.literal('party:create'),
    name: partyName,
    color: partyColorSchema,
    playerIds: playerIds(0),
    key: z.optional(hexKeySchema),
    ref,
  }),
  'party:update': z
    .strictObject({
      type: z.literal('party:update'),
      partyId: id,
      name: z.optional(partyName),
      color: z.optional(partyColorSchema),
      reveal: z.optional(partyRevealSchema),
      ref,
    })
    .check(
      z.refine((m) => m.name !== undefined || m.color !== undefined || m.reveal !== undefined, {
        message: 'party:update needs at least one of name, color and reveal',
      }),
    ),
  'party:assign': z.strictObject({ type: z.literal('party:assign'), partyId: z.nullable(id), playerIds: playerIds(1), ref }),
  'party:merge': z
    .strictObject({ type: z.literal('party:merge'), partyId: id, intoId: id, ref })
    .check(z.refine((m) => m.partyId !== m.intoId, { message: 'a party cannot be merged into itself', path: ['intoId'] })),
  'party:move': z.strictObject({
    type: z.literal('party:move'),
    partyId: id,
    path: z.array(hexKeySchema).check(z.minLength(1), z.maxLength(LIMITS.maxPathLength)),
    ref,
  }),
  'party:place': z.strictObject({
    type: z.literal('party:place'),
    partyId: id,
    key: z.nullable(hexKeySchema),
    reveal: z.boolean(),
    ref,
  }),
  'party:undo': z.strictObject({ type: z.literal('party:undo'), partyId: id, ref }),
  'marker:place': z.strictObject({
    type: z.literal('marker:place'),
    key: hexKeySchema,
    kind: markerKindSchema,
    label: markerLabel,
    visibility: markerVisibilitySchema,
    ref,
  }),
  'marker:update': z
    .strictObject({
      type: z.literal('marker:update'),
      markerId: id,
      key: z.optional(hexKeySchema),
      kind: z.optional(markerKindSchema),
      label: z.optional(markerLabel),
      visibility: z.optional(markerVisibilitySchema),
      ref,
    })
    .check(
      z.refine((m) => m.key !== undefined || m.kind !== undefined || m.label !== undefined || m.visibility !== undefined, {
        message: 'marker:update needs at least one of key, kind, label and visibility',
      }),
    ),
  'marker:remove': z.strictObject({ type: z.literal('marker:remove'), markerId: id, ref }),
  'sight:rules': z.strictObject({ type: z.literal('sight:rules'), rules: sightRulesSchema, ref }),
  // A player pings a hex they know (to their party); the DM, to `targets` (default all).
  'hex:ping': z.strictObject({ type: z.literal('hex:ping'), key: hexKeySchema, targets: z.optional(targetsSchema), ref }),
  'note:set': z.strictObject({ type: z.literal('note:set'), key: hexKeySchema, text: noteText, shared: z.boolean(), ref }),
  'note:remove': z.strictObject({ type: z.literal('note:remove'), key: hexKeySchema, ref }),
  // Any role; the hub answers `pong` at once without touching the session.
  ping: z.strictObject({ type: z.literal('ping'), ref }),
  ...travelClientMessageSchemas,
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type ClientMessage = {
  [K in ClientMessageType]: z.infer<(typeof clientMessageSchemas)[K]>;
}[ClientMessageType];
