// The DM's side of the table (docs/table.md): pinging the selected hex to everyone, a party or
// the ticked players; the players' notes (the DM reads them all, private ones too); the table
// screens — make a read-only display link (shown with its QR code), see which are watching,
// revoke one.
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { useDm, useDmStore } from './useDm';
import { Section } from './Panels';
import type { PingTo } from './store/social';

export function AtTheTablePanel() {
  return (
    <>
      <PingSection />
      <NotesSection />
      <ScreensSection />
    </>
  );
}

function encode(to: PingTo): string {
  return to.kind === 'party' ? `party:${to.id}` : to.kind;
}

function PingSection() {
  const dm = useDmStore();
  const key = useDm((s) => s.selected);
  const pingTo = useDm((s) => s.pingTo);
  const parties = useDm((s) => s.data?.parties);
  const picked = useDm((s) => s.picked.size);
  return (
    <Section title="Ping" testId="ping-panel">
      <div className="row gap wrap">
        <select
          value={encode(pingTo)}
          aria-label="Ping to"
          data-testid="ping-to"
          onChange={(e) => {
            const v = e.target.value;
            dm.getState().setPingTo(v.startsWith('party:') ? { kind: 'party', id: v.slice(6) } : v === 'players' ? { kind: 'players' } : { kind: 'all' });
          }}
        >
          <option value="all">Everyone</option>
          {(parties ?? []).map((p) => (
            <option key={p.id} value={`party:${p.id}`}>
              {p.name}
            </option>
          ))}
          <option value="players">Ticked players ({picked})</option>
        </select>
        <button className="dbtn dbtn-sm" disabled={!key} onClick={() => key && dm.getState().pingHex(key)} data-testid="dm-ping">
          {key ? `Ping hex ${key}` : 'Select a hex to ping'}
        </button>
      </div>
      <p className="hint small">Only players who know the hex see a ping.</p>
    </Section>
  );
}

function NotesSection() {
  const dm = useDmStore();
  const notes = useDm((s) => s.data?.playerNotes);
  const parties = useDm((s) => s.data?.parties);
  if (!notes) return null;
  return (
    <Section title={`Players' notes (${notes.length})`} testId="dm-notes">
      {notes.length === 0 ? (
        <p className="hint">Notes players write on hexes appear here, private ones too.</p>
      ) : (
        <ul className="dm-notes">
          {notes.map((n) => (
            <li key={n.id}>
              <button className="linkish" onClick={() => dm.getState().select(n.key)} title="Select the hex">
                <b>{n.authorName}</b> · {n.key} ·{' '}
                {n.partyId ? `shared with ${parties?.find((p) => p.id === n.partyId)?.name ?? 'a party'}` : 'private'}
              </button>
              <div className="dm-note-text">{n.text}</div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ScreensSection() {
  const dm = useDmStore();
  const displays = useDm((s) => s.displays);
  const made = useDm((s) => s.madeDisplay);
  const parties = useDm((s) => s.data?.parties);
  const [name, setName] = useState('Table screen');
  const [party, setParty] = useState('');
  // Which screens watch changes without a message to the DM: ask now and then.
  useEffect(() => {
    void dm.getState().loadDisplays();
    const t = setInterval(() => void dm.getState().loadDisplays(), 10_000);
    return () => clearInterval(t);
  }, [dm]);
  const partyName = (id: string | undefined) => (id ? (parties?.find((p) => p.id === id)?.name ?? 'a party') : 'everyone');
  return (
    <Section title="Table screens" testId="screens-panel">
      {displays.length > 0 && (
        <ul className="dm-screens">
          {displays.map((d) => (
            <li key={d.id} data-testid="screen-row">
              <span className={d.online ? 'dot on' : 'dot'} aria-label={d.online ? 'watching' : 'not connected'} />
              <span className="grow">
                {d.name} <span className="muted small">· {partyName(d.partyId)}</span>
              </span>
              <button className="dbtn dbtn-sm" onClick={() => void dm.getState().revokeDisplay(d.id)} data-testid="screen-revoke">
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {made?.url && <MadeLink url={made.url} onClose={() => dm.getState().closeMadeDisplay()} />}
      <div className="row gap wrap">
        <input value={name} maxLength={40} onChange={(e) => setName(e.target.value)} aria-label="Screen name" data-testid="screen-name" />
        <select value={party} onChange={(e) => setParty(e.target.value)} aria-label="Screen shows" data-testid="screen-party">
          <option value="">What everyone knows</option>
          {(parties ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button
          className="dbtn dbtn-sm dbtn-primary"
          disabled={name.trim() === ''}
          onClick={() => void dm.getState().createDisplay(name.trim(), party || null)}
          data-testid="screen-make"
        >
          Make display link
        </button>
      </div>
      <p className="hint small">A display link can only watch. Open it on a TV or a second screen; revoke it to turn it off.</p>
    </Section>
  );
}

function MadeLink({ url, onClose }: { url: string; onClose: () => void }) {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    let live = true;
    void QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#111418', light: '#ffffff' } }).then((s) => {
      if (live) setSvg(s);
    });
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <div className="made-link" data-testid="screen-link">
      <div className="made-qr" dangerouslySetInnerHTML={{ __html: svg }} />
      <input readOnly value={url} onFocus={(e) => e.target.select()} aria-label="Display link" data-testid="screen-url" />
      <div className="row gap">
        <button className="dbtn dbtn-sm" onClick={() => void navigator.clipboard?.writeText(url)}>
          Copy
        </button>
        <button className="dbtn dbtn-sm" onClick={onClose}>
          Done
        </button>
      </div>
      <p className="hint small">The link is shown once: it holds the screen's key.</p>
    </div>
  );
}
