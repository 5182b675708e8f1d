// One player's live table outside React: the session store and the socket (the player's
// counterpart of dm/connection.ts). The app opens it as soon as it knows, or remembers, who the
// player is, before React has rendered anything, so the WebSocket handshake and the first
// session:state overlap React's work instead of waiting for it.
import { createSessionStore, type SessionStore } from '../store/session';
import { HexcrawlSocket } from '../net/socket';
import type { Me } from './api';

export class PlayerConnection {
  readonly me: Me;
  readonly store: SessionStore;
  readonly socket: HexcrawlSocket;

  constructor(me: Me) {
    this.me = me;
    this.store = createSessionStore();
    this.socket = new HexcrawlSocket({
      campaignId: me.campaignId,
      onMessage: (m) => {
        const state = m.type === 'session:state';
        if (state) markOnce('hexcrawl:state-received', performance.now() - this.socket.lastParseMs);
        this.store.getState().apply(m);
        if (state) markOnce('hexcrawl:state');
      },
      onStatus: (s) => {
        if (s.kind === 'open') markOnce('hexcrawl:socket-open');
        this.store.getState().setConnection(s);
      },
    });
  }

  /** Connects; a no-op while connected or reconnecting, and once the hub has closed this seat
   * for good (the app then moves on, see PlayerSession's `onEnd`). */
  start(): void {
    if (this.store.getState().connection.kind === 'closed') return;
    markOnce('hexcrawl:socket-start');
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }
}

/** Same player in the same campaign: the connection opened for one serves the other. */
export function sameSeat(a: Me, b: Me): boolean {
  return a.playerId === b.playerId && a.campaignId === b.campaignId;
}

// Boot timeline for the benchmark (e2e/bench.mjs, BENCH_MARKS=1): the first of each per page.
function markOnce(name: string, startTime?: number): void {
  if (performance.getEntriesByName(name, 'mark').length) return;
  performance.mark(name, startTime === undefined ? undefined : { startTime });
}
