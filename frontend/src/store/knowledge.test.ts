// The three hex states in the shared reducer: a player's glimpsed hexes (the grid's upper-case
// codes, each hex's `state`), and the DM's knowledge kept from the deltas exactly as
// docs/protocol.md says ("How a DM's client keeps its revealedAll, revealedTo and partyKnown").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../protocol/parse';
import type { ServerMessage } from '../protocol/schema';
import { FOG, terrainIndex } from '../hex/terrain';
import { createSessionStore } from './session';

const root = join(__dirname, '../../../testdata/protocol/server');
function example(name: string): ServerMessage {
  const r = parseServerMessage(readFileSync(join(root, name), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.message;
}
function msg(raw: object): ServerMessage {
  const r = parseServerMessage(JSON.stringify(raw));
  if (!r.ok) throw new Error(r.error);
  return r.message;
}

const ANA = '8f3c2d10-5b7a-4c1e-8e2f-1a2b3c4d5e6f';
const BO = '9a4d3e21-6c8b-4d2f-9f30-2b3c4d5e6f70';
const COMPANY = '5d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const SCOUTS = '6e2a1b3c-4d5e-4f60-9b8c-1d2e3f4a5b6c';

function store(file: string) {
  const s = createSessionStore(() => 0);
  s.getState().apply(example(file));
  return s;
}
const data = (s: ReturnType<typeof createSessionStore>) => s.getState().data!;
const levels = (a: Uint8Array | undefined) => (a ? [...a].join('') : null);

describe('a player’s glimpsed hexes', () => {
  it('come from the grid’s upper-case codes and carry no label', () => {
    const d = data(store('session-state-player.json')); // "pf??,Hw?"
    expect([...d.glimpsed]).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
    expect(d.cells[5]).toBe(terrainIndex('hills'));
    expect(d.cells[6]).toBe(terrainIndex('water'));
  });

  it('follow each hex’s state: fog → glimpsed → explored → glimpsed (undo) → fog', () => {
    const s = store('session-state-player.json');
    s.getState().apply(msg({ type: 'hex:revealed', seq: 50, hexes: [{ key: '2,0', terrain: 'mountains', state: 'glimpsed' }] }));
    expect(data(s).glimpsed[2]).toBe(1);
    expect(data(s).cells[2]).toBe(terrainIndex('mountains'));
    expect(s.getState().fadeIn.has(2)).toBe(true); // it was fog
    s.getState().apply(msg({ type: 'hex:revealed', seq: 51, hexes: [{ key: '2,0', terrain: 'mountains', label: 'Peak', road: true, state: 'explored' }] }));
    expect(data(s).glimpsed[2]).toBe(0);
    expect(data(s).labels.get('2,0')).toBe('Peak');
    expect(data(s).roads.has('2,0')).toBe(true);
    // An undo takes it back to glimpsed: terrain only, the label and the road go
    s.getState().apply(msg({ type: 'hex:revealed', seq: 52, hexes: [{ key: '2,0', terrain: 'mountains', state: 'glimpsed' }] }));
    expect(data(s).glimpsed[2]).toBe(1);
    expect(data(s).labels.has('2,0')).toBe(false);
    expect(data(s).roads.has('2,0')).toBe(false);
    // A terrain update of a glimpsed hex keeps it glimpsed
    s.getState().apply(msg({ type: 'hex:updated', seq: 53, hexes: [{ key: '2,0', terrain: 'hills', state: 'glimpsed' }] }));
    expect(data(s).glimpsed[2]).toBe(1);
    s.getState().apply(msg({ type: 'hex:hidden', seq: 54, keys: ['2,0', '0,1'] }));
    expect(data(s).glimpsed[2]).toBe(0);
    expect(data(s).glimpsed[4]).toBe(0);
    expect(data(s).cells[2]).toBe(FOG);
  });

  it('a new array for every change, the same one when nothing glimpsed changed', () => {
    const s = store('session-state-player.json');
    const before = data(s).glimpsed;
    s.getState().apply(msg({ type: 'hex:updated', seq: 50, hexes: [{ key: '0,0', terrain: 'desert', state: 'explored' }] }));
    expect(data(s).glimpsed).toBe(before);
    s.getState().apply(msg({ type: 'hex:revealed', seq: 51, hexes: [{ key: '3,0', terrain: 'forest', state: 'glimpsed' }] }));
    expect(data(s).glimpsed).not.toBe(before);
    expect([...before]).toEqual([0, 0, 0, 0, 1, 1, 0, 0]); // never mutated
  });

  it('a split moves the player to another party without a new state', () => {
    const s = store('session-state-player.json');
    expect(data(s).you?.partyId).toBe(COMPANY);
    expect(data(s).token).toBe('1,0');
    s.getState().apply(
      msg({
        type: 'parties:changed',
        seq: 50,
        parties: [
          { id: COMPANY, name: 'The Company', color: '#e0a030', key: '1,0' },
          { id: SCOUTS, name: 'Scouts', color: '#3070c0', key: '2,1', memberIds: [ANA] },
        ],
      }),
    );
    expect(data(s).you?.partyId).toBe(SCOUTS);
    expect(data(s).token).toBe('2,1');
    s.getState().apply(msg({ type: 'parties:changed', seq: 51, parties: [{ id: COMPANY, name: 'The Company', color: '#e0a030', key: '1,0' }] }));
    expect(data(s).you?.partyId).toBeNull();
    expect(data(s).token).toBeNull();
  });
});

describe('the DM’s knowledge from the deltas', () => {
  it('starts from session:state: all, each party, each player’s private hexes, the sight rules', () => {
    const d = data(store('session-state-dm.json'));
    expect(levels(d.revealedAll ?? undefined)).toBe('21000010');
    expect(levels(d.partyKnown.get(COMPANY))).toBe('22100000');
    expect(levels(d.partyKnown.get(SCOUTS))).toBe('00000200');
    expect(d.revealedTo.get(BO)?.get('2,0')).toBe(2);
    expect(d.sightRules?.mountains).toEqual({ sight: 3, height: 2, landmark: 4 });
  });

  it('party:moved raises the party (never lowering), party:known replaces it', () => {
    const s = store('session-state-dm.json');
    s.getState().apply(example('party-moved.json')); // explored 2,0 3,0; glimpsed 3,1 2,1
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22220011');
    s.getState().apply(msg({ type: 'party:moved', seq: 57, partyId: COMPANY, key: '0,0', path: ['0,0'], explored: [], glimpsed: ['2,0'], undo: 4 }));
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22220011');
    s.getState().apply(example('party-known.json'));
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22210110');
  });

  it('hex:revealed raises the scope it names to its state', () => {
    const s = store('session-state-dm.json');
    s.getState().apply(msg({ type: 'hex:revealed', seq: 50, hexes: [{ key: '3,1', terrain: 'coast' }], targets: { partyIds: [SCOUTS] }, state: 'glimpsed' }));
    expect(levels(data(s).partyKnown.get(SCOUTS))).toBe('00000201');
    s.getState().apply(msg({ type: 'hex:revealed', seq: 51, hexes: [{ key: '3,1', terrain: 'coast' }], targets: { playerIds: [ANA] }, state: 'glimpsed' }));
    expect(data(s).revealedTo.get(ANA)?.get('3,1')).toBe(1);
    s.getState().apply(msg({ type: 'hex:revealed', seq: 52, hexes: [{ key: '2,0', terrain: 'hills' }], targets: { playerIds: [BO] }, state: 'glimpsed' }));
    expect(data(s).revealedTo.get(BO)?.get('2,0')).toBe(2); // never lowered
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22100000'); // other scopes untouched
  });

  it('hex:hidden from parties clears them and their members’ private hexes; from all, every scope', () => {
    const s = store('session-state-dm.json');
    s.getState().apply(msg({ type: 'hex:revealed', seq: 43, hexes: [{ key: '2,1', terrain: 'water' }], targets: { playerIds: [BO, ANA] } }));
    s.getState().apply(example('hex-hidden-dm-parties.json')); // 2,1 from the Scouts (Bo)
    expect(data(s).revealedTo.get(BO)?.has('2,1')).toBe(false);
    expect(data(s).revealedTo.get(ANA)?.has('2,1')).toBe(true);
    expect(levels(data(s).partyKnown.get(SCOUTS))).toBe('00000200');
    s.getState().apply(msg({ type: 'hex:hidden', seq: 55, keys: ['1,1'], targets: { partyIds: [SCOUTS] } }));
    expect(levels(data(s).partyKnown.get(SCOUTS))).toBe('00000000');
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22100000');
    s.getState().apply(msg({ type: 'hex:hidden', seq: 60, keys: ['0,0', '2,1'], targets: 'all' }));
    expect(levels(data(s).revealedAll ?? undefined)).toBe('01000000');
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('02100000');
    expect(data(s).revealedTo.get(ANA)?.has('2,1')).toBe(false);
  });

  it('player:known replaces a player’s private knowledge; parties:changed drops a merged party', () => {
    const s = store('session-state-dm.json');
    s.getState().apply(example('player-known.json'));
    expect([...(data(s).revealedTo.get(BO) ?? [])]).toEqual([
      ['2,0', 2],
      ['3,1', 1],
    ]);
    const d = data(s);
    s.getState().apply(msg({ type: 'parties:changed', seq: 70, parties: d.parties.filter((p) => p.id !== SCOUTS) }));
    expect(data(s).partyKnown.has(SCOUTS)).toBe(false);
    expect(levels(data(s).partyKnown.get(COMPANY))).toBe('22100000');
    // A new party knows nothing until its party:known
    s.getState().apply(msg({ type: 'parties:changed', seq: 71, parties: [...d.parties, { ...d.parties[1]!, id: 'new', name: 'New' }] }));
    expect(levels(data(s).partyKnown.get('new'))).toBe('00000000');
  });

  it('sight:rulesChanged keeps the rules', () => {
    const s = store('session-state-dm.json');
    s.getState().apply(example('sight-rulesChanged.json'));
    const r = data(s).sightRules!;
    expect(Object.keys(r).length).toBe(13);
  });
});
