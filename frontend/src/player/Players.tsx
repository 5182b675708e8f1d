import { useEffect, useRef, useState } from 'react';
import type { Player } from '../store/session';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const a = parts[0]?.[0] ?? '?';
  const b = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (a + b).toUpperCase();
}

// Stable, pleasant colour per player id.
function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function Avatar({ player, you }: { player: Player; you?: boolean }) {
  return (
    <span
      className={`avatar ${player.online ? 'online' : 'offline'} ${you ? 'you' : ''}`}
      style={{ background: `hsl(${hue(player.id)} 38% 42%)` }}
      title={`${player.name}${you ? ' (you)' : ''} — ${player.online ? 'at the table' : 'away'}`}
    >
      {initials(player.name)}
    </span>
  );
}

export function PlayersButton({ players, youId }: { players: ReadonlyMap<string, Player>; youId: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const list = [...players.values()].sort(
    (a, b) => Number(b.online) - Number(a.online) || Number(b.id === youId) - Number(a.id === youId) || a.name.localeCompare(b.name),
  );
  const online = list.filter((p) => p.online).length;

  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', close);
    return () => window.removeEventListener('pointerdown', close);
  }, [open]);

  return (
    <div className="players" ref={ref}>
      <button
        className="players-btn"
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-label={`${online} at the table`}
        data-testid="players-button"
      >
        <span className="stack">
          {list.slice(0, 4).map((p) => (
            <Avatar key={p.id} player={p} you={p.id === youId} />
          ))}
        </span>
        <span className="players-count">{online}</span>
      </button>
      {open && (
        <div className="players-pop" role="dialog" aria-label="At the table">
          <div className="players-head">At the table</div>
          <ul data-testid="players-list">
            {list.map((p) => (
              <li key={p.id} data-online={p.online} data-testid="player">
                <Avatar player={p} you={p.id === youId} />
                <span className="pname">
                  {p.name}
                  {p.id === youId && <em> (you)</em>}
                </span>
                <span className={p.online ? 'presence on' : 'presence'}>{p.online ? 'here' : 'away'}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
