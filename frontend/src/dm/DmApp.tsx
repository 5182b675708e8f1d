// The DM console's entry: credentials (window binding, #token=…, or pasted), the campaign list,
// and the console of the open campaign. Works the same in a browser and in the desktop window.
// All state is in the DM store (store/), started as this chunk is evaluated, before React's
// first render; this component renders its phase.
import { useState, type FormEvent } from 'react';
import { Brand, Screen } from '../player/ui';
import { errorText } from './api';
import { createDmStore } from './store';
import { DmStoreContext, useDm, useDmStore } from './useDm';
import { Console } from './Console';
import { DialogHost, promptDialog } from './dialogs';
import { ToastHost } from './Toasts';
import './dm.css';

const store = createDmStore();
void store.getState().start();

export default function DmApp() {
  return (
    <DmStoreContext value={store}>
      <Phase />
      <DialogHost />
      <ToastHost />
    </DmStoreContext>
  );
}

function Phase() {
  const dm = useDmStore();
  const phase = useDm((s) => s.phase);
  const campaignId = useDm((s) => s.campaignId);
  const generation = useDm((s) => s.generation);
  switch (phase.kind) {
    case 'loading':
      return <Screen busy>Opening the DM console…</Screen>;
    case 'unreachable':
      return (
        <Screen title="Cannot reach the hub" tone="danger" action={{ label: 'Try again', onClick: () => void dm.getState().start() }}>
          {phase.error}
        </Screen>
      );
    case 'token':
      return <TokenScreen error={phase.error} onToken={(t) => void dm.getState().submitToken(t)} />;
    case 'ready':
      return campaignId ? <Console key={generation} /> : <Welcome />;
  }
}

function Welcome() {
  const dm = useDmStore();
  const createFirst = async () => {
    const api = dm.getState().api;
    if (!api) return;
    const name = await promptDialog({ title: 'New campaign', label: 'Name', confirm: 'Create' });
    if (!name) return;
    try {
      const c = await api.createCampaign(name);
      await dm.getState().refreshCampaigns(c.id);
    } catch (e) {
      dm.getState().toast(errorText(e), 'error');
    }
  };
  return (
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
