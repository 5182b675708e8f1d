// The campaign's sight rules (docs/exploration.md, "Sight rules"): per terrain how far a party
// standing there sees, how tall it is, and from how far it is seen. The defaults are shown beside
// each value; the hub checks what is saved and the dialog shows its answer.
import { useEffect, useRef, useState } from 'react';
import { ALL_TERRAINS, TERRAIN_COLORS, TERRAIN_NAMES, type Terrain } from '../hex/terrain';
import { DEFAULT_SIGHT_RULES, type SightRule } from '../hex/sight';
import { LIMITS } from '../protocol/constants';
import { DialogFrame, openDialog } from './dialogs';
import { useDmStore } from './useDm';

type Field = keyof SightRule;
const FIELDS: { f: Field; name: string; max: number; hint: string }[] = [
  { f: 'sight', name: 'Sight', max: LIMITS.maxSight, hint: 'hexes a party standing here sees (0: only its own hex)' },
  { f: 'height', name: 'Height', max: LIMITS.maxHeight, hint: '0 low, 1 raised (hills, canopy, walls), 2–3 high (mountains): taller hexes block lines of sight' },
  { f: 'landmark', name: 'Landmark', max: LIMITS.maxSight, hint: 'seen from this far by a party that sees out at all (0: no farther than its own sight)' },
];

type Draft = Record<Terrain, Record<Field, string>>;

const terrainName = (t: Terrain) => (t ? TERRAIN_NAMES[t] : 'Unpainted');

function draftOf(rules: Readonly<Record<Terrain, SightRule>>): Draft {
  const out = {} as Draft;
  for (const t of ALL_TERRAINS) out[t] = { sight: String(rules[t].sight), height: String(rules[t].height), landmark: String(rules[t].landmark) };
  return out;
}

/**
 * The rules a draft says, or the first mistake in the hub's words (the same checks as
 * game.SightRules.Validate, so a typo is caught before it is sent).
 */
export function parseSightDraft(d: Draft): { ok: true; rules: Record<Terrain, SightRule> } | { ok: false; error: string } {
  const rules = {} as Record<Terrain, SightRule>;
  for (const t of ALL_TERRAINS) {
    const r = {} as SightRule;
    for (const { f, max } of FIELDS) {
      const text = d[t][f].trim();
      const v = Number(text);
      if (text === '' || !Number.isInteger(v) || v < 0 || v > max) {
        const unit = f === 'height' ? '' : ' hexes';
        return { ok: false, error: `sight rules: ${t || 'unpainted'}: ${f} must be 0 to ${max}${unit}` };
      }
      r[f] = v;
    }
    rules[t] = r;
  }
  return { ok: true, rules };
}

export function openSightRules(): void {
  void openDialog<null>((done) => <SightRulesDialog onClose={() => done(null)} />, null);
}

function SightRulesDialog({ onClose }: { onClose: () => void }) {
  const dm = useDmStore();
  const [draft, setDraft] = useState<Draft>(() => draftOf(dm.getState().data?.sightRules ?? DEFAULT_SIGHT_RULES));
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  const unsub = useRef<(() => void) | null>(null);
  useEffect(() => () => unsub.current?.(), []);

  const set = (t: Terrain, f: Field, v: string) => {
    setError('');
    setDraft((d) => ({ ...d, [t]: { ...d[t], [f]: v } }));
  };

  const save = () => {
    const p = parseSightDraft(draft);
    if (!p.ok) {
      setError(p.error);
      return;
    }
    const s = dm.getState();
    const before = s.data?.sightRules;
    const errors = s.errors;
    setError('');
    setSaving(true);
    unsub.current?.();
    // The answer: sight:rulesChanged, or an error frame.
    unsub.current = dm.subscribe((st) => {
      if (st.data?.sightRules && st.data.sightRules !== before) {
        unsub.current?.();
        onClose();
      } else if (st.errors !== errors && st.errors.length > 0 && st.errors.at(-1) !== errors.at(-1)) {
        unsub.current?.();
        setSaving(false);
        setError(st.errors.at(-1)!.message);
      }
    });
    if (!s.saveSightRules(p.rules)) {
      unsub.current?.();
      setSaving(false);
      setError('Not connected to the hub.');
    }
  };

  return (
    <DialogFrame title="Sight rules" onCancel={onClose} testId="sight-rules" wide>
      <p className="hint">
        What a party sees after each step (its reveal mode “Sight”). A hex is seen when it is within the party's <b>sight</b> (or its own <b>landmark</b> distance) and no hex in
        between is taller than both ends. Bad weather shortens both distances. A changed value shows the default beside it.
      </p>
      <table className="travel-rules-table sight-table">
        <thead>
          <tr>
            <th>Terrain</th>
            {FIELDS.map((x) => (
              <th key={x.f} title={x.hint}>
                {x.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ALL_TERRAINS.map((t) => (
            <tr key={t || 'none'}>
              <td>
                <span className="sw-chip sight-chip" style={{ background: TERRAIN_COLORS[t] }} /> {terrainName(t)}
              </td>
              {FIELDS.map(({ f, max }) => {
                const def = DEFAULT_SIGHT_RULES[t][f];
                const changed = draft[t][f].trim() !== String(def);
                return (
                  <td key={f}>
                    <input
                      type="number"
                      min={0}
                      max={max}
                      value={draft[t][f]}
                      onChange={(e) => set(t, f, e.target.value)}
                      className={changed ? 'changed' : ''}
                      aria-label={`${terrainName(t)} ${f}`}
                      data-testid={`sight-${f}-${t || 'unpainted'}`}
                    />
                    <span className="muted small sight-default">{changed ? `(${def})` : ''}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <p className="warn-text" role="alert" data-testid="sight-rules-error">
          {error}
        </p>
      )}
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={() => setDraft(draftOf(DEFAULT_SIGHT_RULES))} data-testid="sight-rules-defaults">
          Defaults
        </button>
        <span className="grow" />
        <button type="button" className="dbtn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="dbtn dbtn-primary" disabled={saving} onClick={save} data-testid="sight-rules-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </DialogFrame>
  );
}
