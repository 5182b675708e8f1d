import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { PlayerApp } from './player/PlayerApp';

declare global {
  interface Window {
    go?: unknown;
  }
}

export function isDmContext(): boolean {
  return location.pathname === '/dm' || location.pathname.startsWith('/dm/') || typeof window.go !== 'undefined';
}

// The DM console is loaded only where it is needed: /dm in a browser, or the Wails desktop
// window (which defines window.go). Players never download it. Imported before rendering rather
// than through lazy()+Suspense, which React 19 holds back ~300 ms after showing the fallback.
const DmApp: ComponentType | null = isDmContext() ? (await import('./dm/DmApp')).default : null;

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    {DmApp ? <DmApp /> : <PlayerApp />}
  </StrictMode>,
);
