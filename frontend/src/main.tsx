import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { PlayerApp } from './player/PlayerApp';
import { startPlayer, untilFirstScreen } from './player/app';

declare global {
  interface Window {
    go?: unknown;
  }
}

export function isDmContext(): boolean {
  return location.pathname === '/dm' || location.pathname.startsWith('/dm/') || typeof window.go !== 'undefined';
}

let page: ReactNode;
if (location.pathname === '/table') {
  // The table screen (docs/table.md): its own chunk, like the DM console.
  const { default: DisplayApp } = await import('./display/DisplayApp');
  page = <DisplayApp />;
} else if (isDmContext()) {
  // The DM console is loaded only where it is needed: /dm in a browser, or the Wails desktop
  // window (which defines window.go). Players never download it. Imported before rendering
  // rather than through lazy()+Suspense, which React 19 holds back ~300 ms after the fallback.
  const { default: DmApp } = await import('./dm/DmApp');
  page = <DmApp />;
} else {
  // Asks the hub who we are, and reconnects a remembered seat, before React's first render;
  // renders once the table has its first state (or the page another screen), see untilFirstScreen.
  const app = startPlayer();
  await untilFirstScreen(app, 300);
  page = <PlayerApp app={app} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(<StrictMode>{page}</StrictMode>);
