// The DM store against a real WebSocket server on loopback (the `ws` package) standing in for the
// hub: what the socket delivers reaches the session slice, then the editor, and the console's
// reactions (toasts, "view as", campaign switches, a refused token) follow from the actions.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as NodeWebSocket, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { ServerMessageOf } from '../protocol/schema';
import type { WebSocketLike } from '../net/socket';
import { createDmStore, type DmStore } from './store';

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
    map: { id: 'm', name: 'M', width: 6, height: 4, orientation: 'flat' },
    grid: 'pppppp' + 'pwwwpp' + 'pppppp' + 'ffffff',
    labels: {},
    parties: [],
    markers: [],
    players: [
      { id: 'ana', name: 'Ana', online: true },
      { id: 'bo', name: 'Bo', online: false },
    ],
    notes: {},
    revealedAll: '2'.repeat(6) + '0'.repeat(18),
    revealedTo: {},
    staged: [],
    ...over,
  };
}

interface Hub {
  url: string;
  /** the server side of the next (or an already open) connection for a campaign */
  conn(campaignId: string): Promise<ServerSocket>;
  close(): void;
}

async function hub(): Promise<Hub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('hexcrawl.v1') ? 'hexcrawl.v1' : false) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const open = new Map<string, ServerSocket>();
  const waiters = new Map<string, (ws: ServerSocket) => void>();
  wss.on('connection', (ws, req) => {
    const id = new URL(req.url ?? '', 'http://x').searchParams.get('campaignId') ?? '';
    open.set(id, ws);
    waiters.get(id)?.(ws);
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    conn: (id) => new Promise((r) => (open.has(id) ? r(open.get(id)!) : waiters.set(id, r))),
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/** Messages the server side received, parsed. */
function inbox(ws: ServerSocket): { type: string; ref?: string; [k: string]: unknown }[] {
  const got: { type: string }[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  return got;
}

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

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

async function setup() {
  const h = await hub();
  const store: DmStore = createDmStore({
    socket: {
      createSocket: (url, protocols) => new NodeWebSocket(url, protocols) as unknown as WebSocketLike,
      heartbeat: { idleMs: 0 },
      wakeSources: { document: Object.assign(new EventTarget(), { visibilityState: 'visible' }), window: new EventTarget() },
    },
  });
  // Signed in as the window would be (no HTTP client: these tests are about the socket's side).
  store.setState({ creds: { token: 't', wsUrl: h.url, desktop: true }, phase: { kind: 'ready' } });
  cleanup.push(() => {
    store.getState().open('');
    h.close();
  });
  return { h, store };
}

/** Opens a campaign and delivers its first state; returns the server side of its socket. */
async function openWithState(s: Awaited<ReturnType<typeof setup>>, id = 'c1', over: Partial<ServerMessageOf<'session:state'>> = {}) {
  s.store.getState().open(id);
  const ws = await s.h.conn(id);
  const got = inbox(ws);
  ws.send(JSON.stringify(state({ campaign: { id, name: id }, ...over })));
  await until(() => s.store.getState().data?.campaign.id === id);
  return { ws, got };
}

describe('DM store', () => {
  it('applies the hub state, paints through the editor and mirrors the edit until the echo', async () => {
    const s = await setup();
    const { ws, got } = await openWithState(s);
    expect(s.store.getState().connection.kind).toBe('open');
    expect(s.store.getState().data?.players.size).toBe(2);

    const st = s.store.getState();
    st.beginStroke('Paint hills');
    st.paint(['0,0', '1,0'], { terrain: 'hills' });
    expect(s.store.getState().edit.painting).toBe(true);
    expect(s.store.getState().edit.saving).toBe(true);
    // drawn before the hub answers: the overlay the map composes with
    expect(s.store.getState().edit.pending?.terrain.size).toBe(2);
    expect(s.store.getState().hexAt('1,0').terrain).toBe('hills');
    st.endStroke();
    expect(s.store.getState().edit).toMatchObject({ painting: false, undo: 'Paint hills', redo: null });

    const sent = await until(() => got.find((m) => m.type === 'hex:update'));
    ws.send(
      JSON.stringify({
        type: 'hex:updated',
        seq: 2,
        hexes: [
          { key: '0,0', terrain: 'hills', label: '' },
          { key: '1,0', terrain: 'hills', label: '' },
        ],
      }),
    );
    await until(() => !s.store.getState().edit.saving);
    expect(sent.changes).toEqual([
      { key: '0,0', terrain: 'hills' },
      { key: '1,0', terrain: 'hills' },
    ]);
    expect(s.store.getState().edit.pending?.terrain.size).toBe(0);
    expect(s.store.getState().hexAt('1,0').terrain).toBe('hills');
  });

  it('turns the hub’s errors and the editor’s notices into toasts', async () => {
    const s = await setup();
    const { ws } = await openWithState(s);
    ws.send(JSON.stringify({ type: 'error', code: 'bad_request', message: 'that hex is off the map' }));
    await until(() => s.store.getState().toasts.length > 0);
    expect(s.store.getState().toasts.map((t) => [t.text, t.tone])).toEqual([['That hex is off the map', 'error']]);

    s.store.getState().fill('0,3', 'forest'); // already forest: a notice, nothing sent
    expect(s.store.getState().toasts.at(-1)).toMatchObject({ text: 'That area is already this terrain.', tone: 'info' });
  });

  it('leaves "view as" when that player is gone from a new state', async () => {
    const s = await setup();
    const { ws } = await openWithState(s);
    s.store.getState().setViewAs('bo');
    ws.send(JSON.stringify(state({ seq: 3, players: [{ id: 'bo', name: 'Bo', online: true }] })));
    await until(() => s.store.getState().data?.seq === 3);
    expect(s.store.getState().viewAs).toBe('bo');
    ws.send(JSON.stringify(state({ seq: 4, players: [{ id: 'ana', name: 'Ana', online: true }] })));
    await until(() => s.store.getState().data?.seq === 4);
    expect(s.store.getState().viewAs).toBe(null);
  });

  it('opens another campaign afresh: the old socket is stopped, its late messages ignored, toasts kept', async () => {
    const s = await setup();
    const first = await openWithState(s, 'c1');
    const oldConn = s.store.getState().conn!;
    const st = s.store.getState();
    st.setTool('reveal');
    st.togglePicked('ana');
    st.select('2,2');
    st.toast('kept across campaigns', 'ok');
    const generation = s.store.getState().generation;

    await openWithState(s, 'c2', { players: [] });
    const now = s.store.getState();
    expect(now.campaignId).toBe('c2');
    expect(now.generation).toBe(generation + 1);
    expect([now.tool, now.selected, now.revealTo, [...now.picked]]).toEqual(['brush', null, 'all', []]);
    expect(now.toasts.map((t) => t.text)).toContain('kept across campaigns');
    // The old socket closes; anything the old hub still sends changes nothing here.
    await until(() => first.ws.readyState === NodeWebSocket.CLOSED);
    expect(s.store.getState().conn?.campaignId).toBe('c2');
    s.store.getState().received(oldConn, state({ seq: 9, campaign: { id: 'c1', name: 'c1' } }));
    expect(s.store.getState().data?.campaign.id).toBe('c2');
  });

  it('goes back to the token form when the hub closes the socket with 4001', async () => {
    const s = await setup();
    const { ws } = await openWithState(s);
    ws.close(4001, 'unauthorized');
    await until(() => s.store.getState().phase.kind === 'token');
    expect(s.store.getState().phase).toEqual({ kind: 'token', error: 'The hub no longer accepts this DM token.' });
    expect(s.store.getState().conn).toBe(null);
  });

  it('plans reveals: live sessions only, to the ticked players, without what they already see', async () => {
    const s = await setup();
    const { ws } = await openWithState(s, 'c1', { session: null });
    const st = s.store.getState();
    expect(st.planSweep('reveal', ['0,1'])).toBe(null);
    expect(s.store.getState().toasts.at(-1)?.text).toBe('Start the session to reveal hexes.');

    ws.send(JSON.stringify({ type: 'session:statusChanged', seq: 2, sessionId: 's', status: 'paused' }));
    await until(() => s.store.getState().data?.session?.status === 'paused');
    expect(st.planSweep('reveal', ['0,0', '1,0'])).toBe(null); // revealed to all already
    expect(s.store.getState().toasts.at(-1)?.text).toBe('Those hexes are already visible to them.');

    st.setRevealTo('selected');
    expect(st.planSweep('reveal', ['0,1'])).toBe(null);
    expect(s.store.getState().toasts.at(-1)?.text).toBe('Select players in the Players panel first (or reveal to everyone).');

    st.togglePicked('bo');
    const plan = st.planSweep('reveal', ['0,0', '0,1', '1,1']);
    expect(plan).toEqual({
      message: { type: 'hex:reveal', hexKeys: ['0,1', '1,1'], targets: { playerIds: ['bo'] }, state: 'explored' },
      count: 2,
      who: 'Bo',
      staged: false,
      state: 'explored',
    });
  });

  it('keeps the fill tool on a number key and ticks players as reveal targets', async () => {
    const s = await setup();
    const st = s.store.getState();
    st.setTool('fill');
    st.terrainKey('7');
    expect([s.store.getState().tool, s.store.getState().terrain]).toEqual(['fill', 'water']);
    st.setTool('select');
    st.terrainKey('0');
    expect([s.store.getState().tool, s.store.getState().terrain]).toEqual(['brush', 'jungle']);
    st.togglePicked('ana');
    expect(s.store.getState().revealTo).toBe('selected');
    st.togglePicked('ana');
    expect([...s.store.getState().picked]).toEqual([]);
  });
});
