import { describe, expect, it } from 'vitest';
import {
  distance,
  hexCorners,
  hexKey,
  hexToPixel,
  indexToKey,
  keyToIndex,
  mapPixelSize,
  neighbours,
  parseHexKey,
  pixelToHex,
  visibleRange,
  type Offset,
} from './coords';
import { ALL_TERRAINS, decodeGrid, encodeGrid, FOG, TERRAIN_CODES, TERRAIN_COLORS, terrainAt, terrainIndex } from './terrain';
import type { Orientation } from '../protocol/schema';

const sorted = (l: Offset[]) => l.map((o) => hexKey(o.col, o.row)).sort();

describe('keys', () => {
  it.each([
    ['0,0', { col: 0, row: 0 }],
    ['3,12', { col: 3, row: 12 }],
    ['399,399', { col: 399, row: 399 }],
  ])('parses %s', (k, o) => expect(parseHexKey(k)).toEqual(o));
  it.each(['03,12', ' 3,12', '3, 12', '-1,0', '1.5,2', '1,', ',1', '1;2', ''])('rejects %j', (k) =>
    expect(parseHexKey(k)).toBeNull(),
  );
  it('maps keys to row-major indices and back', () => {
    expect(keyToIndex('3,1', 4, 2)).toBe(7);
    expect(keyToIndex('4,0', 4, 2)).toBe(-1);
    expect(keyToIndex('0,2', 4, 2)).toBe(-1);
    expect(indexToKey(7, 4)).toBe('3,1');
  });
});

describe('neighbours (Red Blob offset tables)', () => {
  // Expected values from https://www.redblobgames.com/grids/hexagons/#neighbors-offset
  it.each<[Orientation, Offset, string[]]>([
    ['flat', { col: 2, row: 2 }, ['3,2', '3,1', '2,1', '1,1', '1,2', '2,3']], // even column (odd-q)
    ['flat', { col: 3, row: 2 }, ['4,3', '4,2', '3,1', '2,2', '2,3', '3,3']], // odd column
    ['pointy', { col: 2, row: 2 }, ['3,2', '2,1', '1,1', '1,2', '1,3', '2,3']], // even row (odd-r)
    ['pointy', { col: 2, row: 3 }, ['3,3', '3,2', '2,2', '1,3', '2,4', '3,4']], // odd row
  ])('%s %o', (orientation, o, expected) => {
    expect(sorted(neighbours(o, orientation))).toEqual([...expected].sort());
  });
  it('drops neighbours off the map', () => {
    expect(sorted(neighbours({ col: 0, row: 0 }, 'flat', 4, 4))).toEqual(['0,1', '1,0']);
    expect(sorted(neighbours({ col: 0, row: 0 }, 'pointy', 4, 4))).toEqual(['0,1', '1,0']);
  });
  it('neighbours are at distance 1 and are adjacent in pixels', () => {
    for (const orientation of ['flat', 'pointy'] as const) {
      for (let col = 0; col < 6; col++) {
        for (let row = 0; row < 6; row++) {
          const a = hexToPixel({ col, row }, orientation);
          for (const n of neighbours({ col, row }, orientation)) {
            expect(distance({ col, row }, n, orientation)).toBe(1);
            const b = hexToPixel(n, orientation);
            expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeCloseTo(Math.sqrt(3), 9);
          }
        }
      }
    }
  });
});

describe('pixel conversion', () => {
  it('places hex 0,0 inside the map corner', () => {
    expect(hexToPixel({ col: 0, row: 0 }, 'flat')).toEqual({ x: 1, y: Math.sqrt(3) / 2 });
    expect(hexToPixel({ col: 0, row: 0 }, 'pointy')).toEqual({ x: Math.sqrt(3) / 2, y: 1 });
    // odd-q: odd columns are shoved down by half a hex
    expect(hexToPixel({ col: 1, row: 0 }, 'flat').y).toBeCloseTo(Math.sqrt(3));
    // odd-r: odd rows are shoved right by half a hex
    expect(hexToPixel({ col: 0, row: 1 }, 'pointy').x).toBeCloseTo(Math.sqrt(3));
  });
  it('round-trips every hex centre and points near the corners (hit-testing)', () => {
    for (const orientation of ['flat', 'pointy'] as const) {
      const corners = hexCorners(orientation);
      for (let col = 0; col < 9; col++) {
        for (let row = 0; row < 9; row++) {
          const c = hexToPixel({ col, row }, orientation);
          expect(pixelToHex(c, orientation)).toEqual({ col, row });
          for (const k of corners) {
            // 90 % of the way to each corner is still inside this hex
            expect(pixelToHex({ x: c.x + k.x * 0.9, y: c.y + k.y * 0.9 }, orientation)).toEqual({ col, row });
          }
        }
      }
    }
  });
  it('hit-tests across an edge into the neighbour', () => {
    // flat: straight down from 0,0 by one hex height is 0,1
    const c = hexToPixel({ col: 0, row: 0 }, 'flat');
    expect(pixelToHex({ x: c.x, y: c.y + Math.sqrt(3) * 0.55 }, 'flat')).toEqual({ col: 0, row: 1 });
    expect(pixelToHex({ x: c.x, y: c.y + Math.sqrt(3) * 0.45 }, 'flat')).toEqual({ col: 0, row: 0 });
  });
  it('map size contains every hex', () => {
    for (const orientation of ['flat', 'pointy'] as const) {
      for (const [w, h] of [[1, 1], [4, 2], [7, 5], [100, 100]] as const) {
        const size = mapPixelSize(w, h, orientation);
        let maxX = 0, maxY = 0;
        for (let col = 0; col < w; col++) {
          for (let row = 0; row < h; row++) {
            const c = hexToPixel({ col, row }, orientation);
            for (const k of hexCorners(orientation)) {
              maxX = Math.max(maxX, c.x + k.x);
              maxY = Math.max(maxY, c.y + k.y);
            }
          }
        }
        expect(maxX).toBeCloseTo(size.w, 9);
        expect(maxY).toBeCloseTo(size.h, 9);
      }
    }
  });
});

describe('visibleRange (culling)', () => {
  it('covers every hex that touches the rectangle and clamps to the map', () => {
    for (const orientation of ['flat', 'pointy'] as const) {
      const rect = { x0: 5.3, y0: 4.1, x1: 14.2, y1: 11.7 };
      const r = visibleRange(rect, 30, 30, orientation);
      for (let col = 0; col < 30; col++) {
        for (let row = 0; row < 30; row++) {
          const c = hexToPixel({ col, row }, orientation);
          const touches = c.x + 1 > rect.x0 && c.x - 1 < rect.x1 && c.y + 1 > rect.y0 && c.y - 1 < rect.y1;
          if (touches) {
            expect(col >= r.c0 && col <= r.c1 && row >= r.r0 && row <= r.r1, `${orientation} ${col},${row}`).toBe(true);
          }
        }
      }
      // and it does not draw the whole map
      expect((r.c1 - r.c0 + 1) * (r.r1 - r.r0 + 1)).toBeLessThan(200);
    }
    expect(visibleRange({ x0: -50, y0: -50, x1: 1e6, y1: 1e6 }, 10, 8, 'flat')).toEqual({ c0: 0, c1: 9, r0: 0, r1: 7 });
  });
});

describe('terrain and grid', () => {
  it('has one code, colour and index per terrain', () => {
    expect(ALL_TERRAINS).toHaveLength(13);
    const codes = new Set(ALL_TERRAINS.map((t) => TERRAIN_CODES[t]));
    expect(codes.size).toBe(13);
    for (const t of ALL_TERRAINS) {
      expect(TERRAIN_COLORS[t]).toMatch(/^#[0-9a-f]{6}$/);
      expect(terrainAt(terrainIndex(t))).toBe(t);
    }
    expect(terrainAt(FOG)).toBeNull();
  });
  it('decodes the protocol example grid', () => {
    const cells = decodeGrid('pf????w?', 4, 2);
    expect([...cells]).toEqual([
      terrainIndex('plains'),
      terrainIndex('forest'),
      FOG,
      FOG,
      FOG,
      FOG,
      terrainIndex('water'),
      FOG,
    ]);
    expect(encodeGrid(cells)).toBe('pf????w?');
  });
  it('round-trips every code', () => {
    const g = '.pfhmsdwctjvr?';
    expect(encodeGrid(decodeGrid(g, 14, 1))).toBe(g);
  });
  it('rejects a wrong length or an unknown code', () => {
    expect(() => decodeGrid('ppp', 2, 2)).toThrow(/3 cells/);
    expect(() => decodeGrid('ppxp', 2, 2)).toThrow(/unknown terrain code "x"/);
    expect(() => decodeGrid('pp€p', 2, 2)).toThrow(/unknown terrain code "€"/);
  });
});
