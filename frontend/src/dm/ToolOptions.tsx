// The bar over the map for the tool in hand: reveal/hide (state, targets, region), the Party tool
// (which party, move or place, reveal on arrival, undo, take off the map) and the Marker tool
// (kind, label, who sees it).
import { isLive, MAX_LABEL, type MarkerKind } from '../protocol/schema';
import { MARKER_KINDS } from '../protocol/constants';
import { useDm, useDmStore } from './useDm';
import { openRegionDialog } from './RegionReveal';
import type { Sweep } from './Console';

export const MARKER_NAMES: Record<MarkerKind, string> = {
  monster: 'Monster',
  camp: 'Camp',
  npc: 'NPC',
  treasure: 'Treasure',
  danger: 'Danger',
  poi: 'Point of interest',
};

export function ToolOptions({ sweep }: { sweep: Sweep }) {
  const tool = useDm((s) => s.tool);
  const viewAs = useDm((s) => s.viewAs);
  const status = useDm((s) => s.data?.session?.status ?? 'waiting');
  const mode = useDm((s) => s.data?.broadcastMode);
  if (viewAs) return null;
  const live = isLive(status);
  if (tool !== 'reveal' && tool !== 'hide' && tool !== 'token' && tool !== 'marker') return null;
  return (
    <div className="tool-opts" data-testid="tool-options">
      {!live && (tool === 'reveal' || tool === 'hide') && <span className="warn-text">Start the session to {tool} hexes.</span>}
      {live && (tool === 'reveal' || tool === 'hide') && <RevealOptions kind={tool} sweep={sweep} />}
      {tool === 'token' && <PartyOptions live={live} />}
      {tool === 'marker' && <MarkerOptions />}
      {live && mode === 'staged' && tool !== 'marker' && <span className="staged-tag">staged</span>}
    </div>
  );
}

function RevealOptions({ kind, sweep }: { kind: 'reveal' | 'hide'; sweep: Sweep }) {
  const dm = useDmStore();
  const revealTo = useDm((s) => s.revealTo);
  const state = useDm((s) => s.revealState);
  const picked = useDm((s) => s.picked);
  const pickedParties = useDm((s) => s.pickedParties);
  const players = useDm((s) => s.data?.players);
  const parties = useDm((s) => s.data?.parties);
  const names = [...picked].map((id) => players?.get(id)?.name).filter(Boolean);
  const partyNames = [...pickedParties].map((id) => parties?.find((p) => p.id === id)?.name).filter(Boolean);
  const list = (xs: unknown[], none: string, many: string) => (xs.length === 0 ? none : xs.length <= 2 ? xs.join(', ') : `${xs.length} ${many}`);
  return (
    <>
      {kind === 'reveal' && (
        <div className="seg seg-sm" role="radiogroup" aria-label="Reveal as">
          <button role="radio" aria-checked={state === 'explored'} className={state === 'explored' ? 'on' : ''} onClick={() => dm.getState().setRevealState('explored')} data-testid="reveal-explored" title="Terrain, label, markers: as if they had been there">
            Explored
          </button>
          <button role="radio" aria-checked={state === 'glimpsed'} className={state === 'glimpsed' ? 'on' : ''} onClick={() => dm.getState().setRevealState('glimpsed')} data-testid="reveal-glimpsed" title="Terrain only, drawn muted: seen from afar, a rough map">
            Glimpsed
          </button>
        </div>
      )}
      <span className="muted">{kind === 'reveal' ? 'to' : 'from'}</span>
      <div className="seg seg-sm">
        <button className={revealTo === 'all' ? 'on' : ''} onClick={() => dm.getState().setRevealTo('all')} data-testid="target-all">
          Everyone
        </button>
        <button className={revealTo === 'parties' ? 'on' : ''} onClick={() => dm.getState().setRevealTo('parties')} data-testid="target-parties" title="Tick parties in the Parties panel">
          {list(partyNames, 'Parties', 'parties')}
        </button>
        <button className={revealTo === 'selected' ? 'on' : ''} onClick={() => dm.getState().setRevealTo('selected')} data-testid="target-selected" title="Tick players in the Players panel">
          {list(names, 'Selected players', 'players')}
        </button>
      </div>
      {revealTo === 'selected' && names.length === 0 && <span className="warn-text small">Tick players in the Players panel</span>}
      {revealTo === 'parties' && partyNames.length === 0 && <span className="warn-text small">Tick parties in the Parties panel</span>}
      <button className="dbtn dbtn-sm" onClick={() => openRegionDialog(kind, sweep)} data-testid="region-open" title={kind === 'reveal' ? 'Every hex within N of a hex, or every hex with a label' : 'An area, or every hex'}>
        {kind === 'reveal' ? 'Region…' : 'Hide region…'}
      </button>
    </>
  );
}

function PartyOptions({ live }: { live: boolean }) {
  const dm = useDmStore();
  const parties = useDm((s) => s.data?.parties);
  const party = useDm((s) => s.party());
  const partyMode = useDm((s) => s.partyMode);
  const placeReveal = useDm((s) => s.placeReveal);
  const key = useDm((s) => (party ? s.partyKey(party.id) : null));
  if (!party) return <span className="muted">No party yet: create one in the Parties panel.</span>;
  const place = partyMode === 'place' || key === null;
  return (
    <>
      {(parties?.length ?? 0) > 1 ? (
        <select className="travel-select" value={party.id} onChange={(e) => dm.getState().selectParty(e.target.value)} aria-label="Party to move" data-testid="party-pick">
          {parties!.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      ) : (
        <b>{party.name}</b>
      )}
      <div className="seg seg-sm" role="radiogroup" aria-label="Party tool">
        <button role="radio" aria-checked={partyMode === 'move'} className={partyMode === 'move' ? 'on' : ''} onClick={() => dm.getState().setPartyMode('move')} data-testid="party-mode-move" title="Click a neighbour, drag a path or use the arrow keys: each step reveals by the party's mode">
          Move
        </button>
        <button role="radio" aria-checked={partyMode === 'place'} className={partyMode === 'place' ? 'on' : ''} onClick={() => dm.getState().setPartyMode('place')} data-testid="party-mode-place" title="Click a hex: the token jumps there">
          Place
        </button>
      </div>
      {place && (
        <label className="check small" title="The hex reveals as one step of a move would">
          <input type="checkbox" checked={placeReveal} onChange={(e) => dm.getState().setPlaceReveal(e.target.checked)} data-testid="place-reveal" /> reveal on arrival
        </label>
      )}
      <span className="muted small">{key ? `at ${key}` : 'off the map'}</span>
      {!live && <span className="warn-text small">Moves need a live session</span>}
      <button className="dbtn dbtn-sm" disabled={!live || (party.undo ?? 0) === 0} onClick={() => dm.getState().undoMove()} title="Take back the last move (U)" data-testid="party-undo">
        Undo move{(party.undo ?? 0) > 0 ? ` (${party.undo})` : ''}
      </button>
      {key && (
        <button className="dbtn dbtn-sm" onClick={() => dm.getState().placeParty(null, false)} data-testid="party-remove">
          Take off map
        </button>
      )}
    </>
  );
}

function MarkerOptions() {
  const dm = useDmStore();
  const kind = useDm((s) => s.markerKind);
  const label = useDm((s) => s.markerLabel);
  const vis = useDm((s) => s.markerVisibility);
  return (
    <>
      <select className="travel-select" value={kind} onChange={(e) => dm.getState().setMarkerKind(e.target.value as MarkerKind)} aria-label="Marker kind" data-testid="marker-kind">
        {MARKER_KINDS.map((k) => (
          <option key={k} value={k}>
            {MARKER_NAMES[k]}
          </option>
        ))}
      </select>
      <input className="opt-input" value={label} maxLength={MAX_LABEL} placeholder="Label (e.g. Goblin camp)" onChange={(e) => dm.getState().setMarkerLabel(e.target.value)} data-testid="marker-label" />
      <div className="seg seg-sm" role="radiogroup" aria-label="Who sees it">
        <button role="radio" aria-checked={vis === 'dm'} className={vis === 'dm' ? 'on' : ''} onClick={() => dm.getState().setMarkerVisibility('dm')} data-testid="marker-vis-dm">
          Only me
        </button>
        <button role="radio" aria-checked={vis === 'players'} className={vis === 'players' ? 'on' : ''} onClick={() => dm.getState().setMarkerVisibility('players')} data-testid="marker-vis-players" title="Players who explored its hex">
          Players
        </button>
      </div>
    </>
  );
}
