// The sight rules of docs/exploration.md, the twin of game/sight.go: the DM's browser shows a
// move's sight area while hovering, before anything is sent. Both sides pass the hand-drawn
// maps in testdata/sight/cases.json.
import type { Orientation } from '../protocol/schema';
import { ALL_TERRAINS, type Terrain } from './terrain';

export interface SightRule {
  sight: number;
  height: number;
  landmark: number;
}

/** Per terrain ('' is unpainted); terrains left out use the defaults. */
export type SightRules = Partial<Record<Terrain, SightRule>>;

export const DEFAULT_SIGHT_RULES: Readonly<Record<Terrain, SightRule>> = {
  '': { sight: 1, height: 0, landmark: 0 },
  plains: { sight: 1, height: 0, landmark: 0 },
  forest: { sight: 0, height: 1, landmark: 0 },
  hills: { sight: 2, height: 1, landmark: 0 },
  mountains: { sight: 3, height: 2, landmark: 4 },
  swamp: { sight: 0, height: 0, landmark: 0 },
  desert: { sight: 1, height: 0, landmark: 0 },
  water: { sight: 1, height: 0, landmark: 0 },
  coast: { sight: 1, height: 0, landmark: 0 },
  tundra: { sight: 1, height: 0, landmark: 0 },
  jungle: { sight: 0, height: 1, landmark: 0 },
  settlement: { sight: 1, height: 1, landmark: 2 },
  ruins: { sight: 1, height: 0, landmark: 0 },
};

interface Cube {
  q: number;
  r: number;
}

function toCube(o: Orientation, col: number, row: number): Cube {
  if (o === 'pointy') return { q: col - (row - (row & 1)) / 2, r: row };
  return { q: col, r: row - (col - (col & 1)) / 2 };
}

function fromCube(o: Orientation, c: Cube): { col: number; row: number } {
  if (o === 'pointy') return { col: c.q + (c.r - (c.r & 1)) / 2, row: c.r };
  return { col: c.q, row: c.r + (c.q - (c.q & 1)) / 2 };
}

function cubeDistance(a: Cube, b: Cube): number {
  const dq = a.q - b.q;
  const dr = a.r - b.r;
  return (Math.abs(dq) + Math.abs(dr) + Math.abs(dq + dr)) / 2;
}

// floor(x + 0.5), as game/cube.go rounds: both sides must draw the same lines.
const roundHalfUp = (x: number): number => Math.floor(x + 0.5);

function cubeRound(q: number, r: number, s: number): Cube {
  let rq = roundHalfUp(q);
  let rr = roundHalfUp(r);
  const rs = roundHalfUp(s);
  const dq = Math.abs(rq - q);
  const dr = Math.abs(rr - r);
  const ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  return { q: rq, r: rr };
}

function cubeLine(a: Cube, b: Cube, eps: number): Cube[] {
  const n = cubeDistance(a, b);
  const aq = a.q + eps;
  const ar = a.r + eps;
  const as = -a.q - a.r - 2 * eps;
  const bq = b.q + eps;
  const br = b.r + eps;
  const bs = -b.q - b.r - 2 * eps;
  const out: Cube[] = [];
  for (let i = 0; i <= n; i++) {
    const t = n > 0 ? i / n : 0;
    out.push(cubeRound(aq + (bq - aq) * t, ar + (br - ar) * t, as + (bs - as) * t));
  }
  return out;
}

/** A compiled rule table, indexed by terrain index (0 = unpainted, as decodeGrid gives). */
export class Sight {
  private readonly byIndex: SightRule[];
  private readonly reach: number;

  constructor(rules: SightRules = {}) {
    this.byIndex = ALL_TERRAINS.map((t) => rules[t] ?? DEFAULT_SIGHT_RULES[t]);
    this.reach = Math.max(0, ...this.byIndex.map((r) => Math.max(r.sight, r.landmark)));
  }

  private rule(terrainIndex: number | undefined): SightRule {
    return this.byIndex[terrainIndex ?? 0] ?? DEFAULT_SIGHT_RULES[''];
  }

  /**
   * Row-major indices of every hex a party standing at (col,row) sees, its own hex excluded.
   * `terrain` holds terrain indices (decodeGrid); `penalty` is bad weather's cut to sight.
   */
  seenFrom(
    width: number,
    height: number,
    orientation: Orientation,
    terrain: ArrayLike<number>,
    col: number,
    row: number,
    penalty = 0,
  ): number[] {
    const out: number[] = [];
    if (col < 0 || row < 0 || col >= width || row >= height) return out;
    penalty = Math.max(0, penalty);
    const viewer = this.rule(terrain[row * width + col]);
    const sight = viewer.sight - penalty;
    if (sight < 1) return out;
    const reach = Math.max(sight, this.reach - penalty);
    const from = toCube(orientation, col, row);
    const clear = (line: Cube[], top: number): boolean => {
      for (let n = 1; n < line.length - 1; n++) {
        const k = fromCube(orientation, line[n]!);
        if (k.col < 0 || k.row < 0 || k.col >= width || k.row >= height) continue;
        if (this.rule(terrain[k.row * width + k.col]).height > top) return false;
      }
      return true;
    };
    for (let dq = -reach; dq <= reach; dq++) {
      for (let dr = Math.max(-reach, -dq - reach); dr <= Math.min(reach, -dq + reach); dr++) {
        const d = (Math.abs(dq) + Math.abs(dr) + Math.abs(dq + dr)) / 2;
        if (d === 0) continue;
        const to = { q: from.q + dq, r: from.r + dr };
        const k = fromCube(orientation, to);
        if (k.col < 0 || k.row < 0 || k.col >= width || k.row >= height) continue;
        const i = k.row * width + k.col;
        const target = this.rule(terrain[i]);
        if (d > sight && d > target.landmark - penalty) continue;
        const top = Math.max(viewer.height, target.height);
        if (d === 1 || clear(cubeLine(from, to, 1e-6), top) || clear(cubeLine(from, to, -1e-6), top)) out.push(i);
      }
    }
    return out;
  }
}
