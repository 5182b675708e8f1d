import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../protocol/parse';
import type { ServerMessage } from '../protocol/schema';
import { FOG, terrainIndex } from '../hex/terrain';
import { createSessionStore, FADE_MS } from './session';

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

function playerStore() {
  let t = 1000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const store = createSessionStore(clock.now);
  store.getState().apply(example('session-state-player.json'));
  return { store, clock };
}
function dmStore() {
  const store = createSessionStore(() => 0);
  store.getState().apply(example('session-state-dm.json'));
  return store;
}
const data = (s: ReturnType<typeof createSessionStore>) => {
  const d = s.getState().data;
  if (!d) throw new Error('no data');
  return d;
};

describe('session:state', () => {
  it('builds the player projection', () => {
    const { store } = playerStore();
    const d = data(store);
    expect(d.role).toBe('player');
    expect(d.you?.name).toBe('Ana');
    expect(d.session?.status).toBe('active');
    expect(d.map?.width).toBe(4);
    expect(d.cells[0]).toBe(terrainIndex('plains'));
    expect(d.cells[2]).toBe(FOG);
    expect(d.labels.get('1,0')).toBe('Old Mill');
    expect(d.cells[4]).toBe(terrainIndex('')); // glimpsed, unpainted
    expect(d.cells[5]).toBe(terrainIndex('hills')); // glimpsed
    expect(d.token).toBe('1,0'); // Ana's own party
    expect(d.parties).toHaveLength(2);
    expect([...d.players.values()].map((p) => [p.name, p.online])).toEqual([
      ['Ana', true],
      ['Bo', false],
      ['Cy', true],
    ]);
    expect(d.revealedAll).toBeNull();
  });
  it('builds the DM projection', () => {
    const d = data(dmStore());
    expect(d.role).toBe('dm');
    expect(d.notes.get('3,0')).toBe('dragon lair');
    expect([...(d.revealedAll ?? [])]).toEqual([2, 1, 0, 0, 0, 0, 1, 0]);
    expect([...(d.revealedTo.get(BO) ?? [])]).toEqual([['2,0', 2]]);
    expect(d.staged.map((s) => s.kind)).toEqual(['reveal', 'reveal', 'update', 'move', 'place', 'place', 'hide']);
    expect(d.parties.map((p) => p.name)).toEqual(['The Company', 'Scouts', 'Stragglers']);
    expect(d.token).toBe('1,0'); // the default party's
    expect(d.markers).toHaveLength(2);
    expect(d.broadcastMode).toBe('staged');
    expect(d.preparing).toBe(true);
  });
  it('handles the waiting state (no session, no map)', () => {
    const store = createSessionStore();
    store.getState().apply(example('session-state-waiting.json'));
    const d = data(store);
    expect(d.session).toBeNull();
    expect(d.map).toBeNull();
    expect(d.cells.length).toBe(0);
  });
  it('replaces local state wholesale (a reconnect forgets stale deltas)', () => {
    const { store } = playerStore();
    store.getState().apply(msg({ type: 'hex:revealed', seq: 45, hexes: [{ key: '3,1', terrain: 'ruins', label: 'X' }] }));
    expect(data(store).labels.get('3,1')).toBe('X');
    store.getState().apply(example('session-state-player.json'));
    const d = data(store);
    expect(d.cells[7]).toBe(FOG);
    expect(d.labels.has('3,1')).toBe(false);
    expect(d.seq).toBe(42);
  });
  it('fades in hexes the new state reveals, but not on a different map', () => {
    const { store } = playerStore();
    const s = JSON.parse(readFileSync(join(root, 'session-state-player.json'), 'utf8'));
    store.getState().apply(msg({ ...s, seq: 60, grid: 'pf?h??w?' }));
    expect([...store.getState().fadeIn.keys()]).toEqual([3]);
    store.getState().apply(msg({ ...s, seq: 61, grid: 'pfmh??w?', map: { ...s.map, id: 'other' } }));
    expect(store.getState().fadeIn.size).toBe(0);
  });
  it('clears mapChanging', () => {
    const { store } = playerStore();
    store.getState().apply(example('map-changed.json'));
    expect(store.getState().mapChanging).toBe(true);
    store.getState().apply(example('session-state-player.json'));
    expect(store.getState().mapChanging).toBe(false);
  });
});

describe('deltas (player)', () => {
  it('session:statusChanged', () => {
    const { store } = playerStore();
    store.getState().apply(example('session-statusChanged.json'));
    expect(data(store).session).toEqual({ id: '77aa0c3e-1f2b-4c5d-8e9f-0a1b2c3d4e5f', status: 'paused' });
    expect(data(store).seq).toBe(43);
  });
  it('hex:revealed sets terrain and labels and starts a fade', () => {
    const { store } = playerStore();
    const before = data(store);
    store.getState().apply(example('hex-revealed-player.json'));
    const d = data(store);
    expect(d.cells[2]).toBe(terrainIndex('hills'));
    expect(d.cells[3]).toBe(terrainIndex('mountains'));
    expect(d.labels.get('3,0')).toBe('Dragon Peak');
    expect([...store.getState().fadeIn.keys()].sort()).toEqual([2, 3]);
    // new instances, old ones untouched
    expect(d.cells).not.toBe(before.cells);
    expect(d.labels).not.toBe(before.labels);
    expect(before.cells[2]).toBe(FOG);
  });
  it('hex:revealed prunes finished fades', () => {
    const { store, clock } = playerStore();
    store.getState().apply(msg({ type: 'hex:revealed', seq: 43, hexes: [{ key: '2,0', terrain: 'hills' }] }));
    clock.advance(FADE_MS + 1);
    store.getState().apply(msg({ type: 'hex:revealed', seq: 44, hexes: [{ key: '3,0', terrain: 'hills' }] }));
    expect([...store.getState().fadeIn.keys()]).toEqual([3]);
  });
  it('hex:hidden fogs the hex and drops its label; our own party stays where it stands', () => {
    const { store } = playerStore();
    store.getState().apply(msg({ type: 'hex:hidden', seq: 46, keys: ['1,0'] }));
    const d = data(store);
    expect(d.cells[1]).toBe(FOG);
    expect(d.labels.has('1,0')).toBe(false);
    expect(d.token).toBe('1,0');
  });
  it('hex:updated changes terrain and label in place', () => {
    const { store } = playerStore();
    store.getState().apply(example('hex-updated-player.json'));
    let d = data(store);
    expect(d.cells[1]).toBe(terrainIndex('settlement'));
    expect(d.labels.get('1,0')).toBe('Millbrook');
    store.getState().apply(msg({ type: 'hex:updated', seq: 48, hexes: [{ key: '1,0', terrain: '' }] }));
    d = data(store);
    expect(d.cells[1]).toBe(terrainIndex(''));
    expect(d.labels.has('1,0')).toBe(false); // omitted label = empty
  });
  it('parties:changed moves our token, and off the map', () => {
    const { store } = playerStore();
    store.getState().apply(example('parties-changed-player.json'));
    expect(data(store).token).toBe('1,0');
    expect(data(store).parties.map((p) => p.key)).toEqual(['1,0', '1,1']);
    store.getState().apply(example('parties-changed-player-off-map.json'));
    expect(data(store).token).toBeNull();
    expect(data(store).parties).toHaveLength(1);
  });
  it('player:joined and player:left flip online flags', () => {
    const { store } = playerStore();
    store.getState().apply(msg({ type: 'player:joined', players: [{ id: BO, name: 'Bo' }, { id: 'c', name: 'Cy' }] }));
    let d = data(store);
    expect(d.players.get(BO)?.online).toBe(true);
    expect(d.players.get('c')).toEqual({ id: 'c', name: 'Cy', online: true });
    store.getState().apply(example('player-left.json'));
    d = data(store);
    expect(d.players.get(ANA)?.online).toBe(false);
    expect(d.players.get(BO)?.online).toBe(true);
  });
  it('dm:preparing', () => {
    const { store } = playerStore();
    store.getState().apply(example('dm-preparing.json'));
    expect(data(store).preparing).toBe(true);
  });
  it('map:changed only bumps seq and waits for the next state', () => {
    const { store } = playerStore();
    const before = data(store);
    store.getState().apply(example('map-changed.json'));
    expect(data(store).seq).toBe(50);
    expect(data(store).cells).toBe(before.cells);
  });
  it('error is kept in the error list, not applied', () => {
    const { store } = playerStore();
    const before = data(store);
    store.getState().apply(example('error.json'));
    expect(data(store)).toBe(before);
    expect(store.getState().errors).toEqual([
      expect.objectContaining({ code: 'invalid', ref: 'r17' }),
    ]);
  });
  it('ignores deltas older than the state', () => {
    const { store } = playerStore();
    store.getState().apply(msg({ type: 'parties:changed', seq: 41, parties: [] }));
    expect(data(store).token).toBe('1,0');
  });
  it('ignores deltas before the first state', () => {
    const store = createSessionStore();
    store.getState().apply(example('parties-changed-player.json'));
    expect(store.getState().data).toBeNull();
  });
  it('ignores hexes off the map instead of crashing', () => {
    const { store } = playerStore();
    store.getState().apply(msg({ type: 'hex:revealed', seq: 45, hexes: [{ key: '9,9', terrain: 'hills' }] }));
    expect(data(store).cells.length).toBe(8);
  });
});

describe('deltas (DM)', () => {
  it('broadcast:modeChanged', () => {
    const store = dmStore();
    store.getState().apply(msg({ type: 'broadcast:modeChanged', seq: 44, mode: 'immediate' }));
    expect(data(store).broadcastMode).toBe('immediate');
  });
  it('hex:revealed to players records a private reveal', () => {
    const store = dmStore();
    store.getState().apply(example('hex-revealed-dm.json'));
    expect([...(data(store).revealedTo.get(ANA) ?? [])]).toEqual([['2,0', 2]]);
    expect(data(store).revealedAll?.[2]).toBe(0);
  });
  it('hex:revealed to all sets revealedAll', () => {
    const store = dmStore();
    store.getState().apply(msg({ type: 'hex:revealed', seq: 45, hexes: [{ key: '3,0', terrain: 'mountains' }], targets: 'all' }));
    expect(data(store).revealedAll?.[3]).toBe(2);
    store.getState().apply(msg({ type: 'hex:revealed', seq: 46, hexes: [{ key: '2,0', terrain: 'hills' }], targets: 'all', state: 'glimpsed' }));
    expect(data(store).revealedAll?.[2]).toBe(1);
    // a reveal never lowers
    store.getState().apply(msg({ type: 'hex:revealed', seq: 47, hexes: [{ key: '3,0', terrain: 'mountains' }], targets: 'all', state: 'glimpsed' }));
    expect(data(store).revealedAll?.[3]).toBe(2);
  });
  it('party:moved moves the party', () => {
    const store = dmStore();
    store.getState().apply(example('party-moved.json'));
    const p = data(store).parties.find((x) => x.id === '5d1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(p?.key).toBe('3,0');
    expect(p?.undo).toBe(3);
    expect(data(store).token).toBe('3,0');
  });
  it('hex:hidden from all clears both kinds of reveal', () => {
    const store = dmStore();
    store.getState().apply(example('hex-hidden-dm.json'));
    const d = data(store);
    expect(d.revealedAll?.[2]).toBe(0);
    expect(d.revealedTo.get(BO)?.has('2,0')).toBe(false);
    expect(d.cells[2]).toBe(terrainIndex('hills')); // the DM still sees the terrain
  });
  it('hex:hidden from a player drops only that private reveal', () => {
    const store = dmStore();
    store.getState().apply(msg({ type: 'hex:hidden', seq: 46, keys: ['2,0', '0,0'], targets: { playerIds: [BO] } }));
    const d = data(store);
    expect(d.revealedTo.get(BO)?.size).toBe(0);
    expect(d.revealedAll?.[0]).toBe(2);
  });
  it('hex:updated carries notes to the DM', () => {
    const store = dmStore();
    store.getState().apply(example('hex-updated-dm.json'));
    expect(data(store).notes.get('1,0')).toBe('the miller is a werewolf');
    store.getState().apply(msg({ type: 'hex:updated', seq: 48, hexes: [{ key: '1,0', terrain: 'settlement' }] }));
    expect(data(store).notes.has('1,0')).toBe(false);
  });
  it('staged:changed replaces the staged list', () => {
    const store = dmStore();
    store.getState().apply(example('staged-changed.json'));
    expect(data(store).staged).toHaveLength(1);
  });
  it('member:added adds an offline player once', () => {
    const store = dmStore();
    store.getState().apply(example('member-added.json'));
    store.getState().apply(example('member-added.json'));
    expect(data(store).players.get(BO)).toEqual({ id: BO, name: 'Bo', online: false });
    expect(data(store).players.size).toBe(2);
  });
});

describe('every server message type is handled', () => {
  it('applies each example without throwing', () => {
    for (const f of [
      'broadcast-modeChanged.json',
      'dm-preparing.json',
      'error.json',
      'hex-hidden-dm.json',
      'hex-revealed-dm.json',
      'hex-updated-dm.json',
      'map-changed.json',
      'member-added.json',
      'player-joined.json',
      'player-left.json',
      'session-statusChanged.json',
      'staged-changed.json',
      'staged-changed-every-kind.json',
      'parties-changed-dm.json',
      'party-moved.json',
      'party-moved-off-map.json',
      'party-known.json',
      'player-known.json',
      'markers-changed-dm.json',
      'sight-rulesChanged.json',
      'hex-revealed-dm-parties.json',
      'hex-hidden-dm-parties.json',
    ]) {
      const store = dmStore();
      expect(() => store.getState().apply(example(f))).not.toThrow();
    }
  });
});
