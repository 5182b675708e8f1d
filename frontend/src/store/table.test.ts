// The session store's side of docs/table.md: pings, players' notes, a table screen's state.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '../protocol/parse';
import type { ServerMessage } from '../protocol/schema';
import { tokenFromHash } from '../display/DisplayApp';
import { createSessionStore, PING_MS } from './session';

const root = join(__dirname, '../../../testdata/protocol/server');
function example(name: string): ServerMessage {
  const r = parseServerMessage(readFileSync(join(root, name), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.message;
}
function msg(raw: object): ServerMessage {
  const r = parseServerMessage(JSON.stringify(raw));
  if (!r.ok) throw new Error(r.error);
  return r.message;
}

function store(state: string) {
  let t = 1000;
  const s = createSessionStore(() => t);
  s.getState().apply(example(state));
  return { s, advance: (ms: number) => (t += ms), data: () => s.getState().data! };
}

describe('pings', () => {
  it('are kept for PING_MS, one per id, and forgotten by a full state', () => {
    const { s, advance, data } = store('session-state-player.json');
    s.getState().apply(example('hex-pinged-player.json'));
    s.getState().apply(example('hex-pinged-player.json')); // the same ping twice: one ring
    expect(data().pings.map((p) => [p.key, p.from?.name])).toEqual([['1,0', 'Cy']]);
    advance(PING_MS + 1);
    s.getState().apply(msg({ type: 'hex:pinged', id: 'p2', key: '0,0', from: null }));
    expect(data().pings.map((p) => [p.key, p.from])).toEqual([['0,0', null]]);
    s.getState().apply(example('session-state-player.json'));
    expect(data().pings).toEqual([]);
  });
  it('do not move the seq (they are not state)', () => {
    const { s, data } = store('session-state-player.json');
    const seq = data().seq;
    s.getState().apply(example('hex-pinged-player.json'));
    expect(data().seq).toBe(seq);
  });
});

describe("players' notes", () => {
  it('come with the state and are replaced by playerNotes:changed', () => {
    const { s, data } = store('session-state-player.json');
    expect(data().playerNotes.map((n) => n.text)).toEqual(['We buried the gold under the mill wheel.', 'Bo owes me 3 gold.']);
    s.getState().apply(example('playerNotes-changed-player.json'));
    expect(data().playerNotes.map((n) => [n.key, n.shared])).toEqual([['1,0', true]]);
  });
  it("an older seq's list is ignored", () => {
    const { s, data } = store('session-state-player.json');
    const before = data().playerNotes;
    s.getState().apply(msg({ type: 'playerNotes:changed', seq: 1, playerNotes: [] }));
    expect(data().playerNotes).toBe(before);
  });
});

describe('a table screen', () => {
  it('follows the token of the party it watches', () => {
    const { s, data } = store('session-state-display.json');
    const d = data();
    expect(d.role).toBe('display');
    expect(d.you).toBeNull();
    const watched = d.parties.find((p) => p.id === d.display?.partyId);
    expect(watched?.key).toBeTruthy();
    expect(d.token).toBe(watched?.key);
    s.getState().apply(msg({ type: 'parties:changed', seq: d.seq + 1, parties: d.parties.map((p) => ({ ...p, key: p.id === watched?.id ? '0,0' : p.key })) }));
    expect(data().token).toBe('0,0');
  });
  it('watching everyone, it follows no token', () => {
    const { data } = store('session-state-display-everyone.json');
    expect(data().display?.partyId).toBeNull();
    expect(data().token).toBeNull();
  });
  it('reads its token from the link fragment', () => {
    expect(tokenFromHash('#token=abc-_1')).toBe('abc-_1');
    expect(tokenFromHash('')).toBe('');
    expect(tokenFromHash('#x=1')).toBe('');
  });
});
