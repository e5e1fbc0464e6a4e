// The total frame decoder: any input a socket can deliver (and anything a buggy caller might
// pass) becomes a DecodedFrame; nothing here throws. The panel and lint read only this shape.
// Prototype safety of parsed objects is explained in json.ts.

import { utf8Decode, utf8Length } from './base64.ts';
import { normalizeChannel } from './channel.ts';
import {
  decodeEvent,
  normalizeErrors,
  normalizeFailed,
  normalizeSuccessful,
  type DecodeProblem,
  type DecodedEvent,
  type PublishFailure,
} from './decode-parts.ts';
import { errorText, isRecord, parseJson, readProp } from './json.ts';
import { DEFAULT_MAX_DECODE_BYTES, MAX_CONNECTION_LIFETIME_MS } from './limits.ts';
import { isMessageType, type AppSyncError, type AppSyncMessage, type PublishSuccessEntry } from './messages.ts';

export type { DecodeProblem, DecodedEvent, PublishFailure } from './decode-parts.ts';
export { decodeHttpPublish, decodeHttpPublishResponse } from './decode-http.ts';
export type { DecodedHttpPublish, DecodedHttpPublishResponse } from './decode-http.ts';

export type Direction = 'send' | 'receive';

/** Stand-in types for frames that carry no usable `type`. */
export type PseudoType = '(binary)' | '(invalid-json)' | '(not-object)' | '(oversized)' | '(unknown)';

export interface BinaryDescription {
  readonly binary: true;
  readonly size: number;
  readonly preview?: string;
}

export type FrameInput = string | ArrayBuffer | ArrayBufferView | BinaryDescription;

export interface DecodeOptions {
  /** Frames larger than this (UTF-8 bytes) are not parsed. Default 8 MiB. */
  readonly maxBytes?: number;
  readonly direction?: Direction;
}

export interface DecodedFrame {
  /** The message type, or a PseudoType. */
  readonly type: string;
  /** True when `type` is one of MESSAGE_TYPES. */
  readonly known: boolean;
  readonly direction?: Direction;
  readonly id?: string;
  /** Normalised (leading slash, no trailing slash). */
  readonly channel?: string;
  /** publish: each event text parsed a second time. */
  readonly events?: readonly DecodedEvent[];
  /** data */
  readonly event?: DecodedEvent;
  readonly errors?: readonly AppSyncError[];
  /** publish_success */
  readonly successful?: readonly PublishSuccessEntry[];
  readonly failed?: readonly PublishFailure[];
  /** Set when the frame matches the model for its type; unknown fields preserved. */
  readonly message?: AppSyncMessage;
  /** The first thing wrong with the frame, if anything. */
  readonly problem?: DecodeProblem;
  /** The original text (or the text decoded from a binary frame). */
  readonly raw?: string;
  /** Byte size, for binary frames. */
  readonly size?: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ID_TYPES = new Set([
  'subscribe',
  'unsubscribe',
  'publish',
  'subscribe_success',
  'subscribe_error',
  'data',
  'broadcast_error',
  'unsubscribe_success',
  'unsubscribe_error',
  'publish_success',
  'publish_error',
]);
const ERROR_TYPES = new Set([
  'connection_error',
  'subscribe_error',
  'broadcast_error',
  'unsubscribe_error',
  'publish_error',
  'error',
]);

export function decodeFrame(data: FrameInput, opts?: DecodeOptions): DecodedFrame {
  let direction: Direction | undefined;
  try {
    const d = readProp(opts, 'direction');
    direction = d === 'send' || d === 'receive' ? d : undefined;
    const m = readProp(opts, 'maxBytes');
    const maxBytes = typeof m === 'number' && m >= 0 ? m : DEFAULT_MAX_DECODE_BYTES;
    const out = decodeInput(data, maxBytes);
    // Every path returns a fresh object, so setting the field beats copying the frame.
    if (direction) (out as Mutable<DecodedFrame>).direction = direction;
    return out;
  } catch (e) {
    // Only reachable through a runtime fault (e.g. out of memory); stay total anyway.
    return { type: '(unknown)', known: false, ...(direction ? { direction } : {}), problem: { code: 'internal', message: errorText(e) } };
  }
}

function decodeInput(data: unknown, maxBytes: number): DecodedFrame {
  if (typeof data === 'string') return decodeText(data, maxBytes);
  const bytes = asBytes(data);
  if (bytes) return decodeBinary(bytes, maxBytes);
  if (isRecord(data) && readProp(data, 'binary') === true) {
    const size = readProp(data, 'size');
    return {
      type: '(binary)',
      known: false,
      ...(typeof size === 'number' ? { size } : {}),
      problem: { code: 'binary-frame', message: 'binary frame: AppSync Events uses text frames only' },
    };
  }
  return { type: '(unknown)', known: false, problem: { code: 'unsupported-input', message: `cannot decode ${data === null ? 'null' : typeof data}` } };
}

function asBytes(data: unknown): Uint8Array | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  // toString tag rather than instanceof: buffers from another realm (iframe) must count too.
  const tag = Object.prototype.toString.call(data);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function decodeBinary(bytes: Uint8Array, maxBytes: number): DecodedFrame {
  const problem = { code: 'binary-frame', message: 'binary frame: AppSync Events uses text frames only' };
  const size = bytes.byteLength;
  if (size <= maxBytes) {
    // A client that sends JSON as binary is still worth decoding; the problem stays visible.
    const text = utf8Decode(bytes);
    if (text !== undefined && /^\s*\{/.test(text)) {
      const decoded = decodeText(text, maxBytes);
      if (decoded.known || !decoded.type.startsWith('(')) return { ...decoded, size, problem: decoded.problem ?? problem };
    }
  }
  return { type: '(binary)', known: false, size, problem };
}

function isOversized(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true; // UTF-8 never has fewer bytes than UTF-16 units
  return text.length * 3 > maxBytes && utf8Length(text) > maxBytes;
}

function decodeText(text: string, maxBytes: number): DecodedFrame {
  if (isOversized(text, maxBytes)) {
    return { type: '(oversized)', known: false, raw: text, problem: { code: 'oversized', message: `frame is larger than ${maxBytes} bytes; not decoded` } };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { type: '(invalid-json)', known: false, raw: text, problem: { code: 'invalid-json', message: parsed.error } };
  const obj = parsed.value;
  if (!isRecord(obj)) {
    return { type: '(not-object)', known: false, raw: text, problem: { code: 'not-object', message: `frame is JSON ${Array.isArray(obj) ? 'array' : obj === null ? 'null' : typeof obj}, not an object` } };
  }
  return decodeObject(obj, text);
}

/** Fills the frame from a parsed object; `problem` keeps the first shape mismatch found. */
function decodeObject(obj: Record<string, unknown>, raw: string): DecodedFrame {
  const t = obj['type'];
  const out: Mutable<DecodedFrame> = { type: typeof t === 'string' ? t : '(unknown)', known: isMessageType(t), raw };
  const note = (code: string, message: string) => {
    if (!out.problem) out.problem = { code, message };
  };
  if (typeof t !== 'string') note('missing-type', t === undefined ? 'frame has no "type"' : '"type" is not a string');
  else if (!out.known) note('unknown-type', `unknown message type ${JSON.stringify(t.slice(0, 64))}`);

  const id = obj['id'];
  if (typeof id === 'string') out.id = id;
  else if (id !== undefined) note('id-not-string', '"id" is not a string');
  else if (ID_TYPES.has(out.type)) note('missing-id', `${out.type} has no "id"`);

  const channel = obj['channel'];
  if (typeof channel === 'string') out.channel = normalizeChannel(channel);
  else if (channel !== undefined) note('channel-not-string', '"channel" is not a string');
  else if (out.type === 'subscribe' || out.type === 'publish') note('missing-channel', `${out.type} has no "channel"`);

  if ((out.type === 'subscribe' || out.type === 'publish') && 'authorization' in obj && !isRecord(obj['authorization'])) {
    note('authorization-not-object', '"authorization" is not an object');
  }

  switch (out.type) {
    case 'publish': {
      const events = obj['events'];
      if (Array.isArray(events)) {
        out.events = events.map(decodeEvent);
        if (events.some((e) => typeof e !== 'string')) note('event-not-string', 'every entry of "events" must be a JSON string');
      } else note('missing-events', events === undefined ? 'publish has no "events"' : '"events" is not an array');
      break;
    }
    case 'data': {
      const event = obj['event'];
      if (event === undefined) note('missing-event', 'data has no "event"');
      else {
        out.event = decodeEvent(event);
        // The docs show an array here; every live source sends a string (reference 3.3).
        if (typeof event !== 'string') note('event-not-string', '"event" must be a JSON string');
      }
      break;
    }
    case 'publish_success': {
      const s = normalizeSuccessful(obj['successful']);
      const f = normalizeFailed(obj['failed']);
      out.successful = s.entries;
      out.failed = f.entries;
      if (!Array.isArray(obj['successful']) || !Array.isArray(obj['failed'])) {
        note('missing-results', 'publish_success needs both "successful" and "failed" arrays');
      } else if (!s.valid || !f.valid) note('bad-results', 'publish_success has malformed result entries');
      break;
    }
    case 'connection_ack': {
      const ms = obj['connectionTimeoutMs'];
      if (ms !== undefined && typeof ms !== 'number') note('bad-timeout', '"connectionTimeoutMs" is not a number');
      // Our range: a whole, positive number of ms no longer than a connection may live
      // (24 h, reference 2.5); anything else cannot be a keep-alive timeout.
      else if (typeof ms === 'number' && !(Number.isInteger(ms) && ms >= 1 && ms <= MAX_CONNECTION_LIFETIME_MS)) {
        note('timeout-out-of-range', `"connectionTimeoutMs" ${ms} is out of range`);
      }
      break;
    }
  }

  if (ERROR_TYPES.has(out.type) || (obj['errors'] !== undefined && out.type !== 'publish')) {
    let errors = obj['errors'];
    const payload = obj['payload'];
    // AppSync GraphQL nests errors under payload; read them there too so they are not lost.
    if (errors === undefined && ERROR_TYPES.has(out.type) && isRecord(payload) && payload['errors'] !== undefined) {
      errors = payload['errors'];
      note('graphql-error-shape', `${out.type} has "payload.errors" (GraphQL shape) instead of "errors"`);
    }
    const e = normalizeErrors(errors);
    if (errors !== undefined) out.errors = e.errors;
    if (errors !== undefined && !e.valid) note('bad-errors', '"errors" is not a list of {errorType, message}');
  }

  // The typed message is the parsed object itself, so unknown fields survive untouched.
  if (out.known && !out.problem) out.message = obj as unknown as AppSyncMessage;
  return out;
}

export interface FrameClass {
  readonly type?: string;
  readonly id?: string;
  readonly channel?: string;
}

const CLASSIFY_PARSE_LIMIT = 64 * 1024;
const SNIFF_WINDOW = 4096;
// Keys preceded by `{` or `,` are object keys in the frame itself: inside an event's JSON
// text every quote is escaped, so `\"type\"` never matches.
const SNIFF_TYPE = /[{,]\s*"type"\s*:\s*"([^"\\]{1,64})"/;
const SNIFF_ID = /[{,]\s*"id"\s*:\s*"([^"\\]{1,256})"/;
const SNIFF_CHANNEL = /[{,]\s*"channel"\s*:\s*"([^"\\]{1,512})"/;

/**
 * The recorder's per-frame summary, at 100k frames/s: one JSON.parse for ordinary frames and
 * no event decoding. Large or unparseable (e.g. truncated) text is sniffed in its first and
 * last 4 KB instead; Amplify writes `type` last, so the tail matters. Never throws.
 */
export function classifyFrame(text: string): FrameClass {
  if (typeof text !== 'string') return {};
  try {
    if (text.length <= CLASSIFY_PARSE_LIMIT) {
      const parsed = parseJson(text);
      if (parsed.ok) {
        const v = parsed.value;
        if (!isRecord(v)) return {};
        return labels(v.type, v.id, v.channel);
      }
    }
    return sniff(text);
  } catch {
    return {};
  }
}

function sniff(text: string): FrameClass {
  const head = text.slice(0, SNIFF_WINDOW);
  const tail = text.length > SNIFF_WINDOW ? text.slice(-SNIFF_WINDOW) : '';
  const find = (re: RegExp) => re.exec(head)?.[1] ?? (tail ? re.exec(tail)?.[1] : undefined);
  const type = find(SNIFF_TYPE);
  const id = find(SNIFF_ID);
  return labels(type, id, find(SNIFF_CHANNEL));
}

/**
 * The string ones of the three, set one by one: building the result from conditional
 * spreads cost more than the JSON.parse itself (classifyFrame about 2.5 → 1.0 µs on a 500-byte
 * `data` frame under node, the service worker's cost for every stored frame).
 */
function labels(type: unknown, id: unknown, channel: unknown): FrameClass {
  const out: { type?: string; id?: string; channel?: string } = {};
  if (typeof type === 'string') out.type = type;
  if (typeof id === 'string') out.id = id;
  if (typeof channel === 'string') out.channel = normalizeChannel(channel);
  return out;
}
