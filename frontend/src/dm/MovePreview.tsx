// The Party tool's preview: while the DM hovers a hex (or drags a path), what the move would
// reveal to the party — the steps it would explore and the hexes it would glimpse, by the
// campaign's sight rules on the DM's grid — drawn on the map and counted in a note, before
// anything is sent.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_SIGHT_RULES } from '../hex/sight';
import { partyLevels } from './knowledge';
import { clickPath, previewMove, type MovePreview } from './moves';
import { useDm } from './useDm';

export interface PartyPreview {
  partyId: string;
  color: string;
  /** where the party stands now (after staged moves), null off the map */
  from: string | null;
  /** the steps the move would take (a placement: the one hex) */
  path: string[];
  place: boolean;
  preview: MovePreview;
}

const NOTHING: MovePreview = { explored: [], glimpsed: [] };

export function usePartyPreview(): PartyPreview | null {
  const active = useDm((s) => s.tool === 'token' && s.viewAs === null && s.data?.map != null);
  const hover = useDm((s) => s.hover);
  const dragPath = useDm((s) => s.dragPath);
  const mode = useDm((s) => s.partyMode);
  const placeReveal = useDm((s) => s.placeReveal);
  const party = useDm(useShallow((s) => {
    const p = active ? s.party() : null;
    return p ? { id: p.id, color: p.color, reveal: p.reveal ?? 'sight', from: s.partyKey(p.id) } : null;
  }));
  const map = useDm((s) => s.data?.map ?? null);
  const cells = useDm((s) => s.data?.cells);
  const revealedAll = useDm((s) => s.data?.revealedAll ?? null);
  const partyKnown = useDm((s) => s.data?.partyKnown);
  const rules = useDm((s) => s.data?.sightRules ?? DEFAULT_SIGHT_RULES);
  const penalty = useDm((s) => (party ? (s.data?.travel.parties.get(party.id)?.weather?.sightPenalty ?? 0) : 0));
  // The party's knowledge changes with reveals, not with the pointer: kept across hovers.
  const partyId = party?.id ?? null;
  const known = useMemo(
    () => (partyId !== null && map && partyKnown ? partyLevels({ map, revealedAll, partyKnown, revealedTo: new Map(), parties: [], players: new Map() }, partyId) : null),
    [partyId, map, revealedAll, partyKnown],
  );
  return useMemo(() => {
    if (!party || !map || !cells || !known) return null;
    const place = mode === 'place' || party.from === null;
    let path: string[];
    if (dragPath !== null) path = [...dragPath];
    else if (!hover) return null;
    else path = place ? [hover] : clickPath(party.from!, hover, map.orientation);
    if (path.length === 0) return null;
    const reveals = !place || placeReveal;
    const preview = reveals ? previewMove(map, cells, known, place ? path.slice(-1) : path, party.reveal, rules, penalty) : NOTHING;
    return { partyId: party.id, color: party.color, from: party.from, path, place, preview };
  }, [party, map, cells, known, rules, penalty, hover, dragPath, mode, placeReveal]);
}

/** The counts under the tool options: what the hovered move would reveal. */
export function PreviewNote({ preview }: { preview: PartyPreview | null }) {
  const name = useDm((s) => (preview ? s.data?.parties.find((p) => p.id === preview.partyId)?.name : undefined));
  if (!preview || !name) return null;
  const { explored, glimpsed } = preview.preview;
  const steps = preview.place ? `Place ${name} at ${preview.path[0]}` : `${name}: ${preview.path.length} step${preview.path.length === 1 ? '' : 's'}`;
  const what =
    explored.length + glimpsed.length === 0
      ? 'reveals nothing new'
      : `reveals ${explored.length} explored, ${glimpsed.length} glimpsed`;
  return (
    <div className="move-note" data-testid="move-preview" data-explored={explored.length} data-glimpsed={glimpsed.length}>
      {steps} · {what}
    </div>
  );
}
