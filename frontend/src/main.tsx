import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { PlayerApp } from './player/PlayerApp';

// The DM console is loaded only where it is needed: /dm in a browser, or the Wails desktop
// window (which defines window.go). Players never download it.
const DmApp = lazy(() => import('./dm/DmApp'));

declare global {
  interface Window {
    go?: unknown;
  }
}

export function isDmContext(): boolean {
  return location.pathname === '/dm' || location.pathname.startsWith('/dm/') || typeof window.go !== 'undefined';
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    {isDmContext() ? (
      <Suspense fallback={<div className="boot">Loading…</div>}>
        <DmApp />
      </Suspense>
    ) : (
      <PlayerApp />
    )}
  </StrictMode>,
);
