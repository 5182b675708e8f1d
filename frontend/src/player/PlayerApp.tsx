// The player's page: renders the screen the app store (app.ts) is on.
import { useState } from 'react';
import { useStore } from 'zustand';
import { JoinScreen } from './JoinScreen';
import { PlayerSession } from './PlayerSession';
import { codeFromLocation } from './api';
import type { PlayerApp as PlayerAppStore } from './app';
import { Screen } from './ui';

export function PlayerApp({ app }: { app: PlayerAppStore }) {
  const phase = useStore(app, (s) => s.phase);
  const { load, joined, ended } = app.getState();
  const [code] = useState(() => codeFromLocation(location));

  switch (phase.kind) {
    case 'loading':
      return <Screen busy>Finding the table…</Screen>;
    case 'unreachable':
      return (
        <Screen title="Cannot reach the hub" action={{ label: 'Try again', onClick: () => load() }} testId="unreachable">
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
      return (
        <JoinScreen
          key={phase.link?.code ?? ''}
          hub={phase.hub}
          initialCode={phase.link?.code ?? code}
          notice={phase.notice}
          link={phase.link}
          seat={phase.seat}
          onJoined={joined}
          onRetryHub={() => load()}
        />
      );
    case 'session':
      return <PlayerSession key={phase.connection.me.playerId} connection={phase.connection} onEnd={ended} />;
  }
}
