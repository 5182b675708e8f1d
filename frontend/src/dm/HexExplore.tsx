// The Hex panel's exploration part: who knows the selected hex and how well (everyone, each
// party, players privately; explored or glimpsed), and its markers — kind, label, who sees them,
// removed or moved (drag with the Marker tool), a new one added.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { MARKER_KINDS } from '../protocol/constants';
import { MAX_LABEL, type MarkerKind, type MarkerView } from '../protocol/schema';
import { knownBy } from './knowledge';
import { useDm, useDmStore } from './useDm';
import { MARKER_NAMES } from './ToolOptions';
import { MARKER_COLORS } from '../render/marks';
import { Icon } from './icons';

const LEVEL_NAMES = ['unknown', 'glimpsed', 'explored'];

export function HexKnowledge({ hexKey }: { hexKey: string }) {
  const k = useDm(
    useShallow((s) => {
      const d = s.data;
      if (!d) return null;
      const kb = knownBy(d, hexKey);
      const party = (id: string) => d.parties.find((p) => p.id === id)?.name ?? '?';
      const player = (id: string) => d.players.get(id)?.name ?? '?';
      return {
        all: kb.all,
        text: [...kb.parties.map((p) => `${party(p.id)} ${LEVEL_NAMES[p.level]}`), ...kb.players.map((p) => `${player(p.id)} ${LEVEL_NAMES[p.level]}`)].join(' · '),
      };
    }),
  );
  if (!k) return null;
  return (
    <div className="seen" data-testid="hex-seen">
      {k.all > 0 ? (
        <>
          <b>Everyone</b>: {LEVEL_NAMES[k.all]}
          {k.text && <> · {k.text}</>}
        </>
      ) : k.text ? (
        <>Known to {k.text}</>
      ) : (
        <>Hidden from all players</>
      )}
    </div>
  );
}

const NO_MARKERS: readonly MarkerView[] = [];

export function HexMarkers({ hexKey }: { hexKey: string }) {
  const dm = useDmStore();
  const all = useDm((s) => s.data?.markers) ?? NO_MARKERS;
  const markerId = useDm((s) => s.markerId);
  const here = all.filter((m) => m.key === hexKey);
  return (
    <div className="hex-markers" data-testid="hex-markers">
      <div className="field-label">Markers</div>
      {here.length === 0 && <p className="hint small">None here. The Marker tool (M) places one with a click.</p>}
      <ul className="marker-list">
        {here.map((m) => (
          <MarkerRow key={m.id} marker={m} selected={m.id === markerId} />
        ))}
      </ul>
      <button className="dbtn dbtn-sm" onClick={() => dm.getState().placeMarker(hexKey)} data-testid="marker-add" title="A marker of the kind, label and visibility set in the Marker tool's bar">
        <Icon.plus /> Add marker
      </button>
    </div>
  );
}

function MarkerRow({ marker: m, selected }: { marker: MarkerView; selected: boolean }) {
  const dm = useDmStore();
  const [label, setLabel] = useState(m.label);
  const [labelOf, setLabelOf] = useState(m.label);
  if (labelOf !== m.label) {
    setLabelOf(m.label);
    setLabel(m.label);
  }
  const s = dm.getState;
  const saveLabel = () => {
    if (label.trim() !== m.label) s().updateMarker(m.id, { label: label.trim() });
  };
  const shown = m.visibility === 'players';
  return (
    <li className={selected ? 'marker-row on' : 'marker-row'} data-testid="marker-row" data-kind={m.kind} onFocus={() => s().selectMarker(m.id)}>
      <span className="marker-dot" style={{ background: MARKER_COLORS[m.kind] }} />
      <select className="travel-select" value={m.kind} onChange={(e) => s().updateMarker(m.id, { kind: e.target.value as MarkerKind })} aria-label="Kind" data-testid="marker-row-kind">
        {MARKER_KINDS.map((k) => (
          <option key={k} value={k}>
            {MARKER_NAMES[k]}
          </option>
        ))}
      </select>
      <input
        className="opt-input grow"
        value={label}
        maxLength={MAX_LABEL}
        placeholder="Label"
        onChange={(e) => setLabel(e.target.value)}
        onBlur={saveLabel}
        onKeyDown={(e) => {
          if (e.key === 'Enter') saveLabel();
        }}
        data-testid="marker-row-label"
      />
      <button
        className={shown ? 'icon-btn on' : 'icon-btn'}
        aria-pressed={shown}
        title={shown ? 'Players who explored this hex see it: click to hide it from them' : 'Only you see it: click to show it to players who explored this hex'}
        onClick={() => s().updateMarker(m.id, { visibility: shown ? 'dm' : 'players' })}
        data-testid="marker-row-visibility"
      >
        <Icon.eye />
      </button>
      <button className="icon-btn danger" title="Remove the marker" onClick={() => s().removeMarker(m.id)} data-testid="marker-row-remove">
        <Icon.x />
      </button>
    </li>
  );
}
