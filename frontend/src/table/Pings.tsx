// Pings on the map (docs/table.md): an expanding ring on the hex with the pinger's name, for
// PING_MS after it arrived. Drawn as a few DOM nodes over the canvas, placed each frame while a
// ping lives, so the map's cached layers are never redrawn for one.
import { useEffect, useState } from 'react';
import type { HexMapHandle } from '../render/HexMapView';
import { PING_MS, type Ping } from '../store/session';

export function PingLayer({ pings, map, big = false }: { pings: readonly Ping[]; map: () => HexMapHandle | null; big?: boolean }) {
  const [now, setNow] = useState(() => performance.now());
  const live = pings.filter((p) => now - p.at < PING_MS);
  // Placed every frame while one lives (the map may pan under it), then no more frames.
  useEffect(() => {
    if (pings.length === 0) return;
    let raf = 0;
    const tick = () => {
      const t = performance.now();
      setNow(t);
      if (pings.some((p) => t - p.at < PING_MS)) raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [pings]);
  const handle = map();
  if (!handle || live.length === 0) return null;
  return (
    <div className={big ? 'pings pings-big' : 'pings'} aria-live="polite">
      {live.map((p) => {
        const at = handle.screenOf(p.key);
        if (!at) return null;
        const who = p.from?.name ?? 'DM';
        return (
          <div key={p.id} className="ping" style={{ left: at.x, top: at.y }} data-testid="ping" data-key={p.key} data-from={who}>
            <span className="ping-ring" />
            <span className="ping-ring ping-ring-2" />
            <span className="ping-name">{who}</span>
          </div>
        );
      })}
    </div>
  );
}
