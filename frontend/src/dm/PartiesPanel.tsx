// The Parties panel (docs/dm-ui.md, "Parties and moves"): each party with its colour, name,
// members, reveal mode, token and undo depth; split (a new party of chosen players), assign,
// merge, rename, recolour; tick parties as reveal targets; view the map as a party; the
// campaign's sight rules.
import { useState, type FormEvent } from 'react';
import { LIMITS, PARTY_REVEALS } from '../protocol/constants';
import { isLive, type PartyReveal, type PartyView } from '../protocol/schema';
import { useDm, useDmStore } from './useDm';
import { Section } from './Panels';
import { confirmDialog, DialogFrame, openDialog, promptDialog } from './dialogs';
import { Icon } from './icons';
import { openSightRules } from './SightRules';
import { partyOfPlayer } from './knowledge';
import type { Player } from '../store/session';

export const REVEAL_NAMES: Record<PartyReveal, string> = { sight: 'Sight', hex: 'Own hex', none: 'Nothing' };
const REVEAL_HINTS: Record<PartyReveal, string> = {
  sight: 'Each step explores the hex and glimpses what is seen from it (sight rules)',
  hex: 'Each step explores the hex stepped on, nothing around it',
  none: 'Moves reveal nothing: you narrate, and reveal by hand',
};

/** Colours offered for a new party, in order; the first not in use is suggested. */
const PALETTE = ['#e0a030', '#3070c0', '#c0392b', '#8e44ad', '#16a085', '#d35400', '#2c3e50', '#7f8c8d'];

const NO_PARTIES: readonly PartyView[] = [];

export function PartiesPanel() {
  const dm = useDmStore();
  const parties = useDm((s) => s.data?.parties) ?? NO_PARTIES;
  const players = useDm((s) => s.data?.players);
  const selected = useDm((s) => s.party()?.id ?? null);
  const pickedParties = useDm((s) => s.pickedParties);
  const viewAs = useDm((s) => s.viewAs);
  const live = useDm((s) => isLive(s.data?.session?.status));
  const hasData = useDm((s) => s.data !== null);
  if (!hasData) return null;
  const list = [...(players?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const s = dm.getState;
  return (
    <Section
      title="Parties"
      testId="parties-panel"
      extra={
        <div className="row gap">
          <button className="dbtn dbtn-sm" onClick={openSightRules} data-testid="sight-rules-open" title="How far a party sees from each terrain">
            Sight rules
          </button>
          <button className="dbtn dbtn-sm" onClick={() => openNewParty(parties, list)} data-testid="party-new" title="Split the party: a new party of the players you choose">
            <Icon.plus /> New
          </button>
        </div>
      }
    >
      <ul className="parties-list">
        {parties.map((p) => (
          <PartyRow
            key={p.id}
            party={p}
            parties={parties}
            names={(p.memberIds ?? []).map((id) => players?.get(id)?.name ?? '?')}
            selected={p.id === selected}
            picked={pickedParties.has(p.id)}
            viewing={viewAs === p.id}
            live={live}
          />
        ))}
      </ul>
      {list.length > 0 && (
        <>
          <div className="field-label">Who travels with whom</div>
          <ul className="members-list" data-testid="party-members">
            {list.map((pl) => {
              const mine = partyOfPlayer({ parties }, pl.id);
              return (
                <li key={pl.id} data-testid="member-row" data-player={pl.name}>
                  <span className={pl.online ? 'odot on' : 'odot'} />
                  <span className="pname grow">{pl.name}</span>
                  {mine && <span className="party-dot" style={{ background: mine.color }} />}
                  <select
                    className="travel-select"
                    value={mine?.id ?? ''}
                    onChange={(e) => s().assignPlayers(e.target.value || null, [pl.id])}
                    aria-label={`${pl.name}'s party`}
                    data-testid="member-party"
                  >
                    {parties.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name}
                      </option>
                    ))}
                    <option value="">No party</option>
                  </select>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </Section>
  );
}

function PartyRow(props: { party: PartyView; parties: readonly PartyView[]; names: string[]; selected: boolean; picked: boolean; viewing: boolean; live: boolean }) {
  const dm = useDmStore();
  const { party: p, parties } = props;
  const s = dm.getState;
  const rename = async () => {
    const name = await promptDialog({ title: 'Rename the party', label: 'Name', initial: p.name, confirm: 'Rename', maxLength: LIMITS.maxPartyNameChars });
    if (name && name !== p.name) s().updateParty(p.id, { name });
  };
  const merge = async (intoId: string) => {
    const into = parties.find((x) => x.id === intoId);
    if (!into) return;
    const ok = await confirmDialog({
      title: `Merge ${p.name} into ${into.name}?`,
      message: (
        <p>
          {p.name}'s members join {into.name}, which then knows what both knew. {p.name} is gone, and both parties' move histories end (nothing to undo).
        </p>
      ),
      confirm: 'Merge',
      testId: 'confirm-merge',
    });
    if (ok) s().mergeParty(p.id, intoId);
  };
  return (
    <li className={props.selected ? 'party-row on' : 'party-row'} data-testid="party-row" data-party={p.name}>
      <div className="row gap">
        <label className="party-swatch" style={{ background: p.color }} title="Colour">
          <input type="color" value={p.color} onChange={(e) => s().updateParty(p.id, { color: e.target.value.toLowerCase() })} data-testid="party-color" />
        </label>
        <button className="party-name grow" onClick={() => s().selectParty(p.id)} title="Pick this party for the Party tool and the arrow keys" data-testid="party-select">
          <b>{p.name}</b>
          {p.default && <span className="muted small"> · default</span>}
          <span className="muted small"> · {p.key ?? 'off the map'}</span>
        </button>
        <button className="icon-btn" onClick={() => void rename()} title="Rename" aria-label={`Rename ${p.name}`} data-testid="party-rename">
          ✎
        </button>
        <button
          className={props.viewing ? 'icon-btn on' : 'icon-btn'}
          title={props.viewing ? 'Back to the DM view' : `See the map as ${p.name} knows it`}
          aria-pressed={props.viewing}
          onClick={() => s().setViewAs(props.viewing ? null : p.id)}
          data-testid="party-viewas"
        >
          <Icon.eye />
        </button>
      </div>
      <div className="party-members muted small" data-testid="party-member-names">
        {props.names.length > 0 ? props.names.join(', ') : 'No members'}
      </div>
      <div className="row gap wrap party-actions">
        <label className="check small" title="Reveal and hide to the ticked parties (Reveal tool, target: Parties)">
          <input type="checkbox" checked={props.picked} onChange={() => s().togglePickedParty(p.id)} data-testid="party-pick-target" /> target
        </label>
        <select className="travel-select" value={p.reveal ?? 'sight'} onChange={(e) => s().updateParty(p.id, { reveal: e.target.value as PartyReveal })} title={REVEAL_HINTS[p.reveal ?? 'sight']} aria-label="A move reveals" data-testid="party-reveal">
          {PARTY_REVEALS.map((r) => (
            <option key={r} value={r} title={REVEAL_HINTS[r]}>
              Reveals: {REVEAL_NAMES[r]}
            </option>
          ))}
        </select>
        <button className="dbtn dbtn-sm" disabled={!props.live || (p.undo ?? 0) === 0} onClick={() => s().undoMove(p.id)} title="Take back the last move or placement, with exactly what it revealed" data-testid="party-row-undo">
          Undo{(p.undo ?? 0) > 0 ? ` (${p.undo})` : ''}
        </button>
        {parties.length > 1 && (
          <select className="travel-select" value="" onChange={(e) => e.target.value && void merge(e.target.value)} aria-label={`Merge ${p.name} into`} data-testid="party-merge">
            <option value="">Merge into…</option>
            {parties
              .filter((x) => x.id !== p.id)
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
          </select>
        )}
      </div>
    </li>
  );
}

function openNewParty(parties: readonly PartyView[], players: readonly Player[]): void {
  const color = PALETTE.find((c) => !parties.some((p) => p.color === c)) ?? PALETTE[parties.length % PALETTE.length]!;
  void openDialog<null>((done) => <NewPartyDialog color={color} parties={parties} players={players} done={() => done(null)} />, null);
}

function NewPartyDialog(props: { color: string; parties: readonly PartyView[]; players: readonly Player[]; done: () => void }) {
  const dm = useDmStore();
  const [name, setName] = useState('');
  const [color, setColor] = useState(props.color);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const partyName = (id: string) => partyOfPlayer(props, id)?.name ?? 'no party';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    // In the order of the list: the first chosen player's party is the one whose map it keeps.
    const ids = props.players.filter((p) => chosen.has(p.id)).map((p) => p.id);
    if (dm.getState().createParty(name.trim(), color, ids)) props.done();
  };
  return (
    <DialogFrame title="New party" onCancel={props.done} testId="party-new-dialog">
      <form onSubmit={submit} className="dlg-form">
        <div className="row gap">
          <label className="field grow">
            <span>Name</span>
            <input autoFocus value={name} maxLength={LIMITS.maxPartyNameChars} onChange={(e) => setName(e.target.value)} placeholder="e.g. The Scouts" data-testid="party-new-name" />
          </label>
          <label className="field">
            <span>Colour</span>
            <input type="color" value={color} onChange={(e) => setColor(e.target.value.toLowerCase())} data-testid="party-new-color" />
          </label>
        </div>
        <div className="field-label">Players who go with it (they leave their party; it starts with the map of the first one's)</div>
        {props.players.length === 0 ? (
          <p className="hint">No players yet: the party starts empty; assign players later.</p>
        ) : (
          <ul className="players-list">
            {props.players.map((p) => (
              <li key={p.id}>
                <label className="pick">
                  <input
                    type="checkbox"
                    checked={chosen.has(p.id)}
                    onChange={() => {
                      const next = new Set(chosen);
                      if (next.has(p.id)) next.delete(p.id);
                      else next.add(p.id);
                      setChosen(next);
                    }}
                    data-testid="party-new-player"
                    data-player={p.name}
                  />
                  <span className="pname">{p.name}</span>
                  <span className="muted small">from {partyName(p.id)}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        <div className="dlg-actions">
          <button type="button" className="dbtn" onClick={props.done}>
            Cancel
          </button>
          <button type="submit" className="dbtn dbtn-primary" disabled={!name.trim()} data-testid="party-new-ok">
            Create{chosen.size > 0 ? ` with ${chosen.size}` : ''}
          </button>
        </div>
      </form>
    </DialogFrame>
  );
}
