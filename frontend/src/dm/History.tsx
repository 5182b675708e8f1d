// The campaign's history in the console (docs/history.md): the History panel (sessions, days and
// watches, their events), the replay (a map of any point, as anyone saw it, with a scrubber),
// the selected hex's history and the recap dialog. All of it reads the hub's history API; the
// live map and the players are untouched by any of it.
import { useEffect, useMemo, useState, type RefObject } from 'react';
import { HexMapView, type HexMapHandle } from '../render/HexMapView';
import type { MarkerMark, RenderScene, TokenMark } from '../render/renderer';
import type { Recap, SessionSpan } from '../protocol/history';
import { useDm, useDmStore } from './useDm';
import { Section } from './Panels';
import { openDialog, DialogFrame } from './dialogs';
import { COLORS } from './MapPane';
import { visibility } from './preview';
import { REPLAY_SPEEDS, spanKey } from './store/history';
import { byWatch } from './timeline';
import { download, fileName, mapPng, recapMarkdown } from './recap';
import { sessionDataFromState } from '../store/session';
import { errorText } from './api';

const FIT_INSETS = { top: 8, right: 8, bottom: 84, left: 8 };

function spanTitle(s: SessionSpan): string {
  return s.id ? `Session ${s.number}` : 'Between sessions';
}

function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

// ------------------------------------------------------------------ the panel

export function HistoryPanel() {
  const dm = useDmStore();
  const timeline = useDm((s) => s.timeline);
  const error = useDm((s) => s.timelineError);
  const seq = useDm((s) => s.data?.seq ?? 0);
  const [open, setOpen] = useState(false);
  // The log grows as the table plays: read the timeline again when the panel is open and the
  // hub has moved on (at most every few seconds while events keep coming).
  const stale = open && (!timeline || timeline.seq < seq);
  useEffect(() => {
    if (!stale) return;
    const t = setTimeout(() => void dm.getState().loadTimeline(), timeline ? 2000 : 0);
    return () => clearTimeout(t);
  }, [stale, timeline, dm]);
  const sessions = useMemo(() => [...(timeline?.sessions ?? [])].reverse(), [timeline]);
  return (
    <Section
      title="History"
      testId="history-panel"
      extra={
        <button className="dbtn dbtn-sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="history-toggle">
          {open ? 'Hide' : 'Show'}
        </button>
      }
    >
      {!open ? (
        <p className="hint small">Every session so far: what happened, who saw it, a replay and a recap.</p>
      ) : error ? (
        <p className="error small">{error}</p>
      ) : !timeline ? (
        <p className="muted small">Reading the history…</p>
      ) : sessions.length === 0 ? (
        <p className="muted small">Nothing has happened yet.</p>
      ) : (
        <ol className="history-sessions" data-testid="history-sessions">
          {sessions.map((s) => (
            <SpanRow key={spanKey(s)} span={s} lastSeq={timeline.seq} />
          ))}
        </ol>
      )}
    </Section>
  );
}

function SpanRow({ span, lastSeq }: { span: SessionSpan; lastSeq: number }) {
  const dm = useDmStore();
  const [open, setOpen] = useState(false);
  const entries = useDm((s) => s.entries.get(spanKey(span)));
  const timeline = useDm((s) => s.timeline);
  // A session still going has grown since its entries were read.
  const stale = open && (!entries || (entries.length > 0 && entries[entries.length - 1]!.seq < span.last));
  useEffect(() => {
    if (stale) void dm.getState().loadEntries(span);
  }, [stale, span, dm]);
  const names = useMemo(() => new Map((timeline?.members ?? []).map((m) => [m.id, m.name])), [timeline]);
  const groups = useMemo(() => byWatch(entries ?? []), [entries]);
  const replay = () => dm.getState().startReplay(span.last, span.first, Math.max(span.last, span.first), 'dm');
  return (
    <li className="history-span" data-testid="history-span" data-session={span.id}>
      <div className="row gap">
        <button className="linkish" onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="history-span-toggle">
          <b>{spanTitle(span)}</b> <span className="muted small">{shortTime(span.startedAt)} · {span.events} events</span>
        </button>
      </div>
      <div className="row gap">
        <button className="dbtn dbtn-sm" onClick={replay} data-testid="history-replay">
          Replay
        </button>
        {span.id && (
          <button className="dbtn dbtn-sm" onClick={() => void openRecap(dm.getState().loadRecap(span.id))} data-testid="history-recap">
            Recap
          </button>
        )}
        {span.last === lastSeq && <span className="muted small">now</span>}
      </div>
      {open && (
        <div className="history-entries" data-testid="history-entries">
          {!entries && <p className="muted small">Reading…</p>}
          {groups.map((g, i) => (
            <div key={i}>
              {g.clock && (
                <h5 className="history-watch">
                  Day {g.clock.day}, {g.clock.watchName}
                </h5>
              )}
              <ul>
                {g.entries.map((e) => (
                  <li key={e.seq} className={`history-entry kind-${e.kind}`} data-testid="history-entry" data-seq={e.seq}>
                    <button
                      className="linkish"
                      title="Show the map just after this"
                      onClick={() => dm.getState().startReplay(e.seq, span.first, span.last)}
                    >
                      {e.text}
                    </button>
                    {e.seen.length > 0 && <span className="muted small"> — seen by {e.seen.map((id) => names.get(id) ?? '?').join(', ')}</span>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </li>
  );
}

// ------------------------------------------------------------------ replay

/** The replayed map: the state the hub rebuilt, drawn like the live one, but nothing edits it. */
export function ReplayMap({ handle }: { handle: RefObject<HexMapHandle | null> }) {
  const dm = useDmStore();
  const data = useDm((s) => s.replay?.data ?? null);
  const selected = useDm((s) => s.selected);
  // Everything but the selection follows the replayed state only: selecting a hex does not
  // recompute the veil over the whole map.
  const base = useMemo((): Omit<RenderScene, 'highlights'> => {
    const vis = data && data.role === 'dm' ? visibility(data) : null;
    // Drawn as the viewer's own page drew it: parties' tokens and markers as the hub projected
    // them (a player's replay holds only what that player was sent), glimpsed hexes muted.
    const own = data?.you?.partyId ?? null;
    return {
      map: data?.map ?? null,
      cells: data?.cells ?? new Uint8Array(0),
      muted: data && data.role !== 'dm' ? data.glimpsed : null,
      labels: data?.labels ?? new Map(),
      roads: data?.roads,
      token: data?.token ?? null,
      tokens: (data?.parties ?? []).flatMap((p): TokenMark[] => (p.key ? [{ id: p.id, key: p.key, color: p.color, own: p.id === own }] : [])),
      markers: (data?.markers ?? []).map((m): MarkerMark => ({ id: m.id, key: m.key, kind: m.kind, label: m.label, dmOnly: data?.role === 'dm' && m.visibility !== 'players' })),
      veil: vis?.veil ?? null,
    };
  }, [data]);
  const scene: RenderScene = useMemo(() => {
    const hl = new Map<string, string>();
    if (selected) hl.set(selected, COLORS.selected);
    return { ...base, highlights: hl };
  }, [base, selected]);
  return (
    <div className="dm-map-wrap">
      <HexMapView
        handle={handle}
        className="dm-map replaying"
        style={{ position: 'absolute', inset: 0 }}
        scene={scene}
        initialFit="map"
        fitInsets={FIT_INSETS}
        onHexTap={(key) => dm.getState().select(key)}
        ariaLabel={data?.map ? `Replay of map ${data.map.name}` : 'Replay'}
      />
    </div>
  );
}

/** The scrubber: where in the session, whose view, play/pause and speed, and the way back. */
export function ReplayBar() {
  const dm = useDmStore();
  const r = useDm((s) => s.replay);
  const timeline = useDm((s) => s.timeline);
  const at = useDm((s) => {
    const seq = s.replay?.seq;
    for (const list of s.entries.values()) for (const e of list) if (e.seq === seq) return e;
    return null;
  });
  if (!r) return null;
  const members = timeline?.members.filter((m) => !m.gone) ?? [];
  const parties = timeline?.parties.filter((p) => !p.gone) ?? [];
  // The scrubber shows the asked seq at once (seek sets it before the answer comes), the map
  // follows when the answer does.
  const value = r.seq;
  return (
    <div className="replay-bar" role="region" aria-label="Replay" data-testid="replay-bar">
      <div className="row gap">
        <b>Replay</b>
        <span className="muted small" data-testid="replay-position">
          event {value} of {r.first}–{r.last}
          {r.shownSeq !== r.seq && ' …'}
        </span>
        <select value={r.as} onChange={(e) => dm.getState().setReplayAs(e.target.value)} aria-label="Whose view" data-testid="replay-as">
          <option value="dm">DM view</option>
          <option value="players">The whole table</option>
          {parties.map((p) => (
            <option key={p.id} value={`party:${p.id}`}>
              Party: {p.name}
            </option>
          ))}
          {members.map((m) => (
            <option key={m.id} value={`player:${m.id}`}>
              {m.name}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button className="dbtn dbtn-sm dbtn-primary" onClick={() => dm.getState().leaveReplay()} data-testid="replay-leave">
          Back to the live map
        </button>
      </div>
      <div className="row gap">
        <button
          className="dbtn dbtn-sm"
          onClick={() => (r.playing ? dm.getState().pause() : dm.getState().play())}
          aria-label={r.playing ? 'Pause' : 'Play'}
          data-testid="replay-play"
        >
          {r.playing ? 'Pause' : 'Play'}
        </button>
        <button className="dbtn dbtn-sm" onClick={() => dm.getState().seek(r.seq - 1)} aria-label="One event back" disabled={r.seq <= r.first}>
          ‹
        </button>
        <input
          type="range"
          className="replay-range"
          min={r.first}
          max={r.last}
          step={1}
          value={value}
          onChange={(e) => dm.getState().seek(Number(e.target.value))}
          aria-label="Event"
          data-testid="replay-range"
        />
        <button className="dbtn dbtn-sm" onClick={() => dm.getState().seek(r.seq + 1)} aria-label="One event on" disabled={r.seq >= r.last}>
          ›
        </button>
        <select value={r.speed} onChange={(e) => dm.getState().setReplaySpeed(Number(e.target.value))} aria-label="Speed" data-testid="replay-speed">
          {REPLAY_SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s} events/s
            </option>
          ))}
        </select>
      </div>
      {at && (
        <p className="small replay-at" data-testid="replay-at">
          {shortTime(at.at)} — {at.text}
        </p>
      )}
      {r.error && <p className="error small">{r.error}</p>}
    </div>
  );
}

// ------------------------------------------------------------------ a hex's history

export function HexHistorySection({ hexKey }: { hexKey: string }) {
  const dm = useDmStore();
  const h = useDm((s) => s.hexHistory);
  const timeline = useDm((s) => s.timeline);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) void dm.getState().loadHexHistory(hexKey);
  }, [open, hexKey, dm]);
  const sessionNo = useMemo(() => new Map((timeline?.sessions ?? []).map((s) => [s.id, s.number])), [timeline]);
  useEffect(() => {
    if (open && !timeline) void dm.getState().loadTimeline();
  }, [open, timeline, dm]);
  const mine = h?.key === hexKey ? h : null;
  return (
    <details className="hex-history" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="hex-history">
      <summary>History of this hex</summary>
      {mine?.loading && mine.entries.length === 0 && <p className="muted small">Reading…</p>}
      {mine && !mine.loading && mine.entries.length === 0 && <p className="muted small">Nothing has happened here yet.</p>}
      <ol>
        {mine?.entries.map((e, i) => (
          <li key={`${e.seq}-${i}`} className={`hexh-${e.what}`} data-testid="hex-history-entry" data-what={e.what}>
            <span className="muted small">{e.sessionId ? `S${sessionNo.get(e.sessionId) ?? '?'}` : '—'}</span> {e.text}
          </li>
        ))}
      </ol>
    </details>
  );
}

// ------------------------------------------------------------------ recap

/** Opens the recap dialog when the recap arrives (null: it could not be made; a toast said why). */
export async function openRecap(load: Promise<Recap | null>): Promise<void> {
  const recap = await load;
  if (!recap) return;
  await openDialog<void>((done) => <RecapDialog recap={recap} onClose={() => done()} />, undefined);
}

function RecapDialog({ recap, onClose }: { recap: Recap; onClose: () => void }) {
  const dm = useDmStore();
  const [busy, setBusy] = useState(false);
  const md = useMemo(() => recapMarkdown(recap), [recap]);
  const title = `session ${recap.number} recap`;
  const exportPng = async () => {
    const { api, campaignId } = dm.getState();
    if (!api) return;
    setBusy(true);
    try {
      // The players' known map as the session ended: the whole table's view of its last event.
      const state = await api.replay(campaignId, recap.last, 'players');
      const blob = await mapPng(sessionDataFromState(state));
      download(fileName(recap.campaign, title, 'png'), blob);
    } catch (e) {
      dm.getState().toast(`Cannot draw the map: ${errorText(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <DialogFrame title={`Session ${recap.number} recap`} testId="recap" onCancel={onClose} wide>
      <p className="muted small">
        {recap.hexes.length} hexes discovered, {recap.labels.length} names learned, {recap.parties.length} parties on the move
        {recap.ended ? '' : ' — the session is still going'}.
      </p>
      <pre className="recap-md" data-testid="recap-md">
        {md}
      </pre>
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={() => download(fileName(recap.campaign, title, 'md'), new Blob([md], { type: 'text/markdown' }))} data-testid="recap-export-md">
          Export Markdown
        </button>
        <button type="button" className="dbtn" onClick={() => void exportPng()} disabled={busy} data-testid="recap-export-png">
          {busy ? 'Drawing…' : 'Export map (PNG)'}
        </button>
        <button type="button" className="dbtn dbtn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
