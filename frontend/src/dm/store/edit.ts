// Map edits go through the open campaign's EditorController (history, edits in flight, the hub's
// confirmations; framework-free, see ../editor.ts). This slice mirrors what the console shows of
// it — after every change the controller reports — and offers its operations as actions.
import type { ClientMessage, Terrain } from '../../protocol/schema';
import type { DmConnection } from '../connection';
import type { HexFields } from '../history';
import type { PendingOverlay } from '../preview';
import { defineSlice } from './slice';

export interface EditState {
  /** counts the controller's changes */
  version: number;
  /** a brush stroke is under way */
  painting: boolean;
  /** edits sent and not yet confirmed by the hub */
  saving: boolean;
  /** the gesture undo (redo) would revert (reapply), by its label */
  undo: string | null;
  redo: string | null;
  /** the edits in flight, drawn over the hub's state (a new object whenever they change) */
  pending: PendingOverlay | null;
  notice: { text: string; at: number } | null;
}

export interface EditSlice {
  edit: EditState;
  editorChanged(from: DmConnection): void;
  /** The hex as the DM sees it: published, then the staged preview, then edits in flight. */
  hexAt(key: string): { terrain: Terrain; label: string; notes: string };
  /** One gesture on some hexes (terrain, label or notes from the side panel, a brush click). */
  editHexes(label: string, keys: Iterable<string>, fields: HexFields): void;
  fill(key: string, terrain: Terrain): void;
  beginStroke(label: string): void;
  paint(keys: Iterable<string>, fields: HexFields): void;
  endStroke(): void;
  undo(): void;
  redo(): void;
  /** Sends a DM command (session, broadcast mode, reveal …); false (and a toast) when offline. */
  command(msg: ClientMessage): boolean;
}

const idle: EditState = { version: 0, painting: false, saving: false, undo: null, redo: null, pending: null, notice: null };

export const editSlice = defineSlice(
  () => ({ edit: idle }),
  (set, get) => {
    const editor = () => get().conn?.editor ?? null;
    return {
      editorChanged(from: DmConnection) {
        if (from !== get().conn) return;
        const ed = from.editor;
        const was = get().edit;
        const p = ed.pending;
        const pending = was.pending && was.pending.terrain === p.terrain && was.pending.labels === p.labels ? was.pending : { terrain: p.terrain, labels: p.labels };
        set({
          edit: {
            version: was.version + 1,
            painting: ed.painting,
            saving: p.size > 0,
            undo: ed.history.peekUndo()?.label ?? null,
            redo: ed.history.peekRedo()?.label ?? null,
            pending,
            notice: ed.notice,
          },
        });
        if (ed.notice && ed.notice !== was.notice) get().toast(ed.notice.text, 'info');
      },
      hexAt(key: string) {
        return editor()?.current(key) ?? { terrain: '' as Terrain, label: '', notes: '', road: false };
      },
      editHexes(label: string, keys: Iterable<string>, fields: HexFields) {
        editor()?.edit(label, keys, fields);
      },
      fill(key: string, terrain: Terrain) {
        editor()?.fill(key, terrain);
      },
      beginStroke(label: string) {
        editor()?.beginStroke(label);
      },
      paint(keys: Iterable<string>, fields: HexFields) {
        editor()?.paint(keys, fields);
      },
      endStroke() {
        editor()?.endStroke();
      },
      undo() {
        editor()?.undo();
      },
      redo() {
        editor()?.redo();
      },
      command(msg: ClientMessage) {
        return editor()?.command(msg) ?? false;
      },
    };
  },
);
