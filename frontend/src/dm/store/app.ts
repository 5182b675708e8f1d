// The app's phase (credentials, the hub reachable), the campaign list and which campaign is open.
// `start()` runs as the DM chunk is evaluated, before React renders: the credentials, then at
// once the remembered campaign's socket and, alongside, the campaign list. Waiting for React to
// mount and run its effects first made these a waterfall (chunk → render → /api/campaigns →
// render → socket → state). If the list turns out not to hold the remembered campaign (deleted
// elsewhere) the first one opens instead; a refused token closes the socket (4001) and asks.
import { ApiError, DmApi, errorText, type Campaign } from '../api';
import { forgetToken, loadCredentials, saveToken, type DmCredentials } from '../creds';
import { DmConnection } from '../connection';
import { defineSlice } from './slice';
import { campaignInitial } from './campaign';

const CAMPAIGN_KEY = 'hexcrawl.dmCampaign';

function rememberCampaign(id: string): void {
  try {
    localStorage.setItem(CAMPAIGN_KEY, id);
  } catch {
    /* private mode: not remembered */
  }
}

function lastCampaign(): string | null {
  try {
    return localStorage.getItem(CAMPAIGN_KEY);
  } catch {
    return null;
  }
}

export type Phase =
  | { kind: 'loading' }
  | { kind: 'token'; error: string }
  | { kind: 'unreachable'; error: string }
  /** credentials accepted; `campaignId` is open ('' = the hub has no campaign yet) */
  | { kind: 'ready' };

export interface AppSlice {
  phase: Phase;
  creds: DmCredentials | null;
  api: DmApi | null;
  campaigns: readonly Campaign[];
  campaignId: string;
  /** the open campaign's socket and edit controller (null while none is open) */
  conn: DmConnection | null;
  /** counts campaign openings: the console remounts with it (menus, typed drafts start afresh) */
  generation: number;

  /** Credentials, then the remembered campaign and the list (see the top of this file). */
  start(): Promise<void>;
  /** A token typed (or pasted) into the token form. */
  submitToken(token: string): Promise<void>;
  /** Opens a campaign: the previous one's connection stops, every per-campaign slice resets. */
  open(campaignId: string): void;
  /** Loads the list again; with `select`, opens that campaign ('' or unknown: the first). */
  refreshCampaigns(select?: string): Promise<void>;
  /** The list as it arrived: keeps the open campaign if it is in it, else opens the first. */
  campaignsLoaded(list: readonly Campaign[]): void;
  /** The hub refused the token (401), or could not be reached. */
  failed(e: unknown): void;
  /** Back to the token form, saying why (a browser forgets the stored token; the window's is its own). */
  signOut(why: string): void;
}

export const appSlice = defineSlice(
  () => ({
    phase: { kind: 'loading' } as Phase,
    creds: null as DmCredentials | null,
    api: null as DmApi | null,
    campaigns: [] as readonly Campaign[],
    campaignId: '',
    conn: null as DmConnection | null,
    generation: 0,
  }),
  (set, get, deps) => {
    const signIn = (creds: DmCredentials) => set({ creds, api: new DmApi(creds.token) });
    const loadList = async () => {
      const api = get().api;
      if (!api) return;
      try {
        get().campaignsLoaded(await api.campaigns());
      } catch (e) {
        get().failed(e);
      }
    };
    return {
      async start() {
        let creds: DmCredentials | null;
        try {
          creds = await loadCredentials();
        } catch (e) {
          get().failed(e);
          return;
        }
        if (!creds) {
          set({ phase: { kind: 'token', error: '' } });
          return;
        }
        signIn(creds);
        const last = lastCampaign();
        if (last) {
          // The campaign open last time opens at once; the list only fills the menus.
          get().open(last);
          set({ phase: { kind: 'ready' } });
        }
        await loadList();
      },

      async submitToken(token: string) {
        saveToken(token);
        signIn({ token, desktop: false });
        await loadList();
      },

      open(campaignId: string) {
        get().conn?.stop();
        const creds = get().creds;
        const conn = campaignId && creds ? new DmConnection(campaignId, creds, { getState: get }, { now: deps.now, socket: deps.socket }) : null;
        set({ ...campaignInitial(), campaignId, conn, generation: get().generation + 1 });
        if (campaignId) rememberCampaign(campaignId);
        conn?.start();
      },

      async refreshCampaigns(select?: string) {
        const api = get().api;
        if (!api) return;
        const list = await api.campaigns();
        set({ campaigns: list });
        if (select === undefined) return;
        const id = list.find((c) => c.id === select)?.id ?? list[0]?.id ?? '';
        // Deleting the open campaign asks twice (the menu, and the hub's close 4002): the second
        // finds the campaign the first opened already connecting, and keeps it.
        const { campaignId, conn } = get();
        if (id && id === campaignId && conn && conn.socket.getStatus().kind !== 'closed') return;
        get().open(id);
      },

      campaignsLoaded(list: readonly Campaign[]) {
        const open = get().campaignId || lastCampaign();
        const id = list.find((c) => c.id === open)?.id ?? list[0]?.id ?? '';
        set({ campaigns: list });
        if (id !== get().campaignId || (id && !get().conn)) get().open(id);
        set({ phase: { kind: 'ready' } });
      },

      failed(e: unknown) {
        if (e instanceof ApiError && e.status === 401) get().signOut('The hub did not accept that DM token.');
        else {
          get().open('');
          set({ phase: { kind: 'unreachable', error: errorText(e) } });
        }
      },

      signOut(why: string) {
        if (!get().creds?.desktop) forgetToken();
        get().open('');
        set({ phase: { kind: 'token', error: why } });
      },
    };
  },
);
