// HexcrawlSocket against a real WebSocket server on loopback (the `ws` package). Only the clock
// (setTimeout) and the random source are injected, so the backoff schedule can be read exactly.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket as NodeWebSocket, type WebSocket as ServerSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { CLOSE } from '../protocol/constants';
import { FLOODING_BACKOFF_ATTEMPT, HEARTBEAT, HexcrawlSocket, socketUrl, type ConnectionStatus, type HeartbeatOptions, type WebSocketLike } from './socket';
import { BACKOFF_MAX_MS, backoffDelay } from './backoff';
import type { ServerMessage } from '../protocol/schema';

const STATE = JSON.stringify({
  type: 'session:state', seq: 1, role: 'player', you: { id: 'a', name: 'Ana', partyId: null },
  campaign: { id: 'c1', name: 'C' }, session: null, broadcastMode: 'immediate', preparing: false,
  map: null, grid: '', labels: {}, parties: [], markers: [], players: [],
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

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function client(
  h: Harness,
  extra: { protocols?: string[]; runTimers?: boolean; heartbeat?: Partial<HeartbeatOptions>; now?: () => number } = {},
) {
  const statuses: ConnectionStatus[] = [];
  const messages: ServerMessage[] = [];
  const invalid: string[] = [];
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  /** Runs the oldest held timer of `ms` that has not run or been cleared; false if none. */
  const fire = (ms: number): boolean => {
    const i = delays.findIndex((d, j) => d === ms && pending[j] !== done);
    if (i < 0 || !pending[i]) return false;
    const fn = pending[i];
    pending[i] = done;
    fn();
    return true;
  };
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
    // The idle heartbeat re-arms itself; with timers run at once it would never stop, so the
    // tests that are not about it turn it off.
    heartbeat: extra.heartbeat ?? { idleMs: 0 },
    ...(extra.now ? { now: extra.now } : {}),
    createSocket: (url, protocols) => new NodeWebSocket(url, protocols) as unknown as WebSocketLike,
    // Record each delay; run it at once (runTimers) or hold it until the test releases it.
    setTimeout: (fn, ms) => {
      delays.push(ms);
      if (extra.runTimers !== false) return setTimeout(fn, 0);
      pending.push(fn);
      return pending.length;
    },
    clearTimeout: (h) => {
      if (typeof h === 'number') pending[h - 1] = done;
      else clearTimeout(h as ReturnType<typeof setTimeout>);
    },
    wakeSources: { document: doc, window: win },
  });
  cleanup.push(() => s.stop());
  return { s, statuses, messages, invalid, delays, pending, fire, doc, win };
}

const done = () => {};

/** Frames the server side of one connection received, as text. */
function inbox(ws: ServerSocket): string[] {
  const got: string[] = [];
  ws.on('message', (d) => got.push(String(d)));
  return got;
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
    ws.send(JSON.stringify({ type: 'parties:changed', seq: 'x', parties: [] }));
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

  it('waits the longest backoff after 4009 (flooding)', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h);
    c.s.start();
    await until(() => h.conns.length === 1);
    h.conns[0]!.ws.close(4009, 'too many bad messages');
    await until(() => h.conns.length === 2);
    expect(c.delays).toEqual([backoffDelay(FLOODING_BACKOFF_ATTEMPT, () => 0.5)]);
    expect(c.delays[0]).toBe(BACKOFF_MAX_MS);
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

describe('HexcrawlSocket heartbeat', () => {
  const PING = '{"type":"ping"}';

  async function openClient(opts: Parameters<typeof client>[1] = {}) {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { runTimers: false, ...opts });
    const conn = h.nextConn();
    c.s.start();
    const first = await conn;
    const got = inbox(first.ws);
    await until(() => c.s.getStatus().kind === 'open');
    return { h, c, first, got };
  }

  it.each(['visibilitychange', 'online'])('on %s with an open socket that stays silent: ping, then a new socket at once', async (event) => {
    const { h, c, first, got } = await openClient();
    const closed = new Promise<number>((r) => first.ws.once('close', (code) => r(code)));
    (event === 'online' ? c.win : c.doc).dispatchEvent(new Event(event));
    await until(() => got.length === 1);
    expect(got).toEqual([PING]);
    expect(c.delays).toEqual([HEARTBEAT.wakeDeadlineMs]); // the deadline, nothing else yet
    expect(h.conns).toHaveLength(1);
    // The server never answers: the deadline passes.
    expect(c.fire(HEARTBEAT.wakeDeadlineMs)).toBe(true);
    expect(c.s.getStatus()).toEqual({ kind: 'reconnecting', attempt: 1, delayMs: 0, lastCode: CLOSE.noAnswer });
    await until(() => h.conns.length === 2);
    expect(await closed).toBe(CLOSE.noAnswer); // the silent socket is closed, not left behind
    await until(() => c.s.getStatus().kind === 'open');
    expect(c.delays).toEqual([HEARTBEAT.wakeDeadlineMs]); // no backoff wait on the way
    // The new socket is the live one.
    h.conns[1]!.ws.send(STATE);
    await until(() => c.messages.length === 1);
    expect(c.s.getStatus().kind).toBe('open');
  });

  it.each([
    ['a pong', '{"type":"pong"}'],
    ['any other frame', STATE],
    ['even an invalid frame', '{nope'],
  ])('%s before the deadline keeps the socket', async (_what, answer) => {
    const { h, c, first, got } = await openClient();
    c.doc.dispatchEvent(new Event('visibilitychange'));
    await until(() => got.length === 1);
    first.ws.send(answer);
    // A state after the answer: once it is here, the answer has been handled.
    first.ws.send(STATE);
    await until(() => c.messages.some((m) => m.type === 'session:state'));
    // The pong is the socket's business; the app only hears the rest.
    expect(c.messages.map((m) => m.type)).toEqual(answer === STATE ? ['session:state', 'session:state'] : ['session:state']);
    expect(c.fire(HEARTBEAT.wakeDeadlineMs)).toBe(false); // the answer cancelled the deadline
    expect(c.s.getStatus().kind).toBe('open');
    expect(c.s.send({ type: 'session:start' })).toBe(true);
    await until(() => got.length === 2);
    expect(got).toEqual([PING, '{"type":"session:start"}']);
    expect(h.conns).toHaveLength(1);
  });

  it('asks once when a phone fires visibilitychange and online together', async () => {
    const { c, got } = await openClient();
    c.doc.dispatchEvent(new Event('visibilitychange'));
    c.win.dispatchEvent(new Event('online'));
    c.s.wake();
    // Anything sent after the wake-ups arrives after their pings, so a second ping would show.
    expect(c.s.send({ type: 'session:pause' })).toBe(true);
    await until(() => got.length === 2);
    expect(got).toEqual([PING, '{"type":"session:pause"}']);
    expect(c.delays).toEqual([HEARTBEAT.wakeDeadlineMs]);
  });

  it('does not ping while connecting or reconnecting', async () => {
    const h = await server();
    cleanup.push(() => h.wss.close());
    const c = client(h, { runTimers: false });
    c.s.start();
    await until(() => h.conns.length === 1);
    const got = inbox(h.conns[0]!.ws);
    h.conns[0]!.ws.terminate();
    await until(() => c.s.getStatus().kind === 'reconnecting');
    c.doc.dispatchEvent(new Event('visibilitychange')); // skips the backoff instead
    await until(() => h.conns.length === 2);
    expect(got).toEqual([]);
    expect(c.delays).toEqual([1000]);
  });

  it('while visible, pings after idleMs of silence and drops a socket that stays silent', async () => {
    let t = 0;
    const hb = { idleMs: 25_000, idleDeadlineMs: 10_000 };
    const { h, c, first, got } = await openClient({ heartbeat: hb, now: () => t });
    expect(c.delays).toEqual([25_000]); // armed on open
    // A frame at 10 s: the check at 25 s finds only 15 s of silence and looks again 10 s later.
    t = 10_000;
    first.ws.send(STATE);
    await until(() => c.messages.length === 1);
    t = 25_000;
    expect(c.fire(25_000)).toBe(true);
    expect(got).toEqual([]);
    expect(c.delays).toEqual([25_000, 10_000]);
    // 35 s: 25 s of silence. Ask, with the patient deadline.
    t = 35_000;
    expect(c.fire(10_000)).toBe(true);
    await until(() => got.length === 1);
    expect(got).toEqual([PING]);
    expect(c.delays).toEqual([25_000, 10_000, 10_000]);
    // No answer: a new socket at once.
    t = 45_000;
    expect(c.fire(10_000)).toBe(true);
    await until(() => h.conns.length === 2);
    expect(c.statuses.at(-2)).toEqual({ kind: 'reconnecting', attempt: 1, delayMs: 0, lastCode: CLOSE.noAnswer });
  });

  it('the idle heartbeat re-arms after an answer and stays quiet while hidden', async () => {
    let t = 0;
    const { h, c, first, got } = await openClient({ heartbeat: { idleMs: 25_000 }, now: () => t });
    t = 25_000;
    expect(c.fire(25_000)).toBe(true);
    await until(() => got.length === 1);
    first.ws.send('{"type":"pong"}');
    await until(() => c.delays.length === 3); // the deadline, then the next idle check
    expect(c.delays).toEqual([25_000, HEARTBEAT.idleDeadlineMs, 25_000]);
    expect(c.fire(HEARTBEAT.idleDeadlineMs)).toBe(false); // cancelled by the pong
    // Hidden: the check neither asks nor re-arms (becoming visible asks instead).
    c.doc.visibilityState = 'hidden';
    t = 60_000;
    expect(c.fire(25_000)).toBe(true);
    expect(c.delays).toHaveLength(3);
    c.doc.visibilityState = 'visible';
    c.doc.dispatchEvent(new Event('visibilitychange'));
    await until(() => got.length === 2);
    expect(got).toEqual([PING, PING]);
    expect(c.delays.at(-1)).toBe(HEARTBEAT.wakeDeadlineMs);
    expect(h.conns).toHaveLength(1);
  });

  it('a wake-up during an idle question shortens its deadline without a second ping', async () => {
    let t = 0;
    const { h, c, got } = await openClient({ heartbeat: { idleMs: 25_000 }, now: () => t });
    t = 25_000;
    c.fire(25_000);
    await until(() => got.length === 1);
    c.doc.dispatchEvent(new Event('visibilitychange'));
    expect(c.delays).toEqual([25_000, HEARTBEAT.idleDeadlineMs, HEARTBEAT.wakeDeadlineMs]);
    expect(c.fire(HEARTBEAT.idleDeadlineMs)).toBe(false); // replaced
    expect(c.fire(HEARTBEAT.wakeDeadlineMs)).toBe(true);
    await until(() => h.conns.length === 2);
    expect(got).toEqual([PING]);
  });

  it('stop() ends the heartbeat', async () => {
    const { c } = await openClient({ heartbeat: { idleMs: 25_000 } });
    c.doc.dispatchEvent(new Event('visibilitychange'));
    c.s.stop();
    expect(c.fire(25_000)).toBe(false);
    expect(c.fire(HEARTBEAT.wakeDeadlineMs)).toBe(false);
  });
});
