import type { z } from 'zod/mini';
import {
  clientMessageSchemas,
  serverMessageSchemas,
  type ClientMessage,
  type ClientMessageType,
  type ServerMessage,
  type ServerMessageType,
} from './schema';

export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; code: 'malformed' | 'unknown_type' | 'invalid'; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(err: z.core.$ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function parseWith<T>(
  raw: string,
  schemas: Record<string, z.ZodMiniType>,
): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { ok: false, code: 'malformed', error: `not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return { ok: false, code: 'malformed', error: 'not an object with a string "type"' };
  }
  const schema = Object.hasOwn(schemas, value.type) ? schemas[value.type] : undefined;
  if (!schema) {
    return { ok: false, code: 'unknown_type', error: `unknown type ${JSON.stringify(value.type)}` };
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    return { ok: false, code: 'invalid', error: `${value.type}: ${describe(r.error)}` };
  }
  return { ok: true, message: r.data as T };
}

/** Parses one frame from the hub. Never throws: a bad frame comes back as `ok: false`. */
export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  return parseWith<ServerMessage>(raw, serverMessageSchemas);
}

/** Checks a client frame the way the hub does (same error codes). */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  return parseWith<ClientMessage>(raw, clientMessageSchemas);
}

export function isServerMessageType(t: string): t is ServerMessageType {
  return Object.hasOwn(serverMessageSchemas, t);
}

export function isClientMessageType(t: string): t is ClientMessageType {
  return Object.hasOwn(clientMessageSchemas, t);
}

/** Validates and serialises a client message; throws on a programming error (bad message). */
export function encodeClientMessage(msg: ClientMessage): string {
  const raw = JSON.stringify(msg);
  const r = parseClientMessage(raw);
  if (!r.ok) throw new Error(`refusing to send an invalid message: ${r.error}`);
  return raw;
}
