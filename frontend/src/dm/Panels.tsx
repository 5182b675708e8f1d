// The console's side panels: session controls and the staged list, players, the selected hex.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ALL_TERRAINS, TERRAIN_COLORS, TERRAIN_NAMES } from '../hex/terrain';
import { isLive, MAX_LABEL, MAX_NOTES, type StagedChange, type Targets } from '../protocol/schema';
import type { SessionData } from '../store/session';
import { useDm, useDmStore } from './useDm';
import type { Sweep } from './Console';
import { confirmDialog } from './dialogs';
import { HexKnowledge, HexMarkers } from './HexExplore';
import { isStagedLive } from './editor';
import { HexHistorySection, openRecap } from './History';
import { Icon } from './icons';
import { formatCode } from './Invite';
import { COLORS } from './MapPane';

export function Section(props: { title: string; extra?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={props.testId}>
      <header className="panel-head">
        <h3>{props.title}</h3>
        {props.extra}
      </header>
      {props.children}
    </section>
  );
}

const STATUS_TEXT = { waiting: 'Not started', active: 'Live', paused: 'Paused', ended: 'Ended' } as const;

// ------------------------------------------------------------------ session

export function SessionPanel() {
  const dm = useDmStore();
  const data = useDm((s) => s.data);
  const online = useDm((s) => s.connection.kind === 'open');
  if (!data) return null;
  const status = data.session?.status ?? 'waiting';
  const live = isLive(status);
  const cmd = dm.getState().command;
  const end = async () => {
    const staged = data.staged.length;
    const ok = await confirmDialog({
      title: 'End the session?',
      message: (
        <>
          <p>Players see “Session ended”. The map, reveals and notes are kept; a new session can start any time.</p>
          {staged > 0 && <p className="warn-text">The {staged} staged change{staged === 1 ? '' : 's'} not yet published will be discarded.</p>}
        </>
      ),
      confirm: 'End session',
      danger: true,
      testId: 'confirm-end',
    });
    if (ok) cmd({ type: 'session:end' });
  };
  const stagedMode = data.broadcastMode === 'staged';
  return (
    <Section
      title="Session"
      testId="session-panel"
      extra={
        <span className={`chip chip-${status}`} data-testid="session-status" data-status={status}>
          <span className="dot" /> {STATUS_TEXT[status]}
        </span>
      }
    >
      <div className="row gap">
        {(status === 'waiting' || status === 'ended') && (
          <button className="dbtn dbtn-primary grow" disabled={!online} onClick={() => cmd({ type: 'session:start' })} data-testid="session-start">
            <Icon.play /> {status === 'ended' ? 'Start a new session' : 'Start session'}
          </button>
        )}
        {status === 'active' && (
          <button className="dbtn grow" disabled={!online} onClick={() => cmd({ type: 'session:pause' })} data-testid="session-pause">
            <Icon.pause /> Pause
          </button>
        )}
        {status === 'paused' && (
          <button className="dbtn dbtn-primary grow" disabled={!online} onClick={() => cmd({ type: 'session:resume' })} data-testid="session-resume">
            <Icon.play /> Resume
          </button>
        )}
        {live && (
          <button className="dbtn dbtn-danger-ghost" disabled={!online} onClick={() => void end()} data-testid="session-end">
            <Icon.stop /> End
          </button>
        )}
      </div>
      {status === 'ended' && data.session && (
        <button
          className="dbtn dbtn-sm"
          onClick={() => void openRecap(dm.getState().loadRecap(data.session?.id ?? ''))}
          data-testid="session-recap"
        >
          Recap of the session
        </button>
      )}
      <div className="field-label">Changes reach players</div>
      <div className="seg" role="radiogroup" aria-label="Broadcast mode">
        <button
          role="radio"
          aria-checked={!stagedMode}
          className={!stagedMode ? 'on' : ''}
          disabled={!online || (stagedMode && data.staged.length > 0)}
          title={stagedMode && data.staged.length > 0 ? 'Publish or undo the staged changes first' : 'Every change reaches players at once'}
          onClick={() => cmd({ type: 'broadcast:mode', mode: 'immediate' })}
          data-testid="mode-immediate"
        >
          Immediately
        </button>
        <button
          role="radio"
          aria-checked={stagedMode}
          className={stagedMode ? 'on' : ''}
          disabled={!online}
          title="Changes wait in a list until you publish them"
          onClick={() => cmd({ type: 'broadcast:mode', mode: 'staged' })}
          data-testid="mode-staged"
        >
          When I publish
        </button>
      </div>
      {(stagedMode || data.staged.length > 0) && <StagedList data={data} live={live} />}
    </Section>
  );
}

function targetText(t: Targets, data: SessionData): string {
  if (t === 'all') return 'everyone';
  const names =
    'playerIds' in t
      ? t.playerIds.map((id) => data.players.get(id)?.name ?? 'a removed player')
      : t.partyIds.map((id) => data.parties.find((p) => p.id === id)?.name ?? 'a party');
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, 2).join(', ')} +${names.length - 2}`;
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function describeStaged(sc: StagedChange, data: SessionData): { title: string; detail: string; colour: string } {
  switch (sc.kind) {
    case 'reveal':
      return {
        title: `Reveal ${plural(sc.hexKeys.length, 'hex')}`.replace('hexs', 'hexes'),
        detail: `${sc.state === 'glimpsed' ? 'glimpsed ' : ''}to ${targetText(sc.targets, data)}`,
        colour: COLORS.stagedReveal,
      };
    case 'hide':
      return { title: `Hide ${plural(sc.hexKeys.length, 'hex')}`.replace('hexs', 'hexes'), detail: `from ${targetText(sc.targets, data)}`, colour: COLORS.stagedHide };
    case 'place': {
      const name = data.parties.find((p) => p.id === sc.partyId)?.name ?? 'a party';
      return { title: sc.key ? `Place ${name}` : `Take ${name} off the map`, detail: sc.key ? `at ${sc.key}${sc.reveal ? ', revealing' : ''}` : '', colour: COLORS.stagedUpdate };
    }
    case 'move': {
      const name = data.parties.find((p) => p.id === sc.partyId)?.name ?? 'a party';
      return { title: `Move ${name}`, detail: `${plural(sc.path.length, 'step')} to ${sc.path[sc.path.length - 1] ?? ''}`, colour: COLORS.stagedUpdate };
    }
    case 'update': {
      const terrains = new Set(sc.changes.flatMap((c) => (c.terrain !== undefined ? [c.terrain] : [])));
      const labels = sc.changes.filter((c) => c.label !== undefined);
      if (labels.length === 1 && terrains.size === 0) {
        const l = labels[0]!;
        return { title: l.label ? `Label “${l.label}”` : 'Remove a label', detail: `at ${l.key}`, colour: COLORS.stagedUpdate };
      }
      const what = terrains.size === 1 ? TERRAIN_NAMES[[...terrains][0]!] : terrains.size > 1 ? 'mixed terrain' : 'labels';
      return { title: `Paint ${plural(sc.changes.length, 'hex')}`.replace('hexs', 'hexes'), detail: what.toLowerCase(), colour: COLORS.stagedUpdate };
    }
  }
}

function StagedList({ data, live }: { data: SessionData; live: boolean }) {
  const dm = useDmStore();
  const staged = data.staged;
  return (
    <div className="staged" data-testid="staged-list">
      <div className="staged-head">
        <span>
          Staged <b data-testid="staged-count">{staged.length}</b>
        </span>
        <button
          className="dbtn dbtn-primary dbtn-sm"
          disabled={staged.length === 0 || !live}
          title={live ? 'Send every staged change to the players now' : 'Start the session to publish'}
          onClick={() => dm.getState().command({ type: 'broadcast:publish' })}
          data-testid="publish"
        >
          Publish{staged.length > 0 ? ` ${staged.length}` : ''}
        </button>
      </div>
      {staged.length === 0 ? (
        <p className="hint">{live ? 'Reveals, hides, party moves and map edits wait here until you publish them.' : 'Staging applies during a live session; outside one, edits save at once.'}</p>
      ) : (
        <ol className="staged-items">
          {staged.map((sc, i) => {
            const d = describeStaged(sc, data);
            return (
              <li key={sc.id} data-testid="staged-item" data-kind={sc.kind}>
                <span className="staged-dot" style={{ background: d.colour }} />
                <span className="staged-text">
                  <b>{d.title}</b> <span className="muted">{d.detail}</span>
                </span>
                <button
                  className="icon-btn"
                  title="Undo this staged change"
                  aria-label={`Undo ${d.title}`}
                  onClick={() => dm.getState().command({ type: 'staged:undo', index: i })}
                  data-testid="staged-undo"
                >
                  <Icon.x />
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ players

export function PlayersPanel(props: { onInvite: () => void; onRevoke: (ids: string[], names: string[]) => void }) {
  const dm = useDmStore();
  const players = useDm((s) => s.data?.players);
  const picked = useDm((s) => s.picked);
  const viewAs = useDm((s) => s.viewAs);
  const removed = useDm((s) => s.removed);
  const invite = useDm((s) => s.joinInvite);
  const list = [...(players?.values() ?? [])].filter((p) => !removed.has(p.id));
  list.sort((a, b) => a.name.localeCompare(b.name));
  const online = list.filter((p) => p.online);
  const offline = list.filter((p) => !p.online);
  const row = (p: (typeof list)[number]) => (
    <li key={p.id} data-testid="player-row" data-player={p.name} data-online={p.online}>
      <label className="pick" title="Select for reveal and hide">
        <input type="checkbox" checked={picked.has(p.id)} onChange={() => dm.getState().togglePicked(p.id)} data-testid="player-pick" />
        <span className={p.online ? 'odot on' : 'odot'} />
        <span className="pname">{p.name}</span>
      </label>
      <button
        className={viewAs === p.id ? 'icon-btn on' : 'icon-btn'}
        title={viewAs === p.id ? 'Back to the DM view' : `See exactly what ${p.name} sees`}
        aria-pressed={viewAs === p.id}
        onClick={() => dm.getState().setViewAs(viewAs === p.id ? null : p.id)}
        data-testid="player-viewas"
      >
        <Icon.eye />
      </button>
      <button className="icon-btn danger" title={`Remove ${p.name} from the campaign`} onClick={() => props.onRevoke([p.id], [p.name])} data-testid="player-revoke">
        <Icon.x />
      </button>
    </li>
  );
  return (
    <Section
      title="Players"
      testId="players-panel"
      extra={
        <span className="muted small" data-testid="online-count">
          {online.length}/{list.length} online
        </span>
      }
    >
      {list.length === 0 ? (
        <p className="hint">No one has joined yet. Invite your players: they scan a QR code or type a short code.</p>
      ) : (
        <>
          {online.length > 0 ? <ul className="players-list">{online.map(row)}</ul> : <p className="hint">No one is online.</p>}
          {offline.length > 0 && (
            // Folded: a table keeps its seats across evenings, and a leaked code can leave dozens.
            <details className="players-offline" data-testid="players-offline" open={offline.length <= OFFLINE_SHOWN}>
              <summary>
                {offline.length} offline
                <button
                  className="dbtn dbtn-small dbtn-danger-ghost"
                  title="Remove every player who is offline now"
                  onClick={(e) => {
                    e.preventDefault();
                    props.onRevoke(
                      offline.map((p) => p.id),
                      offline.map((p) => p.name),
                    );
                  }}
                  data-testid="revoke-offline"
                >
                  Remove all offline…
                </button>
              </summary>
              <ul className="players-list">{offline.map(row)}</ul>
            </details>
          )}
        </>
      )}
      {invite && (
        <div className="join-code" data-testid="join-code" data-code={invite.code} title="Players type this at the hub's address (Invite players shows the QR code and links)">
          <span className="muted small">Join code</span>
          <b>{formatCode(invite.code)}</b>
        </div>
      )}
      <button className="dbtn grow" onClick={props.onInvite} data-testid="invite-open">
        <Icon.plus /> Invite players
      </button>
    </Section>
  );
}

/** Up to this many offline players are listed open; more are folded until the DM opens them. */
const OFFLINE_SHOWN = 6;

// ------------------------------------------------------------------ selected hex

export function HexPanel(props: { sweep: Sweep }) {
  const dm = useDmStore();
  const key = useDm((s) => s.selected);
  const data = useDm((s) => s.data);
  const cur = useDm(useShallow((s) => (key ? s.hexAt(key) : null)));
  const revealTo = useDm((s) => s.revealTo);
  const [label, setLabel] = useState('');
  const [notes, setNotes] = useState('');
  // A different hex, or the hub changed this one: show its values (set while rendering, so the
  // fields never show one hex's text under another's title).
  const [labelOf, setLabelOf] = useState<[string | null, string | undefined]>([null, undefined]);
  if (labelOf[0] !== key || labelOf[1] !== cur?.label) {
    setLabelOf([key, cur?.label]);
    setLabel(cur?.label ?? '');
  }
  const [notesOf, setNotesOf] = useState<[string | null, string | undefined]>([null, undefined]);
  if (notesOf[0] !== key || notesOf[1] !== cur?.notes) {
    setNotesOf([key, cur?.notes]);
    setNotes(cur?.notes ?? '');
  }
  // Typed but not yet saved (no Enter, no blur) when another hex gets selected: save it for the
  // hex it was typed on rather than losing it.
  const draft = useRef<{ key: string; label?: string; notes?: string } | null>(null);
  useEffect(() => {
    const d = draft.current;
    if (!d || d.key === key) return;
    draft.current = null;
    const s = dm.getState();
    const was = s.hexAt(d.key);
    if (d.label !== undefined && d.label !== was.label) s.editHexes(`Label ${d.key}`, [d.key], { label: d.label });
    if (d.notes !== undefined && d.notes !== was.notes) s.editHexes(`Notes ${d.key}`, [d.key], { notes: d.notes });
  }, [key, dm]);
  const typed = (f: 'label' | 'notes', v: string) => {
    if (!key) return;
    draft.current = { ...(draft.current?.key === key ? draft.current : { key }), [f]: v };
    (f === 'label' ? setLabel : setNotes)(v);
  };
  if (!key || !cur || !data?.map) {
    return (
      <Section title="Hex" testId="hex-panel">
        <p className="hint">Select a hex (S, then click) to name it and keep notes.</p>
      </Section>
    );
  }
  const saveLabel = () => {
    if (draft.current?.key === key) delete draft.current.label;
    if (label !== cur.label) dm.getState().editHexes(label ? `Label ${key}` : `Remove label ${key}`, [key], { label });
  };
  const saveNotes = () => {
    if (draft.current?.key === key) delete draft.current.notes;
    if (notes !== cur.notes) dm.getState().editHexes(`Notes ${key}`, [key], { notes });
  };
  const live = isLive(data.session?.status);
  const staged = isStagedLive(data);
  return (
    <Section title={`Hex ${key}`} testId="hex-panel" extra={<span className="muted small">{cur.terrain ? TERRAIN_NAMES[cur.terrain] : 'Unpainted'}</span>}>
      <div className="terrain-mini" role="radiogroup" aria-label="Terrain of this hex">
        {ALL_TERRAINS.map((t) => (
          <button
            key={t || 'none'}
            role="radio"
            aria-checked={cur.terrain === t}
            className={cur.terrain === t ? 'on' : ''}
            style={{ background: TERRAIN_COLORS[t] }}
            title={TERRAIN_NAMES[t]}
            onClick={() => dm.getState().editHexes(`Paint ${key}`, [key], { terrain: t })}
          />
        ))}
      </div>
      <label className="field">
        <span>Label {staged && <em className="muted">(staged)</em>}</span>
        <input
          value={label}
          maxLength={MAX_LABEL}
          placeholder="e.g. Old Mill"
          onChange={(e) => typed('label', e.target.value)}
          onBlur={saveLabel}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              saveLabel();
            } else if (e.key === 'Escape') {
              if (draft.current?.key === key) delete draft.current.label;
              setLabel(cur.label);
            }
          }}
          data-testid="hex-label"
        />
      </label>
      <label className="field">
        <span>
          DM notes <em className="muted">only you see these</em>
        </span>
        <textarea
          value={notes}
          maxLength={MAX_NOTES}
          rows={5}
          placeholder="Encounters, secrets, treasure…"
          onChange={(e) => typed('notes', e.target.value)}
          onBlur={saveNotes}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              saveNotes();
            }
          }}
          data-testid="hex-notes"
        />
      </label>
      <HexKnowledge hexKey={key} />
      {live && (
        <div className="row gap wrap">
          <button className="dbtn dbtn-sm" onClick={() => props.sweep('reveal', [key])}>
            Reveal
          </button>
          <button className="dbtn dbtn-sm" onClick={() => props.sweep('hide', [key])}>
            Hide
          </button>
          <button className="dbtn dbtn-sm" onClick={() => dm.getState().moveToken(key)} title="Put the picked party's token here, revealing nothing" data-testid="hex-party-here">
            Party here
          </button>
        </div>
      )}
      <HexMarkers hexKey={key} />
      <p className="hint small">{revealTo === 'selected' ? 'Reveal and hide apply to the selected players.' : ''}</p>
      <HexHistorySection hexKey={key} />
    </Section>
  );
}
