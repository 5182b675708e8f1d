// The player's page as a small state machine outside React (a zustand store): which screen to
// show and, at the table, which connection. main.tsx creates it with startPlayer() before React
// renders anything, so the questions to the hub go out at once and the answer moves the page as
// soon as it lands, not when React gets round to an effect. A returning player, whose seat this
// browser remembers, starts at the table with the socket already connecting; /api/me then
// confirms or corrects that guess. The socket checks the cookie by itself, so a stale guess can
// only end with a close code (which asks /api/me again), never show what the cookie does not allow.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { fetchHub, fetchMe, forgetSeat, hadSeat, rememberedSeat, rememberSeat, type HubInfo, type Me } from './api';
import { PlayerConnection, sameSeat } from './connection';
import type { JoinNotice } from './JoinScreen';
import type { SessionEnd } from './PlayerSession';

export type Phase =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | { kind: 'join'; hub: HubInfo | null; notice: JoinNotice | null }
  | { kind: 'session'; connection: PlayerConnection }
  | { kind: 'removed' };

export interface PlayerAppState {
  phase: Phase;
  /** Asks the hub who we are (again) and moves to the screen that fits. */
  load(notice?: JoinNotice | null): void;
  /** The join form took a seat. */
  joined(me: Me): void;
  /** The hub closed the table's socket for good. */
  ended(why: SessionEnd): void;
}

export type PlayerApp = StoreApi<PlayerAppState>;

/** What the hub says about this browser; `reached: false` when it did not answer. */
type Arrival = { reached: true; me: Me | null; hub: HubInfo | null } | { reached: false };

async function askHub(): Promise<Arrival> {
  try {
    const [me, hub] = await Promise.all([fetchMe(), fetchHub().catch(() => null)]);
    return { reached: true, me, hub };
  } catch {
    return { reached: false };
  }
}

export function startPlayer(): PlayerApp {
  performance.mark('hexcrawl:boot'); // for the benchmark: all modules evaluated
  const answer = askHub(); // first: the requests go out while we do the rest
  const seat = rememberedSeat();
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
    if (a.reached && a.me) {
      if (!table || !sameSeat(table.me, a.me)) open(a.me);
      rememberSeat(a.me); // after open(): the first localStorage access is a synchronous call
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
    app.setState({ phase: { kind: 'join', hub: a.hub, notice: why } });
  };

  const app = createStore<PlayerAppState>()(() => ({
    phase: seat ? { kind: 'session', connection: connect(seat) } : { kind: 'loading' },
    load(notice = null) {
      held()?.stop();
      app.setState({ phase: { kind: 'loading' } });
      void settle(askHub(), notice);
    },
    joined(me) {
      asked++; // an answer still on its way must not replace the seat just taken
      open(me);
      rememberSeat(me);
      // A join link has done its job; a reload should not show the code again.
      if (location.pathname !== '/') history.replaceState(null, '', '/');
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
