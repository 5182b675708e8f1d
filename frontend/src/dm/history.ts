// Client-side undo/redo for map edits. Each entry is one gesture (a brush stroke, a fill, a label
// or notes edit) holding, per hex, the fields it touched before and after. Undo sends `before`
// as a hex:update, redo sends `after`; the hub stays the single source of truth.
import type { HexChange, Terrain } from '../protocol/schema';

export interface HexFields {
  terrain?: Terrain;
  label?: string;
  notes?: string;
  road?: boolean;
}

export interface HexEdit {
  key: string;
  before: HexFields;
  after: HexFields;
}

export interface HistoryEntry {
  /** what the DM did, for the undo button's tooltip */
  label: string;
  edits: HexEdit[];
}

export const HISTORY_LIMIT = 200;

function toChange(key: string, f: HexFields): HexChange | null {
  const c: HexChange = { key };
  if (f.terrain !== undefined) c.terrain = f.terrain;
  if (f.label !== undefined) c.label = f.label;
  if (f.notes !== undefined) c.notes = f.notes;
  if (f.road !== undefined) c.road = f.road;
  return c.terrain === undefined && c.label === undefined && c.notes === undefined && c.road === undefined ? null : c;
}

/** The hex:update changes that restore the state before the entry. */
export function undoChanges(e: HistoryEntry): HexChange[] {
  return e.edits.flatMap((x) => toChange(x.key, x.before) ?? []);
}

/** The hex:update changes that apply the entry again. */
export function redoChanges(e: HistoryEntry): HexChange[] {
  return e.edits.flatMap((x) => toChange(x.key, x.after) ?? []);
}

/** Drops fields whose value does not change, and edits that change nothing. */
export function normaliseEdits(edits: readonly HexEdit[]): HexEdit[] {
  const out: HexEdit[] = [];
  for (const e of edits) {
    const before: HexFields = {};
    const after: HexFields = {};
    for (const f of ['terrain', 'label', 'notes'] as const) {
      const a = e.after[f];
      if (a === undefined || a === e.before[f]) continue;
      (after as Record<string, string>)[f] = a;
      (before as Record<string, string>)[f] = e.before[f] ?? '';
    }
    if (e.after.road !== undefined && e.after.road !== (e.before.road ?? false)) {
      after.road = e.after.road;
      before.road = e.before.road ?? false;
    }
    if (Object.keys(after).length > 0) out.push({ key: e.key, before, after });
  }
  return out;
}

export class EditHistory {
  private done: HistoryEntry[] = [];
  private undone: HistoryEntry[] = [];
  private readonly limit: number;

  constructor(limit = HISTORY_LIMIT) {
    this.limit = limit;
  }

  /** Records a new gesture; clears the redo stack. Empty gestures are ignored. */
  push(entry: HistoryEntry): boolean {
    const edits = normaliseEdits(entry.edits);
    if (edits.length === 0) return false;
    this.done.push({ label: entry.label, edits });
    if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit);
    this.undone = [];
    return true;
  }

  /** Pops the last gesture; the caller sends undoChanges(entry). */
  undo(): HistoryEntry | null {
    const e = this.done.pop();
    if (!e) return null;
    this.undone.push(e);
    return e;
  }

  /** Re-applies the last undone gesture; the caller sends redoChanges(entry). */
  redo(): HistoryEntry | null {
    const e = this.undone.pop();
    if (!e) return null;
    this.done.push(e);
    return e;
  }

  canUndo(): boolean {
    return this.done.length > 0;
  }

  canRedo(): boolean {
    return this.undone.length > 0;
  }

  peekUndo(): HistoryEntry | null {
    return this.done.at(-1) ?? null;
  }

  peekRedo(): HistoryEntry | null {
    return this.undone.at(-1) ?? null;
  }

  size(): { undo: number; redo: number } {
    return { undo: this.done.length, redo: this.undone.length };
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
