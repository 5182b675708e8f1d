// The table screen (docs/table.md): a read-only view for a TV or a second screen, opened from
// the DM's display link (/table#token=…). It watches one party's map (or what everyone knows),
// follows that party's token, shows pings big, and while the session waits shows the join QR
// code in a corner. Its token opens nothing but this socket; the hub closes it with 4004 when
// the DM revokes the link.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import QRCode from 'qrcode';
import { api, ApiError } from '../net/http';
import { HexcrawlSocket } from '../net/socket';
import { CLOSE, DISPLAY_TOKEN_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../protocol/constants';
import { displayJoinSchema as joinSchema, displayMeSchema, type DisplayMe } from '../protocol/display';
import { createSessionStore, type SessionStore } from '../store/session';
import { HexMapView, type HexMapHandle } from '../render/HexMapView';
import type { RenderScene } from '../render/renderer';
import { markerMarks, partyTokens } from '../render/marks';
import { PingLayer } from '../table/Pings';
import { FOG } from '../hex/terrain';
import { Brand, Screen } from '../player/ui';


declare global {
  interface Window {
    /** Read-only handles for end-to-end tests. */
    __hexcrawlDisplay?: { store: SessionStore; map: () => HexMapHandle | null };
  }
}

/** The token from the link's fragment, which browsers never send to the hub. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

type Phase = { kind: 'loading' } | { kind: 'bad'; message: string } | { kind: 'ready'; me: DisplayMe };

export default function DisplayApp() {
  const [token] = useState(() => tokenFromHash(location.hash));
  const [phase, setPhase] = useState<Phase>(() => (token ? { kind: 'loading' } : { kind: 'bad', message: 'This link has no table screen token.' }));
  useEffect(() => {
    if (!token) return;
    api('GET', '/api/display', displayMeSchema, undefined, { token }).then(
      (me) => setPhase({ kind: 'ready', me }),
      (e: unknown) =>
        setPhase({
          kind: 'bad',
          message: e instanceof ApiError && e.status === 401 ? 'This table screen link was turned off by the DM, or never existed.' : 'Cannot reach the hub.',
        }),
    );
  }, [token]);
  if (phase.kind === 'loading') return <Screen busy>Opening the table screen…</Screen>;
  if (phase.kind === 'bad')
    return (
      <Screen title="No table screen" tone="danger" testId="display-bad">
        {phase.message}
      </Screen>
    );
  return <DisplayTable me={phase.me} token={token} onGone={(message) => setPhase({ kind: 'bad', message })} />;
}

function DisplayTable({ me, token, onGone }: { me: DisplayMe; token: string; onGone: (message: string) => void }) {
  const [store] = useState(() => createSessionStore());
  const mapRef = useRef<HexMapHandle>(null);
  useEffect(() => {
    const socket = new HexcrawlSocket({
      campaignId: me.campaignId,
      protocols: [SUBPROTOCOL, DISPLAY_TOKEN_SUBPROTOCOL_PREFIX + token],
      onMessage: (m) => store.getState().apply(m),
      onStatus: (s) => store.getState().setConnection(s),
    });
    socket.start();
    window.__hexcrawlDisplay = { store, map: () => mapRef.current };
    // A TV should not dim while it shows the table.
    let lock: { release(): Promise<void> } | null = null;
    const nav = navigator as Navigator & { wakeLock?: { request(kind: 'screen'): Promise<{ release(): Promise<void> }> } };
    nav.wakeLock?.request('screen').then((l) => (lock = l), () => undefined);
    return () => {
      socket.stop();
      void lock?.release();
      delete window.__hexcrawlDisplay;
    };
  }, [me.campaignId, token, store]);

  const connection = useStore(store, (s) => s.connection);
  useEffect(() => {
    if (connection.kind !== 'closed') return;
    onGone(connection.code === CLOSE.revoked ? 'The DM turned this table screen off.' : 'The table screen was disconnected.');
  }, [connection, onGone]);

  const data = useStore(store, (s) => s.data);
  const fadeIn = useStore(store, (s) => s.fadeIn);
  const fullStates = useStore(store, (s) => s.fullStates);
  // What the hub sent, drawn as a player's page draws it: parties in their colours (the watched
  // one as ours), markers, glimpsed hexes muted.
  const watched = data?.display?.partyId ?? null;
  const parties = data?.parties;
  const markers = data?.markers;
  const tokens = useMemo(() => partyTokens(parties ?? [], watched), [parties, watched]);
  const marks = useMemo(() => markerMarks(markers ?? []), [markers]);
  const scene: RenderScene = useMemo(
    () => ({
      map: data?.map ?? null,
      cells: data?.cells ?? new Uint8Array(0),
      muted: data?.glimpsed ?? null,
      labels: data?.labels ?? new Map(),
      roads: data?.roads,
      token: data?.token ?? null,
      tokens,
      markers: marks,
      fadeIn,
    }),
    [data?.map, data?.cells, data?.glimpsed, data?.labels, data?.roads, data?.token, tokens, marks, fadeIn],
  );
  // A screen put up before anything was revealed opened on the whole map: when its party first
  // knows something, it opens again, fitted to that.
  const knowsAny = useMemo(() => (data?.cells ?? new Uint8Array(0)).some((c) => c !== FOG), [data?.cells]);
  const status = data?.session?.status ?? 'waiting';
  const party = data?.parties.find((p) => p.id === data.display?.partyId);
  const waiting = status === 'waiting' || data?.session == null;

  return (
    <div className="display" data-testid="display" data-status={status}>
      <HexMapView
        handle={mapRef}
        className="map"
        style={{ position: 'absolute', inset: 0 }}
        scene={scene}
        options={BIG}
        initialFit="visible"
        fitKey={`${fullStates}:${knowsAny}`}
        followToken
        fitInsets={INSETS}
        ariaLabel="Table screen map"
      />
      {data && <PingLayer pings={data.pings} map={() => mapRef.current} big />}
      <header className="display-bar">
        <Brand small />
        <div className="display-title" data-testid="display-title">
          {data?.campaign.name ?? me.campaignName}
          {data?.map && <span className="display-sub"> · {data.map.name}</span>}
        </div>
        <div className="display-party" data-testid="display-party">
          {party ? (
            <>
              <span className="display-dot" style={{ background: party.color }} />
              {party.name}
            </>
          ) : (
            'Everyone'
          )}
        </div>
        <span className={`chip chip-${status}`}>{STATUS[status] ?? status}</span>
      </header>
      {connection.kind === 'reconnecting' && (
        <div className="banner" role="alert">
          Connection lost. Reconnecting…
        </div>
      )}
      {waiting && <JoinCorner token={token} />}
      <button className="display-full" onClick={() => void document.documentElement.requestFullscreen?.()} aria-label="Full screen" title="Full screen">
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      </button>
    </div>
  );
}

const BIG = { labelMinScale: 12, labelScale: 1.3 };
const INSETS = { top: 80, right: 0, bottom: 0, left: 0 };
const STATUS: Record<string, string> = { waiting: 'Waiting', active: 'Live', paused: 'Paused', ended: 'Ended' };

/** The join QR code, while players still arrive. */
function JoinCorner({ token }: { token: string }) {
  const [join, setJoin] = useState<{ code: string; joinUrl: string; svg: string } | null>(null);
  useEffect(() => {
    let live = true;
    api('GET', '/api/display/join', joinSchema, undefined, { token })
      .then(async (j) => {
        const svg = await QRCode.toString(j.joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#111418', light: '#ffffff' } });
        if (live) setJoin({ ...j, svg });
      })
      .catch(() => undefined); // no join code: nothing to show
    return () => {
      live = false;
    };
  }, [token]);
  if (!join) return null;
  return (
    <aside className="display-join" data-testid="display-join">
      <div className="display-qr" dangerouslySetInnerHTML={{ __html: join.svg }} />
      <div>
        <div className="display-join-title">Join the table</div>
        <div className="display-code">{join.code}</div>
      </div>
    </aside>
  );
}
