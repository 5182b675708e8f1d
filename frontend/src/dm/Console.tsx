// The DM console for the open campaign: top bar, tool rail and palette, the map, the side panels
// and a status line. State and actions are in the DM store; this file adds what needs the page:
// the keyboard shortcuts and the confirmations.
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ALL_TERRAINS, TERRAIN_COLORS, TERRAIN_NAMES } from '../hex/terrain';
import type { HexMapHandle } from '../render/HexMapView';
import { TOOLS, type Tool } from './store/tools';
import { LARGE_REVEAL } from './store/table';
import type { DmStore } from './store';
import type { DmConnection } from './connection';
import { useDm, useDmStore } from './useDm';
import { COLORS, MapPane } from './MapPane';
import { HexPanel, PlayersPanel, SessionPanel } from './Panels';
import { TravelPanel } from './TravelPanel';
import { PartiesPanel } from './PartiesPanel';
import { ToolOptions } from './ToolOptions';
import { usePartyKeys } from './partyKeys';
import { HistoryPanel, ReplayBar, ReplayMap } from './History';
import { AtTheTablePanel } from './AtTheTable';
import { PingLayer } from '../table/Pings';
import { TopBar } from './TopBar';
import { InviteDialog } from './Invite';
import { confirmDialog, DialogFrame, dialogOpen, openDialog, revokeDialog } from './dialogs';
import { MAX_BRUSH } from './brush';
import { Icon } from './icons';


declare global {
  interface Window {
    /** Handles for the DM end-to-end tests and the benchmark (the DM's own page). */
    __hexcrawlDm?: { store: DmStore; conn: DmConnection; map: () => HexMapHandle | null; replayMap: () => HexMapHandle | null };
  }
}

/** Reveals or hides with the current targets; a large area asks first (`ask`: always). */
export type Sweep = (kind: 'reveal' | 'hide', keys: Iterable<string>, ask?: boolean) => void;

function useSweep(): Sweep {
  const dm = useDmStore();
  return (kind, keys, ask = false) => {
    const plan = dm.getState().planSweep(kind, keys);
    if (!plan) return;
    const send = () => dm.getState().command(plan.message);
    if (plan.count <= LARGE_REVEAL && !ask) {
      send();
      return;
    }
    void confirmDialog({
      title: kind === 'reveal' ? `Reveal ${plan.count} hexes?` : `Hide ${plan.count} hexes?`,
      message: (
        <p>
          {kind === 'reveal' ? `That is a large area to show${plan.state === 'glimpsed' ? ', as glimpsed' : ''}` : 'That is a large area to hide'} — {kind === 'reveal' ? 'to' : 'from'} <b>{plan.who}</b>.
          {plan.staged ? ' It goes to the staged list first.' : ' Players see it at once.'}
        </p>
      ),
      confirm: kind === 'reveal' ? `Reveal ${plan.count}` : `Hide ${plan.count}`,
      testId: 'confirm-large',
    }).then((ok) => ok && send());
  };
}

/** Pings heard (the players' and the DM's own), over the map. */
function DmPings({ map }: { map: () => HexMapHandle | null }) {
  const pings = useDm((s) => s.data?.pings);
  return pings ? <PingLayer pings={pings} map={map} /> : null;
}

export function Console() {
  const dm = useDmStore();
  const mapRef = useRef<HexMapHandle>(null);
  const replayRef = useRef<HexMapHandle>(null);
  const sweep = useSweep();
  usePartyKeys(dm);

  useLayoutEffect(() => {
    performance.mark('hexcrawl:dm-console-mounted');
    const conn = dm.getState().conn;
    if (!conn) return;
    window.__hexcrawlDm = { store: dm, conn, map: () => mapRef.current, replayMap: () => replayRef.current };
    return () => {
      if (window.__hexcrawlDm?.conn === conn) delete window.__hexcrawlDm;
    };
  }, [dm]);

  const revoke = async (ids: string[], names: string[]) => {
    const one = ids.length === 1;
    const what = one ? names[0]! : `${ids.length} players`;
    const choice = await revokeDialog({
      title: `Remove ${what}?`,
      message: (
        <p>
          {one ? `${names[0]} is disconnected, and their browser` : `${names.join(', ')} are disconnected, and their browsers`} cannot
          join this campaign again.
        </p>
      ),
      confirm: `Remove ${what}`,
    });
    if (choice) await dm.getState().revoke(ids, what, choice.keepCode);
  };

  const invite = () => {
    const { api, campaignId, joinInvite, setInvite } = dm.getState();
    if (!api) return;
    void openDialog<void>(
      (done) => <InviteDialog api={api} campaignId={campaignId} invite={joinInvite} onInvite={setInvite} done={() => done()} />,
      undefined,
    );
  };

  // ---------------------------------------------------------- keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen() || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (typesText(t)) return;
      const s = dm.getState();
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'z') {
        e.preventDefault();
        if (e.shiftKey) s.redo();
        else s.undo();
        return;
      }
      if (mod && k === 'y') {
        e.preventDefault();
        s.redo();
        return;
      }
      if (mod || e.altKey) return;
      const tool = TOOLS.find((x) => x.key.toLowerCase() === k);
      if (tool) {
        s.setTool(tool.id);
        return;
      }
      if (e.key === '[') s.setBrush(s.brush - 1);
      else if (e.key === ']') s.setBrush(s.brush + 1);
      else if (/^[0-9]$/.test(e.key)) s.terrainKey(e.key);
      else if (e.key === 'Escape') {
        if (s.replay) s.leaveReplay();
        else s.escape();
      }
      else if (e.key === 'Home') mapRef.current?.fit();
      else if (k === 'v') s.toggleVeil();
      else if (e.key === '?') showShortcuts();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dm]);

  // Narrow selections: the whole console must not re-render on every hub echo during a stroke
  // (the map, the panels and the status line subscribe to what they show).
  const hasState = useDm((s) => s.data !== null);
  const hasMap = useDm((s) => s.data?.map != null);
  const hasStaged = useDm((s) => (s.data?.staged.length ?? 0) > 0);
  const mapChanging = useDm((s) => s.mapChanging);

  const storageProblem = useDm((s) => s.storage.problem);
  const replaying = useDm((s) => s.replay !== null);
  const liveMap = hasMap && !replaying;

  return (
    <div className="dm" data-testid="dm-console">
      <TopBar />
      {storageProblem && (
        <div className="storage-banner" role="alert" data-testid="storage-banner">
          Changes are not being saved. <span>{storageProblem}</span>
        </div>
      )}
      <div className="dm-body">
        <ToolRail />
        <main className="dm-stage">
          {replaying ? (
            <ReplayMap handle={replayRef} />
          ) : hasMap ? (
            <MapPane sweep={sweep} handle={mapRef} />
          ) : (
            <div className="empty-stage">{hasState ? <NoMap /> : <p className="muted">Connecting to the hub…</p>}</div>
          )}
          {liveMap && <Palette />}
          {liveMap && <ToolOptions sweep={sweep} />}
          {liveMap && <ViewAsBanner />}
          {liveMap && <Legend staged={hasStaged} />}
          {liveMap && (
            <div className="map-ctl">
              <button className="ctl-btn" title="Fit the map (Home)" onClick={() => mapRef.current?.fit()} data-testid="fit">
                <Icon.fit />
              </button>
            </div>
          )}
          {replaying && <ReplayBar />}
          {hasMap && !replaying && <DmPings map={() => mapRef.current} />}
          {mapChanging && <div className="stage-note">Loading the map…</div>}
        </main>
        <aside className="dm-side">
          <SessionPanel />
          <PartiesPanel />
          <TravelPanel />
          <PlayersPanel onInvite={invite} onRevoke={(ids, names) => void revoke(ids, names)} />
          <HexPanel sweep={sweep} />
          <AtTheTablePanel />
          <HistoryPanel />
        </aside>
      </div>
      <StatusLine />
    </div>
  );
}

/** Keys typed into a text field are text, not shortcuts (a focused checkbox or button is fine). */
function typesText(t: HTMLElement | null): boolean {
  if (!t) return false;
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) return true;
  if (t.tagName !== 'INPUT') return false;
  const type = (t as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
}

/**
 * 40000 → "40,000". Not toLocaleString: its first call sets up ICU's number formatting, 20–30 ms
 * spent while the first map waits to be drawn.
 */
export function grouped(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function NoMap() {
  return (
    <div className="empty-card">
      <h2>No map yet</h2>
      <p className="muted">Create a map from the Map menu above: pick a size and a hex orientation, then paint it.</p>
    </div>
  );
}

const TOOL_ICONS: Record<Tool, () => React.JSX.Element> = {
  select: Icon.select,
  brush: Icon.brush,
  fill: Icon.fill,
  reveal: Icon.reveal,
  hide: Icon.hide,
  token: Icon.token,
  travel: Icon.travel,
  marker: Icon.marker,
};

function ToolRail() {
  const dm = useDmStore();
  const tool = useDm((s) => s.tool);
  const brush = useDm((s) => s.brush);
  const viewAs = useDm((s) => s.viewAs);
  const undo = useDm((s) => s.edit.undo);
  const redo = useDm((s) => s.edit.redo);
  return (
    <nav className="rail" aria-label="Tools">
      {TOOLS.map((t, i) => {
        const Ico = TOOL_ICONS[t.id];
        return (
          <div key={t.id} className={i === 3 ? 'rail-group-start' : undefined}>
            <button
              className={tool === t.id ? 'tool on' : 'tool'}
              onClick={() => dm.getState().setTool(t.id)}
              title={`${t.name} (${t.key}) — ${t.hint}`}
              aria-pressed={tool === t.id}
              disabled={viewAs !== null && t.id !== 'select'}
              data-testid={`tool-${t.id}`}
            >
              <Ico />
              <span className="tool-key">{t.key}</span>
            </button>
          </div>
        );
      })}
      <div className="rail-sep" />
      <div className="brush-size" title="Brush size in hexes ([ and ])">
        <button onClick={() => dm.getState().setBrush(brush + 1)} disabled={brush >= MAX_BRUSH} aria-label="Bigger brush" data-testid="brush-up">
          +
        </button>
        <span data-testid="brush-size">{brush}</span>
        <button onClick={() => dm.getState().setBrush(brush - 1)} disabled={brush <= 1} aria-label="Smaller brush" data-testid="brush-down">
          −
        </button>
      </div>
      <div className="rail-sep" />
      <button className="tool" onClick={() => dm.getState().undo()} disabled={!undo} title={undo ? `Undo ${undo} (Ctrl+Z)` : 'Nothing to undo'} data-testid="undo">
        <Icon.undo />
      </button>
      <button className="tool" onClick={() => dm.getState().redo()} disabled={!redo} title={redo ? `Redo ${redo} (Ctrl+Shift+Z)` : 'Nothing to redo'} data-testid="redo">
        <Icon.redo />
      </button>
    </nav>
  );
}

function Palette() {
  const dm = useDmStore();
  const tool = useDm((s) => s.tool);
  const terrain = useDm((s) => s.terrain);
  const roadBrush = useDm((s) => s.roadBrush);
  const viewAs = useDm((s) => s.viewAs);
  if ((tool !== 'brush' && tool !== 'fill') || viewAs) return null;
  const onTerrain = (t: typeof terrain) => roadBrush === null && terrain === t;
  return (
    <div className="palette" role="radiogroup" aria-label="Terrain" data-testid="palette">
      {ALL_TERRAINS.map((t, i) => {
        const n = i === 0 ? null : i <= 9 ? String(i) : i === 10 ? '0' : null;
        return (
          <button
            key={t || 'none'}
            role="radio"
            aria-checked={onTerrain(t)}
            className={onTerrain(t) ? 'sw on' : 'sw'}
            onClick={() => dm.getState().setTerrain(t)}
            title={`${TERRAIN_NAMES[t]}${n ? ` (${n})` : ''}`}
            data-testid={`terrain-${t || 'none'}`}
          >
            <span className="sw-chip" style={{ background: TERRAIN_COLORS[t] }} />
            <span className="sw-name">{t ? TERRAIN_NAMES[t] : 'Erase'}</span>
            {n && <span className="sw-key">{n}</span>}
          </button>
        );
      })}
      {tool === 'brush' &&
        ([true, false] as const).map((road) => (
          <button
            key={road ? 'road' : 'no-road'}
            role="radio"
            aria-checked={roadBrush === road}
            className={roadBrush === road ? 'sw on' : 'sw'}
            onClick={() => dm.getState().setRoadBrush(road)}
            title={road ? 'Lay a road (travel along it is faster and never gets lost)' : 'Lift a road'}
            data-testid={road ? 'brush-road' : 'brush-no-road'}
          >
            <span className={road ? 'sw-chip sw-road' : 'sw-chip sw-no-road'} />
            <span className="sw-name">{road ? 'Road' : 'No road'}</span>
          </button>
        ))}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['S B F R H T G M', 'Select, Brush, Fill, Reveal, Hide, Party, Travel, Marker'],
  ['← → ↑ ↓ (Party tool)', 'Step the party: flat maps ↑↓ north/south, ←→ along the row; pointy maps ←→ east/west, ↑↓ along the column'],
  ['Shift + arrow', 'The other neighbour on that side (leaving the row or column)'],
  ['P', 'Pick the next party'],
  ['U', 'Undo the picked party’s last move'],
  ['1 … 9, 0', 'Plains … Tundra, Jungle (palette)'],
  ['Alt + click', 'Pick the terrain under the pointer'],
  ['[  ]', 'Smaller / bigger brush'],
  ['Ctrl + Z', 'Undo the last map edit'],
  ['Ctrl + Shift + Z, Ctrl + Y', 'Redo'],
  ['V', 'Show / hide the fog over hexes no player sees'],
  ['Right-drag, Space + drag', 'Pan'],
  ['Wheel, + −', 'Zoom'],
  ['Home', 'Fit the whole map'],
  ['Esc', 'Clear the selection, leave “view as” or the replay'],
  ['Enter / Ctrl + Enter', 'Save a label / notes'],
  ['?', 'This list'],
];

export function showShortcuts(): void {
  void openDialog<void>(
    (done) => (
      <DialogFrame title="Keyboard shortcuts" onCancel={() => done()} testId="shortcuts" wide>
        <table className="keys">
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="dlg-actions">
          <button className="dbtn dbtn-primary" onClick={() => done()}>
            Close
          </button>
        </div>
      </DialogFrame>
    ),
    undefined,
  );
}

function Legend({ staged }: { staged: boolean }) {
  const dm = useDmStore();
  const viewAs = useDm((s) => s.viewAs);
  const veil = useDm((s) => s.veil);
  if (viewAs) return null;
  return (
    <div className="legend" aria-label="Map legend">
      <button
        className={veil ? 'lg-toggle' : 'lg-toggle off'}
        onClick={() => dm.getState().toggleVeil()}
        title="Dim the hexes no player can see (V)"
        aria-pressed={veil}
        data-testid="veil-toggle"
      >
        <i className="lg-veil" /> hidden from players{veil ? '' : ' (not shown)'}
      </button>
      {veil && (
        <span>
          <i className="lg-veil lg-half" /> only glimpsed
        </span>
      )}
      <span>
        <i className="lg-dot" style={{ background: COLORS.private }} /> revealed to single players
      </span>
      <span>
        <i className="lg-marker" /> marker only you see
      </span>
      {staged && (
        <>
          <span>
            <i className="lg-box" style={{ borderColor: COLORS.stagedReveal }} /> staged reveal
          </span>
          <span>
            <i className="lg-box" style={{ borderColor: COLORS.stagedHide }} /> staged hide
          </span>
          <span>
            <i className="lg-box" style={{ borderColor: COLORS.stagedUpdate }} /> staged edit
          </span>
        </>
      )}
    </div>
  );
}

function ViewAsBanner() {
  const dm = useDmStore();
  const viewAs = useDm((s) => s.viewAs);
  const name = useDm((s) => (viewAs ? (s.data?.players.get(viewAs)?.name ?? s.data?.parties.find((p) => p.id === viewAs)?.name) : undefined));
  if (!viewAs) return null;
  return (
    <div className="viewas-banner" data-testid="viewas-banner">
      <Icon.eye /> Viewing as <b>{name ?? 'a player'}</b> — exactly what they see now (staged changes not included)
      <button className="dbtn dbtn-sm" onClick={() => dm.getState().setViewAs(null)}>
        Back to DM view
      </button>
    </div>
  );
}

function StatusLine() {
  const hover = useDm((s) => s.hover);
  const tool = useDm((s) => s.tool);
  const data = useDm((s) => s.data);
  const cur = useDm(useShallow((s) => (hover ? s.hexAt(hover) : null)));
  const saving = useDm((s) => s.edit.saving);
  // During a stroke each step is sent and confirmed within a frame or two: "Saving…" would flip
  // on and off every step (flicker, and a re-layout of the line every frame), so the line says
  // "Painting…" until the button is released, then "Saving…" until the hub has confirmed it all.
  const painting = useDm((s) => s.edit.painting);
  // The hub's own word on its disk wins: a slow commit, or a data file that refuses changes.
  const disk = useDm((s) => s.storage);
  const state = disk.problem
    ? 'Not saved: see the red bar'
    : painting
      ? 'Painting…'
      : saving || disk.saving
        ? 'Saving…'
        : 'All changes saved';
  const hint = TOOLS.find((t) => t.id === tool)?.hint ?? '';
  // Only shown while no hex is hovered (not during a stroke, whose every echo is a new grid).
  const showStats = !hover;
  const stats = useMemo(() => {
    if (!showStats || !data?.map) return '';
    // An indexed loop: for…of over a 40,000-cell Uint8Array costs ~40 ms before V8 optimises it,
    // and this runs while the first map is waiting to be drawn.
    const cells = data.cells;
    let painted = 0;
    for (let i = 0; i < cells.length; i++) if (cells[i] !== 0) painted++;
    return `${grouped(painted)} of ${grouped(data.map.width * data.map.height)} hexes painted`;
  }, [showStats, data?.cells, data?.map]);
  return (
    <footer className="dm-status">
      <span className="st-hex">
        {hover && cur ? (
          <>
            <b>{hover}</b> {cur.terrain ? TERRAIN_NAMES[cur.terrain] : 'Unpainted'}
            {cur.label && <> · “{cur.label}”</>}
            {cur.notes && <span className="muted"> · has notes</span>}
          </>
        ) : (
          <span className="muted">{stats}</span>
        )}
      </span>
      <span className="muted st-hint">{hint} · right-drag or Space+drag pans · wheel zooms</span>
      <button className="st-keys" onClick={showShortcuts} title="Keyboard shortcuts (?)" data-testid="shortcuts-open">
        ?
      </button>
      <span
        className={disk.problem ? 'st-save trouble' : painting || saving || disk.saving ? 'st-save saving' : 'st-save'}
        data-testid="save-state"
        data-saving={saving || disk.saving}
        data-disk={disk.problem ? 'problem' : disk.saving ? 'saving' : 'ok'}
      >
        {state}
      </span>
    </footer>
  );
}
