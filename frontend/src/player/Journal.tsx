// The player's journal (docs/history.md): per session, the hexes they discovered and the names
// they learned, as the hub showed them at the time (a later relabel or hide changes nothing
// here). Loaded only when opened, so the map's bundle stays as it was.
import { useEffect, useState } from 'react';
import { api } from '../net/http';
import { journalSchema, type Journal as JournalData } from '../protocol/history';
import { TERRAIN_COLORS, TERRAIN_NAMES } from '../hex/terrain';

type Load = { kind: 'loading' } | { kind: 'ok'; journal: JournalData } | { kind: 'error'; message: string };

function day(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export default function Journal({ onClose }: { onClose: () => void }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    api('GET', '/api/me/journal', journalSchema).then(
      (journal) => live && setLoad({ kind: 'ok', journal }),
      (e: unknown) => live && setLoad({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, []);
  const maps = load.kind === 'ok' ? new Map(load.journal.maps.map((m) => [m.id, m.name])) : new Map<string, string>();
  const manyMaps = maps.size > 1;
  const sessions = load.kind === 'ok' ? [...load.journal.sessions].reverse() : [];
  return (
    <div className="journal" role="dialog" aria-label="Journal" data-testid="journal">
      <header className="journal-head">
        <h2>Journal</h2>
        <button className="hexinfo-close" onClick={onClose} aria-label="Close" data-testid="journal-close">
          ×
        </button>
      </header>
      {load.kind === 'loading' && <p className="muted">Reading your journal…</p>}
      {load.kind === 'error' && <p className="muted">Cannot read the journal: {load.message}</p>}
      {load.kind === 'ok' && sessions.length === 0 && <p className="muted">Nothing yet: what you discover will be written here.</p>}
      {sessions.map((s) => {
        const found = s.entries.filter((e) => e.what === 'discovered');
        const names = s.entries.filter((e) => e.label);
        return (
          <section key={s.id || `gap-${s.entries[0]?.seq ?? 0}`} className="journal-session" data-testid="journal-session" data-number={s.number}>
            <h3>
              {s.id ? `Session ${s.number}` : 'Between sessions'} <span className="muted">{day(s.startedAt)}</span>
            </h3>
            <p className="muted small">
              {found.length} {found.length === 1 ? 'hex' : 'hexes'} discovered, {names.length} {names.length === 1 ? 'name' : 'names'} learned
            </p>
            <ul>
              {s.entries.map((e) => (
                <li key={`${e.seq}-${e.mapId}-${e.key}-${e.what}`} data-testid="journal-entry" data-key={e.key} data-what={e.what}>
                  <span className="swatch" style={{ background: TERRAIN_COLORS[e.terrain] }} />
                  <span className="journal-text">
                    {e.label ? <b data-testid="journal-label">{e.label}</b> : <span>{TERRAIN_NAMES[e.terrain] || 'Unknown land'}</span>}
                    <span className="muted small">
                      {' '}
                      {e.what === 'label' ? 'named' : e.state === 'glimpsed' ? 'glimpsed' : 'explored'}
                      {e.label ? `, ${TERRAIN_NAMES[e.terrain] || 'unknown land'}` : ''} · {manyMaps ? `${maps.get(e.mapId) ?? ''} ` : ''}
                      {e.key}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
