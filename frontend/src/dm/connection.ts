// One campaign's live connection for the DM: socket (with the DM subprotocol), store and the
// edit controller, wired so every server message reaches the store first, then the editor.
import { createSessionStore, type SessionStore } from '../store/session';
import { HexcrawlSocket, type ConnectionStatus } from '../net/socket';
import type { ClientMessage, ServerMessage } from '../protocol/schema';
import { EditorController } from './editor';
import type { DmCredentials } from './creds';

export class DmConnection {
  readonly store: SessionStore;
  readonly socket: HexcrawlSocket;
  readonly editor: EditorController;
  readonly campaignId: string;
  readonly token: string;
  private marked = false;
  private started = false;
  private expiry: ReturnType<typeof setInterval> | null = null;
  private readonly messageListeners = new Set<(m: ServerMessage) => void>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();

  constructor(campaignId: string, creds: DmCredentials) {
    this.campaignId = campaignId;
    this.token = creds.token;
    this.store = createSessionStore();
    this.socket = new HexcrawlSocket({
      campaignId,
      baseUrl: creds.wsUrl,
      protocols: ['hexcrawl.v1', `hexcrawl.dm.${creds.token}`],
      onMessage: (m) => {
        if (m.type === 'session:state' && !this.marked) {
          // For the benchmark: when the first full state arrived and when it was applied.
          this.marked = true;
          performance.mark('hexcrawl:dm-state-received');
          this.store.getState().apply(m);
          performance.mark('hexcrawl:dm-state-applied');
        } else this.store.getState().apply(m);
        this.editor.onServerMessage(m);
        for (const fn of this.messageListeners) fn(m);
      },
      onStatus: (s) => {
        if (s.kind === 'open') performance.mark('hexcrawl:dm-socket-open');
        this.store.getState().setConnection(s);
        for (const fn of this.statusListeners) fn(s);
      },
    });
    this.editor = new EditorController(this.store, {
      send: (msg: ClientMessage) => this.socket.send(msg),
      sendFill: (msg) => this.socket.send(msg),
    });
  }

  onMessage(fn: (m: ServerMessage) => void): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  /** Connection status changes from now on (the current one is socket.getStatus()). */
  onStatus(fn: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Connects; a second call while running does nothing (boot.ts may have started it early). */
  start(): void {
    if (this.started) return;
    this.started = true;
    performance.mark('hexcrawl:dm-socket-start');
    this.socket.start();
    this.expiry = setInterval(() => this.editor.expire(), 1000);
  }

  stop(): void {
    this.started = false;
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    this.editor.endStroke();
    this.socket.stop();
  }
}
