// Zod schemas of the travel turn (docs/travel.md): the rules a campaign saves, the views of a
// party's clock and weather, the events an action produced, the DM's encounter prompts. Like
// the rest of the wire, what the hub sends is read leniently (extra fields pass), what the DM
// sends is strict.
import { z } from 'zod/mini';
import { hexKeySchema, terrainSchema } from './primitives';

const terrain = terrainSchema;
const hexKey = hexKeySchema;
const count = z.int().check(z.nonnegative());

export const PACES = ['slow', 'normal', 'fast'] as const;
export const paceSchema = z.enum(PACES);
export type Pace = z.infer<typeof paceSchema>;

export const SEASONS = ['spring', 'summer', 'autumn', 'winter'] as const;
export const seasonSchema = z.enum(SEASONS);
export type Season = z.infer<typeof seasonSchema>;

/** "N in M": a 1dM showing N or less. The hub checks the numbers' ranges. */
export const chanceSchema = z.string().check(z.regex(/^\s*\d{1,4} in \d{1,4}\s*$/, 'a chance is written "N in M", e.g. "1 in 6"'));

export const rollSchema = z.object({
  dice: z.string(),
  faces: z.array(z.int()),
  modifier: z.optional(z.int()),
  total: z.int(),
});
export type Roll = z.infer<typeof rollSchema>;

export const clockSchema = z.object({
  day: z.int().check(z.minimum(1)),
  watch: count,
  watchName: z.string(),
  hour: count,
  minute: count,
});
export type Clock = z.infer<typeof clockSchema>;

// ---------------------------------------------------------------- rules

// The rules as the hub sends them: every part filled in, read leniently.
const paceMinutes = z.object({ slow: z.int(), normal: z.int(), fast: z.int() });
const weatherEntrySchema = z.object({
  name: z.string(),
  weight: z.int(),
  sightPenalty: z.int(),
  paceFactor: z.optional(z.number()),
  share: z.boolean(),
});
const encounterEntrySchema = z.object({ text: z.string(), weight: z.int() });
export const travelRulesSchema = z.object({
  calendar: z.object({ watches: z.array(z.object({ name: z.string(), hours: z.int() })), firstWatchStarts: z.int() }),
  time: z.object({ terrain: z.partialRecord(terrain, paceMinutes), road: paceMinutes, unknown: paceMinutes }),
  navigation: z.partialRecord(terrain, chanceSchema),
  encounters: z.object({
    points: z.object({ watch: z.boolean(), hex: z.boolean(), rest: z.boolean() }),
    chance: z.partialRecord(terrain, chanceSchema),
    tables: z.partialRecord(terrain, z.array(encounterEntrySchema)),
  }),
  weather: z.object({
    every: z.enum(['day', 'watch']),
    climate: z.string(),
    season: seasonSchema,
    tables: z.record(z.string(), z.partialRecord(seasonSchema, z.array(weatherEntrySchema))),
  }),
});

// The rules the DM saves with travel:rules: strict like every client message; parts left out
// keep the defaults. The hub checks every number, name and dice notation.
const paceMinutesIn = z.strictObject({ slow: z.int(), normal: z.int(), fast: z.int() });
export const travelRulesInputSchema = z.strictObject({
  calendar: z.optional(
    z.strictObject({ watches: z.array(z.strictObject({ name: z.string(), hours: z.int() })), firstWatchStarts: z.int() }),
  ),
  time: z.optional(z.strictObject({ terrain: z.partialRecord(terrain, paceMinutesIn), road: paceMinutesIn, unknown: paceMinutesIn })),
  navigation: z.optional(z.partialRecord(terrain, chanceSchema)),
  encounters: z.optional(
    z.strictObject({
      points: z.strictObject({ watch: z.boolean(), hex: z.boolean(), rest: z.boolean() }),
      chance: z.partialRecord(terrain, chanceSchema),
      tables: z.partialRecord(terrain, z.array(z.strictObject({ text: z.string(), weight: z.int() }))),
    }),
  ),
  weather: z.optional(
    z.strictObject({
      every: z.enum(['day', 'watch']),
      climate: z.string(),
      season: seasonSchema,
      tables: z.record(
        z.string(),
        z.partialRecord(
          seasonSchema,
          z.array(
            z.strictObject({
              name: z.string(),
              weight: z.int(),
              sightPenalty: z.int(),
              paceFactor: z.optional(z.number()),
              share: z.boolean(),
            }),
          ),
        ),
      ),
    }),
  ),
});
export type TravelRules = z.infer<typeof travelRulesSchema>;
export type PaceMinutes = z.infer<typeof paceMinutes>;
export type WeatherEntry = z.infer<typeof weatherEntrySchema>;
export type EncounterEntry = z.infer<typeof encounterEntrySchema>;

// ---------------------------------------------------------------- state and events

export const weatherSchema = z.object({
  name: z.string(),
  sightPenalty: count,
  paceFactor: z.number(),
  shared: z.boolean(),
  climate: z.string(),
  season: seasonSchema,
  minutes: count,
  roll: z.optional(rollSchema),
});
export type Weather = z.infer<typeof weatherSchema>;

/** A party's travel state as the DM sees it. */
export const travelViewSchema = z.object({
  partyId: z.string(),
  minutes: count,
  clock: clockSchema,
  pace: paceSchema,
  weather: z.nullable(weatherSchema),
  lost: z.nullable(z.object({ at: hexKey, since: count })),
  /** Whether the party has travelled at all: until then its players see no clock. */
  travelled: z.boolean(),
});
export type TravelView = z.infer<typeof travelViewSchema>;

/** A player's view of their own party's travel: the day and watch (no time of day), no rolls, no true position. */
export const playerTravelSchema = z.object({
  clock: z.object({ day: z.int().check(z.minimum(1)), watch: count, watchName: z.string() }),
  pace: paceSchema,
  weather: z.nullable(z.object({ name: z.string() })),
});
export type PlayerTravel = z.infer<typeof playerTravelSchema>;

export const encounterResultSchema = z.object({
  terrain,
  entry: z.int(),
  text: z.string(),
  pick: z.optional(rollSchema),
  count: z.optional(rollSchema),
  summary: z.string(),
});
export const encounterCheckSchema = z.object({
  reason: z.enum(['watch', 'hex', 'rest', 'manual']),
  at: hexKey,
  terrain,
  chance: chanceSchema,
  roll: z.optional(rollSchema),
  hit: z.boolean(),
  result: z.optional(encounterResultSchema),
});
export type EncounterCheck = z.infer<typeof encounterCheckSchema>;

export const navigationCheckSchema = z.object({
  terrain,
  chance: chanceSchema,
  roll: rollSchema,
  lost: z.boolean(),
  veer: z.optional(rollSchema),
});

export const travelStepSchema = z.object({
  from: hexKey,
  to: hexKey,
  true: z.optional(hexKey),
  terrain,
  cost: z.enum(['terrain', 'road', 'unknown']),
  minutes: count,
  start: count,
  startClock: clockSchema,
  road: z.boolean(),
  navigation: z.optional(navigationCheckSchema),
  lost: z.boolean(),
  reveal: z.boolean(),
  sightPenalty: count,
});
export type TravelStep = z.infer<typeof travelStepSchema>;

export const TRAVEL_EVENT_KINDS = ['step', 'watch', 'weather', 'encounter', 'rest', 'camp', 'advance', 'found'] as const;
export const travelEventSchema = z.object({
  kind: z.enum(TRAVEL_EVENT_KINDS),
  minutes: count,
  clock: clockSchema,
  step: z.optional(travelStepSchema),
  weather: z.optional(weatherSchema),
  encounter: z.optional(encounterCheckSchema),
  spent: z.optional(count),
  at: z.optional(hexKey),
});
export type TravelEvent = z.infer<typeof travelEventSchema>;

export const TRAVEL_ACTIONS = ['move', 'rest', 'camp', 'advance', 'check', 'weather', 'found'] as const;
export type TravelAction = (typeof TRAVEL_ACTIONS)[number];

export const encounterPromptSchema = z.object({
  id: z.string(),
  partyId: z.string(),
  minutes: count,
  clock: clockSchema,
  check: encounterCheckSchema,
});
export type EncounterPrompt = z.infer<typeof encounterPromptSchema>;

/** The event log's payload of `travel:encounter`: the DM's answer to a prompt (or the hub's,
 *  `expired`), with when and where the encounter was (example: testdata/protocol/events). */
export const encounterAnswerPayloadSchema = z.object({
  encounterId: z.string(),
  partyId: z.string(),
  answer: z.enum(['dismiss', 'reroll', 'place']),
  minutes: count,
  clock: clockSchema,
  at: hexKey,
  result: z.optional(encounterResultSchema),
  key: z.optional(hexKey),
  expired: z.optional(z.boolean()),
});

// ---------------------------------------------------------------- messages

const seq = z.int().check(z.nonnegative());

export const travelChangedSchema = z.object({
  type: z.literal('travel:changed'),
  seq,
  // The DM's view names its party; a player's is their own party's, null when in none.
  travel: z.union([travelViewSchema, z.nullable(playerTravelSchema)]),
});
export const travelHappenedSchema = z.object({
  type: z.literal('travel:happened'),
  seq,
  partyId: z.string(),
  action: z.enum(TRAVEL_ACTIONS),
  events: z.array(travelEventSchema),
  /** the party's travel state after the action */
  travel: travelViewSchema,
});
export const encountersChangedSchema = z.object({
  type: z.literal('encounters:changed'),
  seq,
  encounters: z.array(encounterPromptSchema),
});
export const travelRulesChangedSchema = z.object({
  type: z.literal('travel:rulesChanged'),
  seq,
  rules: travelRulesSchema,
});

export const travelServerMessageSchemas = {
  'travel:changed': travelChangedSchema,
  'travel:happened': travelHappenedSchema,
  'encounters:changed': encountersChangedSchema,
  'travel:rulesChanged': travelRulesChangedSchema,
} as const;

// ---------------------------------------------------------------- client → server

const ref = z.optional(z.string().check(z.maxLength(64)));
const partyId = z.string().check(z.minLength(1));
const encounterId = z.string().check(z.minLength(1));
const path = z.array(hexKey).check(z.minLength(1), z.maxLength(100));

export const travelClientMessageSchemas = {
  'travel:move': z.strictObject({ type: z.literal('travel:move'), partyId, path, ref }),
  'travel:pace': z.strictObject({ type: z.literal('travel:pace'), partyId, pace: paceSchema, ref }),
  'travel:rest': z.strictObject({ type: z.literal('travel:rest'), partyId, ref }),
  'travel:camp': z.strictObject({ type: z.literal('travel:camp'), partyId, ref }),
  'travel:advance': z.strictObject({
    type: z.literal('travel:advance'),
    partyId,
    watches: z.int().check(z.minimum(1), z.maximum(100)),
    ref,
  }),
  'travel:found': z.strictObject({ type: z.literal('travel:found'), partyId, ref }),
  'weather:roll': z.strictObject({ type: z.literal('weather:roll'), partyId, ref }),
  'weather:set': z
    .strictObject({
      type: z.literal('weather:set'),
      partyId,
      entry: z.optional(z.int().check(z.nonnegative())),
      shared: z.optional(z.boolean()),
      ref,
    })
    .check(z.refine((m) => m.entry !== undefined || m.shared !== undefined, { message: 'weather:set needs entry, shared or both' })),
  'encounter:check': z.strictObject({ type: z.literal('encounter:check'), partyId, ref }),
  'encounter:reroll': z.strictObject({ type: z.literal('encounter:reroll'), encounterId, ref }),
  'encounter:dismiss': z.strictObject({ type: z.literal('encounter:dismiss'), encounterId, ref }),
  'encounter:place': z.strictObject({
    type: z.literal('encounter:place'),
    encounterId,
    kind: z.optional(z.enum(['monster', 'camp', 'npc', 'treasure', 'danger', 'poi'])),
    label: z.optional(z.string().check(z.maxLength(80))),
    visibility: z.optional(z.enum(['dm', 'players'])),
    ref,
  }),
  'travel:rules': z.strictObject({ type: z.literal('travel:rules'), rules: travelRulesInputSchema, ref }),
} as const;
