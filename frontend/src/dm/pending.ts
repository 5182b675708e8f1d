// Optimistic edits: what the DM painted but the hub has not confirmed yet. Each hex:update the
// editor sends adds its hexes here (counted per hex, since a stroke can cross a hex twice); the
// hub's echo (hex:updated, or staged:changed in staged mode) releases them and from then on the
// store's state is what is drawn. An error for the message's ref releases them too, so the
// server's truth shows again; `expire` is the last resort if an echo never comes.
import { terrainIndex } from '../hex/terrain';
import { keyToIndex } from '../hex/coords';
import type { HexChange } from '../protocol/schema';
import type { PendingOverlay } from './preview';

interface Entry {
  terrain?: number;
  label?: string;
  notes?: string;
  road?: boolean;
  count: number;
}

export class PendingEdits implements PendingOverlay {
  private entries = new Map<string, Entry>();
  private batches = new Map<string, { keys: string[]; at: number }>();
  terrain: ReadonlyMap<number, number> = new Map();
  labels: ReadonlyMap<string, string> = new Map();
  notes: ReadonlyMap<string, string> = new Map();
  private width = 0;
  private height = 0;
  /** bumped on every change so views can tell the overlay moved */
  version = 0;

  setMap(width: number, height: number): void {
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.clear();
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records a sent batch (identified by its ref). */
  add(ref: string, changes: readonly HexChange[], now: number): void {
    const keys: string[] = [];
    for (const c of changes) {
      const e = this.entries.get(c.key) ?? { count: 0 };
      if (c.terrain !== undefined) e.terrain = terrainIndex(c.terrain);
      if (c.label !== undefined) e.label = c.label;
      if (c.notes !== undefined) e.notes = c.notes;
      if (c.road !== undefined) e.road = c.road;
      e.count++;
      this.entries.set(c.key, e);
      keys.push(c.key);
    }
    this.batches.set(ref, { keys, at: now });
    this.rebuild();
  }

  /** The hub confirmed these hexes (their state is now in the store). */
  ack(keys: Iterable<string>): void {
    let changed = false;
    for (const k of keys) {
      const e = this.entries.get(k);
      if (!e) continue;
      e.count--;
      if (e.count <= 0) this.entries.delete(k);
      changed = true;
    }
    if (changed) this.rebuild();
  }

  /** Confirmation of a whole batch by ref is not sent by the hub; drop its bookkeeping. */
  settle(ref: string): void {
    this.batches.delete(ref);
  }

  /** The hub refused the batch with this ref: nothing of it applied. */
  fail(ref: string): boolean {
    const b = this.batches.get(ref);
    if (!b) return false;
    this.batches.delete(ref);
    this.ack(b.keys);
    return true;
  }

  /** Drops everything sent before `before` (ms) that is still unconfirmed; true if anything went. */
  expire(before: number): boolean {
    let any = false;
    for (const [ref, b] of this.batches) {
      if (b.at < before) {
        this.batches.delete(ref);
        for (const k of b.keys) {
          if (this.entries.delete(k)) any = true;
        }
      }
    }
    if (any) this.rebuild();
    return any;
  }

  oldestBatch(): number | null {
    let t: number | null = null;
    for (const b of this.batches.values()) if (t === null || b.at < t) t = b.at;
    return t;
  }

  clear(): void {
    if (this.entries.size === 0 && this.batches.size === 0) return;
    this.entries.clear();
    this.batches.clear();
    this.rebuild();
  }

  get(key: string): Readonly<Omit<Entry, 'count'>> | undefined {
    return this.entries.get(key);
  }

  private rebuild(): void {
    const terrain = new Map<number, number>();
    const labels = new Map<string, string>();
    const notes = new Map<string, string>();
    for (const [k, e] of this.entries) {
      if (e.terrain !== undefined) {
        const i = keyToIndex(k, this.width, this.height);
        if (i >= 0) terrain.set(i, e.terrain);
      }
      if (e.label !== undefined) labels.set(k, e.label);
      if (e.notes !== undefined) notes.set(k, e.notes);
    }
    this.terrain = terrain;
    this.labels = labels;
    this.notes = notes;
    this.version++;
  }
}
