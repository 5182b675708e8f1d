import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { TRAVEL_ACTIONS, travelEventSchema, travelRulesSchema } from '../protocol/travel';
import { allKinds, describeRoll, travelLog, travelLogMarkdown, type TravelLogEntry } from './travelLog';

const root = join(__dirname, '../../../testdata/travel');
const entrySchema = z.object({
  seq: z.int(),
  partyId: z.string(),
  action: z.enum(TRAVEL_ACTIONS),
  events: z.array(travelEventSchema),
  explored: z.optional(z.array(z.string())),
  glimpsed: z.optional(z.array(z.string())),
});

// The journey game/travel_test.go writes: the hub's own JSON for these events.
const example = z
  .object({ entries: z.array(entrySchema) })
  .parse(JSON.parse(readFileSync(join(root, 'log-example.json'), 'utf8'))).entries as TravelLogEntry[];
function nth<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no item ${i} of ${xs.length}`);
  return x;
}
const party = nth(example, 0).partyId;

describe('travel rules defaults', () => {
  it('parse with the schema the editors use', () => {
    const rules = travelRulesSchema.parse(JSON.parse(readFileSync(join(root, 'defaults.json'), 'utf8')));
    expect(rules.calendar.watches.map((w) => w.name)).toEqual(['Morning', 'Midday', 'Afternoon', 'Evening', 'Night', 'Small hours']);
    expect(rules.encounters.chance.forest).toBe('1 in 8');
    expect(Object.keys(rules.weather.tables).sort()).toEqual(['arid', 'cold', 'temperate', 'tropical']);
  });
});

describe('travel log', () => {
  it('describes rolls', () => {
    expect(describeRoll({ dice: '1d6', faces: [4], total: 4 })).toBe('1d6: 4');
    expect(describeRoll({ dice: '2d4+1', faces: [3, 2], modifier: 1, total: 6 })).toBe('2d4+1: 3+2+1 = 6');
    expect(describeRoll({ dice: '1d8-2', faces: [5], modifier: -2, total: 3 })).toBe('1d8-2: 5-2 = 3');
  });

  it('reads the journey by day and watch', () => {
    const days = travelLog(example, { partyId: null, kinds: allKinds() });
    expect(days.map((d) => d.day)).toEqual([1, 2]);
    expect(nth(days, 0).watches.map((w) => w.watchName)).toEqual(['Morning', 'Midday', 'Afternoon', 'Evening', 'Night', 'Small hours']);
    const morning = nth(nth(days, 0).watches, 0).lines.map((l) => l.text);
    expect(morning).toEqual(['Weather: Fog (sight −1) — 1d18: 16', 'Navigation (forest, 1 in 2): 1d2: 2, on course']);
    const midday = nth(nth(days, 0).watches, 1).lines.map((l) => `${l.time} ${l.text}`);
    expect(midday).toEqual([
      '10:00 Midday begins',
      '10:00 Encounter check (watch, forest, 1 in 6): 1d6: 1, an encounter',
      '10:00 Encounter at 1,1: 5 wolves (1d1: 1; 1d4+2: 3+2 = 5)',
      '10:00 Moved 0,1 → 1,1 (forest, 4 h)',
      '10:00 Revealed 1 explored, 0 glimpsed',
      '10:00 Navigation (forest, 1 in 2): 1d2: 1, lost',
      '10:00 Lost: veered (1d6: 3), truly at 2,0',
    ]);
    const afternoon = nth(nth(days, 0).watches, 2).lines.map((l) => l.text);
    expect(afternoon[0]).toBe('Afternoon begins');
    expect(afternoon).toContain('Moved 1,1 → 2,1, truly 2,0 (unknown ground, 4 h)');
    const day2 = nth(nth(days, 1).watches, 0).lines.map((l) => l.text);
    expect(day2).toEqual([
      'Morning begins',
      'Weather: Clear — 1d18: 1',
      'Encounter check (watch, hills, 1 in 6): 1d6: 6, nothing',
      'Camped 16 h',
      'Found: the party is at 2,0',
      'Revealed 1 explored, 2 glimpsed',
    ]);
  });

  it('tells the DM\'s answers at their encounter\'s time', () => {
    const first = nth(example, 0);
    const midday = { day: 1, watch: 1, watchName: 'Midday', hour: 10, minute: 0 };
    const answers: TravelLogEntry[] = [
      { seq: 9001, partyId: party, action: 'answer', events: [], answer: { answer: 'reroll', minutes: 240, clock: midday, at: '1,1', result: { summary: '3 boars' } } },
      { seq: 9002, partyId: party, action: 'answer', events: [], answer: { answer: 'place', minutes: 240, clock: midday, at: '1,1', result: { summary: '3 boars' }, key: '1,1' } },
      { seq: 9003, partyId: party, action: 'answer', events: [], answer: { answer: 'dismiss', minutes: 240, clock: midday, at: '1,1' } },
      { seq: 9004, partyId: party, action: 'answer', events: [], answer: { answer: 'dismiss', minutes: 240, clock: midday, at: '1,1', expired: true } },
    ];
    const days = travelLog([first, ...answers], { partyId: null, kinds: allKinds() });
    const lines = days.flatMap((d) => d.watches.flatMap((w) => w.lines.map((l) => `${w.watchName} ${l.time} ${l.text}`)));
    expect(lines.slice(-4)).toEqual([
      'Midday 10:00 Rerolled the encounter at 1,1: 3 boars',
      'Midday 10:00 Placed the encounter at 1,1 (3 boars) as a marker at 1,1',
      'Midday 10:00 Dismissed the encounter at 1,1',
      'Midday 10:00 Dropped the encounter at 1,1: too many prompts were waiting',
    ]);
    const noEncounters = new Set(allKinds());
    noEncounters.delete('encounter');
    expect(travelLog(answers, { partyId: null, kinds: noEncounters })).toEqual([]);
  });

  it('filters by kind and by party', () => {
    const encounters = travelLog(example, { partyId: null, kinds: new Set(['encounter']) });
    expect(encounters.flatMap((d) => d.watches.flatMap((w) => w.lines.map((l) => l.text)))).toEqual([
      'Encounter at 1,1: 5 wolves (1d1: 1; 1d4+2: 3+2 = 5)',
    ]);
    const lost = travelLog(example, { partyId: null, kinds: new Set(['lost']) });
    expect(lost.flatMap((d) => d.watches.flatMap((w) => w.lines.map((l) => l.text)))).toEqual([
      'Lost: veered (1d6: 3), truly at 2,0',
      'Found: the party is at 2,0',
    ]);
    expect(travelLog(example, { partyId: 'someone else', kinds: allKinds() })).toEqual([]);
    expect(travelLog(example, { partyId: party, kinds: allKinds() })).toHaveLength(2);
  });

  it('exports Markdown', () => {
    const md = travelLogMarkdown(travelLog(example, { partyId: null, kinds: allKinds() }), () => 'The *Company*');
    expect(md.startsWith('# Travel log\n\n## The \\*Company\\* — day 1\n\n### Morning\n\n- 06:00 Weather: Fog (sight −1) — 1d18: 16\n')).toBe(true);
    expect(md).toContain('### Midday\n\n- 10:00 Midday begins\n');
    expect(md).toContain('## The \\*Company\\* — day 2\n');
    expect(travelLogMarkdown([], () => '')).toBe('# Travel log\n\nNothing yet.\n');
  });
});
