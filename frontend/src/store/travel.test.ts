import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../protocol/parse';
import type { ServerMessage } from '../protocol/schema';
import { emptyTravel, reduceTravel, travelFromState, withParties, type TravelMessage } from './travel';

const dir = join(__dirname, '../../../testdata/protocol/server');
function example(name: string): TravelMessage {
  const r = parseServerMessage(readFileSync(join(dir, name), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  const m: ServerMessage = r.message;
  if (m.type !== 'travel:changed' && m.type !== 'travel:happened' && m.type !== 'encounters:changed' && m.type !== 'travel:rulesChanged') {
    throw new Error(`${name} is a ${m.type}`);
  }
  return m;
}

describe('travel reducer', () => {
  it('keeps each party of the DM and a player their own', () => {
    let t = reduceTravel(emptyTravel, example('travel-changed-dm.json'));
    const id = [...t.parties.keys()][0] ?? '';
    expect(t.parties.get(id)?.lost).toEqual({ at: '2,0', since: 240 });
    t = reduceTravel(t, example('travel-changed-dm-chosen.json'));
    expect(t.parties.size).toBe(1);
    expect(t.parties.get(id)?.lost).toBeNull();
    expect(t.mine).toBeNull();

    const p = reduceTravel(emptyTravel, example('travel-changed-player.json'));
    expect(p.mine?.weather).toEqual({ name: 'Fog' });
    expect(p.parties.size).toBe(0);
    expect(reduceTravel(p, example('travel-changed-player-unshared.json')).mine?.weather).toBeNull();
  });

  it('replaces prompts and rules, and takes the state after an action', () => {
    let t = reduceTravel(emptyTravel, example('encounters-changed.json'));
    expect(t.encounters.map((e) => e.check.result?.summary)).toEqual(['5 wolves']);
    t = reduceTravel(t, example('encounters-changed-empty.json'));
    expect(t.encounters).toEqual([]);
    t = reduceTravel(t, example('travel-rulesChanged.json'));
    expect(t.rules?.weather.climate).toBe('temperate');
    const after = reduceTravel(t, example('travel-happened-move.json'));
    expect([...after.parties.values()].map((v) => v.clock.watchName)).toEqual(['Midday']);
  });

  it('drops the view of a party that is gone', () => {
    const t = reduceTravel(emptyTravel, example('travel-changed-dm.json'));
    const id = [...t.parties.keys()][0] ?? '';
    expect(withParties(t, [{ id }])).toBe(t);
    expect(withParties(t, [{ id: 'another' }]).parties.size).toBe(0);
  });

  it('reads a session:state of either role, or of a hub without travel', () => {
    expect(travelFromState({})).toEqual(emptyTravel);
    const mine = { clock: { day: 1, watch: 0, watchName: 'Morning' }, pace: 'normal' as const, weather: null };
    expect(travelFromState({ travel: mine }).mine).toEqual(mine);
    expect(travelFromState({ travel: [], encounters: [] }).parties.size).toBe(0);
  });
});
