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
  private marked = false;
  private expiry: ReturnType<typeof setInterval> | null = null;
  private readonly messageListeners = new Set<(m: ServerMessage) => void>();

  constructor(campaignId: string, creds: DmCredentials, onStatus?: (s: ConnectionStatus) => void) {
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
        onStatus?.(s);
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

  start(): void {
    performance.mark('hexcrawl:dm-socket-start');
    this.socket.start();
    this.expiry = setInterval(() => this.editor.expire(), 1000);
  }

  stop(): void {
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    this.editor.flush();
    this.socket.stop();
  }
}
