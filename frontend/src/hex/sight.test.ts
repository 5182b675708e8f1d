// The TypeScript half of the sight rules' contract: the hand-drawn maps in
// testdata/sight/cases.json, which game/sight_test.go checks too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Orientation } from '../protocol/schema';
import { DEFAULT_SIGHT_RULES, Sight, type SightRules } from './sight';
import { ALL_TERRAINS, decodeGrid, indexToKey, parseHexKey } from './index';

interface SightCase {
  name: string;
  orientation: Orientation;
  map: string[];
  at: string;
  penalty?: number;
  rules?: SightRules;
  seen: string[];
}

const file = JSON.parse(readFileSync(join(__dirname, '../../../testdata/sight/cases.json'), 'utf8')) as {
  cases: SightCase[];
};

describe('sight rules (testdata/sight/cases.json)', () => {
  it('has the cases', () => {
    expect(file.cases.length).toBeGreaterThanOrEqual(10);
  });
  for (const c of file.cases) {
    it(c.name, () => {
      const width = c.map[0]!.length;
      const height = c.map.length;
      const terrain = decodeGrid(c.map.join(''), width, height);
      const at = parseHexKey(c.at)!;
      const got = new Sight(c.rules)
        .seenFrom(width, height, c.orientation, terrain, at.col, at.row, c.penalty ?? 0)
        .map((i) => indexToKey(i, width))
        .sort();
      expect(got).toEqual([...c.seen].sort());
    });
  }
  it('defaults cover every terrain', () => {
    for (const t of ALL_TERRAINS) expect(DEFAULT_SIGHT_RULES[t]).toBeDefined();
  });
});

describe('default sight rules', () => {
  it('match testdata/sight/defaults.json (the Go defaults are checked against it too)', () => {
    const shared = JSON.parse(readFileSync(join(__dirname, '../../../testdata/sight/defaults.json'), 'utf8')) as unknown;
    expect(DEFAULT_SIGHT_RULES).toEqual(shared);
  });
});
