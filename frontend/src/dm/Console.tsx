// The DM console for one campaign: top bar, tool rail and palette, the map, the side panels and
// a status line. Owns the connection, the UI store and the actions that need a confirmation.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { ALL_TERRAINS, TERRAINS, TERRAIN_COLORS, TERRAIN_NAMES } from '../hex/terrain';
import type { HexMapHandle } from '../render/HexMapView';
import type { ConnectionStatus } from '../net/socket';
import type { Targets } from '../protocol/schema';
import { DmConnection } from './connection';
import { dropEarly, earlyConnection } from './boot';
import { createUiStore, setBrush, TOOLS, type Tool, type UiStore } from './ui';
import { COLORS, MapPane, type MapActions } from './MapPane';
import { HexPanel, PlayersPanel, SessionPanel } from './Panels';
import { TopBar } from './TopBar';
import { currentInvite, InviteDialog } from './Invite';
import { confirmDialog, DialogFrame, dialogOpen, openDialog } from './dialogs';
import { keysToHide, keysToReveal } from './preview';
import { MAX_BRUSH } from './brush';
import { errorText, type Campaign, type DmApi, type Invite } from './api';
import type { DmCredentials } from './creds';
import { Icon } from './icons';
import { toast } from './toasts';

/** Reveals or hides of more hexes than this at once ask first. */
export const LARGE_REVEAL = 50;

declare global {
  interface Window {
    /** Handles for the DM end-to-end tests and the benchmark (the DM's own page). */
    __hexcrawlDm?: { conn: DmConnection; ui: UiStore; map: () => HexMapHandle | null };
  }
}

export function Console(props: {
  api: DmApi;
  creds: DmCredentials;
  campaignId: string;
  campaigns: readonly Campaign[];
  onSwitch: (id: string) => void;
  onCampaignsChanged: (select?: string) => Promise<void>;
  onClosed: (s: Extract<ConnectionStatus, { kind: 'closed' }>) => void;
}) {
  const onClosed = useRef(props.onClosed);
  onClosed.current = props.onClosed;
  // The socket boot.ts opened for this campaign is usually connected already.
  const [conn] = useState(() => earlyConnection(props.campaignId, props.creds) ?? new DmConnection(props.campaignId, props.creds));
  const [ui] = useState(createUiStore);
  const mapRef = useRef<HexMapHandle>(null);
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());

  // Layout effect: connect during the commit, not after the first paint (saves a frame or two).
  useLayoutEffect(() => {
    performance.mark('hexcrawl:dm-console-mounted');
    dropEarly(conn);
    const off = conn.onStatus((s) => {
      if (s.kind === 'closed' && s.reason !== 'client stopped') onClosed.current(s);
    });
    conn.start();
    window.__hexcrawlDm = { conn, ui, map: () => mapRef.current };
    return () => {
      off();
      conn.stop();
      if (window.__hexcrawlDm?.conn === conn) delete window.__hexcrawlDm;
    };
  }, [conn, ui]);

  // The hub's errors and the editor's notices become toasts.
  useEffect(() => {
    // The store keeps the last 20 errors (new arrays on change): toast the ones after the last seen.
    let lastSeen = conn.store.getState().errors.at(-1);
    const unsub = conn.store.subscribe((s) => {
      const list = s.errors;
      if (list.at(-1) === lastSeen) return;
      const from = lastSeen ? list.lastIndexOf(lastSeen) + 1 : 0;
      lastSeen = list.at(-1);
      for (const e of list.slice(from)) toast(capital(e.message), 'error');
    });
    let lastNotice = conn.editor.notice;
    const unsub2 = conn.editor.subscribe(() => {
      if (conn.editor.notice && conn.editor.notice !== lastNotice) {
        lastNotice = conn.editor.notice;
        toast(conn.editor.notice.text, 'info');
      }
    });
    const unsub3 = conn.onMessage((m) => {
      if (m.type === 'session:state' && ui.getState().viewAs && !m.players.some((p) => p.id === ui.getState().viewAs)) ui.setState({ viewAs: null });
    });
    return () => {
      unsub();
      unsub2();
      unsub3();
    };
  }, [conn, ui]);

  // ---------------------------------------------------------- actions needing checks
  const targets = (): Targets | null => {
    const s = ui.getState();
    if (s.revealTo === 'all') return 'all';
    const players = conn.store.getState().data?.players;
    const ids = [...s.picked].filter((id) => players?.has(id) && !removed.has(id));
    if (ids.length === 0) {
      toast('Select players in the Players panel first (or reveal to everyone).', 'info');
      return null;
    }
    return { playerIds: ids };
  };

  const liveOrSay = (what: string): boolean => {
    const st = conn.store.getState().data?.session?.status;
    if (st === 'active' || st === 'paused') return true;
    toast(`Start the session to ${what}.`, 'info');
    return false;
  };

  const actions: MapActions = {
    sweep(kind, keys) {
      const data = conn.store.getState().data;
      if (!data || !liveOrSay(kind === 'reveal' ? 'reveal hexes' : 'hide hexes')) return;
      const t = targets();
      if (!t) return;
      const list = kind === 'reveal' ? keysToReveal(data, keys, t) : keysToHide(data, keys, t);
      if (list.length === 0) {
        toast(kind === 'reveal' ? 'Those hexes are already visible to them.' : 'Nobody sees those hexes.', 'info');
        return;
      }
      const who = t === 'all' ? 'everyone' : t.playerIds.map((id) => data.players.get(id)?.name ?? '?').join(', ');
      const send = () => conn.editor.command({ type: kind === 'reveal' ? 'hex:reveal' : 'hex:hide', hexKeys: list, targets: t });
      if (list.length <= LARGE_REVEAL) {
        send();
        return;
      }
      void confirmDialog({
        title: kind === 'reveal' ? `Reveal ${list.length} hexes?` : `Hide ${list.length} hexes?`,
        message: (
          <p>
            {kind === 'reveal' ? 'That is a large area to show' : 'That is a large area to hide'} — to <b>{who}</b>.
            {data.broadcastMode === 'staged' ? ' It goes to the staged list first.' : ' Players see it at once.'}
          </p>
        ),
        confirm: kind === 'reveal' ? `Reveal ${list.length}` : `Hide ${list.length}`,
        testId: 'confirm-large',
      }).then((ok) => ok && send());
    },
    moveToken(key) {
      if (!liveOrSay('move the party')) return;
      conn.editor.command({ type: 'token:move', key });
    },
  };

  const revoke = async (id: string, name: string) => {
    const ok = await confirmDialog({
      title: `Remove ${name}?`,
      message: <p>{name} is disconnected and their join link stops working. They can come back only with a new invite.</p>,
      confirm: `Remove ${name}`,
      danger: true,
      testId: 'confirm-revoke',
    });
    if (!ok) return;
    try {
      await props.api.revokeMember(props.campaignId, id);
      setRemoved((r) => new Set(r).add(id));
      const s = ui.getState();
      if (s.picked.has(id)) {
        const next = new Set(s.picked);
        next.delete(id);
        ui.setState({ picked: next });
      }
      if (s.viewAs === id) ui.setState({ viewAs: null });
      toast(`Removed ${name}`, 'ok');
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  // The campaign's join code, shown in the Players panel from the start (the demo's too).
  const [joinInvite, setJoinInvite] = useState<Invite | null>(null);
  const hasState = useStore(conn.store, (s) => s.data !== null);
  useEffect(() => {
    if (!hasState) return; // after the first state: not in the way of the map
    let live = true;
    props.api.invites(props.campaignId).then(
      (list) => live && setJoinInvite(currentInvite(list)),
      () => {}, // the panel then offers "Invite players" only
    );
    return () => {
      live = false;
    };
  }, [hasState, props.campaignId]); // eslint-disable-line react-hooks/exhaustive-deps

  const invite = () =>
    void openDialog<void>(
      (done) => <InviteDialog api={props.api} campaignId={props.campaignId} invite={joinInvite} onInvite={setJoinInvite} done={() => done()} />,
      undefined,
    );

  // ---------------------------------------------------------- keyboard
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialogOpen() || e.defaultPrevented) return;
      const t = e.target as HTMLElement | null;
      if (typesText(t)) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'z') {
        e.preventDefault();
        if (e.shiftKey) conn.editor.redo();
        else conn.editor.undo();
        return;
      }
      if (mod && k === 'y') {
        e.preventDefault();
        conn.editor.redo();
        return;
      }
      if (mod || e.altKey) return;
      const tool = TOOLS.find((x) => x.key.toLowerCase() === k);
      if (tool) {
        ui.setState({ tool: tool.id, sweep: new Set() });
        return;
      }
      if (e.key === '[') setBrush(ui, ui.getState().brush - 1);
      else if (e.key === ']') setBrush(ui, ui.getState().brush + 1);
      else if (/^[0-9]$/.test(e.key)) {
        const i = e.key === '0' ? 9 : Number(e.key) - 1;
        const terrain = TERRAINS[i];
        if (terrain) ui.setState({ terrain, tool: ['brush', 'fill'].includes(ui.getState().tool) ? ui.getState().tool : 'brush' });
      } else if (e.key === 'Escape') ui.setState({ selected: null, sweep: new Set(), viewAs: null });
      else if (e.key === 'Home') mapRef.current?.fit();
      else if (k === 'v') ui.setState({ veil: !ui.getState().veil });
      else if (e.key === '?') showShortcuts();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conn, ui]);

  // Narrow selections: the whole console must not re-render on every hub echo during a stroke
  // (the map, the panels and the status line subscribe to what they show).
  const hasMap = useStore(conn.store, (s) => s.data?.map != null);
  const hasStaged = useStore(conn.store, (s) => (s.data?.staged.length ?? 0) > 0);
  const mapChanging = useStore(conn.store, (s) => s.mapChanging);

  return (
    <div className="dm" data-testid="dm-console">
      <TopBar
        api={props.api}
        conn={conn}
        ui={ui}
        campaigns={props.campaigns}
        campaignId={props.campaignId}
        onSwitch={props.onSwitch}
        onCampaignsChanged={props.onCampaignsChanged}
        toast={toast}
      />
      <div className="dm-body">
        <ToolRail conn={conn} ui={ui} />
        <main className="dm-stage">
          {hasMap ? (
            <MapPane conn={conn} ui={ui} actions={actions} handle={mapRef} />
          ) : (
            <div className="empty-stage">{hasState ? <NoMap /> : <p className="muted">Connecting to the hub…</p>}</div>
          )}
          {hasMap && <Palette ui={ui} />}
          {hasMap && <ToolOptions conn={conn} ui={ui} />}
          {hasMap && <ViewAsBanner conn={conn} ui={ui} />}
          {hasMap && <Legend ui={ui} staged={hasStaged} />}
          {hasMap && (
            <div className="map-ctl">
              <button className="ctl-btn" title="Fit the map (Home)" onClick={() => mapRef.current?.fit()} data-testid="fit">
                <Icon.fit />
              </button>
            </div>
          )}
          {mapChanging && <div className="stage-note">Loading the map…</div>}
        </main>
        <aside className="dm-side">
          <SessionPanel conn={conn} />
          <PlayersPanel conn={conn} ui={ui} removed={removed} invite={joinInvite} onInvite={invite} onRevoke={(id, name) => void revoke(id, name)} />
          <HexPanel conn={conn} ui={ui} onReveal={actions.sweep} />
        </aside>
      </div>
      <StatusLine conn={conn} ui={ui} />
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

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
};

function ToolRail({ conn, ui }: { conn: DmConnection; ui: UiStore }) {
  const tool = useStore(ui, (s) => s.tool);
  const brush = useStore(ui, (s) => s.brush);
  const viewAs = useStore(ui, (s) => s.viewAs);
  useSyncExternalStore(conn.editor.subscribe, conn.editor.getVersion);
  const h = conn.editor.history;
  const undo = h.peekUndo();
  const redo = h.peekRedo();
  return (
    <nav className="rail" aria-label="Tools">
      {TOOLS.map((t, i) => {
        const Ico = TOOL_ICONS[t.id];
        return (
          <div key={t.id} className={i === 3 ? 'rail-group-start' : undefined}>
            <button
              className={tool === t.id ? 'tool on' : 'tool'}
              onClick={() => ui.setState({ tool: t.id, sweep: new Set() })}
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
        <button onClick={() => setBrush(ui, brush + 1)} disabled={brush >= MAX_BRUSH} aria-label="Bigger brush" data-testid="brush-up">
          +
        </button>
        <span data-testid="brush-size">{brush}</span>
        <button onClick={() => setBrush(ui, brush - 1)} disabled={brush <= 1} aria-label="Smaller brush" data-testid="brush-down">
          −
        </button>
      </div>
      <div className="rail-sep" />
      <button className="tool" onClick={() => conn.editor.undo()} disabled={!undo} title={undo ? `Undo ${undo.label} (Ctrl+Z)` : 'Nothing to undo'} data-testid="undo">
        <Icon.undo />
      </button>
      <button className="tool" onClick={() => conn.editor.redo()} disabled={!redo} title={redo ? `Redo ${redo.label} (Ctrl+Shift+Z)` : 'Nothing to redo'} data-testid="redo">
        <Icon.redo />
      </button>
    </nav>
  );
}

function Palette({ ui }: { ui: UiStore }) {
  const tool = useStore(ui, (s) => s.tool);
  const terrain = useStore(ui, (s) => s.terrain);
  const viewAs = useStore(ui, (s) => s.viewAs);
  if ((tool !== 'brush' && tool !== 'fill') || viewAs) return null;
  return (
    <div className="palette" role="radiogroup" aria-label="Terrain" data-testid="palette">
      {ALL_TERRAINS.map((t, i) => {
        const n = i === 0 ? null : i <= 9 ? String(i) : i === 10 ? '0' : null;
        return (
          <button
            key={t || 'none'}
            role="radio"
            aria-checked={terrain === t}
            className={terrain === t ? 'sw on' : 'sw'}
            onClick={() => ui.setState({ terrain: t })}
            title={`${TERRAIN_NAMES[t]}${n ? ` (${n})` : ''}`}
            data-testid={`terrain-${t || 'none'}`}
          >
            <span className="sw-chip" style={{ background: TERRAIN_COLORS[t] }} />
            <span className="sw-name">{t ? TERRAIN_NAMES[t] : 'Erase'}</span>
            {n && <span className="sw-key">{n}</span>}
          </button>
        );
      })}
    </div>
  );
}

function ToolOptions({ conn, ui }: { conn: DmConnection; ui: UiStore }) {
  const tool = useStore(ui, (s) => s.tool);
  const revealTo = useStore(ui, (s) => s.revealTo);
  const picked = useStore(ui, (s) => s.picked);
  const viewAs = useStore(ui, (s) => s.viewAs);
  const players = useStore(conn.store, (s) => s.data?.players);
  const status = useStore(conn.store, (s) => s.data?.session?.status ?? 'waiting');
  const token = useStore(conn.store, (s) => s.data?.token ?? null);
  const mode = useStore(conn.store, (s) => s.data?.broadcastMode);
  if (viewAs) return null;
  const live = status === 'active' || status === 'paused';
  if (tool !== 'reveal' && tool !== 'hide' && tool !== 'token') return null;
  const names = [...picked].map((id) => players?.get(id)?.name).filter(Boolean);
  return (
    <div className="tool-opts" data-testid="tool-options">
      {!live && <span className="warn-text">Start the session to {tool === 'token' ? 'move the party' : `${tool} hexes`}.</span>}
      {live && (tool === 'reveal' || tool === 'hide') && (
        <>
          <span className="muted">{tool === 'reveal' ? 'Reveal to' : 'Hide from'}</span>
          <div className="seg seg-sm">
            <button className={revealTo === 'all' ? 'on' : ''} onClick={() => ui.setState({ revealTo: 'all' })} data-testid="target-all">
              Everyone
            </button>
            <button className={revealTo === 'selected' ? 'on' : ''} onClick={() => ui.setState({ revealTo: 'selected' })} data-testid="target-selected">
              {names.length === 0 ? 'Selected players' : names.length <= 2 ? names.join(', ') : `${names.length} players`}
            </button>
          </div>
          {revealTo === 'selected' && names.length === 0 && <span className="warn-text small">Tick players in the Players panel</span>}
        </>
      )}
      {live && tool === 'token' && (
        <>
          <span className="muted">Click a hex to move the party{token ? ` (now at ${token})` : ''}</span>
          {token && (
            <button className="dbtn dbtn-sm" onClick={() => conn.editor.command({ type: 'token:move', key: null })}>
              Remove token
            </button>
          )}
        </>
      )}
      {live && mode === 'staged' && <span className="staged-tag">staged</span>}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['S B F R H T', 'Select, Brush, Fill, Reveal, Hide, Party'],
  ['1 … 9, 0', 'Plains … Tundra, Jungle (palette)'],
  ['Alt + click', 'Pick the terrain under the pointer'],
  ['[  ]', 'Smaller / bigger brush'],
  ['Ctrl + Z', 'Undo the last map edit'],
  ['Ctrl + Shift + Z, Ctrl + Y', 'Redo'],
  ['V', 'Show / hide the fog over hexes no player sees'],
  ['Right-drag, Space + drag', 'Pan'],
  ['Wheel, + −', 'Zoom'],
  ['Home', 'Fit the whole map'],
  ['Esc', 'Clear the selection, leave “view as”'],
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

function Legend({ ui, staged }: { ui: UiStore; staged: boolean }) {
  const viewAs = useStore(ui, (s) => s.viewAs);
  const veil = useStore(ui, (s) => s.veil);
  if (viewAs) return null;
  return (
    <div className="legend" aria-label="Map legend">
      <button
        className={veil ? 'lg-toggle' : 'lg-toggle off'}
        onClick={() => ui.setState({ veil: !veil })}
        title="Dim the hexes no player can see (V)"
        aria-pressed={veil}
        data-testid="veil-toggle"
      >
        <i className="lg-veil" /> hidden from players{veil ? '' : ' (not shown)'}
      </button>
      <span>
        <i className="lg-dot" style={{ background: COLORS.private }} /> seen by some players
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

function ViewAsBanner({ conn, ui }: { conn: DmConnection; ui: UiStore }) {
  const viewAs = useStore(ui, (s) => s.viewAs);
  const name = useStore(conn.store, (s) => (viewAs ? s.data?.players.get(viewAs)?.name : undefined));
  if (!viewAs) return null;
  return (
    <div className="viewas-banner" data-testid="viewas-banner">
      <Icon.eye /> Viewing as <b>{name ?? 'a player'}</b> — exactly what they see now (staged changes not included)
      <button className="dbtn dbtn-sm" onClick={() => ui.setState({ viewAs: null })}>
        Back to DM view
      </button>
    </div>
  );
}

function StatusLine({ conn, ui }: { conn: DmConnection; ui: UiStore }) {
  const hover = useStore(ui, (s) => s.hover);
  const tool = useStore(ui, (s) => s.tool);
  const data = useStore(conn.store, (s) => s.data);
  useSyncExternalStore(conn.editor.subscribe, conn.editor.getVersion);
  const cur = hover ? conn.editor.current(hover) : null;
  const saving = conn.editor.pending.size > 0;
  // During a stroke each step is sent and confirmed within a frame or two: "Saving…" would flip
  // on and off every step (flicker, and a re-layout of the line every frame), so the line says
  // "Painting…" until the button is released, then "Saving…" until the hub has confirmed it all.
  const painting = conn.editor.painting;
  const state = painting ? 'Painting…' : saving ? 'Saving…' : 'All changes saved';
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
      <span className={painting || saving ? 'st-save saving' : 'st-save'} data-testid="save-state" data-saving={saving}>
        {state}
      </span>
    </footer>
  );
}
