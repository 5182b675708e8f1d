// The TypeScript half of the shared rules: constants.ts against testdata/protocol/constants.json
// (hub/constants_test.go checks the Go half against the same file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_TERRAINS, FOG_CODE, TERRAIN_CODES } from '../hex/terrain';
import {
  CLOSE,
  DISPLAY_TOKEN_SUBPROTOCOL_PREFIX,
  DM_TOKEN_SUBPROTOCOL_PREFIX,
  GLIMPSED_UNPAINTED_CODE,
  HEX_STATES,
  MARKERS,
  PARTIES,
  ERROR_CODES,
  INVITES,
  LIMITS,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  TERMINAL_CLOSE_CODES,
  preferredJoinUrl,
} from './constants';
import { errorCodeSchema, isLive, sessionStatusSchema, TERRAINS } from './schema';

interface SharedConstants {
  protocolVersion: number;
  subprotocol: string;
  dmTokenSubprotocolPrefix: string;
  displayTokenSubprotocolPrefix: string;
  sessionStatuses: { all: string[]; live: string[] };
  terrains: { palette: string[]; codes: Record<string, string>; fogCode: string; glimpsedUnpaintedCode: string };
  hexStates: string[];
  parties: Record<string, unknown>;
  markers: Record<string, unknown>;
  closeCodes: { code: number; name: string; sentBy: 'hub' | 'client' | 'either'; reconnect: boolean; meaning: string }[];
  errorCodes: { code: string; httpStatus: number; meaning: string }[];
  limits: Record<string, number>;
  invites: Record<string, number | string>;
  joinUrl: { rule: string; vectors: { urls: string[]; want: string }[] };
}

const shared = JSON.parse(
  readFileSync(join(__dirname, '../../../testdata/protocol/constants.json'), 'utf8'),
) as SharedConstants;

describe('shared constants', () => {
  it('protocol version and subprotocols', () => {
    expect([PROTOCOL_VERSION, SUBPROTOCOL, DM_TOKEN_SUBPROTOCOL_PREFIX, DISPLAY_TOKEN_SUBPROTOCOL_PREFIX]).toEqual([
      shared.protocolVersion,
      shared.subprotocol,
      shared.dmTokenSubprotocolPrefix,
      shared.displayTokenSubprotocolPrefix,
    ]);
  });

  it('close codes, and which ones end reconnecting', () => {
    expect(CLOSE).toEqual(Object.fromEntries(shared.closeCodes.map((c) => [c.name, c.code])));
    const terminal = shared.closeCodes.filter((c) => !c.reconnect).map((c) => c.code);
    expect([...TERMINAL_CLOSE_CODES].sort()).toEqual(terminal.sort());
  });

  it('error codes, in the zod schema too', () => {
    const codes = shared.errorCodes.map((e) => e.code);
    expect([...ERROR_CODES]).toEqual(codes);
    expect(errorCodeSchema.options).toEqual(codes);
  });

  it('limits and invites', () => {
    expect(LIMITS).toEqual(shared.limits);
    expect(INVITES).toEqual(shared.invites);
  });

  it('session statuses and which are live', () => {
    expect(sessionStatusSchema.options).toEqual(shared.sessionStatuses.all);
    const live = sessionStatusSchema.options.filter((s) => isLive(s));
    expect(live).toEqual(shared.sessionStatuses.live);
    expect(isLive(null)).toBe(false);
    expect(isLive(undefined)).toBe(false);
  });

  it('terrains and their grid codes', () => {
    expect([...TERRAINS]).toEqual(shared.terrains.palette);
    expect(ALL_TERRAINS).toEqual(['', ...shared.terrains.palette]);
    expect(TERRAIN_CODES).toEqual(shared.terrains.codes);
    expect(FOG_CODE).toBe(shared.terrains.fogCode);
    expect(GLIMPSED_UNPAINTED_CODE).toBe(shared.terrains.glimpsedUnpaintedCode);
  });

  it('hex states, parties and markers', () => {
    expect([...HEX_STATES]).toEqual(shared.hexStates);
    expect(PARTIES).toEqual(shared.parties);
    expect(MARKERS).toEqual(shared.markers);
  });

  it.each(shared.joinUrl.vectors)('join link from $urls → $want', ({ urls, want }) => {
    expect(preferredJoinUrl(urls)).toBe(want);
  });
  it('has join link vectors', () => expect(shared.joinUrl.vectors.length).toBeGreaterThanOrEqual(5));
});
