// The toasts in the corner (store/toasts.ts holds them).
import { useDm, useDmStore } from './useDm';

export function ToastHost() {
  const dm = useDmStore();
  const list = useDm((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast" data-tone={t.tone} onClick={() => dm.getState().dismissToast(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
