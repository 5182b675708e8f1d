import { useEffect, useRef, useState, type FormEvent } from 'react';
import { join, joinErrorText, lastName, type HubInfo, type LinkInvite, type Me } from './api';
import { LIMITS } from '../protocol/constants';
import { Brand } from './ui';

export type JoinNotice = 'seat-lost' | 'campaign-gone' | 'forbidden';

const NOTICES: Record<JoinNotice, string> = {
  'seat-lost': 'Your seat at the table is no longer valid — the DM may have removed you or reset the hub. Join again with an invite code.',
  'campaign-gone': 'That campaign no longer exists on this hub. Ask your DM for a new invite code.',
  forbidden: 'The hub refused this browser. Open the address the DM shared with you, then join again.',
};

const MAX_NAME = LIMITS.maxPlayerNameChars;

export function JoinScreen(props: {
  hub: HubInfo | null;
  initialCode: string;
  notice: JoinNotice | null;
  /** the join link's code, looked up: which campaign it joins, or why it cannot */
  link?: LinkInvite | null;
  /** a seat this browser holds in another campaign */
  seat?: Me | null;
  onJoined: (me: Me) => void;
  onRetryHub: () => void;
}) {
  const { link = null, seat = null } = props;
  const [code, setCode] = useState(props.initialCode);
  const [name, setName] = useState(() => seat?.name ?? lastName());
  // A bad link says so at once, in the words a failed join would use.
  const [error, setError] = useState<string | null>(link?.kind === 'bad' ? link.message : null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // With a code from the link, the name is the only thing left to type.
    (props.initialCode ? nameRef : codeRef).current?.focus();
  }, [props.initialCode]);

  const noCampaign = props.hub !== null && props.hub.campaigns === 0;
  // What the link's code joins, while the field still holds that code.
  const target = link?.kind === 'ok' && sameCode(code, link.code) ? link : null;
  const seatName = seat?.campaignName || 'another campaign';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const c = code.trim();
    const n = name.trim();
    if (!c) return setError('Enter the invite code from your DM.');
    if (!n) return setError('Enter the name the table knows you by.');
    setBusy(true);
    setError(null);
    try {
      props.onJoined(await join(c, n));
    } catch (err) {
      setError(joinErrorText(err));
      setBusy(false);
    }
  };

  return (
    <main className="screen join">
      <div className="card">
        <Brand />
        {props.hub?.name && props.hub.name !== 'Hexcrawl' && <p className="hub-name">{props.hub.name}</p>}
        {props.notice && (
          <p className="notice" role="status" data-testid="join-notice">
            {NOTICES[props.notice]}
          </p>
        )}
        {noCampaign ? (
          <div data-testid="no-campaign">
            <h1>No campaign yet</h1>
            <p className="muted">
              This hub is running, but the DM has not set up a campaign. Once they have, ask for an invite code.
            </p>
            <button className="btn btn-primary" onClick={props.onRetryHub}>
              Check again
            </button>
          </div>
        ) : (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <h1>Join the table</h1>
            {target && (
              <p className="join-target" data-testid="join-campaign">
                This code joins <strong>{target.campaignName}</strong>.
              </p>
            )}
            {seat && (
              <p className="notice" data-testid="join-seat">
                You already have a seat in <strong>{seatName}</strong> as {seat.name}.
                {target ? ' Joining here replaces it on this device.' : ''}
              </p>
            )}
            <label>
              <span>Invite code</span>
              <input
                ref={codeRef}
                name="code"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                inputMode="text"
                placeholder="from your DM"
                data-testid="join-code"
              />
            </label>
            <label>
              <span>Your name</span>
              <input
                ref={nameRef}
                name="name"
                value={name}
                maxLength={MAX_NAME}
                onChange={(e) => setName(e.target.value)}
                autoComplete="nickname"
                placeholder="e.g. Ana"
                data-testid="join-name"
              />
            </label>
            {error && (
              <p className="error" role="alert" data-testid="join-error">
                {error}
              </p>
            )}
            <button className="btn btn-primary" type="submit" disabled={busy} data-testid="join-submit">
              {busy ? 'Joining…' : target ? `Join ${target.campaignName}` : 'Join'}
            </button>
            {seat && (
              <button className="btn btn-back" type="button" onClick={() => props.onJoined(seat)} data-testid="join-back">
                Back to {seatName}
              </button>
            )}
          </form>
        )}
      </div>
    </main>
  );
}

/** Codes compare as the hub reads them: case, spaces and dashes do not matter. */
function sameCode(a: string, b: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/[ -]/g, '');
  return norm(a) === norm(b);
}
