// Event-log payloads the console reads, against the hub's own examples (testdata/protocol/events,
// kept true to the hub by the Go tests that write the events).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { encounterAnswerPayloadSchema } from './travel';

const read = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../../testdata/protocol/events', name), 'utf8'));

describe('event payloads', () => {
  it('travel:encounter parses strictly', () => {
    const p = z.parse(z.strictObject(encounterAnswerPayloadSchema.shape), read('travel-encounter.json'));
    expect([p.answer, p.at, p.clock.watchName]).toEqual(['dismiss', '4,1', 'Midday']);
  });
});
