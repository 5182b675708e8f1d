// Short messages in the corner (the hub's errors, confirmations, the editor's notices). In the
// store, so a toast shown just before another campaign opens survives the switch.
import { defineSlice } from './slice';

export type Tone = 'ok' | 'error' | 'info';
export interface Toast {
  id: number;
  text: string;
  tone: Tone;
}

export interface ToastSlice {
  toasts: readonly Toast[];
  toast(text: string, tone?: Tone): void;
  dismissToast(id: number): void;
}

let ids = 0;

export const toastSlice = defineSlice(
  () => ({ toasts: [] as readonly Toast[] }),
  (set, get) => ({
    toast(text: string, tone: Tone = 'info') {
      const id = ++ids;
      set((s) => ({ toasts: [...s.toasts.slice(-3), { id, text, tone }] }));
      setTimeout(() => get().dismissToast(id), tone === 'error' ? 7000 : 3500);
    },
    dismissToast(id: number) {
      set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    },
  }),
);
