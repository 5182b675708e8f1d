// WebSocket client for /ws with reconnect. Framework-free so the player view, the DM console and
// the tests share it. The hub sends a full session:state on every connect, so reconnecting is
// just "connect again and let the state replace ours".
//
// Heartbeat: a phone that slept often wakes with a socket the browser still calls OPEN though
// its TCP connection died (half-open), and browsers cannot send WebSocket pings. So on a wake-up
// with an open socket we send the protocol's `ping` and, if nothing at all comes back within
// `wakeDeadlineMs` (any frame is proof of life, not only the `pong`), drop the socket and
// reconnect at once. While the page is visible, `idleMs` of silence triggers the same question
// with the more patient `idleDeadlineMs`; see docs/frontend.md for why those numbers.
import { CLOSE, TERMINAL_CLOSE_CODES } from '../protocol/constants';

/** The backoff step whose delay is the longest (30 s): where a reconnect after 4009 starts. */
export const FLOODING_BACKOFF_ATTEMPT = 5;
import { parseServerMessage } from '../protocol/parse';
import type { ClientMessage, SessionMessage } from '../protocol/schema';
import { encodeClientMessage } from '../protocol/parse';
import { backoffDelay } from './backoff';

export interface HeartbeatOptions {
  /** After a wake-up with the socket open: how long any frame may take before we give up on it. */
  wakeDeadlineMs: number;
  /** While visible: ask after this much silence; 0 turns the idle heartbeat off. */
  idleMs: number;
  /** How long the idle question waits for any frame. */
  idleDeadlineMs: number;
}

export const HEARTBEAT: Readonly<HeartbeatOptions> = { wakeDeadlineMs: 3000, idleMs: 25_000, idleDeadlineMs: 10_000 };

export type ConnectionStatus =
  /** first attempt under way */
  | { kind: 'connecting' }
  /** socket open (the session:state may still be on its way) */
  | { kind: 'open' }
  /** lost; next attempt after `delayMs` (attempt counts from 1) */
  | { kind: 'reconnecting'; attempt: number; delayMs: number; lastCode: number | null }
  /** terminal close by the hub (or by us: stop()) */
  | { kind: 'closed'; code: number; reason: string };

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string, protocols?: string[]) => WebSocketLike;

export interface EventSource {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

export interface SocketOptions {
  campaignId: string;
  /** Base URL of the hub (http(s):// or ws(s)://). Default: the page's own origin. */
  baseUrl?: string;
  /** Subprotocols, e.g. ["hexcrawl.v1", "hexcrawl.dm.<token>"] for the DM. */
  protocols?: string[];
  /** Every valid frame but `pong`, which is the socket's own business. */
  onMessage: (msg: SessionMessage) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** Called for frames that fail validation (they are otherwise ignored). */
  onInvalid?: (error: string, raw: string) => void;
  // Injection points for tests.
  random?: () => number;
  createSocket?: WebSocketFactory;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Clock for the idle heartbeat (ms); default performance.now. */
  now?: () => number;
  heartbeat?: Partial<HeartbeatOptions>;
  /** Where `visibilitychange` and `online` come from; default window/document when present. */
  wakeSources?: { document?: EventSource & { visibilityState?: string }; window?: EventSource };
}

/** Builds ws(s)://host/ws?campaignId=… from a base URL or the page's location. */
export function socketUrl(campaignId: string, baseUrl?: string): string {
  const base = baseUrl ?? (typeof location !== 'undefined' ? location.origin : 'http://127.0.0.1:7777');
  const u = new URL('/ws', base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  u.searchParams.set('campaignId', campaignId);
  return u.toString();
}

export class HexcrawlSocket {
  private ws: WebSocketLike | null = null;
  /** time the last frame took to validate (for the benchmark) */
  lastParseMs = 0;
  private attempt = 0;
  private timer: unknown = null;
  /** between start() and stop() or a terminal close */
  private running = false;
  private status: ConnectionStatus = { kind: 'connecting' };
  private readonly opts: SocketOptions;
  private readonly setT: (fn: () => void, ms: number) => unknown;
  private readonly clearT: (h: unknown) => void;
  private readonly random: () => number;
  private readonly createSocket: WebSocketFactory;
  private readonly unlisten: (() => void)[] = [];
  private readonly now: () => number;
  private readonly hb: HeartbeatOptions;
  private doc: (EventSource & { visibilityState?: string }) | undefined;
  /** when the current socket last delivered a frame (or opened) */
  private lastFrameAt = 0;
  /** the heartbeat's deadline: set while a ping waits for any frame */
  private probeTimer: unknown = null;
  private probeAt = 0;
  private idleTimer: unknown = null;

  constructor(opts: SocketOptions) {
    this.opts = opts;
    this.setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearT = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
    this.random = opts.random ?? Math.random;
    this.createSocket =
      opts.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
    this.now = opts.now ?? (() => performance.now());
    this.hb = { ...HEARTBEAT, ...opts.heartbeat };
  }

  /** Opens the connection and starts listening for wake-ups. A no-op while already running, so
   * a connection opened early (the player's boot) can be started again by its React owner. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    const doc = this.opts.wakeSources?.document ?? (typeof document !== 'undefined' ? document : undefined);
    const win = this.opts.wakeSources?.window ?? (typeof window !== 'undefined' ? window : undefined);
    this.doc = doc;
    if (doc) {
      const onVis = () => {
        if (doc.visibilityState === undefined || doc.visibilityState === 'visible') this.wake();
      };
      doc.addEventListener('visibilitychange', onVis);
      this.unlisten.push(() => doc.removeEventListener('visibilitychange', onVis));
    }
    if (win) {
      const onOnline = () => this.wake();
      win.addEventListener('online', onOnline);
      this.unlisten.push(() => win.removeEventListener('online', onOnline));
    }
    this.setStatus({ kind: 'connecting' });
    this.connect();
  }

  /** Closes the connection and stops reconnecting (e.g. the page leaves the session). */
  stop(): void {
    this.running = false;
    this.cancelTimer();
    this.stopHeartbeat();
    for (const f of this.unlisten.splice(0)) f();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(CLOSE.normal, 'client stopped');
    }
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  /** Sends a validated client message; false when not connected. */
  send(msg: ClientMessage): boolean {
    const raw = encodeClientMessage(msg);
    if (!this.ws || this.ws.readyState !== 1) return false;
    this.ws.send(raw);
    return true;
  }

  /** Phone woke up or the network came back: skip the remaining backoff, or, with a socket
   * that claims to be open, make sure it still is. */
  wake(): void {
    if (!this.running) return;
    if (this.ws?.readyState === 1) {
      this.probe(this.hb.wakeDeadlineMs);
      return;
    }
    // `this.ws` set: an attempt is already under way (a phone often fires visibilitychange and
    // online together); a second socket would replace it and leave the first one open.
    if (this.status.kind !== 'reconnecting' || this.ws) return;
    this.cancelTimer();
    this.connect();
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.opts.onStatus?.(s);
  }

  /** Sends a ping unless one is already waiting; the earlier of the two deadlines counts (a
   * wake-up during an idle question should not wait out the idle one's patience). */
  private probe(deadlineMs: number): void {
    const ws = this.ws;
    if (!ws) return;
    const at = this.now() + deadlineMs;
    if (this.probeTimer !== null) {
      if (at >= this.probeAt) return;
      this.clearT(this.probeTimer);
    } else {
      try {
        ws.send(encodeClientMessage({ type: 'ping' }));
      } catch {
        // A socket that cannot even send is as dead as a silent one: the deadline says so.
      }
    }
    this.probeAt = at;
    this.probeTimer = this.setT(() => {
      this.probeTimer = null;
      if (this.ws === ws) this.dropSilent(ws);
    }, deadlineMs);
  }

  /** Any frame from the current socket: it is alive. */
  private alive(): void {
    this.lastFrameAt = this.now();
    if (this.probeTimer !== null) {
      this.clearT(this.probeTimer);
      this.probeTimer = null;
    }
    this.armIdle();
  }

  private armIdle(): void {
    if (this.idleTimer !== null || this.hb.idleMs <= 0 || !this.ws) return;
    this.idleTimer = this.setT(() => this.checkIdle(), this.hb.idleMs);
  }

  private checkIdle(): void {
    this.idleTimer = null;
    if (!this.running || this.ws?.readyState !== 1) return; // the next open arms it again
    // Hidden: nobody is looking, and becoming visible asks anyway (wake).
    if (this.doc?.visibilityState === 'hidden') return;
    const quiet = this.now() - this.lastFrameAt;
    // The answer (any frame) re-arms the check; no answer ends in dropSilent.
    if (quiet >= this.hb.idleMs) this.probe(this.hb.idleDeadlineMs);
    else this.idleTimer = this.setT(() => this.checkIdle(), this.hb.idleMs - quiet);
  }

  private stopHeartbeat(): void {
    if (this.probeTimer !== null) this.clearT(this.probeTimer);
    if (this.idleTimer !== null) this.clearT(this.idleTimer);
    this.probeTimer = null;
    this.idleTimer = null;
  }

  /** The socket said nothing in time: treat it as lost and connect again now, no backoff (it
   * is this connection that died, as far as we know, not the hub). */
  private dropSilent(ws: WebSocketLike): void {
    this.ws = null;
    ws.onopen = null;
    ws.onclose = null;
    ws.onmessage = null;
    try {
      ws.close(CLOSE.noAnswer, 'no answer to ping');
    } catch {
      /* already closing */
    }
    this.stopHeartbeat();
    this.cancelTimer();
    this.attempt++;
    this.setStatus({ kind: 'reconnecting', attempt: this.attempt, delayMs: 0, lastCode: CLOSE.noAnswer });
    this.connect();
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clearT(this.timer);
      this.timer = null;
    }
  }

  private connect(): void {
    if (!this.running) return;
    let ws: WebSocketLike;
    try {
      ws = this.createSocket(socketUrl(this.opts.campaignId, this.opts.baseUrl), this.opts.protocols);
    } catch (e) {
      // A bad URL is not going to get better; anything else (e.g. offline) is retried.
      console.warn('hexcrawl: cannot open WebSocket', e);
      this.scheduleReconnect(null);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastFrameAt = this.now();
      this.armIdle();
      this.setStatus({ kind: 'open' });
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.alive();
      if (typeof ev.data !== 'string') return;
      const t0 = performance.now();
      const r = parseServerMessage(ev.data);
      this.lastParseMs = performance.now() - t0;
      if (!r.ok) {
        console.warn('hexcrawl: ignoring invalid frame:', r.error);
        this.opts.onInvalid?.(r.error, ev.data);
        return;
      }
      // Only a full state proves the connection really works; reset the backoff then.
      if (r.message.type === 'session:state') this.attempt = 0;
      if (r.message.type === 'pong') return;
      this.opts.onMessage(r.message);
    };
    ws.onerror = () => {
      // onclose follows with the code; nothing to do here.
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      if (!this.running) return;
      if (TERMINAL_CLOSE_CODES.has(ev.code)) {
        this.running = false;
        for (const f of this.unlisten.splice(0)) f();
        this.setStatus({ kind: 'closed', code: ev.code, reason: ev.reason });
        return;
      }
      this.scheduleReconnect(ev.code);
    };
  }

  private scheduleReconnect(code: number | null): void {
    // We were too slow; the hub asks for an immediate reconnect (once per backoff cycle). Closed
    // for flooding, we are likely broken: wait as long as the backoff ever waits.
    const delayMs =
      code === CLOSE.slowConsumer && this.attempt === 0
        ? 0
        : backoffDelay(code === CLOSE.flooding ? Math.max(this.attempt, FLOODING_BACKOFF_ATTEMPT) : this.attempt, this.random);
    this.attempt++;
    this.setStatus({ kind: 'reconnecting', attempt: this.attempt, delayMs, lastCode: code });
    this.cancelTimer();
    this.timer = this.setT(() => {
      this.timer = null;
      this.connect();
    }, delayMs);
  }
}
