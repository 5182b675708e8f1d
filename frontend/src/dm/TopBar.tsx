// Campaign and map menus (create, rename, delete, switch, resize), export/import, view-as and
// the connection state.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Brand } from '../player/ui';
import type { ConnectionStatus } from '../net/socket';
import { isLive, type Orientation } from '../protocol/schema';
import { useDm, useDmStore } from './useDm';
import { errorText, type DmApi, type MapRow } from './api';
import { confirmDialog, DialogFrame, openDialog, promptDialog } from './dialogs';
import { wailsApp } from './creds';
import { Icon } from './icons';
import { BackupsDialog } from './Backups';

function Menu(props: { label: ReactNode; testId: string; children: (close: () => void) => ReactNode; title?: string }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button className="menu-btn" onClick={() => setOpen(!open)} aria-expanded={open} data-testid={props.testId} title={props.title}>
        {props.label}
        <Icon.chevron />
      </button>
      {open && <div className="menu-pop" role="menu">{props.children(() => setOpen(false))}</div>}
    </div>
  );
}

function MenuItem(props: { onClick: () => void; children: ReactNode; danger?: boolean; active?: boolean; testId?: string; disabled?: boolean }) {
  return (
    <button
      role="menuitem"
      className={`menu-item${props.danger ? ' danger' : ''}${props.active ? ' active' : ''}`}
      onClick={props.onClick}
      data-testid={props.testId}
      disabled={props.disabled}
    >
      {props.children}
    </button>
  );
}

function safeFileName(name: string): string {
  return (name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'campaign').replace(/\s+/g, '-');
}

export function TopBar() {
  const dm = useDmStore();
  // Narrow selections: what the menus name, not the grid (which changes with every echo).
  const map = useDm((s) => s.data?.map ?? null);
  const campaignName = useDm((s) => s.data?.campaign.name);
  const connection = useDm((s) => s.connection);
  const viewAs = useDm((s) => s.viewAs);
  const maps = useDm((s) => s.maps);
  const campaigns = useDm((s) => s.campaigns);
  const campaignId = useDm((s) => s.campaignId);
  const campaign = campaigns.find((c) => c.id === campaignId);
  const toast = (text: string, tone: 'ok' | 'error') => dm.getState().toast(text, tone);

  /** Runs an HTTP call with the DM's API; its failure becomes a toast, `ok` a confirmation. */
  const run = async (what: (api: DmApi) => Promise<unknown>, ok?: string) => {
    const api = dm.getState().api;
    if (!api) return;
    try {
      await what(api);
      if (ok) toast(ok, 'ok');
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  // ---------------------------------------------------------- campaigns
  const newCampaign = async () => {
    const name = await promptDialog({ title: 'New campaign', label: 'Name', confirm: 'Create' });
    if (!name) return;
    await run(async (api) => {
      const c = await api.createCampaign(name);
      await dm.getState().refreshCampaigns(c.id);
    }, `Created “${name}”`);
  };
  const renameCampaign = async () => {
    if (!campaign) return;
    const name = await promptDialog({ title: 'Rename campaign', label: 'Name', initial: campaign.name, confirm: 'Rename' });
    if (!name || name === campaign.name) return;
    await run(async (api) => {
      await api.renameCampaign(campaign.id, name);
      await dm.getState().refreshCampaigns();
    });
  };
  const deleteCampaign = async () => {
    if (!campaign) return;
    const ok = await confirmDialog({
      title: `Delete “${campaign.name}”?`,
      message: (
        <p>
          Its maps, notes, players and session history are deleted from this computer. Connected players are sent away. <b>This cannot be undone</b> — export it
          first if you may want it back.
        </p>
      ),
      confirm: 'Delete campaign',
      danger: true,
      testId: 'confirm-delete-campaign',
    });
    if (!ok) return;
    await run(async (api) => {
      await api.deleteCampaign(campaign.id);
      await dm.getState().refreshCampaigns('');
    }, `Deleted “${campaign.name}”`);
  };
  const showBackups = () => {
    const api = dm.getState().api;
    if (api) void openDialog<void>((done) => <BackupsDialog api={api} done={() => done()} />, undefined);
  };
  const exportCampaign = async () => {
    if (!campaign) return;
    await run(async (api) => {
      const text = await api.exportCampaign(campaign.id);
      const name = `${safeFileName(campaign.name)}.hexcrawl.json`;
      const app = wailsApp();
      if (app?.SaveCampaignFile) {
        const path = await app.SaveCampaignFile(name, text);
        if (path) toast(`Saved to ${path}`, 'ok');
        return;
      }
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast(`Downloaded ${name}`, 'ok');
    });
  };
  const fileInput = useRef<HTMLInputElement>(null);
  const importText = async (text: string) => {
    await run(async (api) => {
      const c = await api.importCampaign(text);
      await dm.getState().refreshCampaigns(c.id);
      toast(`Imported “${c.name}”`, 'ok');
    });
  };
  const importCampaign = async () => {
    const app = wailsApp();
    if (app?.OpenCampaignFile) {
      try {
        const text = await app.OpenCampaignFile();
        if (text) await importText(text);
      } catch (e) {
        toast(errorText(e), 'error');
      }
      return;
    }
    fileInput.current?.click();
  };

  // ---------------------------------------------------------- maps
  const newMap = async () => {
    const m = await openDialog<NewMap | null>((done) => <MapDialog done={done} first={maps.length === 0} />, null);
    if (!m) return;
    await run(async (api) => {
      const created = await api.createMap(campaignId, { name: m.name, width: m.width, height: m.height, orientation: m.orientation });
      if (m.activate && maps.length > 0) await api.setActiveMap(campaignId, created.id);
      await dm.getState().loadMaps();
    }, `Created map “${m.name}”`);
  };
  const switchMap = async (row: MapRow) => {
    const data = dm.getState().data;
    if (row.id === data?.map?.id) return;
    if ((data?.staged.length ?? 0) > 0) {
      toast('Publish or undo the staged changes before switching maps.', 'error');
      return;
    }
    if (isLive(data?.session?.status)) {
      const ok = await confirmDialog({
        title: `Switch to “${row.name}”?`,
        message: <p>The session is live: players will see this map from now on (only the hexes revealed on it).</p>,
        confirm: 'Switch map',
      });
      if (!ok) return;
    }
    await run((api) => api.setActiveMap(campaignId, row.id));
  };
  const renameMap = async () => {
    const m = map;
    if (!m) return;
    const name = await promptDialog({ title: 'Rename map', label: 'Name', initial: m.name, confirm: 'Rename' });
    if (!name || name === m.name) return;
    await run((api) => api.patchMap(m.id, { name }));
  };
  const resizeMap = async () => {
    const m = map;
    if (!m) return;
    const size = await openDialog<{ width: number; height: number } | null>((done) => <ResizeDialog done={done} width={m.width} height={m.height} />, null);
    if (!size) return;
    await run((api) => api.patchMap(m.id, size), `Resized to ${size.width}×${size.height}`);
  };

  return (
    <header className="dm-top">
      <Brand small />
      <Menu
        testId="campaign-menu"
        title="Campaigns"
        label={
          <span className="menu-label">
            <small>Campaign</small>
            <b data-testid="campaign-name">{campaign?.name ?? campaignName ?? '…'}</b>
          </span>
        }
      >
        {(close) => (
          <>
            <div className="menu-head">Campaigns</div>
            {campaigns.map((c) => (
              <MenuItem
                key={c.id}
                active={c.id === campaignId}
                onClick={() => {
                  close();
                  dm.getState().open(c.id);
                }}
                testId="campaign-item"
              >
                {c.name}
              </MenuItem>
            ))}
            <div className="menu-sep" />
            <MenuItem onClick={() => (close(), void newCampaign())} testId="campaign-new">
              New campaign…
            </MenuItem>
            <MenuItem onClick={() => (close(), void renameCampaign())} testId="campaign-rename">
              Rename…
            </MenuItem>
            <MenuItem onClick={() => (close(), void exportCampaign())} testId="campaign-export">
              Export to a file…
            </MenuItem>
            <MenuItem onClick={() => (close(), void importCampaign())} testId="campaign-import">
              Import from a file…
            </MenuItem>
            <MenuItem onClick={() => (close(), showBackups())} testId="backups-open">
              Backups…
            </MenuItem>
            <div className="menu-sep" />
            <MenuItem danger onClick={() => (close(), void deleteCampaign())} testId="campaign-delete">
              Delete campaign…
            </MenuItem>
          </>
        )}
      </Menu>
      <Menu
        testId="map-menu"
        title="Maps"
        label={
          <span className="menu-label">
            <small>Map</small>
            <b data-testid="map-name">{map ? `${map.name} · ${map.width}×${map.height}` : 'No map yet'}</b>
          </span>
        }
      >
        {(close) => (
          <>
            <div className="menu-head">Maps — the active one is what players see</div>
            {maps.map((m) => (
              <MenuItem key={m.id} active={m.id === map?.id} onClick={() => (close(), void switchMap(m))} testId="map-item">
                {m.name} <span className="muted small">
                  {m.width}×{m.height} {m.orientation}
                </span>
              </MenuItem>
            ))}
            {maps.length > 0 && <div className="menu-sep" />}
            <MenuItem onClick={() => (close(), void newMap())} testId="map-new">
              New map…
            </MenuItem>
            <MenuItem disabled={!map} onClick={() => (close(), void renameMap())} testId="map-rename">
              Rename map…
            </MenuItem>
            <MenuItem disabled={!map} onClick={() => (close(), void resizeMap())} testId="map-resize">
              Resize map…
            </MenuItem>
          </>
        )}
      </Menu>
      <input
        ref={fileInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="import-file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void f.text().then(importText);
        }}
      />
      <div className="grow" />
      <ViewAsSelect viewAs={viewAs} />
      <ConnectionChip status={connection} />
    </header>
  );
}

function ViewAsSelect({ viewAs }: { viewAs: string | null }) {
  const dm = useDmStore();
  const players = useDm((s) => s.data?.players);
  const parties = useDm((s) => s.data?.parties);
  const list = [...(players?.values() ?? [])];
  return (
    <label className={viewAs ? 'viewas on' : 'viewas'} title="See exactly what one player, or one party, sees">
      <Icon.eye />
      <select value={viewAs ?? ''} onChange={(e) => dm.getState().setViewAs(e.target.value || null)} data-testid="viewas-select">
        <option value="">DM view</option>
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            View as {p.name}
          </option>
        ))}
        {(parties ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            View as party {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The connection state; one chip per status (its countdown starts when the status came). */
function ConnectionChip({ status }: { status: ConnectionStatus }) {
  return <StatusChip key={status.kind === 'reconnecting' ? `r${status.attempt}:${status.delayMs}` : status.kind} status={status} />;
}

function StatusChip({ status }: { status: ConnectionStatus }) {
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    if (status.kind !== 'reconnecting') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [status.kind]);
  let text: string;
  let cls = 'conn';
  switch (status.kind) {
    case 'open':
      text = 'Hub connected';
      cls += ' ok';
      break;
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'reconnecting': {
      const left = Math.max(0, Math.ceil((status.delayMs - (now - since)) / 1000));
      text = left > 0 ? `Reconnecting in ${left}s` : 'Reconnecting…';
      cls += ' bad';
      break;
    }
    case 'closed':
      text = `Disconnected (${status.reason || status.code})`;
      cls += ' bad';
      break;
  }
  return (
    <span className={cls} data-testid="connection" data-kind={status.kind}>
      <span className="dot" />
      {text}
    </span>
  );
}

// ------------------------------------------------------------------ map dialogs

interface NewMap {
  name: string;
  width: number;
  height: number;
  orientation: Orientation;
  activate: boolean;
}

const SIZE_MAX = 400;

function intIn(v: string, lo: number, hi: number): number | null {
  if (!/^\d+$/.test(v.trim())) return null;
  const n = Number(v);
  return n >= lo && n <= hi ? n : null;
}

function MapDialog({ done, first }: { done: (m: NewMap | null) => void; first: boolean }) {
  const [name, setName] = useState('');
  const [w, setW] = useState('30');
  const [h, setH] = useState('20');
  const [orientation, setOrientation] = useState<Orientation>('flat');
  const [activate, setActivate] = useState(true);
  const width = intIn(w, 1, SIZE_MAX);
  const height = intIn(h, 1, SIZE_MAX);
  const valid = name.trim() !== '' && width !== null && height !== null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) done({ name: name.trim(), width: width!, height: height!, orientation, activate: first || activate });
  };
  return (
    <DialogFrame title="New map" onCancel={() => done(null)} testId="map-dialog">
      <form className="dlg-form" onSubmit={submit}>
        <label className="field">
          <span>Name</span>
          <input autoFocus value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="e.g. The Fenlands" data-testid="map-name-input" />
        </label>
        <div className="row gap">
          <label className="field grow">
            <span>Width (hexes)</span>
            <input inputMode="numeric" value={w} onChange={(e) => setW(e.target.value)} aria-invalid={width === null} data-testid="map-width" />
          </label>
          <label className="field grow">
            <span>Height (hexes)</span>
            <input inputMode="numeric" value={h} onChange={(e) => setH(e.target.value)} aria-invalid={height === null} data-testid="map-height" />
          </label>
        </div>
        {(width === null || height === null) && <p className="warn-text small">Width and height are 1 to {SIZE_MAX} hexes.</p>}
        <div className="field-label">Hex orientation</div>
        <div className="seg">
          {(['flat', 'pointy'] as const).map((o) => (
            <button type="button" key={o} className={orientation === o ? 'on' : ''} onClick={() => setOrientation(o)} data-testid={`map-${o}`}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                <path
                  d={o === 'flat' ? 'M7 4h10l5 8-5 8H7l-5-8z' : 'M12 2l8.7 5v10L12 22l-8.7-5V7z'}
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                />
              </svg>
              {o === 'flat' ? 'Flat top' : 'Pointy top'}
            </button>
          ))}
        </div>
        {!first && (
          <label className="check">
            <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} /> Make it the active map (players see the active map)
          </label>
        )}
        <div className="dlg-actions">
          <button type="button" className="dbtn" onClick={() => done(null)}>
            Cancel
          </button>
          <button type="submit" className="dbtn dbtn-primary" disabled={!valid} data-testid="map-create">
            Create map
          </button>
        </div>
      </form>
    </DialogFrame>
  );
}

function ResizeDialog({ done, width, height }: { done: (v: { width: number; height: number } | null) => void; width: number; height: number }) {
  const [w, setW] = useState(String(width));
  const [h, setH] = useState(String(height));
  const nw = intIn(w, 1, SIZE_MAX);
  const nh = intIn(h, 1, SIZE_MAX);
  const shrinks = nw !== null && nh !== null && (nw < width || nh < height);
  return (
    <DialogFrame title="Resize map" onCancel={() => done(null)} testId="resize-dialog">
      <form
        className="dlg-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (nw !== null && nh !== null) done({ width: nw, height: nh });
        }}
      >
        <p className="muted small">The map grows or shrinks at the right and bottom edges. Painted hexes that still fit are kept.</p>
        <div className="row gap">
          <label className="field grow">
            <span>Width</span>
            <input autoFocus inputMode="numeric" value={w} onChange={(e) => setW(e.target.value)} data-testid="resize-width" />
          </label>
          <label className="field grow">
            <span>Height</span>
            <input inputMode="numeric" value={h} onChange={(e) => setH(e.target.value)} data-testid="resize-height" />
          </label>
        </div>
        {shrinks && <p className="warn-text small">Hexes beyond the new edges, with their labels and notes, are removed.</p>}
        <div className="dlg-actions">
          <button type="button" className="dbtn" onClick={() => done(null)}>
            Cancel
          </button>
          <button type="submit" className="dbtn dbtn-primary" disabled={nw === null || nh === null} data-testid="resize-ok">
            Resize
          </button>
        </div>
      </form>
    </DialogFrame>
  );
}
