// The rules the front end shares with the hub, each in one place. testdata/protocol/constants.json
// holds the same values: constants.test.ts checks this file against it, and
// hub/constants_test.go checks the Go side. The grouped objects use the file's names, so a
// value added to one side and not the other fails a test.

export const PROTOCOL_VERSION = 2;
/** The WebSocket subprotocol every client asks for. */
export const SUBPROTOCOL = 'hexcrawl.v1';
/** + the DM token: the browser's only way to send it (no headers on a WebSocket). */
export const DM_TOKEN_SUBPROTOCOL_PREFIX = 'hexcrawl.dm.';
/** + a table screen's token (docs/table.md): a read-only socket. */
export const DISPLAY_TOKEN_SUBPROTOCOL_PREFIX = 'hexcrawl.display.';

/** WebSocket close codes (docs/protocol.md). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  /** our own, for a socket that did not answer the heartbeat (the hub may never see it) */
  noAnswer: 4000,
  unauthorized: 4001,
  missingCampaign: 4002,
  forbidden: 4003,
  revoked: 4004,
  /** the hub asks for an immediate reconnect: we read too slowly */
  slowConsumer: 4008,
  /** the hub closed us for sending too many bad messages: reconnect only after the longest backoff */
  flooding: 4009,
} as const;

/** Close codes after which reconnecting cannot help. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE.normal,
  CLOSE.unauthorized,
  CLOSE.missingCampaign,
  CLOSE.forbidden,
  CLOSE.revoked,
]);

/** Every error code of the hub's `error` messages and HTTP errors. */
export const ERROR_CODES = [
  'malformed',
  'unknown_type',
  'invalid',
  'forbidden',
  'conflict',
  'not_found',
  'gone',
  'unauthorized',
  'internal',
  'unsupported_media_type',
  'rate_limited',
] as const;

export const LIMITS = {
  maxFrameBytes: 1 << 20,
  maxRefLength: 64,
  maxKeysPerMessage: 160_000,
  maxMapSide: 400,
  /** characters (code points), as the hub counts them */
  maxLabelChars: 80,
  maxNotesChars: 4000,
  /** a campaign's or a map's name */
  maxNameChars: 120,
  maxPlayerNameChars: 40,
  minDMTokenLength: 16,
  maxPartyNameChars: 40,
  /** hexes in one party:move */
  maxPathLength: 100,
  maxMarkersPerMap: 500,
  /** moves per party and map that party:undo can take back */
  maxUndoMoves: 20,
  /** sight rules: a sight or landmark distance, in hexes */
  maxSight: 12,
  maxHeight: 3,
  /** a player's note on a hex, in characters; notes per player and map */
  maxPlayerNoteChars: 1000,
  maxPlayerNotesPerMap: 500,
  /** a player's pings: a burst, then so many a second (the DM's: more) */
  pingBurst: 4,
  pingsPerSecond: 2,
  dmPingBurst: 10,
  dmPingsPerSecond: 5,
  maxDisplayNameChars: 40,
  maxDisplaysPerCampaign: 20,
} as const;

/** What a player knows of a hex beyond fog. */
export const HEX_STATES = ['glimpsed', 'explored'] as const;
/** The grid code of a glimpsed unpainted hex; other glimpsed hexes are their code in upper case. */
export const GLIMPSED_UNPAINTED_CODE = ',';

/** What a party's move reveals; its colour's form; a new campaign's party. */
export const PARTIES = {
  reveals: ['sight', 'hex', 'none'],
  defaultName: 'The party',
  defaultColor: '#e0a030',
  colorPattern: '^#[0-9a-f]{6}$',
} as const;
export const PARTY_REVEALS = PARTIES.reveals;
export const PARTY_COLOR_RE = new RegExp(PARTIES.colorPattern);

export const MARKERS = {
  kinds: ['monster', 'camp', 'npc', 'treasure', 'danger', 'poi'],
  visibilities: ['dm', 'players'],
} as const;
export const MARKER_KINDS = MARKERS.kinds;
export const MARKER_VISIBILITIES = MARKERS.visibilities;

export const MAX_HEXES_PER_MESSAGE = LIMITS.maxKeysPerMessage;
export const MAX_LABEL = LIMITS.maxLabelChars;
export const MAX_NOTES = LIMITS.maxNotesChars;
export const MAX_REF = LIMITS.maxRefLength;

export const INVITES = {
  /** when the DM does not say otherwise */
  defaultExpiryHours: 168,
  maxExpiryHours: 8760,
  /** a code with less life left is not handed out again */
  renewWithinHours: 1,
  codeLength: 10,
  /** no 0/O, 1/I/L or U: codes are read aloud and typed on phones */
  codeAlphabet: 'ABCDEFGHJKMNPQRSTVWXYZ23456789',
} as const;

/**
 * The URL a join link and its QR code should use, from the hub's addresses for players: the
 * first whose host is not an mDNS name (*.local), because many phones that scan cannot resolve
 * those; the first of all when every one is; '' for none.
 */
export function preferredJoinUrl(urls: readonly string[]): string {
  const ip = urls.find((u) => {
    try {
      return !new URL(u).hostname.toLowerCase().endsWith('.local');
    } catch {
      return false;
    }
  });
  return ip ?? urls[0] ?? '';
}
