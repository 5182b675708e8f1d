// The recap's Markdown and the timeline's grouping, from the hub's own answers
// (testdata/protocol/history, kept true to the hub by TestHistoryExamples).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { entriesSchema, hexHistorySchema, journalSchema, recapSchema, timelineSchema } from '../protocol/history';
import { recapMarkdown } from './recap';
import { byWatch } from './timeline';

const example = <T>(name: string, schema: z.core.$ZodType<T>): T =>
  z.parse(schema, JSON.parse(readFileSync(join(__dirname, '../../../testdata/protocol/history', name), 'utf8')));

describe('history examples', () => {
  it.each([
    ['timeline.json', timelineSchema],
    ['entries.json', entriesSchema],
    ['hex.json', hexHistorySchema],
    ['recap.json', recapSchema],
    ['journal.json', journalSchema],
  ] as const)('%s parses', (name, schema) => {
    expect(() => example(name, schema as z.core.$ZodType<unknown>)).not.toThrow();
  });
});

describe('recapMarkdown', () => {
  const recap = example('recap.json', recapSchema);
  const md = recapMarkdown(recap);
  const name = (id: string) => recap.players.find((p) => p.id === id)!.name;

  it('lists every discovered hex with who found it, and every label learned', () => {
    for (const h of recap.hexes) expect(md).toContain(`- ${h.key}: `);
    for (const h of recap.labels) expect(md).toContain(`**${h.label}** at ${h.key}, by ${h.players.map(name).join(', ')}`);
    expect(md.startsWith(`# ${recap.campaign} — session ${recap.number} recap\n`)).toBe(true);
  });

  it('tells each party’s path', () => {
    const moved = recap.parties.find((p) => p.path.length > 1)!;
    expect(md).toContain(`**${moved.name}**`);
    expect(md).toContain(moved.path.join(' → '));
  });

  it('says when there was nothing', () => {
    const empty = recapMarkdown({ ...recap, hexes: [], labels: [], parties: [], ended: false });
    expect(empty).toContain('Nothing new was discovered.');
    expect(empty).toContain('No names were learned.');
    expect(empty).toContain('(still going: the recap so far)');
  });
});

describe('byWatch', () => {
  it('groups runs of the same day and watch, in order', () => {
    const { entries } = example('entries.json', entriesSchema);
    const groups = byWatch(entries);
    expect(groups.flatMap((g) => g.entries)).toEqual(entries);
    for (const g of groups) for (const e of g.entries) expect(e.clock?.watch ?? null).toBe(g.clock?.watch ?? null);
    // The example's session travelled once: events before the clock, then the watch's.
    expect(groups.length).toBe(2);
    expect(groups[0]!.clock).toBeNull();
    expect(groups[1]!.clock).not.toBeNull();
  });
});
