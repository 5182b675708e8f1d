// The region dialog ("they bought a map"): reveal or hide every hex within N of a hex, every hex
// carrying a label, or the whole map — as explored or glimpsed, to the targets chosen in the tool
// options. Sent like a brush stroke (the console's sweep), so a large region asks first.
import { useMemo, useState } from 'react';
import { parseHexKey, inBounds } from '../hex/coords';
import { DialogFrame, openDialog } from './dialogs';
import { useDm, useDmStore } from './useDm';
import { hexesWithin, labelGroups, MAX_REGION_RADIUS, wholeMap } from './region';
import type { Sweep } from './Console';

type Mode = 'around' | 'label' | 'all';

export function openRegionDialog(kind: 'reveal' | 'hide', sweep: Sweep): void {
  void openDialog<{ keys: string[]; whole: boolean } | null>((done) => <RegionDialog kind={kind} done={done} />, null).then((r) => {
    // Hiding everything always asks, however little anyone knows.
    if (r && r.keys.length > 0) sweep(kind, r.keys, kind === 'hide' && r.whole);
  });
}

function RegionDialog({ kind, done }: { kind: 'reveal' | 'hide'; done: (r: { keys: string[]; whole: boolean } | null) => void }) {
  const dm = useDmStore();
  const map = useDm((s) => s.data?.map ?? null);
  const labels = useDm((s) => s.data?.labels);
  const state = useDm((s) => s.revealState);
  const revealTo = useDm((s) => s.revealTo);
  const [mode, setMode] = useState<Mode>('around');
  const [center, setCenter] = useState(() => {
    const s = dm.getState();
    const p = s.party();
    return s.selected ?? (p ? s.partyKey(p.id) : null) ?? '';
  });
  const [radius, setRadius] = useState(3);
  const groups = useMemo(() => (labels ? labelGroups(labels) : []), [labels]);
  const [label, setLabel] = useState(groups[0]?.label ?? '');
  const at = center.trim();
  const c = parseHexKey(at);
  const centerOk = map !== null && c !== null && inBounds(c, map.width, map.height);
  // Up to the whole map's keys: made again only when the choice changes, not on every render.
  const keys = useMemo(
    () => (!map ? [] : mode === 'around' ? (centerOk ? hexesWithin(map, at, radius) : []) : mode === 'label' ? (groups.find((g) => g.label === label)?.keys ?? []) : wholeMap(map)),
    [map, mode, centerOk, at, radius, groups, label],
  );
  if (!map) return null;
  const who = revealTo === 'all' ? 'everyone' : revealTo === 'parties' ? 'the parties ticked in the Parties panel' : 'the players ticked in the Players panel';
  const verb = kind === 'reveal' ? 'Reveal' : 'Hide';
  return (
    <DialogFrame title={kind === 'reveal' ? 'Reveal a region' : 'Hide a region'} onCancel={() => done(null)} testId="region-dialog">
      <div className="seg seg-sm" role="radiogroup" aria-label="Region">
        <button role="radio" aria-checked={mode === 'around'} className={mode === 'around' ? 'on' : ''} onClick={() => setMode('around')} data-testid="region-around">
          Around a hex
        </button>
        <button role="radio" aria-checked={mode === 'label'} className={mode === 'label' ? 'on' : ''} onClick={() => setMode('label')} disabled={groups.length === 0} data-testid="region-label">
          By label
        </button>
        <button role="radio" aria-checked={mode === 'all'} className={mode === 'all' ? 'on' : ''} onClick={() => setMode('all')} data-testid="region-all">
          Whole map
        </button>
      </div>
      {mode === 'around' && (
        <div className="row gap">
          <label className="field grow">
            <span>Hex (col,row)</span>
            <input value={center} onChange={(e) => setCenter(e.target.value)} aria-invalid={!centerOk} data-testid="region-center" />
          </label>
          <label className="field">
            <span>Within (hexes)</span>
            <input
              type="number"
              min={0}
              max={MAX_REGION_RADIUS}
              value={radius}
              onChange={(e) => setRadius(Math.min(MAX_REGION_RADIUS, Math.max(0, Math.trunc(Number(e.target.value) || 0))))}
              data-testid="region-radius"
            />
          </label>
        </div>
      )}
      {mode === 'label' && (
        <label className="field">
          <span>Every hex labelled</span>
          <select value={label} onChange={(e) => setLabel(e.target.value)} data-testid="region-label-pick">
            {groups.map((g) => (
              <option key={g.label} value={g.label}>
                {g.label} ({g.keys.length})
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'reveal' && (
        <>
          <div className="field-label">As</div>
          <div className="seg seg-sm" role="radiogroup" aria-label="Reveal as">
            <button role="radio" aria-checked={state === 'explored'} className={state === 'explored' ? 'on' : ''} onClick={() => dm.getState().setRevealState('explored')} data-testid="region-explored">
              Explored
            </button>
            <button role="radio" aria-checked={state === 'glimpsed'} className={state === 'glimpsed' ? 'on' : ''} onClick={() => dm.getState().setRevealState('glimpsed')} data-testid="region-glimpsed">
              Glimpsed
            </button>
          </div>
        </>
      )}
      <div className="field-label">{kind === 'reveal' ? 'To' : 'From'}</div>
      <div className="seg seg-sm" role="radiogroup" aria-label="Targets">
        {(
          [
            ['all', 'Everyone'],
            ['parties', 'Ticked parties'],
            ['selected', 'Ticked players'],
          ] as const
        ).map(([t, name]) => (
          <button key={t} role="radio" aria-checked={revealTo === t} className={revealTo === t ? 'on' : ''} onClick={() => dm.getState().setRevealTo(t)} data-testid={`region-to-${t}`}>
            {name}
          </button>
        ))}
      </div>
      <p className="hint" data-testid="region-summary">
        {keys.length} hex{keys.length === 1 ? '' : 'es'} · {kind === 'reveal' ? `as ${state} to ${who}` : `from ${who}`}.
        {kind === 'reveal' && state === 'glimpsed' && ' Glimpsed: terrain only, no labels — a rough map.'}
      </p>
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={() => done(null)}>
          Cancel
        </button>
        <button type="button" className={kind === 'hide' ? 'dbtn dbtn-danger' : 'dbtn dbtn-primary'} disabled={keys.length === 0} onClick={() => done({ keys, whole: mode === 'all' })} data-testid="region-ok">
          {verb} {keys.length}
        </button>
      </div>
    </DialogFrame>
  );
}
