// Decodes the batch text of src/capture/batch-encoding.ts (format `B1|`) in the background.
// The text comes from the page, so every length and number is checked before it is used:
// a length that points past the end, a digit that is not one, an unknown entry code or a
// field out of bounds ends the decoding with an error; the entries before it are kept
// (each was complete and checked), the rest is counted as one rejected entry. Nothing here
// throws on any input.
//
// Frame texts are substrings of the batch text: no copy is made of them here, and the
// IndexedDB write that follows serialises them once.

import type { CaptureRecord, FrameReceived, FrameSent, SocketId } from '../capture/records.ts';

/** Bounds of the fields (the same as the record guard's). */
export interface DecodeLimits {
  readonly maxShort: number;
  readonly maxText: number;
}

export interface DecodedBatch {
  readonly records: CaptureRecord[];
  /** Entries given up on: `j` entries that were not valid records, plus one for a broken tail. */
  readonly rejected: number;
  readonly error?: string;
}

const COLON = 58;
const COMMA = 44;
const ZERO = 48;
const MAX_LENGTH_DIGITS = 9;

/**
 * `check` is the full record guard, for `j` entries; `prefix` is the frame's socket-id
 * prefix (`<nonce>:`), checked for every entry.
 */
/** A frame entry's flag digit as the record's optional field (batch-encoding.ts). */
const FLAG_MARKS: Readonly<Record<number, object>> = { 1: { injected: true }, 2: { synthetic: true }, 4: { blocked: true } };

export function decodeBatch(payload: string, start: number, prefix: string, limits: DecodeLimits, check: (x: unknown) => x is CaptureRecord): DecodedBatch {
  const records: CaptureRecord[] = [];
  let rejected = 0;
  const end = payload.length;
  let pos = start;
  // Neighbouring frames mostly share a socket: its id string is reused, not sliced again.
  let lastSocket = '';

  /** A decimal length followed by ':'; -1 when it is not one. */
  const readLength = (): number => {
    let n = 0;
    let digits = 0;
    while (pos < end) {
      const c = payload.charCodeAt(pos++);
      if (c === COLON) return digits > 0 ? n : -1;
      const d = c - ZERO;
      if (d < 0 || d > 9 || ++digits > MAX_LENGTH_DIGITS) return -1;
      n = n * 10 + d;
    }
    return -1;
  };
  /** A number followed by ','; NaN when there is none. */
  const readNumber = (): number => {
    const comma = payload.indexOf(',', pos);
    if (comma < 0 || comma === pos || comma - pos > 32) return NaN;
    const v = Number(payload.slice(pos, comma));
    pos = comma + 1;
    return v;
  };
  const fail = (error: string): DecodedBatch => ({ records, rejected: rejected + 1, error });

  while (pos < end) {
    const code = payload.charCodeAt(pos++);
    if (code === 114 /* r */ || code === 115 /* s */) {
      const flags = payload.charCodeAt(pos++) - ZERO;
      // Injected, synthetic and blocked exclude each other; a send is never synthetic.
      if (!(flags === 0 || flags === 1 || flags === 2 || flags === 4) || (code === 115 && flags === 2)) return fail('bad frame flags');
      const sockLen = readLength();
      if (sockLen <= 0 || sockLen > limits.maxShort || pos + sockLen > end) return fail('bad socket id');
      let socketId: string;
      if (sockLen === lastSocket.length && payload.startsWith(lastSocket, pos)) socketId = lastSocket;
      else {
        socketId = payload.slice(pos, pos + sockLen);
        if (!socketId.startsWith(prefix)) return fail('socket id of another page');
        lastSocket = socketId;
      }
      pos += sockLen;
      const seq = readNumber();
      const t = readNumber();
      const size = readNumber();
      // The text's length ends in ':' rather than ','.
      const textLen = readLength();
      if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isFinite(t) || !Number.isSafeInteger(size) || size < 0) return fail('bad frame numbers');
      if (textLen < 0 || textLen > limits.maxText || pos + textLen > end) return fail('bad frame text length');
      const data = payload.slice(pos, pos + textLen);
      pos += textLen;
      // The same property order as the hook's records, and the optional flags only when set.
      let r: FrameSent | FrameReceived;
      const kind = code === 115 ? 'ws-send' : 'ws-receive';
      if (flags === 0) r = { socketId: socketId as SocketId, seq, t, kind, data, size } as FrameSent | FrameReceived;
      else r = { socketId: socketId as SocketId, seq, t, kind, data, size, ...FLAG_MARKS[flags] } as FrameSent | FrameReceived;
      records.push(r);
    } else if (code === 106 /* j */) {
      const len = readLength();
      if (len <= 0 || pos + len > end) return fail('bad record length');
      const json = payload.slice(pos, pos + len);
      pos += len;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        rejected++;
        continue;
      }
      if (check(value) && value.socketId.startsWith(prefix)) records.push(value);
      else rejected++;
    } else {
      return fail('unknown batch entry');
    }
  }
  return { records, rejected };
}
