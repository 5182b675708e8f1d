// The console's exploration actions against a WebSocket server on loopback standing in for the
// hub: what a click, an arrow key, a placement, an undo, a split or a marker sends, and what the
// console says instead when it cannot (no session, no move to take back, the map's edge).
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as NodeWebSocket, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { PartyView, ServerMessageOf } from '../protocol/schema';
import type { WebSocketLike } from '../net/socket';
import { createDmStore, type DmStore } from './store';

const COMPANY: PartyView = { id: 'co', name: 'The Company', color: '#e0a030', key: '2,2', default: true, reveal: 'sight', memberIds: ['ana'], undo: 0 };
const SCOUTS: PartyView = { id: 'sc', name: 'Scouts', color: '#3070c0', key: null, default: false, reveal: 'hex', memberIds: ['bo'], undo: 2 };

function state(over: Partial<ServerMessageOf<'session:state'>> = {}): ServerMessageOf<'session:state'> {
  return {
    type: 'session:state',
    seq: 1,
    role: 'dm',
    you: null,
    campaign: { id: 'c1', name: 'C' },
    session: { id: 's', status: 'active' },
    broadcastMode: 'immediate',
    preparing: false,
    map: { id: 'm', name: 'M', width: 6, height: 5, orientation: 'flat' },
    grid: 'p'.repeat(30),
    labels: {},
    parties: [COMPANY, SCOUTS],
    markers: [{ id: 'mk', key: '1,1', kind: 'camp', label: 'Camp', visibility: 'dm' }],
    players: [
      { id: 'ana', name: 'Ana', online: true },
      { id: 'bo', name: 'Bo', online: true },
    ],
    notes: {},
    revealedAll: '0'.repeat(30),
    revealedTo: {},
    partyKnown: { co: '0'.repeat(30), sc: '0'.repeat(30) },
    staged: [],
    ...over,
  };
}

type Msg = { type: string; [k: string]: unknown };

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function until<T>(pred: () => T | undefined | null | false, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      const v = pred();
      if (v) return resolve(v);
      if (Date.now() - start > ms) return reject(new Error('condition not met'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** A console with the campaign open on a loopback hub that answers nothing but the first state. */
async function open(over: Partial<ServerMessageOf<'session:state'>> = {}): Promise<{ store: DmStore; got: Msg[]; ws: ServerSocket; sent: () => Promise<Msg> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('hexcrawl.v1') ? 'hexcrawl.v1' : false) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const got: Msg[] = [];
  const conn = new Promise<ServerSocket>((r) => wss.once('connection', (ws) => r(ws)));
  const store = createDmStore({
    socket: {
      createSocket: (url, protocols) => new NodeWebSocket(url, protocols) as unknown as WebSocketLike,
      heartbeat: { idleMs: 0 },
      wakeSources: { document: Object.assign(new EventTarget(), { visibilityState: 'visible' }), window: new EventTarget() },
    },
  });
  store.setState({ creds: { token: 't', wsUrl: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, desktop: true }, phase: { kind: 'ready' } });
  store.getState().open('c1');
  const ws = await conn;
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  ws.send(JSON.stringify(state(over)));
  await until(() => store.getState().data !== null);
  cleanup.push(() => {
    store.getState().open('');
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  let seen = 0;
  const sent = async () => {
    await until(() => got.length > seen);
    return got[seen++]!;
  };
  return { store, got, ws, sent };
}

const strip = ({ ref, ...m }: Msg) => (void ref, m);

describe('the Party tool', () => {
  it('steps to a clicked neighbour, walks a straight line to a farther hex, places a party off the map', async () => {
    const { store, sent } = await open();
    const s = store.getState();
    expect(s.party()?.id).toBe('co'); // the default party when none is picked
    expect(s.partyTap('2,1')).toBe(true);
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['2,1'] });
    s.partyTap('5,2');
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['3,2', '4,2', '5,2'] });
    // The Scouts are off the map: a click places them, revealing if the tool says so.
    s.selectParty('sc');
    s.setPlaceReveal(true);
    s.partyTap('0,4');
    expect(strip(await sent())).toEqual({ type: 'party:place', partyId: 'sc', key: '0,4', reveal: true });
    expect(store.getState().travelPartyId).toBe('sc'); // one party picked for both panels
    // Place mode for a party on the map: a teleport.
    s.selectParty('co');
    s.setPartyMode('place');
    s.setPlaceReveal(false);
    s.partyTap('4,4');
    expect(strip(await sent())).toEqual({ type: 'party:place', partyId: 'co', key: '4,4', reveal: false });
  });

  it('arrow keys step by the table of docs/dm-ui.md, and stop at the edge with a word', async () => {
    const { store, sent, got } = await open();
    const s = store.getState();
    s.partyArrow('ArrowRight', false); // 2,2 is an even column: along the row is down-right
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['3,2'] });
    s.partyArrow('ArrowRight', true);
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['3,1'] });
    s.partyArrow('ArrowUp', false);
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['2,1'] });
    store.setState({ data: { ...store.getState().data!, parties: [{ ...COMPANY, key: '0,0' }, SCOUTS] } });
    expect(s.partyArrow('ArrowUp', false)).toBe(false);
    expect(store.getState().toasts.at(-1)?.text).toBe('That is the edge of the map.');
    s.selectParty('sc');
    expect(s.partyArrow('ArrowUp', false)).toBe(false);
    expect(store.getState().toasts.at(-1)?.text).toMatch(/^Place Scouts on the map first/);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(3);
  });

  it('in staged mode the next move starts where the staged ones leave the party', async () => {
    const { store, sent } = await open({
      broadcastMode: 'staged',
      staged: [
        { id: 'x', kind: 'move', partyId: 'co', path: ['2,3', '2,4'] },
        { id: 'y', kind: 'place', partyId: 'sc', key: '5,0', reveal: false },
      ],
    });
    const s = store.getState();
    expect(s.partyKey('co')).toBe('2,4');
    expect(s.partyKey('sc')).toBe('5,0');
    s.partyArrow('ArrowLeft', false);
    expect(strip(await sent())).toEqual({ type: 'party:move', partyId: 'co', path: ['1,4'] });
  });

  it('moves and revealing placements need a live session; setting up does not', async () => {
    const { store, sent, got } = await open({ session: null });
    const s = store.getState();
    expect(s.partyTap('2,1')).toBe(false);
    expect(store.getState().toasts.at(-1)?.text).toBe('Start the session to move the party.');
    expect(s.placeParty('1,1', true)).toBe(false);
    expect(s.placeParty('1,1', false)).toBe(true);
    expect(strip(await sent())).toEqual({ type: 'party:place', partyId: 'co', key: '1,1', reveal: false });
    expect(got).toHaveLength(1);
  });

  it('undo takes back the picked party’s last move, or says there is none', async () => {
    const { store, sent, got } = await open();
    const s = store.getState();
    expect(s.undoMove()).toBe(false);
    expect(store.getState().toasts.at(-1)?.text).toBe('The Company has no move to take back.');
    s.cycleParty(); // P: the next party
    expect(store.getState().party()?.id).toBe('sc');
    expect(s.undoMove()).toBe(true);
    expect(strip(await sent())).toEqual({ type: 'party:undo', partyId: 'sc' });
    expect(got).toHaveLength(1);
  });
});

describe('parties and markers', () => {
  it('split, assign, merge, rename, recolour, reveal mode', async () => {
    const { store, sent } = await open();
    const s = store.getState();
    s.createParty('Riders', '#8e44ad', ['ana']);
    expect(strip(await sent())).toEqual({ type: 'party:create', name: 'Riders', color: '#8e44ad', playerIds: ['ana'] });
    s.assignPlayers(null, ['bo']);
    expect(strip(await sent())).toEqual({ type: 'party:assign', partyId: null, playerIds: ['bo'] });
    s.updateParty('sc', { reveal: 'none' });
    expect(strip(await sent())).toEqual({ type: 'party:update', partyId: 'sc', reveal: 'none' });
    s.updateParty('sc', { name: 'Outriders', color: '#112233' });
    expect(strip(await sent())).toEqual({ type: 'party:update', partyId: 'sc', name: 'Outriders', color: '#112233' });
    s.selectParty('sc');
    s.mergeParty('sc', 'co');
    expect(strip(await sent())).toEqual({ type: 'party:merge', partyId: 'sc', intoId: 'co' });
    expect(store.getState().partyId).toBe('co'); // the picked party went: its survivor is picked
  });

  it('a merged party picked as a reveal target or viewed is let go when the hub says it is gone', async () => {
    const { store, ws } = await open();
    const s = store.getState();
    s.togglePickedParty('sc');
    expect(store.getState().revealTo).toBe('parties');
    s.setViewAs('sc');
    ws.send(JSON.stringify({ type: 'parties:changed', seq: 2, parties: [COMPANY] }));
    await until(() => store.getState().data?.parties.length === 1);
    expect([...store.getState().pickedParties]).toEqual([]);
    expect(store.getState().viewAs).toBeNull();
  });

  it('reveals plan with the chosen state and parties', async () => {
    const { store } = await open({ partyKnown: { co: '2' + '0'.repeat(29), sc: '0'.repeat(30) } });
    const s = store.getState();
    s.togglePickedParty('co');
    s.setRevealState('glimpsed');
    const plan = s.planSweep('reveal', ['0,0', '1,0']);
    expect(plan?.message).toEqual({ type: 'hex:reveal', hexKeys: ['1,0'], targets: { partyIds: ['co'] }, state: 'glimpsed' });
    expect(plan?.who).toBe('The Company');
  });

  it('markers: placed with the tool’s kind, label and visibility; edited; removed', async () => {
    const { store, sent, ws } = await open();
    const s = store.getState();
    s.setMarkerKind('danger');
    s.setMarkerLabel('  Quicksand ');
    s.setMarkerVisibility('players');
    s.placeMarker('3,3');
    expect(strip(await sent())).toEqual({ type: 'marker:place', key: '3,3', kind: 'danger', label: 'Quicksand', visibility: 'players' });
    s.updateMarker('mk', { key: '1,2' });
    expect(strip(await sent())).toEqual({ type: 'marker:update', markerId: 'mk', key: '1,2' });
    s.selectMarker('mk');
    s.removeMarker('mk');
    expect(strip(await sent())).toEqual({ type: 'marker:remove', markerId: 'mk' });
    expect(store.getState().markerId).toBeNull();
    s.selectMarker('mk');
    ws.send(JSON.stringify({ type: 'markers:changed', seq: 3, markers: [] }));
    await until(() => store.getState().data?.markers.length === 0);
    expect(store.getState().markerId).toBeNull();
  });

  it('sight rules are sent whole', async () => {
    const { store, sent } = await open();
    store.getState().saveSightRules({ hills: { sight: 3, height: 1, landmark: 0 } });
    expect(strip(await sent())).toEqual({ type: 'sight:rules', rules: { hills: { sight: 3, height: 1, landmark: 0 } } });
  });
});
