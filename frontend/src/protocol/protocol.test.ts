// The TypeScript half of the wire contract: every example in testdata/protocol parses here,
// and the Go tests parse the same files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage } from './parse';
import { clientMessageSchemas, serverMessageSchemas } from './schema';

const root = join(__dirname, '../../../testdata/protocol');
const files = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, raw: readFileSync(join(root, dir, f), 'utf8') }));

describe('server examples', () => {
  const examples = files('server');
  it('exist', () => expect(examples.length).toBeGreaterThan(10));
  it.each(examples)('$name parses', ({ raw }) => {
    const r = parseServerMessage(raw);
    if (!r.ok) throw new Error(r.error);
    expect(r.message.type).toBe(JSON.parse(raw).type);
  });
  it('cover every server message type', () => {
    const seen = new Set(examples.map((e) => (JSON.parse(e.raw) as { type: string }).type));
    expect([...seen].sort()).toEqual(Object.keys(serverMessageSchemas).sort());
  });
});

describe('client examples', () => {
  const examples = files('client');
  it.each(examples)('$name parses', ({ raw }) => {
    const r = parseClientMessage(raw);
    if (!r.ok) throw new Error(r.error);
  });
  it('cover every client message type', () => {
    const seen = new Set(examples.map((e) => (JSON.parse(e.raw) as { type: string }).type));
    expect([...seen].sort()).toEqual(Object.keys(clientMessageSchemas).sort());
  });
});

describe('invalid client frames', () => {
  const cases = JSON.parse(readFileSync(join(root, 'invalid/cases.json'), 'utf8')) as {
    name: string;
    raw: string;
    code: string;
  }[];
  it.each(cases)('$name → $code', ({ raw, code }) => {
    const r = parseClientMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});

describe('malformed server frames are reported, not thrown', () => {
  it.each([
    ['not json', '{nope', 'malformed'],
    ['array', '[]', 'malformed'],
    ['unknown type', '{"type":"hex:explode"}', 'unknown_type'],
    ['missing seq', '{"type":"parties:changed","parties":[]}', 'invalid'],
    ['bad key', '{"type":"party:moved","seq":1,"partyId":"p","key":"01,0","path":[],"explored":[],"glimpsed":[],"undo":0}', 'invalid'],
    ['bad colour', '{"type":"parties:changed","seq":1,"parties":[{"id":"p","name":"P","color":"red","key":null}]}', 'invalid'],
    ['bad level', '{"type":"player:known","seq":1,"playerId":"a","known":{"0,0":3}}', 'invalid'],
    ['glimpsed code unknown', '{"type":"session:state","seq":1,"role":"player","you":null,"campaign":{"id":"c","name":"C"},"session":null,"broadcastMode":"immediate","preparing":false,"map":{"id":"m","name":"M","width":2,"height":1,"orientation":"flat"},"grid":"pX","labels":{},"parties":[],"markers":[],"players":[]}', 'invalid'],
    ['prototype key', '{"type":"__proto__"}', 'unknown_type'],
    ['toString type', '{"type":"toString"}', 'unknown_type'],
    [
      'grid of wrong length',
      '{"type":"session:state","seq":1,"role":"player","you":null,"campaign":{"id":"c","name":"C"},"session":null,"broadcastMode":"immediate","preparing":false,"map":{"id":"m","name":"M","width":2,"height":2,"orientation":"flat"},"grid":"pp?","labels":{},"parties":[],"markers":[],"players":[]}',
      'invalid',
    ],
  ])('%s', (_name, raw, code) => {
    const r = parseServerMessage(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});

describe('length limits count characters like the hub', () => {
  const change = (label: string) => JSON.stringify({ type: 'hex:update', changes: [{ key: '0,0', label }] });
  it('accepts 80 emoji (160 UTF-16 units)', () => expect(parseClientMessage(change('🐉'.repeat(80))).ok).toBe(true));
  it('rejects 81 characters', () => expect(parseClientMessage(change('x'.repeat(81))).ok).toBe(false));
});
