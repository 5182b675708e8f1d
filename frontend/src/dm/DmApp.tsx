// The DM console's entry: credentials (window binding, #token=…, or pasted), the campaign list,
// and one Console per chosen campaign. Works the same in a browser and in the desktop window.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Brand, Screen } from '../player/ui';
import { DmApi, errorText, ApiError, type Campaign } from './api';
import { forgetToken, loadCredentials, saveToken, type DmCredentials } from './creds';
import { boot, dropEarly, lastCampaign, rememberCampaign } from './boot';
import { Console } from './Console';
import { DialogHost, promptDialog } from './dialogs';
import { ToastHost, toast } from './toasts';
import './dm.css';

// Started as this chunk is evaluated, before React's first render (see boot.ts).
const booting = boot();

type Phase =
  | { kind: 'loading' }
  | { kind: 'token'; error: string }
  | { kind: 'unreachable'; error: string }
  | { kind: 'ready' };

export default function DmApp() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [creds, setCreds] = useState<DmCredentials | null>(null);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [campaignId, setCampaignId] = useState<string>('');
  const [gen, setGen] = useState(0); // remounts the console (e.g. after a closed socket)
  const api = creds ? new DmApi(creds.token) : null;

  const choose = useCallback((id: string) => {
    setCampaignId(id);
    if (id) rememberCampaign(id);
  }, []);

  const ready = useCallback(
    (c: DmCredentials, list: Campaign[]) => {
      setCreds(c);
      setCampaigns(list);
      const last = lastCampaign();
      const id = list.find((x) => x.id === last)?.id ?? list[0]?.id ?? '';
      // The socket boot.ts opened early is only kept for the campaign chosen here.
      if (id !== last) dropEarly();
      choose(id);
      setPhase({ kind: 'ready' });
    },
    [choose],
  );

  const failed = useCallback((c: DmCredentials | null, e: unknown) => {
    if (e instanceof ApiError && e.status === 401) {
      if (c && !c.desktop) forgetToken();
      setPhase({ kind: 'token', error: 'The hub did not accept that DM token.' });
    } else setPhase({ kind: 'unreachable', error: errorText(e) });
  }, []);

  const start = useCallback(
    async (c: DmCredentials | null) => {
      if (!c) {
        setPhase({ kind: 'token', error: '' });
        return;
      }
      try {
        ready(c, await new DmApi(c.token).campaigns());
      } catch (e) {
        failed(c, e);
      }
    },
    [ready, failed],
  );

  useEffect(() => {
    let live = true;
    booting.then(
      (b) => {
        if (!live) return;
        const c = b.creds;
        if (!c) {
          setPhase({ kind: 'token', error: '' });
          return;
        }
        // The campaign open last time opens at once, on the socket boot() started; the list
        // only fills the menus (or, if that campaign is gone, picks another).
        const last = lastCampaign();
        if (last) {
          setCreds(c);
          choose(last);
          setPhase({ kind: 'ready' });
        }
        b.campaigns.then(
          (list) => live && ready(c, list),
          (e: unknown) => live && failed(c, e),
        );
      },
      (e: unknown) => live && failed(null, e),
    );
    return () => {
      live = false;
    };
  }, [ready, failed]);

  const refresh = useCallback(
    async (select?: string) => {
      if (!creds) return;
      const list = await new DmApi(creds.token).campaigns();
      setCampaigns(list);
      if (select !== undefined) {
        choose(list.find((x) => x.id === select)?.id ?? list[0]?.id ?? '');
        setGen((g) => g + 1);
      }
    },
    [creds, choose],
  );

  const createFirst = async () => {
    if (!api) return;
    const name = await promptDialog({ title: 'New campaign', label: 'Name', confirm: 'Create' });
    if (!name) return;
    try {
      const c = await api.createCampaign(name);
      await refresh(c.id);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  let body;
  switch (phase.kind) {
    case 'loading':
      body = <Screen busy>Opening the DM console…</Screen>;
      break;
    case 'unreachable':
      body = (
        <Screen title="Cannot reach the hub" tone="danger" action={{ label: 'Try again', onClick: () => void loadCredentials().then(start) }}>
          {phase.error}
        </Screen>
      );
      break;
    case 'token':
      body = <TokenScreen error={phase.error} onToken={(t) => (saveToken(t), void start({ token: t, desktop: false }))} />;
      break;
    case 'ready':
      body =
        creds && api && campaignId ? (
          <Console
            key={`${campaignId}:${gen}`}
            api={api}
            creds={creds}
            campaignId={campaignId}
            campaigns={campaigns}
            onSwitch={(id) => {
              choose(id);
              setGen((g) => g + 1);
            }}
            onCampaignsChanged={refresh}
            onClosed={(s) => {
              if (s.code === 4001) {
                if (!creds.desktop) forgetToken();
                setPhase({ kind: 'token', error: 'The hub no longer accepts this DM token.' });
              } else if (s.code === 4002) void refresh('');
            }}
          />
        ) : (
          <main className="screen">
            <div className="card">
              <Brand />
              <h1>Welcome, DM</h1>
              <p className="muted">There is no campaign on this hub yet. Create one to start building your map.</p>
              <button className="btn btn-primary" onClick={() => void createFirst()} data-testid="create-first">
                Create a campaign
              </button>
            </div>
          </main>
        );
      break;
  }
  return (
    <>
      {body}
      <DialogHost />
      <ToastHost />
    </>
  );
}

function TokenScreen({ error, onToken }: { error: string; onToken: (t: string) => void }) {
  const [v, setV] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = v.trim().replace(/^.*#token=/, '');
    if (t) onToken(t);
  };
  return (
    <main className="screen">
      <div className="card">
        <Brand />
        <h1>DM console</h1>
        <p className="muted">
          Open the <b>DM console</b> link that <code>hexcrawl</code> printed when it started (it ends in <code>#token=…</code>), or paste the token here.
        </p>
        {error && <p className="error" data-testid="token-error">{error}</p>}
        <form onSubmit={submit}>
          <label>
            <span>DM token</span>
            <input type="password" autoFocus value={v} onChange={(e) => setV(e.target.value)} autoComplete="off" data-testid="token-input" />
          </label>
          <button className="btn btn-primary" type="submit" disabled={!v.trim()}>
            Open the console
          </button>
        </form>
      </div>
    </main>
  );
}
