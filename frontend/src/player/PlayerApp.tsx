// The player's page: find out who we are (cookie), let us join, then show the table.
import { useCallback, useEffect, useRef, useState } from 'react';
import { JoinScreen, type JoinNotice } from './JoinScreen';
import { PlayerSession, type SessionEnd } from './PlayerSession';
import { codeFromLocation, forgetSeat, hadSeat, rememberSeat, type HubInfo, type Me } from './api';
import { askHub, type Arrival, type PlayerBoot } from './boot';
import { PlayerConnection, sameSeat } from './connection';
import { Screen } from './ui';

type Phase =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | { kind: 'join'; hub: HubInfo | null; notice: JoinNotice | null }
  | { kind: 'session'; connection: PlayerConnection }
  | { kind: 'removed' };

export function PlayerApp({ boot }: { boot: PlayerBoot }) {
  // A returning player starts at the table (its socket is already connecting); /api/me's answer
  // arrives a moment later and confirms it.
  const [phase, setPhase] = useState<Phase>(() =>
    boot.connection ? { kind: 'session', connection: boot.connection } : { kind: 'loading' },
  );
  const [code] = useState(() => codeFromLocation(location));
  // The connection behind phase 'session', and a count of the questions asked to the hub: only
  // the latest answer counts (the boot's may land after a closed socket has asked again).
  const connection = useRef<PlayerConnection | null>(boot.connection);
  const asked = useRef(0);

  const open = useCallback((me: Me) => {
    connection.current?.stop();
    const c = new PlayerConnection(me);
    c.start();
    connection.current = c;
    setPhase({ kind: 'session', connection: c });
  }, []);

  const settle = useCallback(
    async (answer: Promise<Arrival>, notice: JoinNotice | null) => {
      const n = ++asked.current;
      const a = await answer;
      if (n !== asked.current) return;
      const held = connection.current;
      if (a.reached && a.me) {
        if (!held || !sameSeat(held.me, a.me)) open(a.me);
        rememberSeat(a.me); // after open(): the first localStorage access can block for a while
        return;
      }
      // No answer, but a table already trying to connect: its banner explains, and it carries on
      // by itself when the hub is back.
      if (!a.reached && held) return;
      held?.stop();
      connection.current = null;
      if (!a.reached) return setPhase({ kind: 'unreachable' });
      // A cookie that no longer works: the DM removed us, or the hub's data was reset.
      const why = notice ?? (hadSeat() ? 'seat-lost' : null);
      forgetSeat();
      setPhase({ kind: 'join', hub: a.hub, notice: why });
    },
    [open],
  );

  const load = useCallback(
    (notice: JoinNotice | null = null) => {
      setPhase({ kind: 'loading' });
      void settle(askHub(), notice);
    },
    [settle],
  );

  useEffect(() => {
    void settle(boot.arrival, null);
  }, [boot, settle]);

  const onJoined = (me: Me) => {
    asked.current++; // a retry still in flight must not replace the seat we just took
    open(me);
    rememberSeat(me);
    // A join link has done its job; a reload should not show the code again.
    if (location.pathname !== '/') history.replaceState(null, '', '/');
  };

  const onEnd = (why: SessionEnd) => {
    connection.current?.stop();
    connection.current = null;
    // Removed: keep the memory of the seat, so a reload explains why the join screen is back.
    if (why.kind === 'removed') return setPhase({ kind: 'removed' });
    forgetSeat();
    load(why.kind === 'closed' ? null : why.kind);
  };

  switch (phase.kind) {
    case 'loading':
      return <Screen busy>Finding the table…</Screen>;
    case 'unreachable':
      return (
        <Screen
          title="Cannot reach the hub"
          action={{ label: 'Try again', onClick: () => load() }}
          testId="unreachable"
        >
          Make sure you are on the same network as the DM&rsquo;s computer, then try again.
        </Screen>
      );
    case 'removed':
      return (
        <Screen
          title="You were removed from the table"
          tone="danger"
          action={{ label: 'Join again', onClick: () => load() }}
          testId="removed"
        >
          The DM removed you from this campaign. Ask them for a new invite code if that was a mistake.
        </Screen>
      );
    case 'join':
      return <JoinScreen hub={phase.hub} initialCode={code} notice={phase.notice} onJoined={onJoined} onRetryHub={() => load()} />;
    case 'session':
      return <PlayerSession key={phase.connection.me.playerId} connection={phase.connection} onEnd={onEnd} />;
  }
}
