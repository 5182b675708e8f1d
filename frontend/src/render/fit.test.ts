import { describe, expect, it } from 'vitest';
import { hexToPixel, parseHexKey, SQRT3 } from '../hex/coords';
import { FOG } from '../hex/terrain';
import type { MapInfo } from '../protocol/schema';
import { followView, knownBounds, MAX_OPEN_SCALE, MIN_TAP_PX, openingView, TAP_SCALE, type Viewport } from './fit';
import type { View } from './renderer';

const map = (width: number, height: number, orientation: 'flat' | 'pointy' = 'flat'): MapInfo => ({
  id: 'm',
  name: 'M',
  width,
  height,
  orientation,
});

function cellsWith(m: MapInfo, keys: string[]): Uint8Array {
  const cells = new Uint8Array(m.width * m.height).fill(FOG);
  for (const k of keys) {
    const o = parseHexKey(k)!;
    cells[o.row * m.width + o.col] = 1;
  }
  return cells;
}

const phone: Viewport = { w: 360, h: 640, insets: { top: 60, right: 56, bottom: 16, left: 0 } };

/** Screen position of a hex centre under a view. */
function onScreen(m: MapInfo, v: View, key: string) {
  const p = hexToPixel(parseHexKey(key)!, m.orientation);
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}

function insideFreeArea(vp: Viewport, p: { x: number; y: number }): boolean {
  return p.x >= vp.insets.left && p.x <= vp.w - vp.insets.right && p.y >= vp.insets.top && p.y <= vp.h - vp.insets.bottom;
}

describe('the tappable scale', () => {
  it('makes a hex MIN_TAP_PX across its sides', () => {
    expect(TAP_SCALE * SQRT3).toBeCloseTo(MIN_TAP_PX, 9);
  });
});

describe('knownBounds', () => {
  it('is null when everything is fog and there is no token', () => {
    const m = map(10, 10);
    expect(knownBounds(m, cellsWith(m, []), null)).toBeNull();
  });

  it('covers the known hexes and the token', () => {
    const m = map(20, 20);
    const b = knownBounds(m, cellsWith(m, ['3,4', '5,6']), '9,2')!;
    // A flat hex reaches 1 to its corners (x) and √3/2 to its sides (y); the box is tight.
    const cs = ['3,4', '5,6', '9,2'].map((k) => hexToPixel(parseHexKey(k)!, 'flat'));
    expect(b.x0).toBeCloseTo(Math.min(...cs.map((c) => c.x)) - 1, 9);
    expect(b.x1).toBeCloseTo(Math.max(...cs.map((c) => c.x)) + 1, 9);
    expect(b.y0).toBeCloseTo(Math.min(...cs.map((c) => c.y)) - SQRT3 / 2, 9);
    expect(b.y1).toBeCloseTo(Math.max(...cs.map((c) => c.y)) + SQRT3 / 2, 9);
  });
});

describe('openingView', () => {
  it('knows nothing: no view', () => {
    const m = map(200, 200);
    expect(openingView(m, cellsWith(m, []), null, phone)).toBeNull();
  });

  it('fits a small known area whole, hexes at least tappable and at most MAX_OPEN_SCALE', () => {
    const m = map(200, 200);
    const keys = ['150,20', '151,20', '152,21', '150,22', '153,23'];
    const v = openingView(m, cellsWith(m, keys), null, phone)!;
    expect(v.scale).toBeGreaterThanOrEqual(TAP_SCALE);
    expect(v.scale).toBeLessThanOrEqual(MAX_OPEN_SCALE);
    for (const k of keys) expect(insideFreeArea(phone, onScreen(m, v, k)), k).toBe(true);
  });

  it('one known hex: MAX_OPEN_SCALE, in the middle of the free area', () => {
    const m = map(50, 50);
    const v = openingView(m, cellsWith(m, ['10,10']), null, phone)!;
    expect(v.scale).toBe(MAX_OPEN_SCALE);
    const p = onScreen(m, v, '10,10');
    expect(p.x).toBeCloseTo((360 - 56) / 2, 6);
    expect(p.y).toBeCloseTo(60 + (640 - 60 - 16) / 2, 6);
  });

  it('a known area too big for the screen at a tappable scale: tappable, centred on the token', () => {
    const m = map(200, 200);
    const keys: string[] = [];
    for (let q = 0; q < 100; q++) for (let r = 0; r < 200; r++) keys.push(`${q},${r}`);
    const v = openingView(m, cellsWith(m, keys), '40,170', phone)!;
    expect(v.scale).toBe(TAP_SCALE);
    const p = onScreen(m, v, '40,170');
    expect(p.x).toBeCloseTo((360 - 56) / 2, 6);
    expect(p.y).toBeCloseTo(60 + (640 - 60 - 16) / 2, 6);
  });

  it('too big and no token: centred on a known hex, even when the middle of the area is fog', () => {
    const m = map(200, 200, 'pointy');
    // Two far-apart known patches: the middle of their bounding box is fog.
    const keys: string[] = [];
    for (let q = 0; q < 10; q++) for (let r = 0; r < 10; r++) keys.push(`${q},${r}`, `${190 + q},${190 + r}`);
    const cells = cellsWith(m, keys);
    const v = openingView(m, cells, null, phone)!;
    expect(v.scale).toBe(TAP_SCALE);
    // The hex in the middle of the free area is known.
    const mx = ((360 - 56) / 2 - v.x) / v.scale;
    const my = (60 + (640 - 60 - 16) / 2 - v.y) / v.scale;
    const known = keys.some((k) => {
      const c = hexToPixel(parseHexKey(k)!, 'pointy');
      return Math.hypot(c.x - mx, c.y - my) < 1e-6;
    });
    expect(known).toBe(true);
  });

  it('a tablet in landscape fits more at the same rule', () => {
    const m = map(200, 200);
    const keys: string[] = [];
    for (let q = 90; q < 110; q++) for (let r = 95; r < 105; r++) keys.push(`${q},${r}`);
    const tablet: Viewport = { w: 1024, h: 768, insets: phone.insets };
    const onPhone = openingView(m, cellsWith(m, keys), null, phone)!;
    const onTablet = openingView(m, cellsWith(m, keys), null, tablet)!;
    expect(onPhone.scale).toBe(TAP_SCALE); // 20 columns do not fit 304 px at 44 px each
    expect(onTablet.scale).toBeGreaterThan(TAP_SCALE);
    for (const k of keys) expect(insideFreeArea(tablet, onScreen(m, onTablet, k)), k).toBe(true);
  });
});

describe('followView', () => {
  const v: View = { scale: 30, x: -500, y: -400 };

  it('leaves the view alone while the point is well inside the free area', () => {
    const mid = { x: (150 - v.x) / v.scale, y: (340 - v.y) / v.scale };
    expect(followView(v, mid, phone)).toBeNull();
  });

  it('brings a point under a toolbar, or off screen, to the middle at the same scale', () => {
    for (const screen of [
      { x: 150, y: 40 }, // under the top bar
      { x: 340, y: 300 }, // under the zoom buttons
      { x: -200, y: 300 }, // off screen
      { x: 150, y: 900 },
    ]) {
      const p = { x: (screen.x - v.x) / v.scale, y: (screen.y - v.y) / v.scale };
      const to = followView(v, p, phone)!;
      expect(to).not.toBeNull();
      expect(to.scale).toBe(v.scale);
      expect(p.x * to.scale + to.x).toBeCloseTo((360 - 56) / 2, 6);
      expect(p.y * to.scale + to.y).toBeCloseTo(60 + (640 - 60 - 16) / 2, 6);
    }
  });
});
