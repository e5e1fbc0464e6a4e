// The stored shape of a chunk since schema v2: columns instead of an array of frame objects.
//
// Why: IndexedDB structured-clones every value, and a clone of 256 small objects writes
// every key name of every frame and, on reading, builds every object again; in Chromium
// that clone (renderer) and its LevelDB write (browser) were most of an append. Columns
// clone as two typed arrays, one short string table and one long string of all texts:
// a few memcpys. Reading back is cheap too, and a scan can test channels, types, … on
// the string table and search the joined text once per chunk, building a StoredFrame only
// for the frames it returns.
//
// Layout of a PackedChunk of `count` frames (i = frame index within the chunk):
//   num[i + k·count]   k = 0 t, 1 seq, 2 size, 3 flags          (Float64Array)
//   ref[i + k·count]   k = 0 sock, 1 conn, 2 dir, 3 type, 4 id, 5 channel: index + 1 into
//                      `strings` (0 = the frame has none); 6 text length (-1 = no text)
//   texts              the texts of every frame, concatenated in frame order
//   rare               binary descriptions and extras, only for the frames that have them

import type { BinaryDescription, ChunkRecord, Direction, FrameExtra, SessionId, StoredFrame } from './types.ts';

export interface RareFields {
  readonly i: number;
  readonly binary?: BinaryDescription;
  readonly extra?: FrameExtra;
}

/** A chunk without its texts: what the `chunks` store holds since schema v3 (chunk-store.ts). */
export interface ChunkColumns {
  readonly sessionId: SessionId;
  readonly chunkNo: number;
  readonly firstPos: number;
  readonly count: number;
  readonly strings: readonly string[];
  readonly num: Float64Array;
  readonly ref: Int32Array;
  readonly rare: readonly RareFields[];
}

export interface PackedChunk extends ChunkColumns {
  readonly texts: string;
}

/** A chunk as read: its texts are absent when the reader asked for columns only. */
export type ReadChunk = ChunkColumns & { readonly texts?: string };

/** Column numbers in `num`. */
export const N_T = 0;
const N_SEQ = 1;
export const N_SIZE = 2;
export const N_FLAGS = 3;
const NUM_COLUMNS = 4;

/** Column numbers in `ref`. */
const R_SOCK = 0;
export const R_CONN = 1;
export const R_DIR = 2;
export const R_TYPE = 3;
export const R_ID = 4;
export const R_CHANNEL = 5;
export const R_TEXT_LEN = 6;
const REF_COLUMNS = 7;

/** A v1 chunk (frames as objects), as found in databases written before schema v2. */
export function isPacked<C extends ChunkColumns>(value: C | ChunkRecord): value is C {
  return (value as Partial<PackedChunk>).ref instanceof Int32Array;
}

export function packChunk(chunk: ChunkRecord): PackedChunk {
  const frames = chunk.frames;
  const n = frames.length;
  const num = new Float64Array(n * NUM_COLUMNS);
  const ref = new Int32Array(n * REF_COLUMNS);
  const strings: string[] = [];
  const index = new Map<string, number>();
  // Neighbouring frames mostly share socket, connection, direction, …: remembering the last
  // value of each column skips most map lookups.
  const lastValue: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  const lastIndex = [0, 0, 0, 0, 0, 0];
  const intern = (col: number, s: string | undefined): number => {
    if (s === undefined) return 0;
    if (s === lastValue[col]) return lastIndex[col] as number;
    let k = index.get(s);
    if (k === undefined) {
      k = strings.push(s);
      index.set(s, k);
    }
    lastValue[col] = s;
    lastIndex[col] = k;
    return k;
  };
  const texts: string[] = [];
  const rare: RareFields[] = [];
  for (let i = 0; i < n; i++) {
    const f = frames[i] as StoredFrame;
    num[N_T * n + i] = f.t;
    num[N_SEQ * n + i] = f.seq;
    num[N_SIZE * n + i] = f.size;
    num[N_FLAGS * n + i] = f.flags;
    ref[R_SOCK * n + i] = intern(R_SOCK, f.sock);
    ref[R_CONN * n + i] = intern(R_CONN, f.conn);
    ref[R_DIR * n + i] = intern(R_DIR, f.dir);
    ref[R_TYPE * n + i] = intern(R_TYPE, f.type);
    ref[R_ID * n + i] = intern(R_ID, f.id);
    ref[R_CHANNEL * n + i] = intern(R_CHANNEL, f.channel);
    if (f.text === undefined) ref[R_TEXT_LEN * n + i] = -1;
    else {
      ref[R_TEXT_LEN * n + i] = f.text.length;
      texts.push(f.text);
    }
    if (f.binary !== undefined || f.extra !== undefined) {
      rare.push({ i, ...(f.binary !== undefined ? { binary: f.binary } : {}), ...(f.extra !== undefined ? { extra: f.extra } : {}) });
    }
  }
  return { sessionId: chunk.sessionId, chunkNo: chunk.chunkNo, firstPos: chunk.firstPos, count: n, strings, num, ref, texts: texts.join(''), rare };
}

/** Entry k of a string column (0 = none); a function, not a closure per frame built. */
function stringOf(strings: readonly string[], k: number): string | undefined {
  return k === 0 ? undefined : strings[k - 1];
}

/**
 * Read access to one packed chunk: frames by index, built on demand. Text offsets are
 * computed once per view (a prefix sum over the lengths).
 */
export class ChunkView {
  readonly count: number;
  readonly firstPos: number;
  private starts: Int32Array | undefined;
  private rareAt: Map<number, RareFields> | undefined;

  constructor(readonly packed: ReadChunk) {
    this.count = packed.count;
    this.firstPos = packed.firstPos;
  }

  /** Start offset of each frame's text in `texts` (length count + 1; the last is the end). */
  textStarts(): Int32Array {
    if (this.starts) return this.starts;
    const n = this.count;
    const lens = this.packed.ref;
    const starts = new Int32Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      const len = lens[R_TEXT_LEN * n + i] as number;
      if (len > 0) at += len;
    }
    starts[n] = at;
    this.starts = starts;
    return starts;
  }

  /** Index + 1 into `strings` of column `col` for frame i (0 = none). */
  refAt(col: number, i: number): number {
    return this.packed.ref[col * this.count + i] as number;
  }

  /** Column `col` of `ref` as its string (undefined = the frame has none). */
  stringAt(col: number, i: number): string | undefined {
    return stringOf(this.packed.strings, this.refAt(col, i));
  }

  /** Whether frame i has a text (stored: the chunk may have been read without texts). */
  hasText(i: number): boolean {
    return this.refAt(R_TEXT_LEN, i) >= 0;
  }

  numAt(col: number, i: number): number {
    return this.packed.num[col * this.count + i] as number;
  }

  /** Undefined for a frame without text, and for every frame of a chunk read without texts. */
  text(i: number): string | undefined {
    if (!this.hasText(i) || this.packed.texts === undefined) return undefined;
    const len = this.refAt(R_TEXT_LEN, i);
    const start = this.textStarts()[i] as number;
    return this.packed.texts.slice(start, start + len);
  }

  frame(i: number): StoredFrame {
    const p = this.packed;
    const n = this.count;
    const { ref, num, strings } = p;
    const f: {
      -readonly [K in keyof StoredFrame]: StoredFrame[K];
    } = {
      pos: p.firstPos + i,
      sock: stringOf(strings, ref[R_SOCK * n + i] as number) as string,
      seq: num[N_SEQ * n + i] as number,
      t: num[N_T * n + i] as number,
      conn: stringOf(strings, ref[R_CONN * n + i] as number) as string,
      dir: stringOf(strings, ref[R_DIR * n + i] as number) as Direction,
      size: num[N_SIZE * n + i] as number,
      flags: num[N_FLAGS * n + i] as number,
    };
    const type = stringOf(strings, ref[R_TYPE * n + i] as number);
    if (type !== undefined) f.type = type;
    const id = stringOf(strings, ref[R_ID * n + i] as number);
    if (id !== undefined) f.id = id;
    const channel = stringOf(strings, ref[R_CHANNEL * n + i] as number);
    if (channel !== undefined) f.channel = channel;
    const text = this.text(i);
    if (text !== undefined) f.text = text;
    if (p.rare.length > 0) {
      this.rareAt ??= new Map(p.rare.map((r) => [r.i, r]));
      const r = this.rareAt.get(i);
      if (r?.binary !== undefined) f.binary = r.binary;
      if (r?.extra !== undefined) f.extra = r.extra;
    }
    return f;
  }

  frames(from = 0, to = this.count): StoredFrame[] {
    const out: StoredFrame[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.count); i++) out.push(this.frame(i));
    return out;
  }
}

/** The frames of a stored chunk in either layout (v1 values may be read mid-migration). */
export function unpackChunk(value: ReadChunk | ChunkRecord): ChunkRecord {
  if (!isPacked(value)) return value;
  return { sessionId: value.sessionId, chunkNo: value.chunkNo, firstPos: value.firstPos, frames: new ChunkView(value).frames() };
}

export function viewOf(value: ReadChunk | ChunkRecord): ChunkView {
  return new ChunkView(isPacked(value) ? value : packChunk(value));
}
