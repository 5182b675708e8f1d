// The wire's smallest pieces, shared by schema.ts and travel.ts (which schema.ts imports, so
// they cannot live in schema.ts): terrain names and canonical hex keys.
import { z } from 'zod/mini';

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
