// The player's page as a small state machine outside React (a zustand store): which screen to
// show and, at the table, which connection. main.tsx creates it with startPlayer() before React
// renders anything, so the questions to the hub go out at once and the answer moves the page as
// soon as it lands, not when React gets round to an effect. A returning player, whose seat this
// browser remembers, starts at the table with the socket already connecting; /api/me then
// confirms or corrects that guess. The socket checks the cookie by itself, so a stale guess can
// only end with a close code (which asks /api/me again), never show what the cookie does not allow.
//
// A join link (/join/CODE) first asks the hub which campaign the code is for, alongside /api/me:
// a link to the campaign this browser already sits in goes to that seat (re-scanning the
// table's QR code must not make a second player); a link to another campaign, or a bad one,
// shows the join screen for it, and only joining there replaces the seat.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  codeFromLocation,
  fetchHub,
  fetchMe,
  forgetSeat,
  hadSeat,
  lookupInvite,
  rememberedSeat,
  rememberSeat,
  type HubInfo,
  type LinkInvite,
  type Me,
} from './api';
import { PlayerConnection, sameSeat } from './connection';
import type { SessionStoreState } from '../store/session';
import type { JoinNotice } from './JoinScreen';
import type { SessionEnd } from './PlayerSession';

export type Phase =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | {
      kind: 'join';
      hub: HubInfo | null;
      notice: JoinNotice | null;
      /** the join link's code, looked up (null without a link, or when the hub could not say) */
      link: LinkInvite | null;
      /** the seat this browser holds in another campaign, if any: name to prefill, a way back */
      seat: Me | null;
    }
  | { kind: 'session'; connection: PlayerConnection }
  | { kind: 'removed' };

export interface PlayerAppState {
  phase: Phase;
  /** Asks the hub who we are (again) and moves to the screen that fits. */
  load(notice?: JoinNotice | null): void;
  /** The join form took a seat, or the player went back to the one they hold. */
  joined(me: Me): void;
  /** The hub closed the table's socket for good. */
  ended(why: SessionEnd): void;
}

export type PlayerApp = StoreApi<PlayerAppState>;

/** What the hub says about this browser (and the join link's code, if any); `reached: false`
 * when it did not answer. */
type Arrival = { reached: true; me: Me | null; hub: HubInfo | null; link: LinkInvite | null } | { reached: false };

async function askHub(code: string): Promise<Arrival> {
  try {
    const [me, hub, link] = await Promise.all([
      fetchMe(),
      fetchHub().catch(() => null),
      code ? lookupInvite(code) : Promise.resolve(null),
    ]);
    return { reached: true, me, hub, link };
  } catch {
    return { reached: false };
  }
}

/** The link is for the campaign of this seat (a bad code is for none). */
function linkFits(link: LinkInvite | null, me: Me): boolean {
  return link === null || (link.kind === 'ok' && link.campaignId === me.campaignId);
}

/** A join link has done its job; a reload should not look the code up again. */
function leaveJoinLink(): void {
  if (location.pathname !== '/' || location.search) history.replaceState(null, '', '/');
}

export function startPlayer(): PlayerApp {
  performance.mark('hexcrawl:boot'); // for the benchmark: all modules evaluated
  const code = () => codeFromLocation(location);
  const answer = askHub(code()); // first: the requests go out while we do the rest
  // With a join link the remembered seat may be the wrong campaign: wait for the hub's answer
  // rather than open a socket (and show the player online) at a table they may be leaving.
  const seat = code() ? null : rememberedSeat();
  // Only the latest question counts: a closed socket may ask again while the boot's answer is
  // still on its way.
  let asked = 0;

  const held = () => {
    const p = app.getState().phase;
    return p.kind === 'session' ? p.connection : null;
  };
  const connect = (me: Me) => {
    const connection = new PlayerConnection(me);
    connection.start();
    return connection;
  };
  const open = (me: Me) => {
    held()?.stop();
    app.setState({ phase: { kind: 'session', connection: connect(me) } });
  };
  const settle = async (question: Promise<Arrival>, notice: JoinNotice | null) => {
    const n = ++asked;
    const a = await question;
    if (n !== asked) return;
    const table = held();
    if (a.reached && a.me && !linkFits(a.link, a.me)) {
      // Seated elsewhere, and the link is for another campaign (or no campaign at all): the
      // join screen says which, and the seat stays until the player joins there.
      table?.stop();
      rememberSeat(a.me);
      return app.setState({ phase: { kind: 'join', hub: a.hub, notice, link: a.link, seat: a.me } });
    }
    if (a.reached && a.me) {
      if (!table || !sameSeat(table.me, a.me)) open(a.me);
      rememberSeat(a.me); // after open(): the first localStorage access is a synchronous call
      if (a.link) leaveJoinLink();
      return;
    }
    // No answer, but a table already trying to connect: its banner explains, and it carries on
    // by itself when the hub is back.
    if (!a.reached && table) return;
    table?.stop();
    if (!a.reached) return app.setState({ phase: { kind: 'unreachable' } });
    // A cookie that no longer works: the DM removed us, or the hub's data was reset.
    const why = notice ?? (hadSeat() ? 'seat-lost' : null);
    forgetSeat();
    app.setState({ phase: { kind: 'join', hub: a.hub, notice: why, link: a.link, seat: null } });
  };

  const app = createStore<PlayerAppState>()(() => ({
    phase: seat ? { kind: 'session', connection: connect(seat) } : { kind: 'loading' },
    load(notice = null) {
      held()?.stop();
      app.setState({ phase: { kind: 'loading' } });
      void settle(askHub(code()), notice);
    },
    joined(me) {
      asked++; // an answer still on its way must not replace the seat just taken
      open(me);
      rememberSeat(me);
      leaveJoinLink();
    },
    ended(why) {
      held()?.stop();
      // Removed: keep the memory of the seat, so a reload explains why the join screen is back.
      if (why.kind === 'removed') return app.setState({ phase: { kind: 'removed' } });
      forgetSeat();
      app.getState().load(why.kind === 'closed' ? null : why.kind);
    },
  }));
  void settle(answer, null);
  return app;
}

/**
 * Resolves when the page has something to show: the table's first state (a returning player),
 * another screen (join, unreachable, removed), or `maxMs` after the call, whichever comes first.
 * main.tsx renders React only then: its first render and layout no longer stand between the
 * socket's first message and the main thread (at 4× CPU slowdown they took ~130 ms, the
 * session:state waiting behind them), and the table renders once, with its map, instead of
 * twice. Waiting costs nothing to see: the "Joining the table…" overlay only fades in after
 * 0.4 s, and after `maxMs` the table renders as before.
 */
export function untilFirstScreen(app: PlayerApp, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    // The table has something to say: its state, or that the connection failed.
    const shown = (s: SessionStoreState) => s.data !== null || (s.connection.kind !== 'connecting' && s.connection.kind !== 'open');
    let offStore = () => {};
    let watched: PlayerConnection | null = null;
    const finish = () => {
      offApp();
      offStore();
      clearTimeout(timer);
      resolve();
    };
    const check = () => {
      const p = app.getState().phase;
      if (p.kind === 'loading') return;
      if (p.kind !== 'session') return finish();
      if (p.connection === watched) return;
      watched = p.connection;
      offStore();
      if (shown(p.connection.store.getState())) return finish();
      offStore = p.connection.store.subscribe((s) => {
        if (shown(s)) finish();
      });
    };
    const timer = setTimeout(finish, maxMs);
    const offApp = app.subscribe(check);
    check();
  });
}
