// The DM's edit controller: every change the console makes to the map goes through here, so
// undo/redo, optimistic drawing and batching behave the same for brush, fill, labels and notes.
// Framework-free: it reads the session from whatever holds it (the DM store) and reports each of
// its own changes through `onChange` (the DM store mirrors them, see store/edit.ts).
import { ALL_TERRAINS, terrainAt } from '../hex/terrain';
import { indexToKey, keyToIndex } from '../hex/coords';
import { isLive, type ClientMessage, type HexChange, type ServerMessage, type StagedChange, type Terrain } from '../protocol/schema';
import type { SessionData } from '../store/session';
import { EditHistory, redoChanges, undoChanges, type HexEdit, type HexFields, type HistoryEntry } from './history';
import { PendingEdits } from './pending';
import { composeDisplay, stagedOverlay } from './preview';
import { floodRegion } from './brush';

export type HexFillMessage = Extract<ClientMessage, { type: 'hex:fill' }>;

export interface EditorTransport {
  /** sends a validated message; false when the socket is not open */
  send(msg: ClientMessage): boolean;
  sendFill(msg: HexFillMessage): boolean;
}

/** Changes per hex:update frame: ~40 bytes each keeps a frame far below the hub's 1 MiB limit. */
export const CHUNK = 5000;
/** Unconfirmed optimistic edits are dropped after this long (the hub's state shows again). */
export const PENDING_TIMEOUT_MS = 5000;

/** Where the editor reads the session (the published state it edits): any store with `data`. */
export interface SessionSource {
  getState(): { data: SessionData | null };
}

export interface EditorOptions {
  now?: () => number;
  /** called after every change of the history, the pending edits, `painting` or `notice` */
  onChange?: () => void;
}

export function isStagedLive(d: SessionData | null): boolean {
  return d?.broadcastMode === 'staged' && isLive(d.session?.status);
}

interface Stroke {
  label: string;
  before: Map<string, HexFields>;
  after: Map<string, HexFields>;
}

export class EditorController {
  readonly history = new EditHistory();
  readonly pending = new PendingEdits();
  private readonly store: SessionSource;
  private readonly transport: EditorTransport;
  private readonly now: () => number;
  private readonly onChange: () => void;
  private refs = 0;
  private stroke: Stroke | null = null;
  private mapKey: string | null = null;
  private lastStaged: readonly StagedChange[] = [];
  /** last local problem (not connected, nothing to do …) for the UI to show */
  notice: { text: string; at: number } | null = null;

  constructor(store: SessionSource, transport: EditorTransport, options: EditorOptions = {}) {
    this.store = store;
    this.transport = transport;
    this.now = options.now ?? (() => performance.now());
    this.onChange = options.onChange ?? (() => {});
  }

  private changed(): void {
    this.onChange();
  }

  private note(text: string): void {
    this.notice = { text, at: this.now() };
    this.changed();
  }

  private data(): SessionData | null {
    return this.store.getState().data;
  }

  nextRef(prefix = 'e'): string {
    return `${prefix}${++this.refs}`;
  }

  /** The hex as the DM sees it: published, then staged preview, then in-flight edits. */
  current(key: string): { terrain: Terrain; label: string; notes: string; road: boolean } {
    const d = this.data();
    const w = d?.map?.width ?? 0;
    const h = d?.map?.height ?? 0;
    const i = keyToIndex(key, w, h);
    if (!d || i < 0) return { terrain: '', label: '', notes: '', road: false };
    let t = d.cells[i]!;
    let label = d.labels.get(key) ?? '';
    let notes = d.notes.get(key) ?? '';
    let road = d.roads.has(key);
    if (isStagedLive(d)) {
      for (const sc of d.staged) {
        if (sc.kind !== 'update') continue;
        for (const c of sc.changes) {
          if (c.key !== key) continue;
          if (c.terrain !== undefined) t = ALL_TERRAINS.indexOf(c.terrain);
          if (c.label !== undefined) label = c.label;
          if (c.road !== undefined) road = c.road;
        }
      }
    }
    const p = this.pending.get(key);
    if (p?.terrain !== undefined) t = p.terrain;
    if (p?.label !== undefined) label = p.label;
    if (p?.notes !== undefined) notes = p.notes;
    if (p?.road !== undefined) road = p.road;
    return { terrain: terrainAt(t) ?? '', label, notes, road };
  }

  // ------------------------------------------------------------ sending

  private sendChanges(changes: HexChange[]): boolean {
    for (let i = 0; i < changes.length; i += CHUNK) {
      const part = changes.slice(i, i + CHUNK);
      const ref = this.nextRef();
      if (!this.transport.send({ type: 'hex:update', changes: part, ref })) {
        this.note('Not connected to the hub: the edit was not saved.');
        return false;
      }
      this.pending.add(ref, part, this.now());
    }
    this.changed();
    return true;
  }

  /** Sends a DM command (session, broadcast, reveal …) with a ref; false when offline. */
  command(msg: ClientMessage): boolean {
    const ok = this.transport.send({ ...msg, ref: this.nextRef('c') } as ClientMessage);
    if (!ok) this.note('Not connected to the hub.');
    return ok;
  }

  // ------------------------------------------------------------ strokes (brush)

  /** true while a brush stroke is under way (between beginStroke and endStroke) */
  get painting(): boolean {
    return this.stroke !== null;
  }

  beginStroke(label: string): void {
    this.endStroke();
    this.stroke = { label, before: new Map(), after: new Map() };
  }

  /**
   * Applies fields to hexes as part of the current stroke (starting one if needed) and sends
   * them at once: one hex:update per pointer event that reaches a new hex. The hub commits a
   * message in about a millisecond, so a batching delay here would only postpone "saved".
   */
  paint(keys: Iterable<string>, fields: HexFields): number {
    if (!this.stroke) this.beginStroke('Paint');
    const s = this.stroke!;
    const changes: HexChange[] = [];
    const befores: [string, HexFields][] = [];
    for (const key of keys) {
      const cur = this.current(key);
      const change: HexChange = { key };
      let any = false;
      for (const f of ['terrain', 'label', 'notes'] as const) {
        const v = fields[f];
        if (v === undefined || v === cur[f]) continue;
        (change as Record<string, unknown>)[f] = v;
        any = true;
      }
      if (fields.road !== undefined && fields.road !== cur.road) {
        change.road = fields.road;
        any = true;
      }
      if (!any) continue;
      changes.push(change);
      befores.push([key, { ...cur }]);
    }
    if (changes.length === 0) return 0;
    // Unsent (offline) changes are not in the history: undoing them would "restore" nothing.
    if (!this.sendChanges(changes)) return 0;
    for (const [key, before] of befores) {
      if (!s.before.has(key)) s.before.set(key, before);
      s.after.set(key, { ...s.after.get(key), ...fields });
    }
    return changes.length;
  }

  endStroke(): void {
    const s = this.stroke;
    this.stroke = null;
    if (!s) return;
    const edits: HexEdit[] = [];
    for (const [key, before] of s.before) edits.push({ key, before, after: s.after.get(key) ?? {} });
    this.history.push({ label: s.label, edits });
    this.changed(); // also when nothing was painted: `painting` is over
  }

  // ------------------------------------------------------------ single edits

  /** One gesture on one or more hexes (label, notes, terrain from the side panel). */
  edit(label: string, keys: Iterable<string>, fields: HexFields): number {
    this.beginStroke(label);
    const n = this.paint(keys, fields);
    this.endStroke();
    return n;
  }

  /** Flood fill of the connected region of one terrain around `key`. */
  fill(key: string, terrain: Terrain): number {
    const d = this.data();
    const map = d?.map;
    if (!d || !map) return 0;
    const start = keyToIndex(key, map.width, map.height);
    if (start < 0) return 0;
    this.endStroke();
    const staged = isStagedLive(d);
    // The hub fills on its own (published) terrain, which our in-flight edits will have reached
    // by the time it reads the message; in staged mode we fill what the DM sees (the preview).
    const base = composeDisplay(d, staged ? stagedOverlay(d.staged, map.width, map.height) : null, this.pending).cells;
    const region = floodRegion(base, map.width, map.height, map.orientation, start);
    const before = terrainAt(base[start]!) ?? '';
    if (before === terrain || region.length === 0) {
      this.note('That area is already this terrain.');
      return 0;
    }
    const keys = region.map((i) => indexToKey(i, map.width));
    const edits: HexEdit[] = keys.map((k) => ({ key: k, before: { terrain: before }, after: { terrain } }));
    if (staged) {
      if (!this.sendChanges(keys.map((k) => ({ key: k, terrain })))) return 0;
    } else {
      const ref = this.nextRef();
      if (!this.transport.sendFill({ type: 'hex:fill', key, terrain, ref })) {
        this.note('Not connected to the hub: the fill was not saved.');
        return 0;
      }
      this.pending.add(ref, keys.map((k) => ({ key: k, terrain })), this.now());
    }
    this.history.push({ label: `Fill ${region.length} hexes`, edits });
    this.changed();
    return region.length;
  }

  undo(): HistoryEntry | null {
    this.endStroke();
    const e = this.history.undo();
    if (e) this.sendChanges(undoChanges(e));
    this.changed();
    return e;
  }

  redo(): HistoryEntry | null {
    this.endStroke();
    const e = this.history.redo();
    if (e) this.sendChanges(redoChanges(e));
    this.changed();
    return e;
  }

  // ------------------------------------------------------------ the hub's side

  /** Call for every server message, after the store applied it. */
  onServerMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'session:state': {
        const d = this.data();
        const key = d?.map ? `${d.map.id}:${d.map.width}x${d.map.height}` : null;
        if (key !== this.mapKey) {
          this.history.clear();
          this.mapKey = key;
        }
        this.pending.setMap(d?.map?.width ?? 0, d?.map?.height ?? 0);
        // A full state is the truth: anything unconfirmed was lost or is in it already.
        this.pending.clear();
        this.lastStaged = d?.staged ?? [];
        this.changed();
        break;
      }
      case 'hex:updated':
        this.pending.ack(msg.hexes.map((h) => h.key));
        this.changed();
        break;
      case 'staged:changed': {
        const before = new Set(this.lastStaged.map((s) => s.id));
        for (const sc of msg.staged) {
          if (!before.has(sc.id) && sc.kind === 'update') this.pending.ack(sc.changes.map((c) => c.key));
        }
        this.lastStaged = msg.staged;
        this.changed();
        break;
      }
      case 'error':
        if (msg.ref && this.pending.fail(msg.ref)) this.changed();
        break;
      default:
        break;
    }
  }

  /** Drops optimistic edits the hub never confirmed; call now and then. */
  expire(): void {
    if (this.pending.expire(this.now() - PENDING_TIMEOUT_MS)) this.changed();
  }
}
