// EditorController against the real session store, with a transport that records what would go
// on the wire; the hub's answers are fed back as server messages.
import { describe, expect, it } from 'vitest';
import { createSessionStore } from '../store/session';
import { keyToIndex } from '../hex/coords';
import { terrainIndex } from '../hex/terrain';
import type { ClientMessage, ServerMessage, ServerMessageOf } from '../protocol/schema';
import { EditorController, type HexFillMessage } from './editor';

function state(over: Partial<ServerMessageOf<'session:state'>> = {}): ServerMessageOf<'session:state'> {
  return {
    type: 'session:state',
    seq: 1,
    role: 'dm',
    you: null,
    campaign: { id: 'c', name: 'C' },
    session: null,
    broadcastMode: 'immediate',
    preparing: false,
    map: { id: 'm', name: 'M', width: 6, height: 4, orientation: 'flat' },
    grid: 'pppppp' + 'pwwwpp' + 'pppppp' + 'ffffff',
    labels: {},
    parties: [],
    markers: [],
    players: [],
    notes: {},
    revealedAll: '0'.repeat(24),
    revealedTo: {},
    staged: [],
    ...over,
  };
}

function setup(over: Partial<ServerMessageOf<'session:state'>> = {}) {
  const store = createSessionStore(() => 0);
  const sent: (ClientMessage | HexFillMessage)[] = [];
  let online = true;
  const ed = new EditorController(store, {
    send: (m) => (online ? (sent.push(m), true) : false),
    sendFill: (m) => (online ? (sent.push(m), true) : false),
  });
  const deliver = (m: ServerMessage) => {
    store.getState().apply(m);
    ed.onServerMessage(m);
  };
  deliver(state(over));
  return { store, ed, sent, deliver, offline: () => (online = false) };
}

const cell = (s: ReturnType<typeof setup>, key: string) => s.store.getState().data!.cells[keyToIndex(key, 6, 4)];

describe('EditorController', () => {
  it('sends each step of a stroke at once, draws it before the echo and records one undoable gesture', () => {
    const s = setup();
    expect(s.ed.painting).toBe(false);
    s.ed.beginStroke('Paint');
    expect(s.ed.painting).toBe(true);
    s.ed.paint(['0,0', '1,0'], { terrain: 'hills' });
    // on the wire without waiting for a timer, and drawn before the hub answers
    expect(s.sent).toEqual([{ type: 'hex:update', changes: [{ key: '0,0', terrain: 'hills' }, { key: '1,0', terrain: 'hills' }], ref: 'e1' }]);
    expect(s.ed.current('1,0').terrain).toBe('hills');
    expect(cell(s, '1,0')).toBe(terrainIndex('plains'));
    s.ed.paint(['1,0', '2,0'], { terrain: 'hills' }); // 1,0 already hills: not sent again
    expect(s.sent[1]).toEqual({ type: 'hex:update', changes: [{ key: '2,0', terrain: 'hills' }], ref: 'e2' });
    expect(s.ed.paint(['2,0'], { terrain: 'hills' })).toBe(0);
    expect(s.sent).toHaveLength(2);
    s.ed.endStroke();
    expect(s.ed.painting).toBe(false);
    expect(s.ed.history.size()).toEqual({ undo: 1, redo: 0 });
    expect(s.ed.history.peekUndo()?.edits.map((e) => e.key)).toEqual(['0,0', '1,0', '2,0']);
    expect(s.ed.pending.size).toBe(3);

    // The hub echoes; the store now holds the paint and nothing is pending.
    s.deliver({ type: 'hex:updated', seq: 2, hexes: [{ key: '0,0', terrain: 'hills' }, { key: '1,0', terrain: 'hills' }] });
    s.deliver({ type: 'hex:updated', seq: 3, hexes: [{ key: '2,0', terrain: 'hills' }] });
    expect(s.ed.pending.size).toBe(0);
    expect(cell(s, '2,0')).toBe(terrainIndex('hills'));

    // Undo sends the before values; redo the after values.
    s.ed.undo();
    expect(s.sent.at(-1)).toMatchObject({ type: 'hex:update', changes: [{ key: '0,0', terrain: 'plains' }, { key: '1,0', terrain: 'plains' }, { key: '2,0', terrain: 'plains' }] });
    expect(s.ed.current('2,0').terrain).toBe('plains');
    s.ed.redo();
    expect(s.sent.at(-1)).toMatchObject({ changes: [{ key: '0,0', terrain: 'hills' }, { key: '1,0', terrain: 'hills' }, { key: '2,0', terrain: 'hills' }] });
  });

  it('sends one message per pointer step of a long stroke, in order', () => {
    const s = setup({ map: { id: 'm', name: 'M', width: 60, height: 1, orientation: 'flat' }, grid: 'p'.repeat(60), revealedAll: '0'.repeat(60) });
    s.ed.beginStroke('Paint');
    for (let c = 0; c < 60; c++) s.ed.paint([`${c},0`], { terrain: 'water' });
    expect(s.sent).toHaveLength(60);
    expect(s.sent.map((m) => (m as { changes: { key: string }[] }).changes[0]!.key)).toEqual(Array.from({ length: 60 }, (_, c) => `${c},0`));
    s.ed.endStroke();
    expect(s.sent).toHaveLength(60);
    expect(s.ed.history.peekUndo()?.edits).toHaveLength(60);
  });

  it('drops an edit the hub refused (error with its ref) and shows the hub state again', () => {
    const s = setup();
    s.ed.edit('Label', ['3,3'], { label: 'Keep' });
    expect(s.ed.current('3,3').label).toBe('Keep');
    const ref = (s.sent[0] as { ref: string }).ref;
    s.deliver({ type: 'error', code: 'invalid', message: 'nope', ref });
    expect(s.ed.current('3,3').label).toBe('');
    expect(s.ed.pending.size).toBe(0);
  });

  it('fills with hex:fill and records the region for undo', () => {
    const s = setup();
    expect(s.ed.fill('2,1', 'desert')).toBe(3);
    expect(s.sent).toEqual([{ type: 'hex:fill', key: '2,1', terrain: 'desert', ref: 'e1' }]);
    expect(['1,1', '2,1', '3,1'].map((k) => s.ed.current(k).terrain)).toEqual(['desert', 'desert', 'desert']);
    s.ed.undo();
    const undo = s.sent.at(-1) as { type: string; changes: { key: string; terrain: string }[] };
    expect(undo.type).toBe('hex:update');
    expect(undo.changes.map((c) => `${c.key}:${c.terrain}`).sort()).toEqual(['1,1:water', '2,1:water', '3,1:water']);
  });

  it('in a live staged session: fills as hex:update and is confirmed by staged:changed', () => {
    const s = setup({ session: { id: 's', status: 'active' }, broadcastMode: 'staged' });
    s.ed.fill('0,3', 'swamp');
    expect(s.sent[0]).toMatchObject({ type: 'hex:update' });
    expect((s.sent[0] as { changes: unknown[] }).changes).toHaveLength(6);
    expect(s.ed.pending.size).toBe(6);
    const changes = ['0,3', '1,3', '2,3', '3,3', '4,3', '5,3'].map((key) => ({ key, terrain: 'swamp' as const }));
    s.deliver({ type: 'staged:changed', seq: 2, staged: [{ id: 'x', kind: 'update', changes }] });
    expect(s.ed.pending.size).toBe(0);
    // the preview still shows the staged terrain
    expect(s.ed.current('4,3').terrain).toBe('swamp');
    expect(cell(s, '4,3')).toBe(terrainIndex('forest'));
  });

  it('says so and records nothing when offline; a new map clears the history', () => {
    const s = setup();
    s.ed.edit('Paint', ['0,0'], { terrain: 'ruins' });
    expect(s.ed.history.canUndo()).toBe(true);
    s.offline();
    expect(s.ed.edit('Paint', ['1,0'], { terrain: 'ruins' })).toBe(0);
    expect(s.ed.notice?.text).toMatch(/Not connected/);
    expect(s.ed.history.size()).toEqual({ undo: 1, redo: 0 });
    expect(s.ed.current('1,0').terrain).toBe('plains');
    s.deliver(state({ map: { id: 'other', name: 'O', width: 6, height: 4, orientation: 'pointy' } }));
    expect(s.ed.history.canUndo()).toBe(false);
    expect(s.ed.pending.size).toBe(0);
  });

  it('lays and lifts roads as one undoable gesture each, and knows a road the hub already has', () => {
    const s = setup({ roads: ['0,0'] });
    expect(s.ed.current('0,0').road).toBe(true);
    s.ed.beginStroke('Lay a road');
    expect(s.ed.paint(['0,0', '1,0', '2,0'], { road: true })).toBe(2); // 0,0 has one already
    s.ed.endStroke();
    expect(s.sent).toEqual([{ type: 'hex:update', changes: [{ key: '1,0', road: true }, { key: '2,0', road: true }], ref: 'e1' }]);
    expect(s.ed.current('2,0').road).toBe(true);
    s.ed.undo();
    expect(s.sent[1]).toEqual({ type: 'hex:update', changes: [{ key: '1,0', road: false }, { key: '2,0', road: false }], ref: expect.any(String) });
  });
});
