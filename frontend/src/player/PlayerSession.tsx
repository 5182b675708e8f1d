// The live table for one PlayerConnection: the map, the top bar, the banner and the overlays.
import { lazy, Suspense, useEffect, useEffectEvent, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { SessionStore } from '../store/session';
import type { HexcrawlSocket, ConnectionStatus } from '../net/socket';
import { HexMapView, type HexMapHandle } from '../render/HexMapView';
import type { RenderScene } from '../render/renderer';
import { keyToIndex } from '../hex/coords';
import { FOG, TERRAIN_COLORS, TERRAIN_NAMES, terrainAt } from '../hex/terrain';
import { CLOSE } from '../protocol/constants';
import type { PlayerConnection } from './connection';
import { Brand } from './ui';
import { PlayersButton } from './Players';
import { TravelClock } from './TravelClock';
import { MARKER_COLORS, markerMarks, partyTokens } from '../render/marks';
import { NoteEditor, NoteList } from './Notes';
import { PingLayer } from '../table/Pings';
import type { PlayerNote } from '../protocol/schema';

// The journal is read now and then, not during play: its code loads when it is first opened.
const Journal = lazy(() => import('./Journal'));

export type SessionEnd =
  | { kind: 'removed' }
  | { kind: 'seat-lost' }
  | { kind: 'campaign-gone' }
  | { kind: 'forbidden' }
  | { kind: 'closed' };

declare global {
  interface Window {
    /** Read-only handles for end-to-end tests and benchmarks. */
    __hexcrawl?: { store: SessionStore; socket: HexcrawlSocket; map: () => HexMapHandle | null };
  }
}

function endFor(code: number): SessionEnd {
  switch (code) {
    case CLOSE.revoked:
      return { kind: 'removed' };
    case CLOSE.unauthorized:
      return { kind: 'seat-lost' };
    case CLOSE.missingCampaign:
      return { kind: 'campaign-gone' };
    case CLOSE.forbidden:
      return { kind: 'forbidden' };
    default:
      return { kind: 'closed' };
  }
}

// Keep fitted maps clear of the top bar and the zoom buttons: a column on the right, or on a
// phone on its side a row along the bottom (styles.css, the same media query).
const FIT_INSETS = { top: 60, right: 56, bottom: 16, left: 0 };
const ROW_INSETS = { top: 60, right: 0, bottom: 64, left: 0 };
const CONTROLS_IN_A_ROW = '(max-height: 500px) and (orientation: landscape)';

function subscribeToRow(onChange: () => void): () => void {
  const mq = window.matchMedia(CONTROLS_IN_A_ROW);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}
const controlsInARow = () => window.matchMedia(CONTROLS_IN_A_ROW).matches;

interface Info {
  key: string;
  x: number;
  y: number;
  pinned: boolean;
}

export function PlayerSession({ connection, onEnd }: { connection: PlayerConnection; onEnd: (why: SessionEnd) => void }) {
  const { store, socket, me } = connection;
  const mapRef = useRef<HexMapHandle>(null);
  const end = useEffectEvent(onEnd);

  // The connection is usually open already (PlayerApp starts it); this component owns its end.
  useEffect(() => {
    connection.start();
    window.__hexcrawl = { store, socket, map: () => mapRef.current };
    return () => {
      connection.stop();
      if (window.__hexcrawl?.socket === socket) delete window.__hexcrawl;
    };
  }, [connection, store, socket]);

  const connectionStatus = useStore(store, (s) => s.connection);
  useEffect(() => {
    if (connectionStatus.kind === 'closed') end(endFor(connectionStatus.code));
  }, [connectionStatus]);

  const data = useStore(store, (s) => s.data);
  const fadeIn = useStore(store, (s) => s.fadeIn);
  const fullStates = useStore(store, (s) => s.fullStates);
  const insets = useSyncExternalStore(subscribeToRow, controlsInARow) ? ROW_INSETS : FIT_INSETS;
  const mapChanging = useStore(store, (s) => s.mapChanging);
  const [hover, setHover] = useState<Info | null>(null);
  const [tapped, setTapped] = useState<Info | null>(null);
  const [endedDismissed, setEndedDismissed] = useState<string | null>(null);
  const [journal, setJournal] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [listing, setListing] = useState(false);
  const errors = useStore(store, (s) => s.errors);

  const map = data?.map ?? null;
  // Only what the hub sent: our party always, others and visible markers on explored hexes.
  const myParty = data?.you?.partyId ?? null;
  const parties = data?.parties;
  const markers = data?.markers;
  const tokens = useMemo(() => partyTokens(parties ?? [], myParty), [parties, myParty]);
  const marks = useMemo(() => markerMarks(markers ?? []), [markers]);
  const scene: RenderScene = useMemo(
    () => ({
      map,
      cells: data?.cells ?? new Uint8Array(0),
      muted: data?.glimpsed ?? null,
      labels: data?.labels ?? new Map(),
      roads: data?.roads,
      token: data?.token ?? null,
      tokens,
      markers: marks,
      fadeIn,
      hover: tapped?.key ?? hover?.key ?? null,
    }),
    [map, data?.cells, data?.glimpsed, data?.labels, data?.roads, data?.token, tokens, marks, fadeIn, hover?.key, tapped?.key],
  );

  // A different map: drop the pinned info card (during render, so it is never drawn over the new map).
  const [tappedOn, setTappedOn] = useState(map?.id);
  if (tappedOn !== map?.id) {
    setTappedOn(map?.id);
    setTapped(null);
  }

  const status = data?.session?.status ?? 'waiting';
  const info = tapped ?? (hover && data?.labels.has(hover.key) ? hover : null);
  const known = (key: string | null): key is string => {
    if (!key || !data?.map) return false;
    const i = keyToIndex(key, data.map.width, data.map.height);
    return i >= 0 && data.cells[i] !== FOG;
  };
  // A ping: on a hex we know (the hub refuses others, and would say so).
  const ping = (key: string | null) => {
    if (known(key)) socket.send({ type: 'hex:ping', key });
  };
  const titleOf = (key: string) => data?.labels.get(key) ?? `hex ${key}`;
  const notes = data?.playerNotes ?? [];
  const lastError = errors.at(-1);

  return (
    <div className="table" data-status={status}>
      <HexMapView
        handle={mapRef}
        className="map"
        style={{ position: 'absolute', inset: 0 }}
        scene={scene}
        initialFit="visible"
        fitKey={fullStates}
        followToken
        fitInsets={insets}
        onHexHover={(key, at) => setHover(key ? { key, ...at, pinned: false } : null)}
        onHexTap={(key, at) => setTapped((t) => (key && t?.key !== key ? { key, ...at, pinned: true } : null))}
        onHexLongPress={ping}
      />
      {data && <PingLayer pings={data.pings} map={() => mapRef.current} />}

      <header className="topbar">
        <Brand small />
        <div className="titles">
          <div className="campaign" data-testid="campaign-name">
            {data?.campaign.name ?? ' '}
          </div>
          {map && <div className="mapname">{map.name}</div>}
        </div>
        <StatusChip status={status} connection={connectionStatus.kind} hasData={data !== null} />
        {data && (
          <button className="journal-btn" onClick={() => setJournal(true)} data-testid="journal-button">
            Journal
          </button>
        )}
        {data && <PlayersButton players={data.players} youId={me.playerId} />}
      </header>
      {journal && (
        <Suspense fallback={<div className="journal muted">Opening the journal…</div>}>
          <Journal onClose={() => setJournal(false)} />
        </Suspense>
      )}

      {data?.travel.mine && status !== 'waiting' && <TravelClock travel={data.travel.mine} />}

      {connectionStatus.kind === 'reconnecting' && (
        // One banner per attempt: its countdown starts when the attempt is scheduled.
        <ConnectionBanner key={connectionStatus.attempt} status={connectionStatus} hasData={data !== null} onRetry={() => socket.wake()} />
      )}

      {data?.preparing && status !== 'ended' && (
        <div className="preparing" role="status" data-testid="preparing">
          <span className="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          The DM is preparing…
        </div>
      )}

      {mapChanging && (
        <div className="preparing map-loading" role="status">
          Loading the new map…
        </div>
      )}

      {info && data && !editing && (
        <HexInfo
          info={info}
          data={data}
          notes={notes.filter((n) => n.key === info.key)}
          youId={me.playerId}
          onPing={status !== 'waiting' && known(info.key) ? () => ping(info.key) : null}
          onNote={known(info.key) ? () => setEditing(info.key) : null}
          onClose={() => setTapped(null)}
        />
      )}

      {editing && data && (
        <NoteEditor
          key={editing}
          hexKey={editing}
          title={titleOf(editing)}
          mine={notes.find((n) => n.key === editing && n.authorId === me.playerId) ?? null}
          canShare={data.you?.partyId != null}
          store={store}
          socket={socket}
          onClose={() => {
            setEditing(null);
            setTapped(null);
          }}
        />
      )}

      {listing && data && (
        <NoteList
          notes={notes}
          youId={me.playerId}
          labelOf={titleOf}
          onPick={(key) => {
            setListing(false);
            mapRef.current?.centerOn(key, 300);
          }}
          onClose={() => setListing(false)}
        />
      )}

      {lastError && <ErrorToast key={lastError.at} message={lastError.message} />}

      {map && data && status !== 'waiting' && (
        <MapControls
          onZoom={(f) => mapRef.current?.zoomBy(f)}
          onFit={() => mapRef.current?.fit(true)}
          onParty={data.token ? () => mapRef.current?.centerOn(data.token!, 300) : null}
          partyColor={data.parties.find((p) => p.id === data.you?.partyId)?.color ?? '#e0a030'}
          onNotes={() => setListing(true)}
          noteCount={notes.length}
        />
      )}

      <Overlay
        connection={connectionStatus}
        hasData={data !== null}
        status={status}
        hasMap={map !== null}
        name={me.name}
        dismissedEnded={endedDismissed !== null && endedDismissed === data?.session?.id}
        onDismissEnded={() => setEndedDismissed(data?.session?.id ?? null)}
      />
    </div>
  );
}

function StatusChip({ status, connection, hasData }: { status: string; connection: ConnectionStatus['kind']; hasData: boolean }) {
  // "Offline" is for a lost connection; the first moments after opening the page are not that.
  const kind = connection === 'reconnecting' || connection === 'closed' ? 'offline' : hasData ? status : 'connecting';
  const text: Record<string, string> = {
    waiting: 'Waiting',
    active: 'Live',
    paused: 'Paused',
    ended: 'Ended',
    connecting: 'Connecting',
    offline: 'Offline',
  };
  return (
    <span className={`chip chip-${kind}`} data-testid="status-chip">
      <span className="dot" aria-hidden="true" />
      {text[kind]}
    </span>
  );
}

function ConnectionBanner(props: { status: Extract<ConnectionStatus, { kind: 'reconnecting' }>; hasData: boolean; onRetry: () => void }) {
  const s = props.status;
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, []);
  const left = Math.max(0, Math.ceil((since + s.delayMs - now) / 1000));
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      <span className="spinner" aria-hidden="true" />
      <span className="banner-text">Connection lost. Reconnecting…</span>
      {left > 1 && <span className="banner-wait">next try in {left} s</span>}
      <button className="btn btn-small" onClick={props.onRetry}>
        Retry now
      </button>
    </div>
  );
}

function Overlay(props: {
  connection: ConnectionStatus;
  hasData: boolean;
  status: string;
  hasMap: boolean;
  name: string;
  dismissedEnded: boolean;
  onDismissEnded: () => void;
}) {
  let kind: string;
  let title: string;
  let body: string;
  let action: { label: string; onClick: () => void } | null = null;
  if (!props.hasData) {
    if (props.connection.kind === 'reconnecting') return null; // the banner says it all
    kind = 'connecting';
    title = 'Joining the table…';
    body = `Hello ${props.name}. Connecting to the hub.`;
  } else if (props.status === 'waiting') {
    kind = 'waiting';
    title = 'Waiting for the DM';
    body = 'The session has not started yet. Your map appears here as soon as the DM begins.';
  } else if (props.status === 'paused') {
    kind = 'paused';
    title = 'Session paused';
    body = 'The DM has paused the game. Stretch your legs — the map will be back shortly.';
  } else if (props.status === 'ended') {
    if (props.dismissedEnded) return null;
    kind = 'ended';
    title = 'Session ended';
    body = 'Thanks for playing! What you discovered stays on your map until next time.';
    if (props.hasMap) action = { label: 'Look at the map', onClick: props.onDismissEnded };
  } else if (!props.hasMap) {
    kind = 'no-map';
    title = 'The DM is setting up the map';
    body = 'Hang on — the map will appear here in a moment.';
  } else {
    return null;
  }
  return (
    <div className={`overlay overlay-${kind}`} data-testid="overlay" data-overlay={kind}>
      <div className="overlay-card" role="dialog" aria-live="polite" aria-label={title}>
        <OverlayIcon kind={kind} />
        <h2>{title}</h2>
        <p>{body}</p>
        {action && (
          <button className="btn" onClick={action.onClick}>
            {action.label}
          </button>
        )}
      </div>
    </div>
  );
}

function OverlayIcon({ kind }: { kind: string }) {
  if (kind === 'paused')
    return (
      <svg className="overlay-icon" viewBox="0 0 48 48" aria-hidden="true">
        <circle cx="24" cy="24" r="22" fill="none" stroke="currentColor" strokeWidth="2.5" />
        <rect x="16" y="14" width="5" height="20" rx="1.5" fill="currentColor" />
        <rect x="27" y="14" width="5" height="20" rx="1.5" fill="currentColor" />
      </svg>
    );
  if (kind === 'ended')
    return (
      <svg className="overlay-icon" viewBox="0 0 48 48" aria-hidden="true">
        <path d="M14 40V8M14 9h22l-5 7 5 7H14" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      </svg>
    );
  return (
    <svg className="overlay-icon spin-slow" viewBox="0 0 48 48" aria-hidden="true">
      <path d="M17 5h14l10 19-10 19H17L7 24z" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinejoin="round" />
      <circle cx="24" cy="24" r="5" fill="currentColor" />
    </svg>
  );
}

/** A refusal from the hub (a ping too many, a note refused), shown for a few seconds. */
function ErrorToast({ message }: { message: string }) {
  const [shown, setShown] = useState(true);
  useEffect(() => {
    const t = setTimeout(() => setShown(false), 4000);
    return () => clearTimeout(t);
  }, []);
  if (!shown) return null;
  return (
    <div className="player-error" role="alert" data-testid="player-error">
      {message}
    </div>
  );
}

function HexInfo({
  info,
  data,
  notes,
  youId,
  onPing,
  onNote,
  onClose,
}: {
  info: Info;
  data: NonNullable<ReturnType<SessionStore['getState']>['data']>;
  notes: readonly PlayerNote[];
  youId: string;
  onPing: (() => void) | null;
  onNote: (() => void) | null;
  onClose: () => void;
}) {
  const map = data.map;
  if (!map) return null;
  const i = keyToIndex(info.key, map.width, map.height);
  if (i < 0) return null;
  const t = data.cells[i]!;
  const terrain = terrainAt(t);
  const label = data.labels.get(info.key);
  const isParty = data.token === info.key;
  const glimpsed = data.glimpsed[i] === 1;
  const others = data.parties.filter((p) => p.key === info.key && p.id !== data.you?.partyId);
  const markers = data.markers.filter((m) => m.key === info.key);
  const style = info.pinned ? undefined : { left: info.x + 14, top: info.y + 14 };
  return (
    <div className={info.pinned ? 'hexinfo hexinfo-pinned' : 'hexinfo'} style={style} data-testid="hex-info" role="status">
      {t === FOG ? (
        <div className="hexinfo-title fogged">Unexplored</div>
      ) : (
        <>
          {label && <div className="hexinfo-title">{label}</div>}
          <div className="hexinfo-terrain">
            <span className="swatch" style={{ background: TERRAIN_COLORS[terrain ?? ''] }} />
            {TERRAIN_NAMES[terrain ?? '']}
            {glimpsed && <span className="glimpsed-tag"> · seen from afar</span>}
            {isParty && <span className="party-tag">the party is here</span>}
          </div>
          {others.map((p) => (
            <div key={p.id} className="hexinfo-line">
              <span className="swatch round" style={{ background: p.color }} />
              {p.name}
            </div>
          ))}
          {markers.map((m) => (
            <div key={m.id} className="hexinfo-line" data-testid="hex-info-marker">
              <span className="swatch round" style={{ background: MARKER_COLORS[m.kind] }} />
              {m.label || MARKER_WORDS[m.kind]}
            </div>
          ))}
        </>
      )}
      {info.pinned && notes.length > 0 && (
        <ul className="hexinfo-notes" data-testid="hex-notes">
          {notes.map((n) => (
            <li key={n.id}>
              <span className="note-by">
                {n.authorId === youId ? 'Your note' : n.authorName}
                {n.shared ? ' · shared' : ' · private'}
              </span>
              {n.text}
            </li>
          ))}
        </ul>
      )}
      {info.pinned && (onPing || onNote) && (
        <div className="hexinfo-actions">
          {onPing && (
            <button className="btn" onClick={onPing} data-testid="ping-button">
              Ping
            </button>
          )}
          {onNote && (
            <button className="btn" onClick={onNote} data-testid="note-button">
              {notes.some((n) => n.authorId === youId) ? 'Edit note' : 'Note'}
            </button>
          )}
        </div>
      )}
      {info.pinned && (
        <button className="hexinfo-close" onClick={onClose} aria-label="Close">
          ×
        </button>
      )}
    </div>
  );
}

const MARKER_WORDS = { monster: 'A monster', camp: 'A camp', npc: 'Someone', treasure: 'Treasure', danger: 'Danger', poi: 'Something of interest' } as const;

function MapControls(props: {
  onZoom: (f: number) => void;
  onFit: () => void;
  onParty: (() => void) | null;
  partyColor: string;
  onNotes: () => void;
  noteCount: number;
}) {
  return (
    <div className="controls" role="toolbar" aria-label="Map controls">
      <button className="ctl" onClick={props.onNotes} aria-label="Notes" title="Notes" data-testid="notes-button">
        <svg viewBox="0 0 20 20" aria-hidden="true">
          <path d="M4 3h9l3 3v11H4z M7 8h6M7 11h6M7 14h4" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
        {props.noteCount > 0 && <span className="ctl-badge">{props.noteCount}</span>}
      </button>
      <button className="ctl" onClick={() => props.onZoom(1.4)} aria-label="Zoom in" title="Zoom in">
        +
      </button>
      <button className="ctl" onClick={() => props.onZoom(1 / 1.4)} aria-label="Zoom out" title="Zoom out">
        −
      </button>
      <button className="ctl" onClick={props.onFit} aria-label="Show everything we know" title="Show everything we know">
        <svg viewBox="0 0 20 20" aria-hidden="true">
          <path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      </button>
      {props.onParty && (
        <button className="ctl" onClick={props.onParty} aria-label="Find the party" title="Find the party">
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="10" cy="10" r="7" fill={props.partyColor} stroke="#1d1a16" strokeWidth="1.5" />
            <path d="M8 14V6l5 1.6L8 9.4" fill="#fbf7ec" stroke="#1d1a16" strokeWidth="1.2" strokeLinejoin="round" />
          </svg>
        </button>
      )}
    </div>
  );
}
