// The Party tool's keys (docs/dm-ui.md): arrow keys step the picked party (before the map's own
// handler, which pans with them), P picks the next party, U takes back its last move. Registered
// on the window in the capture phase; nothing happens while typing or while a dialog is open.
import { useEffect } from 'react';
import type { DmStore } from './store';
import { dialogOpen } from './dialogs';
import { isArrowKey } from './moves';

export function typesText(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable) return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
}

export function usePartyKeys(dm: DmStore): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen() || typesText(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const s = dm.getState();
      if (s.viewAs !== null || !s.data?.map) return;
      if (isArrowKey(e.key)) {
        if (s.tool !== 'token') return; // other tools: the arrows pan the map
        e.preventDefault();
        e.stopPropagation();
        if (!e.repeat) s.partyArrow(e.key, e.shiftKey);
        return;
      }
      const k = e.key.toLowerCase();
      if (k === 'p' && !e.shiftKey) {
        e.preventDefault();
        s.cycleParty();
      } else if (k === 'u' && !e.shiftKey) {
        e.preventDefault();
        s.undoMove();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dm]);
}
