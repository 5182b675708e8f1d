// A player's notes on hexes (docs/table.md): written on a hex they know, private or shared with
// their party, kept by the hub (they come back on any device holding the seat). The DM reads
// them all, and the page says so.
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { PlayerNote } from '../protocol/schema';
import { LIMITS } from '../protocol/constants';
import type { SessionStore } from '../store/session';
import type { HexcrawlSocket } from '../net/socket';

const DM_READS_NOTES = 'The DM can read every note, private ones too.';

let refs = 0;

/** Edits (or writes) the player's own note on `hexKey`. Closes once the hub has it. */
export function NoteEditor(props: {
  hexKey: string;
  title: string;
  mine: PlayerNote | null;
  canShare: boolean;
  store: SessionStore;
  socket: HexcrawlSocket;
  onClose: () => void;
}) {
  const { hexKey, mine, store, socket, onClose } = props;
  const [text, setText] = useState(mine?.text ?? '');
  const [shared, setShared] = useState(mine?.shared ?? false);
  const [pending, setPending] = useState<{ ref: string; remove: boolean } | null>(null);
  const errors = useStore(store, (s) => s.errors);
  const notes = useStore(store, (s) => s.data?.playerNotes);
  const first = useRef(notes);
  const failed = pending ? errors.find((e) => e.ref === pending.ref) : undefined;
  const length = [...text.trim()].length;
  const tooLong = length > LIMITS.maxPlayerNoteChars;

  // The hub's answer: our list changed (done), or an error with our ref (shown).
  useEffect(() => {
    if (pending && !failed && notes !== first.current) onClose();
  }, [notes, pending, failed, onClose]);

  const send = (remove: boolean) => {
    const ref = `note-${++refs}`;
    first.current = notes;
    const ok = remove
      ? socket.send({ type: 'note:remove', key: hexKey, ref })
      : socket.send({ type: 'note:set', key: hexKey, text, shared: shared && props.canShare, ref });
    setPending(ok ? { ref, remove } : null);
  };

  return (
    <div className="sheet" role="dialog" aria-label={`Note on ${props.title}`} data-testid="note-editor">
      <h2>{mine ? 'Your note' : 'New note'} · {props.title}</h2>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="We buried the gold here…"
        aria-label="Note"
        data-testid="note-text"
        autoFocus
      />
      <div className="hint" aria-live="polite">
        {length}/{LIMITS.maxPlayerNoteChars}
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          checked={shared && props.canShare}
          disabled={!props.canShare}
          onChange={(e) => setShared(e.target.checked)}
          data-testid="note-shared"
        />
        {props.canShare ? 'Share with my party' : 'Share with my party (you are in no party)'}
      </label>
      <p className="hint" data-testid="dm-reads-notes">
        {DM_READS_NOTES}
      </p>
      {failed && (
        <p className="err" role="alert" data-testid="note-error">
          {failed.message}
        </p>
      )}
      {tooLong && <p className="err">At most {LIMITS.maxPlayerNoteChars} characters.</p>}
      <div className="row">
        <button className="btn" onClick={onClose}>
          Cancel
        </button>
        {mine && (
          <button className="btn" onClick={() => send(true)} disabled={pending !== null && !failed} data-testid="note-delete">
            Delete
          </button>
        )}
        <button
          className="btn btn-primary"
          onClick={() => send(false)}
          disabled={length === 0 || tooLong || (pending !== null && !failed)}
          data-testid="note-save"
        >
          Save
        </button>
      </div>
    </div>
  );
}

/** Every note the player reads; a tap centres the map on its hex. */
export function NoteList(props: { notes: readonly PlayerNote[]; youId: string; labelOf: (key: string) => string; onPick: (key: string) => void; onClose: () => void }) {
  return (
    <div className="sheet" role="dialog" aria-label="Notes" data-testid="note-list">
      <h2>Notes</h2>
      {props.notes.length === 0 ? (
        <p className="hint">No notes yet. Tap a hex you know, then “Note”.</p>
      ) : (
        <ul className="note-list">
          {props.notes.map((n) => (
            <li key={n.id}>
              <button onClick={() => props.onPick(n.key)}>
                <span className="note-by">
                  {props.labelOf(n.key)} · {n.authorId === props.youId ? 'you' : n.authorName}
                  {n.shared ? ' · shared with the party' : ' · private'}
                </span>
                {n.text}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">{DM_READS_NOTES}</p>
      <div className="row">
        <button className="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
