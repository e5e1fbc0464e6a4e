// Packs frames into chunks: contiguous position ranges stored as one IDB record each, with a
// small summary record alongside. Shared by the live recorder and the importers.

import type { ChunkRecord, ChunkSummary, Counts, SessionId, StoredFrame } from './types.ts';

export type FrameDraft = Omit<StoredFrame, 'pos'>;

export interface ChunkLimits {
  /** Frames per chunk; 100–500 measured 175k–380k frames/s in Chromium. */
  readonly maxFrames: number;
  /** Approximate bytes per chunk, so a run of huge frames does not build a huge record. */
  readonly maxBytes: number;
}

// Measured while recording at saturation with the panel open (Chromium, 515-byte frames,
// capture-cpu against a build with other limits in the same rounds, 2026-12-04): chunks
// kept under 56 KB, so that Chromium stores them inline in LevelDB instead of as blob files
// (its IDB value wrapping starts at 64 KB), cost the browser process 73 µs/frame against 46;
// 1,024-frame chunks cost the worker 35 against 28 and the panel 28 against 21, since the
// growing last chunk is rewritten by every transaction and read again by every refresh.
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxFrames: 256, maxBytes: 512 * 1024 };

/** Overhead per stored frame besides its text (keys, numbers, structured-clone framing). */
const FRAME_OVERHEAD = 96;
/** Overhead of one chunk + summary record pair. */
export const CHUNK_OVERHEAD = 256;

/** Rough bytes a frame occupies on disk; used for chunk limits and the retention budget. */
export function frameCost(frame: FrameDraft): number {
  return FRAME_OVERHEAD + (frame.text?.length ?? 0) + (frame.binary?.preview.length ?? 0);
}

export function isChunkFull(frames: readonly StoredFrame[], limits: ChunkLimits): boolean {
  if (frames.length >= limits.maxFrames) return true;
  let bytes = 0;
  for (const f of frames) bytes += frameCost(f);
  return bytes >= limits.maxBytes;
}

export class ChunkBuilder {
  private tail: StoredFrame[];
  private tailNo: number;
  private tailFirstPos: number;
  private tailBytes = 0;
  private tailDirty = false;
  /** frameCost() of the frame pushed last (saves callers computing it again). */
  lastCost = 0;
  private sealed: ChunkRecord[] = [];
  nextPos: number;

  constructor(
    private readonly sessionId: SessionId,
    private readonly limits: ChunkLimits,
    start: { readonly chunkNo: number; readonly firstPos: number; readonly frames?: readonly StoredFrame[] },
  ) {
    this.tail = [...(start.frames ?? [])];
    this.tailNo = start.chunkNo;
    this.tailFirstPos = start.firstPos;
    this.nextPos = start.firstPos + this.tail.length;
    for (const f of this.tail) this.tailBytes += frameCost(f);
  }

  /** Chunks that exist once everything drained so far is written. */
  get chunkCount(): number {
    return this.tail.length > 0 ? this.tailNo + 1 : this.tailNo;
  }

  /**
   * Appends a frame and returns it with its position. Takes ownership of `draft`: it is
   * given its `pos` in place rather than copied (a copy per frame was a measurable part of
   * an append). Returns the frame's cost in `lastCost`.
   */
  push(draft: FrameDraft): StoredFrame {
    const frame = draft as { -readonly [K in keyof StoredFrame]: StoredFrame[K] };
    frame.pos = this.nextPos++;
    this.tail.push(frame);
    this.lastCost = frameCost(frame);
    this.tailBytes += this.lastCost;
    this.tailDirty = true;
    if (this.tail.length >= this.limits.maxFrames || this.tailBytes >= this.limits.maxBytes) this.seal();
    return frame;
  }

  /**
   * Chunks to write since the last drain: every chunk sealed meanwhile plus the open tail
   * (partial), so a committed batch never lives only in memory.
   */
  drain(): ChunkRecord[] {
    // A tail at least half full is sealed here rather than written now and rewritten whole
    // by the next drain (with batches of 1,000 frames and 256-frame chunks, rewrites were
    // an eighth of the bytes written). Chunks may therefore hold fewer than maxFrames:
    // positions are found through the summaries' firstPos, never by arithmetic.
    if (this.tail.length >= this.limits.maxFrames / 2 || this.tailBytes >= this.limits.maxBytes / 2) this.seal();
    const out = this.sealed;
    this.sealed = [];
    if (this.tailDirty && this.tail.length > 0) {
      out.push({ sessionId: this.sessionId, chunkNo: this.tailNo, firstPos: this.tailFirstPos, frames: [...this.tail] });
    }
    this.tailDirty = false;
    return out;
  }

  /** Chunks sealed since the last call, without the open tail. */
  takeSealed(): ChunkRecord[] {
    const out = this.sealed;
    this.sealed = [];
    return out;
  }

  private seal(): void {
    this.sealed.push({ sessionId: this.sessionId, chunkNo: this.tailNo, firstPos: this.tailFirstPos, frames: this.tail });
    this.tail = [];
    this.tailNo++;
    this.tailFirstPos = this.nextPos;
    this.tailBytes = 0;
    this.tailDirty = false;
  }
}

function bump(counts: Map<string, number>, key: string | undefined): void {
  if (key === undefined) return;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * A count map as a plain object. Object.fromEntries defines own properties, so a key such as
 * `__proto__` (legal in captured traffic) is data, not a prototype change; and the object is
 * an ordinary fast one: V8 clones null-prototype (dictionary) objects into IndexedDB about
 * 4× slower, which was a tenth of an append.
 */
function counted(counts: Map<string, number>): Counts {
  return Object.fromEntries(counts) as Counts;
}

export function summarize(chunk: ChunkRecord): ChunkSummary {
  const channels = new Map<string, number>();
  const types = new Map<string, number>();
  const conns = new Map<string, number>();
  const ids = new Map<string, number>();
  const dirs = new Map<string, number>();
  let bytes = 0;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (const f of chunk.frames) {
    bump(channels, f.channel);
    bump(types, f.type);
    bump(conns, f.conn);
    bump(ids, f.id);
    bump(dirs, f.dir);
    bytes += f.size;
    if (f.t < tMin) tMin = f.t;
    if (f.t > tMax) tMax = f.t;
  }
  return {
    sessionId: chunk.sessionId,
    chunkNo: chunk.chunkNo,
    firstPos: chunk.firstPos,
    count: chunk.frames.length,
    bytes,
    tMin,
    tMax,
    channels: counted(channels),
    types: counted(types),
    conns: counted(conns),
    ids: counted(ids),
    dirs: counted(dirs),
  };
}
