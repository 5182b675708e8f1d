// Invite players: the campaign's join code (made when there is none left), its join URL(s) and a
// QR code drawn locally (npm qrcode).
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { DialogFrame } from './dialogs';
import { errorText, type DmApi, type Invite } from './api';
import { Icon } from './icons';
import { wailsApp } from './creds';
import { preferredJoinUrl } from '../protocol/constants';

import { formatCode } from './invites';
export { formatCode };

/** Join URLs players can open: one per hub address when the hub lists them, else the invite's. */
export function joinUrls(invite: Invite, hubUrls: readonly string[] | undefined): string[] {
  if (hubUrls && hubUrls.length > 0) return hubUrls.map((u) => `${u.replace(/\/+$/, '')}/join/${invite.code}`);
  return [invite.joinUrl];
}

/** The join link the QR code carries: the shared rule (an IP address rather than a .local name). */
export function qrTarget(urls: readonly string[]): string {
  return preferredJoinUrl(urls);
}

/**
 * Opens a link outside the console: in the desktop window through the OpenURL binding (the
 * system browser; following the link would replace the console in the window), in a browser
 * in a new tab.
 */
export async function openExternal(url: string): Promise<void> {
  const app = wailsApp();
  if (app?.OpenURL) await app.OpenURL(url);
  else window.open(url, '_blank', 'noopener');
}

/** True for URLs only this computer can open (players need a LAN address). */
export function isLocalOnly(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === 'wails' || h.startsWith('127.') || h === '[::1]' || h.endsWith('.localhost');
  } catch {
    return true;
  }
}

export { currentInvite } from './invites';

export function InviteDialog(props: { api: DmApi; campaignId: string; invite: Invite | null; onInvite: (inv: Invite) => void; done: () => void }) {
  const { api, campaignId, done } = props;
  const given = useState(props.invite)[0];
  const onInvite = useState(() => props.onInvite)[0];
  const [invite, setInvite] = useState<Invite | null>(null);
  const [urls, setUrls] = useState<string[]>([]);
  const [svg, setSvg] = useState('');
  const [error, setError] = useState('');
  const [copied, setCopied] = useState('');

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [inv, hub] = await Promise.all([given ?? api.createInvite(campaignId), api.hub().catch(() => null)]);
        if (cancelled) return;
        if (!given) onInvite(inv);
        const list = joinUrls(inv, hub?.urls);
        setInvite(inv);
        setUrls(list);
        setSvg(await QRCode.toString(qrTarget(list), { type: 'svg', margin: 1, errorCorrectionLevel: 'M', color: { dark: '#111418', light: '#ffffff' } }));
      } catch (e) {
        if (!cancelled) setError(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api, campaignId, given, onInvite]);

  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(text);
        setTimeout(() => setCopied(''), 1500);
      },
      () => setCopied(''),
    );
  };
  const local = urls.length > 0 && urls.every(isLocalOnly);
  return (
    <DialogFrame title="Invite players" onCancel={done} testId="invite-dialog" wide>
      {error && <p className="error">{error}</p>}
      {!invite && !error && <p className="muted">Creating an invite…</p>}
      {invite && (
        <div className="invite">
          <div className="qr" data-testid="invite-qr" aria-label={`QR code for ${qrTarget(urls)}`} data-url={qrTarget(urls)} dangerouslySetInnerHTML={{ __html: svg }} />
          <div className="invite-text">
            <div className="field-label">Join code</div>
            <div className="code" data-testid="invite-code" data-code={invite.code}>
              {formatCode(invite.code)}
            </div>
            <p className="muted small">
              Players scan the code, or open the hub’s address and type the join code. Valid until {new Date(invite.expiresAt).toLocaleDateString()}.
            </p>
            <div className="field-label">Join link{urls.length > 1 ? 's' : ''}</div>
            <ul className="urls">
              {urls.map((u) => (
                <li key={u}>
                  <code data-testid="invite-url">{u}</code>
                  <button className="icon-btn" title="Copy" onClick={() => copy(u)}>
                    {copied === u ? '✓' : <Icon.copy />}
                  </button>
                  <button className="icon-btn" title="Open in the browser (to try the player's view)" onClick={() => void openExternal(u)} data-testid="invite-url-open">
                    <Icon.external />
                  </button>
                </li>
              ))}
            </ul>
            {local && (
              <p className="notice small" data-testid="invite-local">
                This address only works on this computer. Players on the network need the hub’s LAN address — the one <code>hexcrawl</code> prints as “Players open”.
              </p>
            )}
          </div>
        </div>
      )}
      <div className="dlg-actions">
        <button className="dbtn dbtn-primary" onClick={done} data-testid="invite-close">
          Done
        </button>
      </div>
    </DialogFrame>
  );
}
