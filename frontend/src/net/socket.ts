// WebSocket client for /ws with reconnect. Framework-free so the player view, the DM console and
// the tests share it. The hub sends a full session:state on every connect, so reconnecting is
// just "connect again and let the state replace ours".
import { parseServerMessage } from '../protocol/parse';
import type { ClientMessage, ServerMessage } from '../protocol/schema';
import { encodeClientMessage } from '../protocol/parse';
import { backoffDelay } from './backoff';

/** Close codes after which reconnecting cannot help (see docs/protocol.md). */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 4001, 4002, 4003, 4004]);
export const CLOSE_TOO_SLOW = 4008;

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
  onMessage: (msg: ServerMessage) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** Called for frames that fail validation (they are otherwise ignored). */
  onInvalid?: (error: string, raw: string) => void;
  // Injection points for tests.
  random?: () => number;
  createSocket?: WebSocketFactory;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
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

  constructor(opts: SocketOptions) {
    this.opts = opts;
    this.setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearT = opts.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>));
    this.random = opts.random ?? Math.random;
    this.createSocket =
      opts.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike);
  }

  /** Opens the connection and starts listening for wake-ups. A no-op while already running, so
   * a connection opened early (the player's boot) can be started again by its React owner. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    const doc = this.opts.wakeSources?.document ?? (typeof document !== 'undefined' ? document : undefined);
    const win = this.opts.wakeSources?.window ?? (typeof window !== 'undefined' ? window : undefined);
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
    for (const f of this.unlisten.splice(0)) f();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.close(1000, 'client stopped');
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

  /** Phone woke up or the network came back: skip the remaining backoff. */
  wake(): void {
    // `this.ws` set: an attempt is already under way (a phone often fires visibilitychange and
    // online together); a second socket would replace it and leave the first one open.
    if (!this.running || this.status.kind !== 'reconnecting' || this.ws) return;
    this.cancelTimer();
    this.connect();
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    this.opts.onStatus?.(s);
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
      if (this.ws === ws) this.setStatus({ kind: 'open' });
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
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
      this.opts.onMessage(r.message);
    };
    ws.onerror = () => {
      // onclose follows with the code; nothing to do here.
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
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
    // 4008: we were too slow; the hub asks for an immediate reconnect (once per backoff cycle).
    const delayMs = code === CLOSE_TOO_SLOW && this.attempt === 0 ? 0 : backoffDelay(this.attempt, this.random);
    this.attempt++;
    this.setStatus({ kind: 'reconnecting', attempt: this.attempt, delayMs, lastCode: code });
    this.cancelTimer();
    this.timer = this.setT(() => {
      this.timer = null;
      this.connect();
    }, delayMs);
  }
}
