// The travel turn's panel (docs/travel.md): the party's clock, pace and weather, one click per
// step (rest, camp, advance, check; moves with the Travel tool on the map), the encounter
// prompts with their rolls, lost and found; the travel log and the rules in dialogs.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PACES, type EncounterPrompt, type Pace, type TravelView } from '../protocol/travel';
import { isLive } from '../protocol/schema';
import { useDm, useDmStore } from './useDm';
import { Section } from './Panels';
import { describeRoll } from './travelLog';
import { openDialog } from './dialogs';
import { TravelLogDialog } from './TravelLog';
import { TravelRulesDialog } from './TravelRules';

const NO_PARTIES: readonly { id: string; name: string }[] = [];
const NO_PROMPTS: readonly EncounterPrompt[] = [];
const PACE_NAMES: Record<Pace, string> = { slow: 'Slow', normal: 'Normal', fast: 'Fast' };
const pad = (n: number) => String(n).padStart(2, '0');

export function clockText(v: Pick<TravelView, 'clock'>): string {
  return `Day ${v.clock.day} · ${v.clock.watchName} ${pad(v.clock.hour)}:${pad(v.clock.minute)}`;
}

export function TravelPanel() {
  const dm = useDmStore();
  const parties = useDm((s) => s.data?.parties) ?? NO_PARTIES;
  const party = useDm(useShallow((s) => s.travelParty()));
  const live = useDm((s) => isLive(s.data?.session?.status));
  const prompts = useDm((s) => s.data?.travel.encounters) ?? NO_PROMPTS;
  const rules = useDm((s) => s.data?.travel.rules ?? null);
  const [watches, setWatches] = useState(1);
  if (!party) return null;
  const t = party.travel;
  const s = dm.getState;
  const weather = t?.weather ?? null;
  const table = rules ? (rules.weather.tables[rules.weather.climate]?.[rules.weather.season] ?? []) : [];
  return (
    <Section
      title="Travel"
      testId="travel-panel"
      extra={
        <div className="row gap">
          <button className="dbtn dbtn-sm" onClick={() => void openDialog<null>((done) => <TravelLogDialog onClose={() => done(null)} />, null)} data-testid="travel-log-open">
            Log
          </button>
          <button
            className="dbtn dbtn-sm"
            disabled={!rules}
            onClick={() => rules && void openDialog<null>((done) => <TravelRulesDialog rules={rules} onClose={() => done(null)} />, null)}
            data-testid="travel-rules-open"
          >
            Rules
          </button>
        </div>
      }
    >
      {parties.length > 1 && (
        <label className="field travel-party">
          <span>Party</span>
          <select value={party.id} onChange={(e) => s().setTravelParty(e.target.value)} data-testid="travel-party">
            {parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="travel-clock-dm" data-testid="travel-clock">
        {t ? clockText(t) : 'Day 1 · —'}
        {t && !t.travelled && <span className="muted small"> (players see no clock until the party travels)</span>}
      </div>
      {t?.lost && (
        <div className="travel-lost" role="status" data-testid="travel-lost">
          <span>
            <b>Lost</b> — the players believe they are at {party.key ?? '—'}; truly at <b data-testid="travel-true">{t.lost.at}</b>
          </span>
          <button className="dbtn dbtn-sm dbtn-primary" disabled={!live} onClick={() => s().travel((partyId) => ({ type: 'travel:found', partyId }), 'declare them found')} data-testid="travel-found">
            Found
          </button>
        </div>
      )}

      <div className="field-label">Pace</div>
      <div className="seg seg-sm" role="radiogroup" aria-label="Pace">
        {PACES.map((p) => (
          <button
            key={p}
            role="radio"
            aria-checked={(t?.pace ?? 'normal') === p}
            className={(t?.pace ?? 'normal') === p ? 'on' : ''}
            onClick={() => s().travel((partyId) => ({ type: 'travel:pace', partyId, pace: p }))}
            data-testid={`travel-pace-${p}`}
          >
            {PACE_NAMES[p]}
          </button>
        ))}
      </div>

      <div className="field-label">Weather</div>
      <div className="travel-weather" data-testid="travel-weather">
        {weather ? (
          <>
            <b>{weather.name}</b>
            {weather.sightPenalty > 0 && <span className="muted"> · sight −{weather.sightPenalty}</span>}
            {weather.paceFactor !== 1 && <span className="muted"> · pace ×{weather.paceFactor}</span>}
            {weather.roll && <span className="muted small"> ({describeRoll(weather.roll)})</span>}
          </>
        ) : (
          <span className="muted">Not rolled yet: the first travel step rolls it.</span>
        )}
      </div>
      <div className="row gap wrap">
        <button className="dbtn dbtn-sm" disabled={!live} onClick={() => s().travel((partyId) => ({ type: 'weather:roll', partyId }), 'roll the weather')} data-testid="weather-roll">
          Roll
        </button>
        {table.length > 0 && (
          <select
            className="travel-select"
            value=""
            aria-label="Choose the weather"
            onChange={(e) => {
              const entry = Number(e.target.value);
              if (e.target.value !== '') s().travel((partyId) => ({ type: 'weather:set', partyId, entry }));
            }}
            data-testid="weather-choose"
          >
            <option value="">Choose…</option>
            {table.map((w, i) => (
              <option key={i} value={i}>
                {w.name}
              </option>
            ))}
          </select>
        )}
        {weather && (
          <label className="check small">
            <input
              type="checkbox"
              checked={weather.shared}
              onChange={(e) => s().travel((partyId) => ({ type: 'weather:set', partyId, shared: e.target.checked }))}
              data-testid="weather-shared"
            />{' '}
            Players see it
          </label>
        )}
      </div>

      <div className="field-label">Time</div>
      <div className="row gap wrap">
        <button className="dbtn dbtn-sm" disabled={!live} onClick={() => s().travel((partyId) => ({ type: 'travel:rest', partyId }), 'rest')} data-testid="travel-rest" title="Rest for one watch">
          Rest
        </button>
        <button
          className="dbtn dbtn-sm"
          disabled={!live}
          onClick={() => s().travel((partyId) => ({ type: 'travel:camp', partyId }), 'camp')}
          data-testid="travel-camp"
          title="Camp until the next morning's first watch"
        >
          Camp
        </button>
        <span className="row gap travel-advance">
          <button
            className="dbtn dbtn-sm"
            disabled={!live}
            onClick={() => s().travel((partyId) => ({ type: 'travel:advance', partyId, watches }), 'let time pass')}
            data-testid="travel-advance"
            title="Move the clock to the start of a later watch"
          >
            Advance
          </button>
          <input
            type="number"
            min={1}
            max={100}
            value={watches}
            onChange={(e) => setWatches(Math.min(100, Math.max(1, Math.trunc(Number(e.target.value) || 1))))}
            aria-label="Watches to advance"
            data-testid="travel-advance-watches"
          />
          <span className="muted small">watch{watches === 1 ? '' : 'es'}</span>
        </span>
        <button className="dbtn dbtn-sm" disabled={!live} onClick={() => s().travel((partyId) => ({ type: 'encounter:check', partyId }), 'check for encounters')} data-testid="encounter-check">
          Check
        </button>
      </div>
      <p className="hint small">Move with the Travel tool (G): click a hex and the party walks there, step by step.</p>

      {prompts.length > 0 && (
        <>
          <div className="field-label">Encounters waiting</div>
          <ul className="travel-prompts" data-testid="encounter-prompts">
            {prompts.map((p) => (
              <PromptRow key={p.id} prompt={p} partyName={parties.find((x) => x.id === p.partyId)?.name ?? ''} />
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}

function PromptRow({ prompt, partyName }: { prompt: EncounterPrompt; partyName: string }) {
  const dm = useDmStore();
  const c = prompt.check;
  const r = c.result;
  const rolls = [c.roll ? `check ${describeRoll(c.roll)}` : '', r?.pick ? `table ${describeRoll(r.pick)}` : '', r?.count ? `number ${describeRoll(r.count)}` : '']
    .filter(Boolean)
    .join(' · ');
  const cmd = dm.getState().command;
  return (
    <li className="travel-prompt" data-testid="encounter-prompt">
      <div className="travel-prompt-what" data-testid="encounter-summary">
        {r?.summary ?? 'An encounter'}
      </div>
      <div className="muted small">
        {partyName && `${partyName} · `}
        {clockText(prompt)} · {c.terrain || 'unpainted'} at {c.at} · {c.reason} check ({c.chance})
      </div>
      <div className="muted small" data-testid="encounter-rolls">
        {rolls}
      </div>
      <div className="row gap">
        <button className="dbtn dbtn-sm dbtn-primary" onClick={() => cmd({ type: 'encounter:place', encounterId: prompt.id })} data-testid="encounter-place" title="A DM-only marker where the party truly is">
          Place marker
        </button>
        <button className="dbtn dbtn-sm" onClick={() => cmd({ type: 'encounter:reroll', encounterId: prompt.id })} data-testid="encounter-reroll">
          Reroll
        </button>
        <button className="dbtn dbtn-sm" onClick={() => cmd({ type: 'encounter:dismiss', encounterId: prompt.id })} data-testid="encounter-dismiss">
          Dismiss
        </button>
      </div>
    </li>
  );
}
