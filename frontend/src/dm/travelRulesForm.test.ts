import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { travelRulesSchema } from '../protocol/travel';
import { encounterText, parseEncounters, parseWatches, parseWeather, watchesText, weatherText } from './travelRulesForm';

const defaults = travelRulesSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../../testdata/travel/defaults.json'), 'utf8')));

describe('travel rules as text', () => {
  it('round-trips the default watches, encounter and weather tables', () => {
    expect(parseWatches(watchesText(defaults.calendar.watches))).toEqual({ ok: true, value: defaults.calendar.watches });
    for (const table of Object.values(defaults.encounters.tables)) {
      expect(parseEncounters(encounterText(table))).toEqual({ ok: true, value: table });
    }
    for (const seasons of Object.values(defaults.weather.tables)) {
      for (const table of Object.values(seasons)) expect(parseWeather(weatherText(table))).toEqual({ ok: true, value: table });
    }
  });

  it('says what is wrong with a line', () => {
    expect(parseWatches('Day 12\nNight 11')).toEqual({ ok: false, error: 'The watches last 23 hours in all; a day has 24.' });
    expect(parseWatches('Day twelve')).toMatchObject({ ok: false, error: expect.stringContaining('Watch line 1') });
    expect(parseWatches('')).toMatchObject({ ok: false });
    expect(parseEncounters('3 2d4 wolves\nwolves')).toMatchObject({ ok: false, error: expect.stringContaining('Line 2: start with a weight') });
    expect(parseEncounters('\n 1 a lone hermit \n')).toEqual({ ok: true, value: [{ weight: 1, text: 'a lone hermit' }] });
    expect(parseWeather('2 | Fog | 1 | 1')).toMatchObject({ ok: false, error: expect.stringContaining('Line 1') });
    expect(parseWeather('2 | Fog | 1 | x | shown')).toMatchObject({ ok: false, error: expect.stringContaining('pace factor') });
    expect(parseWeather('2 | Fog | 1 | 1 | maybe')).toMatchObject({ ok: false, error: expect.stringContaining('"shown" or "hidden"') });
    expect(parseWeather('2 | Snow | 1 | 0.5 | hidden')).toEqual({ ok: true, value: [{ weight: 2, name: 'Snow', sightPenalty: 1, paceFactor: 0.5, share: false }] });
  });
});
