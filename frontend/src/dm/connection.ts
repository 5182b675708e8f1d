// One campaign's live connection for the DM: the socket (with the DM subprotocol) and the edit
// controller, owned by the DM store (store/app.ts opens one per campaign). Every server message
// goes to the store, which applies it and then hands it to the editor; the socket's status and
// the editor's changes go to the store too. Framework-free.
import { HexcrawlSocket, type ConnectionStatus, type SocketOptions } from '../net/socket';
import type { ClientMessage, ServerMessage } from '../protocol/schema';
import { DM_TOKEN_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../protocol/constants';
import type { SessionData } from '../store/session';
import { EditorController } from './editor';
import type { DmCredentials } from './creds';

/** The store's side: where the editor reads the session and where the connection reports. */
export interface ConnectionOwner {
  getState(): {
    data: SessionData | null;
    received(from: DmConnection, msg: ServerMessage): void;
    connectionChanged(from: DmConnection, status: ConnectionStatus): void;
    editorChanged(from: DmConnection): void;
  };
}

/** Injection points for tests: the store's clock, and the socket's (its WebSocket factory …). */
export interface ConnectionOptions {
  now?: () => number;
  socket?: Partial<Omit<SocketOptions, 'campaignId' | 'onMessage' | 'onStatus'>>;
}

export class DmConnection {
  /** the store this connection reports to (read by the end-to-end tests as `conn.store`) */
  readonly store: ConnectionOwner;
  readonly socket: HexcrawlSocket;
  readonly editor: EditorController;
  readonly campaignId: string;
  private marked = false;
  private started = false;
  private expiry: ReturnType<typeof setInterval> | null = null;

  constructor(campaignId: string, creds: DmCredentials, store: ConnectionOwner, options: ConnectionOptions = {}) {
    this.campaignId = campaignId;
    this.store = store;
    this.socket = new HexcrawlSocket({
      campaignId,
      baseUrl: creds.wsUrl,
      protocols: [SUBPROTOCOL, DM_TOKEN_SUBPROTOCOL_PREFIX + creds.token],
      ...options.socket,
      onMessage: (m) => {
        if (m.type === 'session:state' && !this.marked) {
          // For the benchmark: when the first full state arrived and when it was applied.
          this.marked = true;
          performance.mark('hexcrawl:dm-state-received');
          store.getState().received(this, m);
          performance.mark('hexcrawl:dm-state-applied');
        } else store.getState().received(this, m);
      },
      onStatus: (s) => {
        if (s.kind === 'open') performance.mark('hexcrawl:dm-socket-open');
        store.getState().connectionChanged(this, s);
      },
    });
    this.editor = new EditorController(
      store,
      {
        send: (msg: ClientMessage) => this.socket.send(msg),
        sendFill: (msg) => this.socket.send(msg),
      },
      { now: options.now, onChange: () => store.getState().editorChanged(this) },
    );
  }

  /** Connects; a second call while running does nothing. */
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
