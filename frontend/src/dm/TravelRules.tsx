// The campaign's travel rules, edited (docs/travel.md): the clock's watches and when to check
// for encounters; per terrain the time of a hex at each pace and the chances of getting lost and
// of an encounter; the encounter tables; the weather and its tables. Saved with travel:rules: the
// hub checks everything and names the entry when something is wrong.
import { useEffect, useRef, useState } from 'react';
import { ALL_TERRAINS, TERRAIN_NAMES } from '../hex/terrain';
import { PACES, SEASONS, type Pace, type PaceMinutes, type Season, type TravelRules } from '../protocol/travel';
import type { Terrain } from '../protocol/schema';
import { DialogFrame } from './dialogs';
import { useDmStore } from './useDm';
import { encounterText, parseEncounters, parseWatches, parseWeather, watchesText, weatherText } from './travelRulesForm';

type Tab = 'clock' | 'terrain' | 'encounters' | 'weather';
const TABS: { id: Tab; name: string }[] = [
  { id: 'clock', name: 'Clock & checks' },
  { id: 'terrain', name: 'Terrain' },
  { id: 'encounters', name: 'Encounter tables' },
  { id: 'weather', name: 'Weather' },
];

const terrainName = (t: Terrain) => (t ? TERRAIN_NAMES[t] : 'Unpainted');

export function TravelRulesDialog({ rules, onClose }: { rules: TravelRules; onClose: () => void }) {
  const dm = useDmStore();
  const [draft, setDraft] = useState<TravelRules>(() => structuredClone(rules));
  const [tab, setTab] = useState<Tab>('clock');
  const [watches, setWatches] = useState(() => watchesText(rules.calendar.watches));
  const [encTerrain, setEncTerrain] = useState<Terrain>('forest');
  const [encTexts, setEncTexts] = useState<Partial<Record<Terrain, string>>>(() => {
    const out: Partial<Record<Terrain, string>> = {};
    for (const t of ALL_TERRAINS) out[t] = encounterText(rules.encounters.tables[t] ?? []);
    return out;
  });
  const [wxClimate, setWxClimate] = useState(rules.weather.climate);
  const [wxSeason, setWxSeason] = useState<Season>(rules.weather.season);
  const [wxTexts, setWxTexts] = useState<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    for (const [c, seasons] of Object.entries(rules.weather.tables)) for (const s of SEASONS) out[`${c}/${s}`] = weatherText(seasons[s] ?? []);
    return out;
  });
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  const unsub = useRef<(() => void) | null>(null);
  useEffect(() => () => unsub.current?.(), []);

  const set = (f: (r: TravelRules) => void) =>
    setDraft((d) => {
      const next = structuredClone(d);
      f(next);
      return next;
    });

  const save = () => {
    const w = parseWatches(watches);
    if (!w.ok) return fail(w.error, 'clock');
    const out = structuredClone(draft);
    out.calendar.watches = w.value;
    for (const t of ALL_TERRAINS) {
      const p = parseEncounters(encTexts[t] ?? '');
      if (!p.ok) return fail(`${terrainName(t)} encounters: ${p.error}`, 'encounters', () => setEncTerrain(t));
      out.encounters.tables[t] = p.value;
    }
    for (const [key, text] of Object.entries(wxTexts)) {
      const p = parseWeather(text);
      const [c, s] = key.split('/') as [string, Season];
      if (!p.ok) return fail(`${c}, ${s}: ${p.error}`, 'weather', () => (setWxClimate(c), setWxSeason(s)));
      (out.weather.tables[c] ??= {})[s] = p.value;
    }
    const s = dm.getState();
    const before = s.data?.travel.rules;
    const errors = s.errors.length;
    setError('');
    setSaving(true);
    unsub.current?.();
    unsub.current = dm.subscribe((st) => {
      if (st.data?.travel.rules && st.data.travel.rules !== before) {
        unsub.current?.();
        onClose();
      } else if (st.errors.length > errors || (st.errors.length === 20 && st.errors.at(-1) !== s.errors.at(-1))) {
        unsub.current?.();
        setSaving(false);
        setError(st.errors.at(-1)?.message ?? 'The hub refused the rules.');
      }
    });
    if (!s.command({ type: 'travel:rules', rules: out })) {
      unsub.current?.();
      setSaving(false);
      setError('Not connected to the hub.');
    }
  };
  const fail = (msg: string, where: Tab, then?: () => void) => {
    setError(msg);
    setTab(where);
    then?.();
  };

  const climates = Object.keys(draft.weather.tables);
  const minutes = (t: PaceMinutes | undefined, p: Pace) => t?.[p] ?? 0;
  return (
    <DialogFrame title="Travel rules" testId="travel-rules" onCancel={onClose} wide>
      <div className="seg seg-sm travel-tabs" role="tablist">
        {TABS.map((x) => (
          <button key={x.id} role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'on' : ''} onClick={() => setTab(x.id)} data-testid={`travel-rules-tab-${x.id}`}>
            {x.name}
          </button>
        ))}
      </div>
      <div className="travel-rules-body">
        {tab === 'clock' && (
          <>
            <label className="field">
              <span>
                Watches <em>one per line: name, then hours (24 in all)</em>
              </span>
              <textarea value={watches} onChange={(e) => setWatches(e.target.value)} rows={7} data-testid="travel-rules-watches" />
            </label>
            <label className="field">
              <span>The first watch starts at (hour)</span>
              <input
                type="number"
                min={0}
                max={23}
                value={draft.calendar.firstWatchStarts}
                onChange={(e) => set((r) => (r.calendar.firstWatchStarts = Math.trunc(Number(e.target.value) || 0)))}
              />
            </label>
            <div className="field-label">Check for encounters</div>
            {(
              [
                ['watch', 'each watch'],
                ['hex', 'each hex entered'],
                ['rest', 'on rest and camp'],
              ] as const
            ).map(([k, label]) => (
              <label key={k} className="check">
                <input
                  type="checkbox"
                  checked={draft.encounters.points[k]}
                  onChange={(e) => set((r) => (r.encounters.points[k] = e.target.checked))}
                  data-testid={`travel-rules-point-${k}`}
                />{' '}
                {label}
              </label>
            ))}
          </>
        )}
        {tab === 'terrain' && (
          <table className="travel-rules-table">
            <thead>
              <tr>
                <th>Terrain</th>
                {PACES.map((p) => (
                  <th key={p}>{p} (min)</th>
                ))}
                <th>Lost</th>
                <th>Encounter</th>
              </tr>
            </thead>
            <tbody>
              {ALL_TERRAINS.map((t) => (
                <tr key={t || 'none'}>
                  <td>{terrainName(t)}</td>
                  {PACES.map((p) => (
                    <td key={p}>
                      <input
                        type="number"
                        min={1}
                        value={minutes(draft.time.terrain[t], p)}
                        onChange={(e) => set((r) => ((r.time.terrain[t] ??= { slow: 0, normal: 0, fast: 0 })[p] = Math.trunc(Number(e.target.value) || 0)))}
                        aria-label={`${terrainName(t)}, ${p}`}
                      />
                    </td>
                  ))}
                  <td>
                    <input value={draft.navigation[t] ?? ''} onChange={(e) => set((r) => (r.navigation[t] = e.target.value))} aria-label={`${terrainName(t)}: chance of getting lost`} data-testid={`travel-rules-lost-${t || 'none'}`} />
                  </td>
                  <td>
                    <input
                      value={draft.encounters.chance[t] ?? ''}
                      onChange={(e) => set((r) => (r.encounters.chance[t] = e.target.value))}
                      aria-label={`${terrainName(t)}: chance of an encounter`}
                      data-testid={`travel-rules-encounter-${t || 'none'}`}
                    />
                  </td>
                </tr>
              ))}
              {(['road', 'unknown'] as const).map((row) => (
                <tr key={row}>
                  <td>{row === 'road' ? 'Road to road' : 'Unknown ground (lost)'}</td>
                  {PACES.map((p) => (
                    <td key={p}>
                      <input type="number" min={1} value={draft.time[row][p]} onChange={(e) => set((r) => (r.time[row][p] = Math.trunc(Number(e.target.value) || 0)))} aria-label={`${row}, ${p}`} />
                    </td>
                  ))}
                  <td colSpan={2} className="muted small">
                    {row === 'road' ? 'never lost' : 'a step that reveals nothing'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {tab === 'encounters' && (
          <>
            <label className="field">
              <span>Terrain</span>
              <select value={encTerrain} onChange={(e) => setEncTerrain(e.target.value as Terrain)} data-testid="travel-rules-enc-terrain">
                {ALL_TERRAINS.map((t) => (
                  <option key={t || 'none'} value={t}>
                    {terrainName(t)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>
                Entries <em>one per line: weight, then what is met, with dice (e.g. “3 2d4 wolves”). Empty: the unpainted table.</em>
              </span>
              <textarea
                value={encTexts[encTerrain] ?? ''}
                onChange={(e) => setEncTexts((x) => ({ ...x, [encTerrain]: e.target.value }))}
                rows={9}
                data-testid="travel-rules-enc-table"
              />
            </label>
          </>
        )}
        {tab === 'weather' && (
          <>
            <div className="row gap wrap">
              <label className="field">
                <span>Rolled</span>
                <select value={draft.weather.every} onChange={(e) => set((r) => (r.weather.every = e.target.value === 'watch' ? 'watch' : 'day'))} data-testid="travel-rules-wx-every">
                  <option value="day">each day</option>
                  <option value="watch">each watch</option>
                </select>
              </label>
              <label className="field">
                <span>Climate in use</span>
                <select value={draft.weather.climate} onChange={(e) => set((r) => (r.weather.climate = e.target.value))} data-testid="travel-rules-wx-climate">
                  {climates.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>Season</span>
                <select value={draft.weather.season} onChange={(e) => set((r) => (r.weather.season = e.target.value as Season))} data-testid="travel-rules-wx-season">
                  {SEASONS.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
            </div>
            <div className="row gap wrap">
              <label className="field">
                <span>Table of</span>
                <select value={wxClimate} onChange={(e) => setWxClimate(e.target.value)}>
                  {climates.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span>in</span>
                <select value={wxSeason} onChange={(e) => setWxSeason(e.target.value as Season)}>
                  {SEASONS.map((s) => (
                    <option key={s}>{s}</option>
                  ))}
                </select>
              </label>
            </div>
            <label className="field">
              <span>
                Entries <em>weight | name | sight penalty (hexes) | pace factor | shown or hidden</em>
              </span>
              <textarea
                value={wxTexts[`${wxClimate}/${wxSeason}`] ?? ''}
                onChange={(e) => setWxTexts((x) => ({ ...x, [`${wxClimate}/${wxSeason}`]: e.target.value }))}
                rows={8}
                data-testid="travel-rules-wx-table"
              />
            </label>
          </>
        )}
      </div>
      {error && (
        <p className="warn-text" role="alert" data-testid="travel-rules-error">
          {error}
        </p>
      )}
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="dbtn dbtn-primary" disabled={saving} onClick={save} data-testid="travel-rules-save">
          {saving ? 'Saving…' : 'Save rules'}
        </button>
      </div>
    </DialogFrame>
  );
}
