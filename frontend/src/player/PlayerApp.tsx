// The player's page: find out who we are (cookie), let us join, then show the table.
import { useCallback, useEffect, useState } from 'react';
import { JoinScreen, type JoinNotice } from './JoinScreen';
import { PlayerSession, type SessionEnd } from './PlayerSession';
import { codeFromLocation, fetchHub, fetchMe, forgetSeat, hadSeat, rememberSeat, type HubInfo, type Me } from './api';
import { Screen } from './ui';

type Phase =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | { kind: 'join'; hub: HubInfo | null; notice: JoinNotice | null }
  | { kind: 'session'; me: Me }
  | { kind: 'removed' };

export function PlayerApp() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [code] = useState(() => codeFromLocation(location));

  const load = useCallback(async (notice: JoinNotice | null = null) => {
    setPhase({ kind: 'loading' });
    try {
      const [me, hub] = await Promise.all([fetchMe(), fetchHub().catch(() => null)]);
      if (me) {
        rememberSeat(me);
        setPhase({ kind: 'session', me });
        return;
      }
      // A cookie that no longer works: the DM removed us, or the hub's data was reset.
      const n = notice ?? (hadSeat() ? 'seat-lost' : null);
      forgetSeat();
      setPhase({ kind: 'join', hub, notice: n });
    } catch {
      setPhase({ kind: 'unreachable' });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const onJoined = (me: Me) => {
    rememberSeat(me);
    // A join link has done its job; a reload should not show the code again.
    if (location.pathname !== '/') history.replaceState(null, '', '/');
    setPhase({ kind: 'session', me });
  };

  const onEnd = (why: SessionEnd) => {
    // Removed: keep the memory of the seat, so a reload explains why the join screen is back.
    if (why.kind === 'removed') return setPhase({ kind: 'removed' });
    forgetSeat();
    void load(why.kind === 'closed' ? null : why.kind);
  };

  switch (phase.kind) {
    case 'loading':
      return <Screen busy>Finding the table…</Screen>;
    case 'unreachable':
      return (
        <Screen
          title="Cannot reach the hub"
          action={{ label: 'Try again', onClick: () => void load() }}
        >
          Make sure you are on the same network as the DM&rsquo;s computer, then try again.
        </Screen>
      );
    case 'removed':
      return (
        <Screen
          title="You were removed from the table"
          tone="danger"
          action={{ label: 'Join again', onClick: () => void load() }}
          testId="removed"
        >
          The DM removed you from this campaign. Ask them for a new invite code if that was a mistake.
        </Screen>
      );
    case 'join':
      return <JoinScreen hub={phase.hub} initialCode={code} notice={phase.notice} onJoined={onJoined} onRetryHub={() => void load()} />;
    case 'session':
      return <PlayerSession key={phase.me.playerId} me={phase.me} onEnd={onEnd} />;
  }
}
