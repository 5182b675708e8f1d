// Short messages in the corner (the hub's errors, confirmations). Module-level so a toast shown
// just before the console remounts (another campaign) survives the switch.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export type Tone = 'ok' | 'error' | 'info';
interface Toast {
  id: number;
  text: string;
  tone: Tone;
}

const toasts = createStore<{ list: Toast[] }>()(() => ({ list: [] }));
let ids = 0;

export function toast(text: string, tone: Tone = 'info'): void {
  const id = ++ids;
  toasts.setState((s) => ({ list: [...s.list.slice(-3), { id, text, tone }] }));
  setTimeout(() => dismiss(id), tone === 'error' ? 7000 : 3500);
}

export function dismiss(id: number): void {
  toasts.setState((s) => ({ list: s.list.filter((t) => t.id !== id) }));
}

export function ToastHost() {
  const list = useStore(toasts, (s) => s.list);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast" data-tone={t.tone} onClick={() => dismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
