// Modal dialogs as promises: `await confirmDialog({...})` → true/false. One host renders the
// stack; Escape or the backdrop cancels; focus goes to the first field or the default button.
import { useEffect, useEffectEvent, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

interface Entry {
  id: number;
  render: () => ReactNode;
}

const dialogs = createStore<{ stack: Entry[] }>()(() => ({ stack: [] }));
let ids = 0;

export function dialogOpen(): boolean {
  return dialogs.getState().stack.length > 0;
}

/** Opens a dialog; resolves with what it passes to done(), or `cancelValue` on Escape. */
export function openDialog<T>(render: (done: (v: T) => void) => ReactNode, cancelValue: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const id = ++ids;
    const close = (v: T) => {
      dialogs.setState((s) => ({ stack: s.stack.filter((e) => e.id !== id) }));
      resolve(v);
    };
    void cancelValue; // the dialog's own Cancel/Escape handlers pass it to done()
    dialogs.setState((s) => ({ stack: [...s.stack, { id, render: () => render(close) }] }));
  });
}

export function confirmDialog(o: { title: string; message: ReactNode; confirm: string; danger?: boolean; testId?: string }): Promise<boolean> {
  return openDialog<boolean>(
    (done) => (
      <DialogFrame title={o.title} testId={o.testId ?? 'confirm'} onCancel={() => done(false)}>
        <div className="dlg-body">{o.message}</div>
        <div className="dlg-actions">
          <button type="button" className="dbtn" onClick={() => done(false)}>
            Cancel
          </button>
          <button
            type="button"
            className={o.danger ? 'dbtn dbtn-danger' : 'dbtn dbtn-primary'}
            data-testid="confirm-ok"
            autoFocus
            onClick={() => done(true)}
          >
            {o.confirm}
          </button>
        </div>
      </DialogFrame>
    ),
    false,
  );
}

/**
 * Asks before removing players. Removing makes a new join code unless the DM ticks "keep": the
 * removed players saw the code on the table. Resolves with the choice, or null when cancelled.
 */
export function revokeDialog(o: { title: string; message: ReactNode; confirm: string }): Promise<{ keepCode: boolean } | null> {
  return openDialog<{ keepCode: boolean } | null>((done) => <RevokeDialog {...o} done={done} />, null);
}

function RevokeDialog(props: { title: string; message: ReactNode; confirm: string; done: (v: { keepCode: boolean } | null) => void }) {
  const [keep, setKeep] = useState(false);
  return (
    <DialogFrame title={props.title} testId="confirm-revoke" onCancel={() => props.done(null)}>
      <div className="dlg-body">
        {props.message}
        <p>
          {keep
            ? 'The join code stays as it is: whoever knows it can join again with another browser.'
            : 'The join code changes, so they cannot simply come back; the new one shows in the Players panel at once.'}
        </p>
        <label className="check-row">
          <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} data-testid="revoke-keep-code" />
          Keep the current join code (for someone who left on good terms)
        </label>
      </div>
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={() => props.done(null)}>
          Cancel
        </button>
        <button type="button" className="dbtn dbtn-danger" data-testid="confirm-ok" autoFocus onClick={() => props.done({ keepCode: keep })}>
          {props.confirm}
        </button>
      </div>
    </DialogFrame>
  );
}

/** A one-field text prompt (names). Resolves with the trimmed text, or null. */
export function promptDialog(o: { title: string; label: string; initial?: string; confirm: string; maxLength?: number }): Promise<string | null> {
  return openDialog<string | null>((done) => <PromptBody {...o} done={done} />, null);
}

function PromptBody(o: { title: string; label: string; initial?: string; confirm: string; maxLength?: number; done: (v: string | null) => void }) {
  const [v, setV] = useState(o.initial ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (v.trim()) o.done(v.trim());
  };
  return (
    <DialogFrame title={o.title} testId="prompt" onCancel={() => o.done(null)}>
      <form onSubmit={submit} className="dlg-form">
        <label className="field">
          <span>{o.label}</span>
          <input autoFocus value={v} maxLength={o.maxLength ?? 80} onChange={(e) => setV(e.target.value)} data-testid="prompt-input" />
        </label>
        <div className="dlg-actions">
          <button type="button" className="dbtn" onClick={() => o.done(null)}>
            Cancel
          </button>
          <button type="submit" className="dbtn dbtn-primary" disabled={!v.trim()} data-testid="prompt-ok">
            {o.confirm}
          </button>
        </div>
      </form>
    </DialogFrame>
  );
}

export function DialogFrame(props: { title: string; children: ReactNode; onCancel: () => void; testId?: string; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const cancel = useEffectEvent(() => props.onCancel());
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        cancel();
      }
    };
    window.addEventListener('keydown', onKey, true);
    const first = ref.current?.querySelector<HTMLElement>('[autofocus], input, textarea, select, button');
    first?.focus();
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div className="dlg-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onCancel()}>
      <div className={props.wide ? 'dlg dlg-wide' : 'dlg'} role="dialog" aria-modal="true" aria-label={props.title} ref={ref} data-testid={props.testId}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export function DialogHost() {
  const stack = useStore(dialogs, (s) => s.stack);
  const top = stack.at(-1);
  if (!top) return null;
  return <>{top.render()}</>;
}
