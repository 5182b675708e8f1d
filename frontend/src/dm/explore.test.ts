// Moving parties from the console: the arrow keys' six directions on both orientations, the path
// a click or a drag makes, the preview of what a move reveals, region reveals, staged moves per
// party, and reveal planning with hex states and parties.
import { describe, expect, it } from 'vitest';
import { decodeGrid } from '../hex/terrain';
import { distance, hexKey, keyToIndex, neighbours, parseHexKey, type Offset } from '../hex/coords';
import { DEFAULT_SIGHT_RULES } from '../hex/sight';
import type { MapInfo, Orientation, ServerMessageOf, StagedChange } from '../protocol/schema';
import { sessionDataFromState, type SessionData } from '../store/session';
import { neighbourIndices } from '../render/paint';
import { arrowStep, clickPath, extendDrag, previewMove, type ArrowKey } from './moves';
import { hexesWithin, labelGroups, wholeMap } from './region';
import { keysToHide, keysToReveal, stagedParties, visibility } from './preview';
import { knownBy, partyLevels, playerLevels } from './knowledge';

const ARROWS: [ArrowKey, boolean][] = [
  ['ArrowUp', false],
  ['ArrowDown', false],
  ['ArrowLeft', false],
  ['ArrowRight', false],
  ['ArrowLeft', true],
  ['ArrowRight', true],
  ['ArrowUp', true],
  ['ArrowDown', true],
];

const k = (o: Offset | null) => (o ? hexKey(o.col, o.row) : null);

describe('arrow keys', () => {
  for (const orientation of ['flat', 'pointy'] as Orientation[]) {
    for (const at of [{ col: 4, row: 4 }, { col: 5, row: 5 }, { col: 4, row: 5 }, { col: 5, row: 4 }]) {
      it(`reach all six neighbours and only neighbours (${orientation}, from ${k(at)})`, () => {
        const got = new Set<string>();
        for (const [key, shift] of ARROWS) {
          const to = arrowStep(at, key, shift, orientation, 10, 10);
          expect(to).not.toBeNull();
          expect(distance(at, to!, orientation)).toBe(1);
          got.add(k(to)!);
        }
        expect([...got].sort()).toEqual(neighbours(at, orientation).map(k).sort());
      });
    }
  }

  it('flat: ↑ ↓ are north and south; → walks the row, zig-zagging; Shift+→ leaves it', () => {
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowUp', false, 'flat', 9, 9))).toBe('2,1');
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowDown', false, 'flat', 9, 9))).toBe('2,3');
    let at: Offset = { col: 2, row: 2 };
    const walk: string[] = [];
    for (let i = 0; i < 3; i++) {
      at = arrowStep(at, 'ArrowRight', false, 'flat', 9, 9)!;
      walk.push(k(at)!);
    }
    expect(walk).toEqual(['3,2', '4,2', '5,2']);
    // From an even column, → goes down-right (SE) and Shift+→ up-right (NE); from an odd one the reverse.
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowRight', true, 'flat', 9, 9))).toBe('3,1');
    expect(k(arrowStep({ col: 3, row: 2 }, 'ArrowRight', true, 'flat', 9, 9))).toBe('4,3');
    expect(k(arrowStep({ col: 3, row: 2 }, 'ArrowLeft', true, 'flat', 9, 9))).toBe('2,3');
  });

  it('pointy: → ← are east and west; ↑ walks up the column; Shift+↑ leaves it', () => {
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowRight', false, 'pointy', 9, 9))).toBe('3,2');
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowLeft', false, 'pointy', 9, 9))).toBe('1,2');
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowUp', false, 'pointy', 9, 9))).toBe('2,1'); // NE from an even row
    expect(k(arrowStep({ col: 2, row: 1 }, 'ArrowUp', false, 'pointy', 9, 9))).toBe('2,0'); // NW from an odd row
    expect(k(arrowStep({ col: 2, row: 2 }, 'ArrowUp', true, 'pointy', 9, 9))).toBe('1,1');
    expect(k(arrowStep({ col: 2, row: 1 }, 'ArrowDown', true, 'pointy', 9, 9))).toBe('3,2');
  });

  it('stop at the edge of the map', () => {
    expect(arrowStep({ col: 0, row: 0 }, 'ArrowUp', false, 'flat', 5, 5)).toBeNull();
    expect(arrowStep({ col: 4, row: 2 }, 'ArrowRight', false, 'pointy', 5, 5)).toBeNull();
    expect(arrowStep({ col: 0, row: 0 }, 'ArrowLeft', true, 'flat', 5, 5)).toBeNull();
  });
});

describe('clicks and drags', () => {
  it('a click on a neighbour is one step; farther, the straight line, each step adjacent', () => {
    expect(clickPath('2,2', '2,1', 'flat')).toEqual(['2,1']);
    expect(clickPath('2,2', '2,2', 'flat')).toEqual([]);
    const path = clickPath('0,0', '6,3', 'flat');
    expect(path.at(-1)).toBe('6,3');
    let prev = parseHexKey('0,0')!;
    for (const key of path) {
      const o = parseHexKey(key)!;
      expect(distance(prev, o, 'flat')).toBe(1);
      prev = o;
    }
    expect(clickPath('0,0', '150,0', 'pointy')).toHaveLength(100); // the hub's longest path
  });

  it('a drag steps through every hex crossed, cuts back when it returns, empties at the token', () => {
    let p = extendDrag([], '2,2', '2,3', 'flat');
    expect(p).toEqual(['2,3']);
    p = extendDrag(p, '2,2', '2,6', 'flat'); // a fast drag: the hexes between are steps too
    expect(p).toEqual(['2,3', '2,4', '2,5', '2,6']);
    p = extendDrag(p, '2,2', '2,4', 'flat'); // back over the path: cut there
    expect(p).toEqual(['2,3', '2,4']);
    p = extendDrag(p, '2,2', '3,4', 'flat');
    expect(p).toEqual(['2,3', '2,4', '3,4']);
    expect(extendDrag(p, '2,2', '2,2', 'flat')).toEqual([]);
  });
});

// A 7×5 flat map: plains, a hill at 3,2, a forest at 5,2.
const MAP: MapInfo = { id: 'm', name: 'M', width: 7, height: 5, orientation: 'flat' };
const GRID = 'ppppppp' + 'ppppppp' + 'ppphpfp' + 'ppppppp' + 'ppppppp';

describe('the move preview', () => {
  const cells = decodeGrid(GRID, 7, 5);
  const none = new Uint8Array(35);
  const keys = (xs: string[]) => [...xs].sort();

  it('sight: each step explored, what it sees glimpsed (the hill sees two hexes out)', () => {
    const p = previewMove(MAP, cells, none, ['2,2', '3,2'], 'sight', DEFAULT_SIGHT_RULES);
    expect(keys(p.explored)).toEqual(['2,2', '3,2']);
    // From the hill (sight 2) 1,2 is two hexes away; the forest at 5,2 too, and 6,2 behind it is
    // three away: out of sight.
    expect(p.glimpsed).toContain('1,2');
    expect(p.glimpsed).toContain('5,2');
    expect(p.glimpsed).not.toContain('6,2');
    expect(p.glimpsed).not.toContain('2,2');
  });

  it('hex: the steps only; none: nothing', () => {
    expect(previewMove(MAP, cells, none, ['2,2', '3,2'], 'hex', DEFAULT_SIGHT_RULES)).toEqual({ explored: ['2,2', '3,2'], glimpsed: [] });
    expect(previewMove(MAP, cells, none, ['2,2'], 'none', DEFAULT_SIGHT_RULES)).toEqual({ explored: [], glimpsed: [] });
  });

  it('shows only what is new to the party, and follows the rules and the weather', () => {
    const known = new Uint8Array(35);
    known[keyToIndex('2,2', 7, 5)] = 2;
    known[keyToIndex('1,2', 7, 5)] = 1;
    const p = previewMove(MAP, cells, known, ['2,2'], 'sight', DEFAULT_SIGHT_RULES);
    expect(p.explored).toEqual([]);
    expect(p.glimpsed).not.toContain('1,2');
    expect(p.glimpsed).toHaveLength(5);
    // Plains seeing nothing, or fog cutting sight by one: only the hex itself
    expect(previewMove(MAP, cells, none, ['2,2'], 'sight', { plains: { sight: 0, height: 0, landmark: 0 } }).glimpsed).toEqual([]);
    expect(previewMove(MAP, cells, none, ['2,2'], 'sight', DEFAULT_SIGHT_RULES, 1).glimpsed).toEqual([]);
  });
});

describe('regions', () => {
  it('every hex within N of a hex, clipped to the map', () => {
    expect(hexesWithin(MAP, '3,2', 0)).toEqual(['3,2']);
    expect(hexesWithin(MAP, '3,2', 1)).toHaveLength(7);
    expect(hexesWithin(MAP, '3,2', 2)).toHaveLength(19);
    expect(hexesWithin(MAP, '0,0', 1).sort()).toEqual(['0,0', '0,1', '1,0']);
    expect(hexesWithin(MAP, '9,9', 1)).toEqual([]);
    for (const key of hexesWithin(MAP, '3,2', 2)) expect(distance(parseHexKey(key)!, { col: 3, row: 2 }, 'flat')).toBeLessThanOrEqual(2);
  });

  it('labels grouped by text; the whole map', () => {
    const groups = labelGroups(new Map([['1,1', 'Inn'], ['4,2', 'Old Mill'], ['0,3', 'Inn '], ['2,2', '  ']]));
    expect(groups).toEqual([
      { label: 'Inn', keys: ['0,3', '1,1'] },
      { label: 'Old Mill', keys: ['4,2'] },
    ]);
    expect(wholeMap(MAP)).toHaveLength(35);
  });
});

describe('tile roads’ neighbours', () => {
  it('match the hex maths for both orientations', () => {
    for (const orientation of ['flat', 'pointy'] as Orientation[]) {
      for (let i = 0; i < 35; i++) {
        const o = { col: i % 7, row: Math.floor(i / 7) };
        const want = neighbours(o, orientation, 7, 5).map((n) => n.row * 7 + n.col).sort((a, b) => a - b);
        expect(neighbourIndices(i, 7, 5, orientation === 'flat').sort((a, b) => a - b)).toEqual(want);
      }
    }
  });
});

// A 4×3 DM state with two parties: The Company (Ana) and Scouts (Bo); Cy in none.
function dm(over: Partial<ServerMessageOf<'session:state'>> = {}): SessionData {
  return sessionDataFromState({
    type: 'session:state',
    seq: 5,
    role: 'dm',
    you: null,
    campaign: { id: 'c', name: 'C' },
    session: { id: 's', status: 'active' },
    broadcastMode: 'immediate',
    preparing: false,
    map: { id: 'm', name: 'M', width: 4, height: 3, orientation: 'flat' },
    grid: 'pppppppppppp',
    labels: {},
    parties: [
      { id: 'co', name: 'The Company', color: '#e0a030', key: '0,0', default: true, reveal: 'sight', memberIds: ['ana'], undo: 1 },
      { id: 'sc', name: 'Scouts', color: '#3070c0', key: '3,2', default: false, reveal: 'hex', memberIds: ['bo'], undo: 0 },
    ],
    markers: [],
    players: [
      { id: 'ana', name: 'Ana', online: true },
      { id: 'bo', name: 'Bo', online: true },
      { id: 'cy', name: 'Cy', online: true },
    ],
    notes: {},
    revealedAll: '100000000000',
    revealedTo: { cy: { '2,2': 1 } },
    partyKnown: { co: '221000000000', sc: '000000000012' },
    staged: [],
    ...over,
  });
}

describe('knowledge and reveal planning with parties', () => {
  it('a player knows through all, their party and privately', () => {
    const d = dm();
    expect([...playerLevels(d, 'ana')].join('')).toBe('221000000000');
    expect([...playerLevels(d, 'bo')].join('')).toBe('100000000012');
    expect([...playerLevels(d, 'cy')].join('')).toBe('100000000010');
    expect([...partyLevels(d, 'sc')].join('')).toBe('100000000012');
    expect(knownBy(d, '0,0')).toEqual({ all: 1, parties: [{ id: 'co', level: 2 }], players: [] });
    expect(knownBy(d, '2,2')).toEqual({ all: 0, parties: [{ id: 'sc', level: 1 }], players: [{ id: 'cy', level: 1 }] });
  });

  it('the veil lifts where any member knows a hex; the dots mark private reveals only', () => {
    const v = visibility(dm());
    // 0,0 and 1,0 explored by the Company; 2,0 glimpsed; 2,2 glimpsed by the Scouts (and Cy); 3,2 explored
    expect([...v.veil].join('')).toBe('002111111120');
    // Cy (in no party) was shown 2,2: a private reveal, though the Scouts know it too
    expect([...v.privateKeys]).toEqual(['2,2']);
    // Ana's private knowledge of a hex her party knows is no private reveal
    const v2 = visibility(dm({ revealedTo: { ana: { '1,0': 2, '1,1': 2 } } }));
    expect([...v2.privateKeys]).toEqual(['1,1']);
    // A party whose members all left the campaign counts for nobody
    const v3 = visibility(dm({ players: [{ id: 'cy', name: 'Cy', online: true }] }));
    expect([...v3.veil].join('')).toBe('211111111121');
  });

  it('a reveal counts what it changes at its state; a hide what someone knows', () => {
    const d = dm();
    // Glimpsed by all already: revealing it glimpsed to all changes nothing, explored does
    expect(keysToReveal(d, ['0,0', '1,0'], 'all', 'glimpsed')).toEqual(['1,0']);
    expect(keysToReveal(d, ['0,0', '1,0'], 'all', 'explored')).toEqual(['0,0', '1,0']);
    // The Company explored 0,0 and 1,0 and glimpsed 2,0
    expect(keysToReveal(d, ['0,0', '1,0', '2,0', '3,0'], { partyIds: ['co'] }, 'explored')).toEqual(['2,0', '3,0']);
    expect(keysToReveal(d, ['0,0', '1,0', '2,0', '3,0'], { partyIds: ['co'] }, 'glimpsed')).toEqual(['3,0']);
    // Ana knows through her party
    expect(keysToReveal(d, ['1,0', '2,0'], { playerIds: ['ana'] }, 'explored')).toEqual(['2,0']);
    expect(keysToHide(d, ['1,0', '3,0', '2,2'], 'all')).toEqual(['1,0', '2,2']);
    expect(keysToHide(d, ['1,0', '3,2', '2,2'], { partyIds: ['sc'] })).toEqual(['3,2', '2,2']);
    expect(keysToHide(d, ['1,0', '3,2'], { playerIds: ['ana'] })).toEqual(['1,0']);
    expect(keysToHide(d, ['2,2'], { playerIds: ['cy'] })).toEqual(['2,2']);
  });

  it('staged moves per party, from where it stands, through placements', () => {
    const d = dm();
    const staged: StagedChange[] = [
      { id: '1', kind: 'move', partyId: 'co', path: ['1,0', '2,0'] },
      { id: '2', kind: 'reveal', hexKeys: ['1,1'], targets: 'all' },
      { id: '3', kind: 'move', partyId: 'sc', path: ['3,1'] },
      { id: '4', kind: 'place', partyId: 'co', key: '0,2', reveal: false },
      { id: '5', kind: 'move', partyId: 'co', path: ['1,2'] },
      { id: '6', kind: 'move', partyId: 'merged-away', path: ['1,2'] },
    ];
    const st = stagedParties(staged, d.parties);
    expect(st.get('co')).toEqual({ end: '1,2', paths: [['0,0', '1,0', '2,0'], ['0,2', '1,2']] });
    expect(st.get('sc')).toEqual({ end: '3,1', paths: [['3,2', '3,1']] });
    expect(st.has('merged-away')).toBe(false);
  });
});
