// The editor's pure logic: brush footprints and stroke lines, flood fill, the undo/redo stack,
// optimistic edits, the staged preview and the "view as" projection.
import { describe, expect, it } from 'vitest';
import { distance, hexKey, keyToIndex, neighbours, parseHexKey } from '../hex/coords';
import { terrainIndex, FOG } from '../hex/terrain';
import { sessionDataFromState, type SessionData } from '../store/session';
import type { ServerMessageOf, StagedChange } from '../protocol/schema';
import { brushArea, brushFootprint, clampBrush, floodRegion, hexLine } from './brush';
import { EditHistory, normaliseEdits, redoChanges, undoChanges } from './history';
import { PendingEdits } from './pending';
import { currentInvite } from './Invite';
import { grouped } from './Console';
import { composeDisplay, keysToHide, keysToReveal, projectFor, sameDisplay, seenBy, stagedOverlay, visibility, visibleTo } from './preview';

const key = (o: { col: number; row: number }) => hexKey(o.col, o.row);

describe('brushFootprint', () => {
  it.each(['flat', 'pointy'] as const)('covers every hex within size-1 steps (%s)', (orientation) => {
    const c = { col: 10, row: 10 };
    for (const size of [1, 2, 3, 4]) {
      const got = brushFootprint(c, size, orientation, 30, 30);
      expect(got).toHaveLength(brushArea(size));
      expect(new Set(got.map(key)).size).toBe(got.length);
      for (const o of got) expect(distance(c, o, orientation)).toBeLessThanOrEqual(size - 1);
      // and nothing within reach is missing
      let within = 0;
      for (let col = 0; col < 30; col++) for (let row = 0; row < 30; row++) if (distance(c, { col, row }, orientation) <= size - 1) within++;
      expect(within).toBe(got.length);
    }
  });
  it('is 1, 7, 19, 37 hexes and clips at the map edge', () => {
    expect([1, 2, 3, 4].map(brushArea)).toEqual([1, 7, 19, 37]);
    const corner = brushFootprint({ col: 0, row: 0 }, 2, 'flat', 5, 5).map(key).sort();
    const expected = [{ col: 0, row: 0 }, ...neighbours({ col: 0, row: 0 }, 'flat', 5, 5)].map(key).sort();
    expect(corner).toEqual(expected);
    expect(brushFootprint({ col: 0, row: 0 }, 1, 'pointy', 1, 1).map(key)).toEqual(['0,0']);
  });
  it('clamps the size', () => {
    expect(clampBrush(0)).toBe(1);
    expect(clampBrush(2.4)).toBe(2);
    expect(clampBrush(99)).toBe(12);
  });
});

describe('hexLine', () => {
  it.each(['flat', 'pointy'] as const)('gives an unbroken chain of neighbours (%s)', (orientation) => {
    const a = { col: 2, row: 3 };
    for (const b of [{ col: 2, row: 3 }, { col: 9, row: 3 }, { col: 2, row: 11 }, { col: 14, row: 0 }, { col: 0, row: 9 }]) {
      const line = hexLine(a, b, orientation);
      expect(key(line[0]!)).toBe(key(a));
      expect(key(line.at(-1)!)).toBe(key(b));
      expect(line).toHaveLength(distance(a, b, orientation) + 1);
      for (let i = 1; i < line.length; i++) expect(distance(line[i - 1]!, line[i]!, orientation)).toBe(1);
    }
  });
});

describe('floodRegion', () => {
  // 5×4 flat map: a forest ring around a plains pocket, water elsewhere.
  const w = 5;
  const h = 4;
  const cells = new Uint8Array(w * h).fill(terrainIndex('water'));
  const forest = ['1,0', '2,0', '3,0', '1,1', '3,1', '1,2', '2,2', '3,2'];
  for (const k of forest) cells[keyToIndex(k, w, h)] = terrainIndex('forest');
  cells[keyToIndex('2,1', w, h)] = terrainIndex('plains');

  it('returns the connected region of the start terrain only', () => {
    const r = floodRegion(cells, w, h, 'flat', keyToIndex('2,0', w, h)).map((i) => `${i % w},${Math.floor(i / w)}`);
    expect(r[0]).toBe('2,0');
    expect(r.sort()).toEqual([...forest].sort());
    expect(floodRegion(cells, w, h, 'flat', keyToIndex('2,1', w, h))).toEqual([keyToIndex('2,1', w, h)]);
  });
  it('spans disconnected-looking areas only through neighbours', () => {
    const water = floodRegion(cells, w, h, 'flat', 0);
    expect(water.length).toBe(w * h - forest.length - 1);
  });
  it('refuses a start off the map', () => {
    expect(floodRegion(cells, w, h, 'flat', -1)).toEqual([]);
    expect(floodRegion(cells, w, h, 'flat', w * h)).toEqual([]);
  });
});

describe('EditHistory', () => {
  const stroke = (t: string, before = 'plains') => ({
    label: t,
    edits: [
      { key: '1,1', before: { terrain: before as 'plains' }, after: { terrain: t as 'forest' } },
      { key: '1,2', before: { terrain: before as 'plains' }, after: { terrain: t as 'forest' } },
    ],
  });

  it('undoes and redoes in order and clears redo on a new edit', () => {
    const hst = new EditHistory();
    expect(hst.push(stroke('forest'))).toBe(true);
    expect(hst.push(stroke('hills', 'forest'))).toBe(true);
    const u1 = hst.undo()!;
    expect(undoChanges(u1)).toEqual([{ key: '1,1', terrain: 'forest' }, { key: '1,2', terrain: 'forest' }]);
    const u2 = hst.undo()!;
    expect(undoChanges(u2)).toEqual([{ key: '1,1', terrain: 'plains' }, { key: '1,2', terrain: 'plains' }]);
    expect(hst.undo()).toBeNull();
    expect(redoChanges(hst.redo()!)).toEqual([{ key: '1,1', terrain: 'forest' }, { key: '1,2', terrain: 'forest' }]);
    expect(hst.size()).toEqual({ undo: 1, redo: 1 });
    hst.push(stroke('water', 'forest'));
    expect(hst.canRedo()).toBe(false);
    expect(hst.size()).toEqual({ undo: 2, redo: 0 });
  });

  it('ignores edits that change nothing and keeps only changed fields', () => {
    const hst = new EditHistory();
    expect(hst.push({ label: 'noop', edits: [{ key: '0,0', before: { terrain: 'forest' }, after: { terrain: 'forest' } }] })).toBe(false);
    expect(hst.canUndo()).toBe(false);
    expect(
      normaliseEdits([{ key: '0,0', before: { terrain: 'forest', label: 'A', notes: '' }, after: { terrain: 'forest', label: 'B', notes: 'n' } }]),
    ).toEqual([{ key: '0,0', before: { label: 'A', notes: '' }, after: { label: 'B', notes: 'n' } }]);
  });

  it('forgets the oldest entries past its limit', () => {
    const hst = new EditHistory(3);
    for (const t of ['forest', 'hills', 'water', 'desert']) hst.push(stroke(t));
    expect(hst.size().undo).toBe(3);
    hst.undo();
    hst.undo();
    expect(redoChanges(hst.undo()!)[0]!.terrain).toBe('hills');
    expect(hst.undo()).toBeNull();
  });
});

describe('PendingEdits', () => {
  it('shows edits until the hub confirms each send, and drops refused ones', () => {
    const p = new PendingEdits();
    p.setMap(4, 4);
    p.add('r1', [{ key: '1,1', terrain: 'forest' }], 0);
    p.add('r2', [{ key: '1,1', terrain: 'hills' }, { key: '2,2', label: 'X' }], 1);
    expect(p.terrain.get(keyToIndex('1,1', 4, 4))).toBe(terrainIndex('hills'));
    p.ack(['1,1']); // first echo: the second send is still in flight
    expect(p.terrain.get(keyToIndex('1,1', 4, 4))).toBe(terrainIndex('hills'));
    p.ack(['1,1']);
    expect(p.terrain.size).toBe(0);
    expect(p.labels.get('2,2')).toBe('X');
    expect(p.fail('r2')).toBe(true);
    expect(p.size).toBe(0);
  });
  it('expires unconfirmed batches and resets on another map size', () => {
    const p = new PendingEdits();
    p.setMap(4, 4);
    p.add('r1', [{ key: '0,0', terrain: 'forest' }], 0);
    p.add('r2', [{ key: '1,0', terrain: 'forest' }], 10);
    expect(p.expire(5)).toBe(true);
    expect([...p.terrain.keys()]).toEqual([1]);
    p.setMap(5, 5);
    expect(p.size).toBe(0);
  });
});

// The default party, its token at key.
function partyAt(key: string | null) {
  return [{ id: 'p1', name: 'The party', color: '#e0a030', key, default: true, reveal: 'sight' as const, memberIds: ['ana', 'bo'], undo: 0 }];
}

// A DM state on a 4×3 flat map with two players.
function dmData(over: Partial<ServerMessageOf<'session:state'>> = {}): SessionData {
  return sessionDataFromState({
    type: 'session:state',
    seq: 5,
    role: 'dm',
    you: null,
    campaign: { id: 'c', name: 'C' },
    session: { id: 's', status: 'active' },
    broadcastMode: 'staged',
    preparing: false,
    map: { id: 'm', name: 'M', width: 4, height: 3, orientation: 'flat' },
    grid: 'pfhmsdwctjvr',
    labels: { '0,0': 'Start', '3,2': 'Far' },
    parties: partyAt('1,0'),
    markers: [],
    players: [
      { id: 'ana', name: 'Ana', online: true },
      { id: 'bo', name: 'Bo', online: false },
    ],
    notes: { '0,0': 'secret' },
    revealedAll: '210000000000',
    revealedTo: { ana: { '2,0': 2, '3,2': 1 }, gone: { '0,1': 2 } },
    staged: [],
    ...over,
  });
}

describe('stagedOverlay and composeDisplay', () => {
  const staged: StagedChange[] = [
    { id: '1', kind: 'update', changes: [{ key: '2,0', terrain: 'water', label: 'Lake' }, { key: '9,9', terrain: 'water' }] },
    { id: '2', kind: 'reveal', hexKeys: ['2,1', '3,1'], targets: { playerIds: ['ana'] } },
    { id: '3', kind: 'hide', hexKeys: ['3,1'], targets: 'all' },
    { id: '4', kind: 'place', partyId: 'p1', key: '2,2', reveal: false },
    { id: '5', kind: 'update', changes: [{ key: '2,0', terrain: 'desert' }, { key: '0,0', label: '' }] },
  ];

  it('folds the staged list in order', () => {
    const o = stagedOverlay(staged, 4, 3);
    expect(o.terrain.get(keyToIndex('2,0', 4, 3))).toBe(terrainIndex('desert'));
    expect(o.terrain.size).toBe(1); // 9,9 is off the map
    expect(o.labels).toEqual(new Map([['2,0', 'Lake'], ['0,0', '']]));
    expect([...o.reveal.keys()]).toEqual(['2,1']);
    expect([...o.hide]).toEqual(['3,1']);
    expect(o.token).toBe('2,2');
    expect([...o.updated].sort()).toEqual(['0,0', '2,0']);
  });

  it('draws published state, then the preview, then edits in flight', () => {
    const d = dmData({ staged });
    const pending = new PendingEdits();
    pending.setMap(4, 3);
    pending.add('r', [{ key: '3,0', terrain: 'ruins' }, { key: '2,0', terrain: 'tundra' }], 0);
    const out = composeDisplay(d, stagedOverlay(d.staged, 4, 3), pending);
    expect(out.cells[keyToIndex('2,0', 4, 3)]).toBe(terrainIndex('tundra'));
    expect(out.cells[keyToIndex('3,0', 4, 3)]).toBe(terrainIndex('ruins'));
    expect(out.cells[keyToIndex('1,0', 4, 3)]).toBe(terrainIndex('forest'));
    expect(out.labels.get('2,0')).toBe('Lake');
    expect(out.labels.has('0,0')).toBe(false);
    expect(out.token).toBe('2,2');
    // the store's data is untouched
    expect(d.cells[keyToIndex('2,0', 4, 3)]).toBe(terrainIndex('hills'));
    expect(d.labels.get('0,0')).toBe('Start');
  });

  it('returns the published arrays as they are when nothing is staged or pending', () => {
    const d = dmData();
    const out = composeDisplay(d, stagedOverlay([], 4, 3), new PendingEdits());
    expect(out.cells).toBe(d.cells);
    expect(out.labels).toBe(d.labels);
  });

  it('tells a picture that did not change (a confirmed paint) from one that did', () => {
    const d = dmData({ staged: [] });
    const pending = new PendingEdits();
    pending.setMap(4, 3);
    pending.add('r', [{ key: '3,0', terrain: 'ruins', label: 'Keep' }], 0);
    const drawn = composeDisplay(d, null, pending);
    // The hub's echo: the store now holds the edit and nothing is pending.
    const i = keyToIndex('3,0', 4, 3);
    const cells = new Uint8Array(d.cells);
    cells[i] = terrainIndex('ruins');
    const echoed = { ...d, cells, labels: new Map([...d.labels, ['3,0', 'Keep']]) };
    pending.ack(['3,0']);
    const after = composeDisplay(echoed, null, pending);
    expect(after).not.toBe(drawn);
    expect(sameDisplay(drawn, after)).toBe(true);
    // Any difference counts: a cell, a label's text, a label more, the token.
    const other = new Uint8Array(cells);
    other[0] = terrainIndex('water');
    expect(sameDisplay(drawn, { ...after, cells: other })).toBe(false);
    expect(sameDisplay(drawn, { ...after, labels: new Map([...after.labels, ['3,0', 'Kept']]) })).toBe(false);
    expect(sameDisplay(drawn, { ...after, labels: new Map([...after.labels, ['1,1', 'New']]) })).toBe(false);
    expect(sameDisplay(drawn, { ...after, token: null })).toBe(false);
    expect(sameDisplay(drawn, { ...after, cells: new Uint8Array(6) })).toBe(false);
  });
});

describe('visibility and view-as', () => {
  it('veils hexes no current player sees and lists private ones', () => {
    const d = dmData();
    const v = visibility(d);
    const at = (want: number) => [...v.veil].flatMap((x, i) => (x === want ? [`${i % 4},${Math.floor(i / 4)}`] : [])).sort();
    // 0,1 was revealed to a player who is no longer a member: it does not count
    expect(at(0)).toEqual(['0,0', '2,0']); // explored by someone
    expect(at(2)).toEqual(['1,0', '3,2']); // only glimpsed: a lighter veil
    expect([...v.privateKeys].sort()).toEqual(['2,0', '3,2']);
  });

  it('projects exactly what one player sees: explored in full, glimpsed muted without a label', () => {
    const d = dmData();
    const ana = projectFor(d, 'ana');
    const fogged = [...ana.cells].filter((c) => c === FOG).length;
    expect(ana.visible).toBe(4);
    expect(fogged).toBe(8);
    // 3,2 is glimpsed by Ana (privately, level 1): its terrain, muted, and no label
    expect(ana.cells[keyToIndex('3,2', 4, 3)]).toBe(terrainIndex('ruins'));
    expect(ana.muted[keyToIndex('3,2', 4, 3)]).toBe(1);
    expect(ana.muted[keyToIndex('2,0', 4, 3)]).toBe(0);
    // 1,0 is glimpsed by all
    expect(ana.muted[keyToIndex('1,0', 4, 3)]).toBe(1);
    expect(Object.fromEntries(ana.labels)).toEqual({ '0,0': 'Start' });
    expect(ana.token).toBe('1,0');

    const bo = projectFor(d, 'bo');
    expect(bo.visible).toBe(2);
    expect(Object.fromEntries(bo.labels)).toEqual({ '0,0': 'Start' });
    expect(bo.cells[keyToIndex('2,0', 4, 3)]).toBe(FOG);

    // A player always sees their own party's token, even in the fog
    const fogged2 = projectFor(dmData({ parties: partyAt('2,0') }), 'bo');
    expect(fogged2.token).toBe('2,0');
    expect(fogged2.tokens.map((p) => p.key)).toEqual(['2,0']);
    expect([...visibleTo(d, 'nobody')].filter(Boolean)).toHaveLength(2);
  });

  it('projects what a party knows; other parties and markers only on explored hexes', () => {
    const parties = [
      ...partyAt('1,0'),
      { id: 'p2', name: 'Scouts', color: '#3070c0', key: '3,2', default: false, reveal: 'hex' as const, memberIds: [], undo: 0 },
      { id: 'p3', name: 'Far', color: '#c0392b', key: '0,0', default: false, reveal: 'sight' as const, memberIds: [], undo: 0 },
    ];
    const d = dmData({
      parties,
      // p1 explored 2,1 and glimpsed 3,1; p2 explored 3,2
      partyKnown: { p1: '000000210000', p2: '000000000002', p3: '000000000000' },
      markers: [
        { id: 'm1', key: '0,0', kind: 'camp', label: 'Camp', visibility: 'players' },
        { id: 'm2', key: '0,0', kind: 'monster', label: 'Dragon', visibility: 'dm' },
        { id: 'm3', key: '1,0', kind: 'npc', label: 'Hermit', visibility: 'players' },
      ],
    });
    const p1 = projectFor(d, 'p1');
    expect(p1.partyId).toBe('p1');
    expect(p1.visible).toBe(4); // 0,0 and 1,0 (all), 2,1 and 3,1 (the party)
    expect(p1.muted[keyToIndex('3,1', 4, 3)]).toBe(1);
    expect(p1.muted[keyToIndex('2,1', 4, 3)]).toBe(0);
    // its own token on a glimpsed hex; Far's on 0,0 (explored by all); Scouts' on fog: not shown
    expect(p1.tokens.map((p) => p.id)).toEqual(['p1', 'p3']);
    // the DM-only marker never; the NPC on a glimpsed hex not
    expect(p1.markers.map((m) => m.id)).toEqual(['m1']);
    // Ana sees through her party, Bo too
    expect(projectFor(d, 'ana').cells[keyToIndex('2,1', 4, 3)]).toBe(d.cells[keyToIndex('2,1', 4, 3)]);
    expect(projectFor(d, 'bo').muted[keyToIndex('3,1', 4, 3)]).toBe(1);
    // a lost party is not shown to others
    const lost = { ...d, travel: { ...d.travel, parties: new Map([['p3', { lost: { at: '1,1', since: 0 } } as never]]) } };
    expect(projectFor(lost, 'p1').tokens.map((p) => p.id)).toEqual(['p1']);
  });

  it('says who sees a hex and what a reveal or hide would change', () => {
    const d = dmData();
    expect(seenBy(d, '0,0')).toBe('all');
    expect(seenBy(d, '2,0')).toEqual(['ana']);
    expect(seenBy(d, '1,1')).toEqual([]);
    expect(keysToReveal(d, ['0,0', '2,0', '1,1'], 'all')).toEqual(['2,0', '1,1']);
    expect(keysToReveal(d, ['0,0', '2,0', '1,1'], { playerIds: ['ana'] })).toEqual(['1,1']);
    expect(keysToReveal(d, ['2,0'], { playerIds: ['ana', 'bo'] })).toEqual(['2,0']);
    expect(keysToHide(d, ['0,0', '2,0', '1,1'], 'all')).toEqual(['0,0', '2,0']);
    expect(keysToHide(d, ['0,0', '2,0', '1,1'], { playerIds: ['ana'] })).toEqual(['2,0']);
    expect(parseHexKey('2,0')).toEqual({ col: 2, row: 0 });
  });
});

describe('currentInvite', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const inv = (code: string, expiresAt: string) => ({ code, expiresAt, joinUrl: `http://h/join/${code}` });
  it('picks the invite that lasts longest, skipping ones with an hour or less left', () => {
    const list = [inv('OLD', '2026-06-01T12:30:00Z'), inv('WEEK', '2026-06-08T12:00:00Z'), inv('DAY', '2026-06-02T12:00:00Z')];
    expect(currentInvite(list, now)?.code).toBe('WEEK');
    expect(currentInvite([inv('OLD', '2026-06-01T12:30:00Z'), inv('GONE', '2026-05-01T00:00:00Z')], now)).toBeNull();
    expect(currentInvite([inv('BAD', 'not a date')], now)).toBeNull();
    expect(currentInvite([], now)).toBeNull();
  });
});

describe('grouped', () => {
  it('groups thousands', () => {
    expect([0, 7, 999, 1000, 40000, 160000, 1234567].map(grouped)).toEqual(['0', '7', '999', '1,000', '40,000', '160,000', '1,234,567']);
  });
});
