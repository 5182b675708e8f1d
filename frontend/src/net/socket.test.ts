// HexcrawlSocket against a real WebSocket server on loopback (the `ws` package). Only the clock
// (setTimeout) and the random source are injected, so the backoff schedule can be read exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as NodeWebSocket, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { HexcrawlSocket, socketUrl, type ConnectionStatus, type WebSocketLike } from './socket';
import type { ServerMessage } from '../protocol/schema';

const STATE = JSON.stringify({
  type: 'session:state', seq: 1, role: 'player', you: { id: 'a', name: 'Ana' },
  campaign: { id: 'c1', name: 'C' }, session: null, broadcastMode: 'immediate', preparing: false,
  map: null, grid: '', labels: {}, token: null, players: [],
});

interface Harness {
  wss: WebSocketServer;
  url: string;
  conns: { ws: ServerSocket; req: IncomingMessage }[];
  nextConn: () => Promise<{ ws: ServerSocket; req: IncomingMessage }>;
}

async function server(): Promise<Harness> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('hexcrawl.v1') ? 'hexcrawl.v1' : false) });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const conns: Harness['conns'] = [];
  const waiters: ((c: Harness['conns'][number]) => void)[] = [];
  wss.on('connection', (ws, req) => {
    const c = { ws, req };
    conns.push(c);
    waiters.shift()?.(c);
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    wss,
    url: `http://127.0.0.1:${port}`,
    conns,
    nextConn: () => new Promise((r) => waiters.push(r)),
  };
}

function until<T>(pred: () => T | undefined | false, ms = 3000): Promise<T> {
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

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function client(h: Harness, extra: { protocols?: string[]; runTimers?: boolean } = {}) {
  const statuses: ConnectionStatus[] = [];
  const messages: ServerMessage[] = [];
  const invalid: string[] = [];
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const win = new EventTarget();
  const s = new HexcrawlSocket({
    campaignId: 'c1',
    baseUrl: h.url,
    protocols: extra.protocols ?? ['hexcrawl.v1'],
    onMessage: (m) => messages.push(m),
    onStatus: (st) => statuses.push(st),
    onInvalid: (e) => invalid.push(e),
    random: () => 0.5,
    createSocket: (url, protocols) => new NodeWebSocket(url, protocols) as unknown as WebSocketLike,
    // Record each delay; run it at once (runTimers) or hold it until the test releases it.
    setTimeout: (fn, ms) => {
      delays.push(ms);
      if (extra.runTimers !== false) return setTimeout(fn, 0);
      pending.push(fn);
      return pending.length;
    },
    clearTimeout: (h) => {
      if (typeof h === 'number') pending[h - 1] = () => {};
      else clearTimeout(h as ReturnType<typeof setTimeout>);
    },
    wakeSources: { document: doc, window: win },
  });
  cleanup.push(() => s.stop());
  return { s, statuses, messages, invalid, delays, pending, doc, win };
}

describe('socketUrl', () => {
  it('maps http(s) to ws(s) and adds campaignId', () => {
    expect(socketUrl('abc', 'http://127.0.0.1:7777')).toBe('ws://127.0.0.1:7777/ws?campaignId=abc');
    expect(socketUrl('abc', 'https://hub.local/')).toBe('wss://hub.local/ws?campaignId=abc');
    expect(socketUrl('a b', 'ws://127.0.0.1:9')).toBe('ws://127.0.0.1:9/ws?campaignId=a+b');
  });
});

describe('HexcrawlSocket', () => {
  it('sends the subprotocols, delivers valid frames and skips invalid ones', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { protocols: ['hexcrawl.v1', 'hexcrawl.dm.secret'] });
    const conn = h.nextConn();
    c.s.start();
    const { ws, req } = await conn;
    expect(req.url).toBe('/ws?campaignId=c1');
    expect(req.headers['sec-websocket-protocol']?.split(/,\s*/)).toEqual(['hexcrawl.v1', 'hexcrawl.dm.secret']);
    ws.send('{nope');
    ws.send(JSON.stringify({ type: 'token:moved', seq: 'x', key: null }));
    ws.send(STATE);
    await until(() => c.messages.length === 1);
    expect(c.messages[0]?.type).toBe('session:state');
    expect(c.invalid).toHaveLength(2);
    expect(c.statuses.map((s) => s.kind)).toEqual(['connecting', 'open']);
    // client → server, validated
    const got = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    expect(c.s.send({ type: 'session:start' })).toBe(true);
    expect(await got).toBe('{"type":"session:start"}');
    expect(() => c.s.send({ type: 'staged:undo', index: -1 })).toThrow(/invalid/);
  });

  it('backs off 1 s, 2 s, 4 s … on abnormal closes and resets after a session:state', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h);
    c.s.start();
    for (let i = 0; i < 3; i++) {
      await until(() => h.conns.length === i + 1);
      h.conns[i]!.ws.terminate(); // 1006: no close frame
    }
    await until(() => h.conns.length === 4);
    expect(c.delays).toEqual([1000, 2000, 4000]);
    h.conns[3]!.ws.send(STATE);
    await until(() => c.messages.length === 1);
    h.conns[3]!.ws.close(1001, 'going away');
    await until(() => h.conns.length === 5);
    expect(c.delays).toEqual([1000, 2000, 4000, 1000]);
    const last = c.statuses.filter((s) => s.kind === 'reconnecting').at(-1);
    expect(last).toEqual({ kind: 'reconnecting', attempt: 1, delayMs: 1000, lastCode: 1001 });
  });

  it.each([1000, 4001, 4002, 4003, 4004])('stops on close code %i', async (code) => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h);
    c.s.start();
    await until(() => h.conns.length === 1);
    h.conns[0]!.ws.close(code, 'why');
    const closed = await until(() => c.statuses.find((s) => s.kind === 'closed'));
    expect(closed).toEqual({ kind: 'closed', code, reason: 'why' });
    expect(c.delays).toEqual([]);
    // a wake-up does not resurrect it either
    c.doc.dispatchEvent(new Event('visibilitychange'));
    c.win.dispatchEvent(new Event('online'));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.conns).toHaveLength(1);
  });

  it('reconnects at once on 4008 (too slow)', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h);
    c.s.start();
    await until(() => h.conns.length === 1);
    h.conns[0]!.ws.close(4008, 'too slow');
    await until(() => h.conns.length === 2);
    expect(c.delays).toEqual([0]);
  });

  it.each(['visibilitychange', 'online'])('skips the backoff on %s', async (event) => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { runTimers: false });
    c.s.start();
    await until(() => h.conns.length === 1);
    h.conns[0]!.ws.terminate();
    await until(() => c.s.getStatus().kind === 'reconnecting');
    expect(c.pending).toHaveLength(1); // a 1 s timer is waiting; we never run it
    (event === 'online' ? c.win : c.doc).dispatchEvent(new Event(event));
    await until(() => h.conns.length === 2);
    await until(() => c.s.getStatus().kind === 'open');
  });

  it('opens one socket when several wake-ups arrive together', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { runTimers: false });
    c.s.start();
    c.s.start(); // already running: no second socket
    await until(() => h.conns.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.conns).toHaveLength(1);
    h.conns[0]!.ws.terminate();
    await until(() => c.s.getStatus().kind === 'reconnecting');
    // A phone waking up: visibilitychange and online in the same moment, then "Retry now".
    c.doc.dispatchEvent(new Event('visibilitychange'));
    c.win.dispatchEvent(new Event('online'));
    c.s.wake();
    await until(() => h.conns.length > 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.conns).toHaveLength(2);
    expect(c.s.getStatus().kind).toBe('open');
    expect(h.wss.clients.size).toBe(1);
  });

  it('ignores visibilitychange while the page is hidden', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { runTimers: false });
    c.s.start();
    await until(() => h.conns.length === 1);
    h.conns[0]!.ws.terminate();
    await until(() => c.s.getStatus().kind === 'reconnecting');
    c.doc.visibilityState = 'hidden';
    c.doc.dispatchEvent(new Event('visibilitychange'));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.conns).toHaveLength(1);
  });

  it('keeps retrying while the server is down and connects when it is back', async () => {
    const h = await server();
    const port = Number(new URL(h.url).port);
    const c = client(h);
    c.s.start();
    await until(() => h.conns.length === 1);
    for (const cl of h.wss.clients) cl.terminate();
    await new Promise<void>((r) => h.wss.close(() => r()));
    await until(() => c.delays.length >= 3); // refused attempts keep backing off
    const again = new WebSocketServer({ host: '127.0.0.1', port });
    cleanup.push(() => again.close());
    await until(() => again.clients.size === 1);
    expect(c.delays.slice(0, 3)).toEqual([1000, 2000, 4000]);
  });
});
