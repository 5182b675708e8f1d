import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { displayJoinSchema, displayMeSchema } from './display';

const read = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../../testdata/protocol/display', name), 'utf8'));

describe('table screen answers', () => {
  it('parse the hub\'s examples strictly', () => {
    // Strict here: these answers are the hub's whole contract with the screen.
    expect(z.parse(z.strictObject(displayMeSchema.shape), read('me.json')).name).toBe('TV');
    expect(z.parse(z.strictObject(displayJoinSchema.shape), read('join.json')).code).toMatch(/^[A-Z0-9]{10}$/);
  });
});
