// Where the DM console gets its credentials: the Wails window hands them over through a binding
// (DMCredentials); a browser gets the token once in the URL fragment (#token=…, never sent to
// the server), keeps it in localStorage and strips it from the address bar.
import { z } from 'zod';

export interface DmCredentials {
  token: string;
  /** WebSocket endpoint base (ws://127.0.0.1:PORT/ws in the window); undefined = this page's origin */
  wsUrl?: string;
  /** true inside the desktop window */
  desktop: boolean;
}

const TOKEN_KEY = 'hexcrawl.dmToken';

const credsSchema = z.object({ hubUrl: z.string(), wsUrl: z.string(), token: z.string().min(1) });

export interface WailsApp {
  DMCredentials(): Promise<unknown>;
  OpenURL?(url: string): Promise<void>;
  SaveCampaignFile?(defaultName: string, jsonText: string): Promise<string>;
  OpenCampaignFile?(): Promise<string>;
}

/** The bound Go app in the desktop window, or null in a browser. */
export function wailsApp(): WailsApp | null {
  const go = (window as unknown as { go?: { app?: { App?: Partial<WailsApp> } } }).go;
  const app = go?.app?.App;
  return app && typeof app.DMCredentials === 'function' ? (app as WailsApp) : null;
}

/** Takes #token=… out of the address bar (and remembers it); returns it if there was one. */
export function takeTokenFromHash(loc: Location = location, hist: History = history): string | null {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  hist.replaceState(hist.state, '', loc.pathname + loc.search + (rest ? `#${rest}` : ''));
  saveToken(token);
  return token;
}

export function saveToken(token: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* private mode: the token lives for this page only */
  }
}

export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function forgetToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* ignore */
  }
}

export async function loadCredentials(): Promise<DmCredentials | null> {
  const app = wailsApp();
  if (app) {
    const raw = await app.DMCredentials();
    const r = credsSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
    if (!r.success) throw new Error('the desktop window handed over unreadable credentials');
    return { token: r.data.token, wsUrl: r.data.wsUrl, desktop: true };
  }
  const token = takeTokenFromHash() ?? storedToken();
  return token ? { token, desktop: false } : null;
}
