// Reading frames back: pages by position, streaming filtered scans (cancellable, with
// progress), and per-session counts from the chunk summaries.
//
// A scan reads summaries first and loads only the chunks whose summary can match. Each
// window of chunks is read in its own short transaction and fully awaited before results
// are handed out, so a slow consumer never holds a transaction open.

import { compileFilter, type FrameFilter } from './frame-filter.ts';
import { DEFAULT_CHUNK_LIMITS } from './chunk-builder.ts';
import { CHUNK_STORES, getChunk, getChunks, type TextsWanted } from './chunk-store.ts';
import { ChunkView, viewOf, type ReadChunk } from './packed-chunk.ts';
import type { SessionsDb } from './schema.ts';
import { SessionNotFoundError } from './session-ops.ts';
import type { ChunkRecord, ChunkSummary, Counts, MatchChannel, SessionId, StoredFrame } from './types.ts';

export interface ScanProgress {
  readonly chunksScanned: number;
  readonly chunksTotal: number;
  readonly framesScanned: number;
  readonly matches: number;
}

export interface ScanOptions {
  /** Forward: frames at or after this position; reverse: at or before it. */
  readonly startPos?: number;
  /** Newest first. */
  readonly reverse?: boolean;
  /** Stop after this many matches. */
  readonly limit?: number;
  /** Frames per yielded batch (default 100). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
  readonly matchChannel?: MatchChannel;
}

export interface FrameBatch {
  readonly frames: StoredFrame[];
  readonly progress: ScanProgress;
}

const FIRST_WINDOW = 2;
const MAX_WINDOW = 64;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The scan was cancelled.', 'AbortError');
}

/** The number of the chunk holding `pos` (via the summaries' byFirstPos index). */
async function chunkAt(db: SessionsDb, sessionId: SessionId, pos: number): Promise<number | undefined> {
  const range = IDBKeyRange.bound([sessionId, -Infinity], [sessionId, pos]);
  // A key cursor: the primary key names the chunk, and the summary itself (count maps)
  // need not be read.
  const cursor = await db.transaction('summaries').store.index('byFirstPos').openKeyCursor(range, 'prev');
  return cursor?.primaryKey[1];
}

/**
 * Chunks lo…hi (chunk numbers, inclusive) in order, as views. With `wanted`, only those
 * whose summary it accepts; without, the summaries are not read at all. With `speculate`,
 * the chunks are requested together with the summaries instead of after them: one round
 * trip instead of two when most chunks are expected to be wanted anyway.
 */
export async function readViews(
  db: SessionsDb,
  sessionId: SessionId,
  lo: number,
  hi: number,
  wanted?: (s: ChunkSummary) => boolean,
  speculate = false,
  separate = false,
): Promise<{ views: ChunkView[]; summaries: number; wanted: number }> {
  const range = IDBKeyRange.bound([sessionId, lo], [sessionId, hi]);
  const tx = db.transaction(['summaries', ...CHUNK_STORES]);
  let chunks: (ReadChunk | undefined)[];
  let total = 0;
  let kept = 0;
  if (separate) {
    // One request per chunk: each result is deserialised in its own task, so a wide window
    // is not one long task (a getAll of 64 chunks took 130-230 ms in Chromium).
    const summaries = wanted ? await tx.objectStore('summaries').getAll(range) : undefined;
    const keep = summaries && wanted ? summaries.filter(wanted).map((s) => s.chunkNo) : Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    total = summaries?.length ?? 0;
    kept = summaries ? keep.length : 0;
    chunks = await Promise.all(keep.map((no) => getChunk(tx, [sessionId, no])));
  } else if (!wanted) chunks = await getChunks(tx, range);
  else {
    const all = speculate ? getChunks(tx, range) : undefined;
    const summaries = await tx.objectStore('summaries').getAll(range);
    const keep = summaries.filter(wanted);
    total = summaries.length;
    kept = keep.length;
    // One range read beats many gets when most of the window is wanted.
    if (all || keep.length * 2 > summaries.length) {
      const nos = new Set(keep.map((s) => s.chunkNo));
      chunks = (await (all ?? getChunks(tx, range))).filter((c) => nos.has(c.chunkNo));
    } else chunks = await Promise.all(keep.map((s) => getChunk(tx, [sessionId, s.chunkNo])));
  }
  const views: ChunkView[] = [];
  for (const c of chunks) if (c !== undefined) views.push(viewOf(c));
  return { views, summaries: total, wanted: kept };
}

export async function readWindow(
  db: SessionsDb,
  sessionId: SessionId,
  lo: number,
  hi: number,
  wanted?: (s: ChunkSummary) => boolean,
): Promise<ChunkRecord[]> {
  const { views } = await readViews(db, sessionId, lo, hi, wanted);
  return views.map((v) => ({ sessionId, chunkNo: v.packed.chunkNo, firstPos: v.firstPos, frames: v.frames() }));
}

export async function* scanFrames(
  db: SessionsDb,
  sessionId: SessionId,
  filter: FrameFilter = {},
  options: ScanOptions = {},
): AsyncGenerator<FrameBatch, void, undefined> {
  const { signal, reverse = false } = options;
  const compiled = compileFilter(filter, options.matchChannel);
  const limit = options.limit ?? Infinity;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const session = await db.get('sessions', sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  const count = session.chunkCount;
  const startPos = options.startPos;
  let first = reverse ? count - 1 : 0;
  if (startPos !== undefined) first = (await chunkAt(db, sessionId, startPos)) ?? (reverse ? -1 : 0);
  const total = reverse ? first + 1 : Math.max(0, count - first);
  let scanned = 0;
  let framesScanned = 0;
  let matches = 0;
  let pending: StoredFrame[] = [];
  const progress = (): ScanProgress => ({ chunksScanned: scanned, chunksTotal: total, framesScanned, matches });
  const inRange = (pos: number): boolean =>
    startPos === undefined || (reverse ? pos <= startPos : pos >= startPos);

  let window = FIRST_WINDOW;
  let next = first;
  let speculate = true;
  while (scanned < total && matches < limit) {
    if (signal?.aborted) throw abortError(signal);
    const lo = reverse ? Math.max(0, next - window + 1) : next;
    const hi = reverse ? next : Math.min(count - 1, next + window - 1);
    const read = await readViews(db, sessionId, lo, hi, compiled.usesSummaries ? (s) => compiled.chunkMayMatch(s) : undefined, speculate);
    // Speculate while most chunks of a window are wanted (common criteria such as a busy
    // channel or type); stop as soon as summaries start ruling chunks out.
    speculate = read.wanted * 2 > read.summaries;
    const views = read.views;
    if (reverse) views.reverse();
    for (const view of views) {
      const hit = compiled.matchChunk(view);
      const n = view.count;
      for (let j = 0; j < n && matches < limit; j++) {
        const i = reverse ? n - 1 - j : j;
        framesScanned++;
        if (hit[i] === 1 && inRange(view.firstPos + i)) {
          pending.push(view.frame(i));
          matches++;
        }
      }
      if (matches >= limit) break;
    }
    scanned += hi - lo + 1;
    next = reverse ? lo - 1 : hi + 1;
    window = Math.min(MAX_WINDOW, window * 2);
    options.onProgress?.(progress());
    while (pending.length >= batchSize) {
      if (signal?.aborted) throw abortError(signal);
      yield { frames: pending.splice(0, batchSize), progress: progress() };
    }
  }
  if (pending.length > 0) {
    if (signal?.aborted) throw abortError(signal);
    yield { frames: pending, progress: progress() };
  }
}

/** Every chunk of a session in order (optionally only those whose summary is wanted). */
export async function* readChunks(
  db: SessionsDb,
  sessionId: SessionId,
  chunkCount: number,
  wanted?: (s: ChunkSummary) => boolean,
): AsyncGenerator<ChunkRecord, void, undefined> {
  for (let lo = 0; lo < chunkCount; lo += 16) {
    yield* await readWindow(db, sessionId, lo, Math.min(chunkCount, lo + 16) - 1, wanted);
  }
}

export interface FramePage {
  readonly frames: StoredFrame[];
  /** Where the next page starts (pass as startPos), or undefined at the end. */
  readonly nextPos?: number;
  readonly progress: ScanProgress;
}

/** Collects up to `limit` (default 100) matching frames: one page of a filtered view. */
export async function findFrames(
  db: SessionsDb,
  sessionId: SessionId,
  filter: FrameFilter = {},
  options: ScanOptions = {},
): Promise<FramePage> {
  const limit = options.limit ?? 100;
  const frames: StoredFrame[] = [];
  let progress: ScanProgress = { chunksScanned: 0, chunksTotal: 0, framesScanned: 0, matches: 0 };
  // One extra match tells whether another page exists.
  for await (const batch of scanFrames(db, sessionId, filter, { ...options, limit: limit + 1 })) {
    frames.push(...batch.frames);
    progress = batch.progress;
  }
  const extra = frames.length > limit ? frames.splice(limit) : [];
  const nextPos = extra[0]?.pos;
  return { frames, ...(nextPos !== undefined ? { nextPos } : {}), progress };
}

/**
 * Frames [offset, offset + limit) by position: the unfiltered table's page. `page.texts`
 * decides per chunk whether its frames' texts are read (default: always).
 */
export async function readFramePage(
  db: SessionsDb,
  sessionId: SessionId,
  page: { readonly offset: number; readonly limit: number; readonly texts?: TextsWanted },
): Promise<StoredFrame[]> {
  const start = await chunkAt(db, sessionId, page.offset);
  if (start === undefined || page.limit <= 0) return [];
  const end = page.offset + page.limit;
  const tx = db.transaction(CHUNK_STORES);
  const out: StoredFrame[] = [];
  // The chunks a page needs, read with one range request (a full chunk holds `maxFrames`;
  // one more for the first, which may begin before the offset) instead of one request per
  // chunk: at saturation the live panel's traffic model reads ~16 chunks every refresh.
  let no = start;
  let extra = 1;
  while (out.length < page.limit) {
    const want = Math.ceil((page.limit - out.length) / DEFAULT_CHUNK_LIMITS.maxFrames) + extra;
    extra = 0;
    const chunks = await getChunks(tx, IDBKeyRange.bound([sessionId, no], [sessionId, no + want - 1]), page.texts);
    for (const chunk of chunks) {
      const view = viewOf(chunk);
      out.push(...view.frames(page.offset - view.firstPos, end - view.firstPos));
    }
    if (chunks.length < want) break;
    no = chunks[chunks.length - 1]!.chunkNo + 1;
  }
  return out;
}

/** Frames with t in [from, to], in position order (capture order, nearly time order). */
export function readFramesByTime(
  db: SessionsDb,
  sessionId: SessionId,
  range: { readonly from: number; readonly to?: number; readonly limit?: number; readonly startPos?: number },
): Promise<FramePage> {
  const filter: FrameFilter = { fromTime: range.from, ...(range.to !== undefined ? { toTime: range.to } : {}) };
  return findFrames(db, sessionId, filter, {
    limit: range.limit ?? 100,
    ...(range.startPos !== undefined ? { startPos: range.startPos } : {}),
  });
}

export interface SessionCounts {
  readonly channels: Counts;
  readonly types: Counts;
  readonly directions: Counts;
  readonly connections: Counts;
}

/**
 * Frame counts per channel, type, direction and connection: one record kept with the frames
 * (see session-counts.ts), or, for a session without one, the sum of its chunk summaries.
 */
export async function sessionCounts(db: SessionsDb, sessionId: SessionId): Promise<SessionCounts> {
  const tx = db.transaction(['counts', 'summaries']);
  const kept = await tx.objectStore('counts').get([sessionId]);
  // Null-prototype maps, as before: keys come from captured traffic.
  const copy = (from: Counts): Record<string, number> => Object.assign(Object.create(null) as Record<string, number>, from);
  if (kept) {
    return { channels: copy(kept.channels), types: copy(kept.types), directions: copy(kept.directions), connections: copy(kept.connections) };
  }
  const summaries = await tx.objectStore('summaries').getAll(IDBKeyRange.bound([sessionId, -Infinity], [sessionId, Infinity]));
  const add = (into: Record<string, number>, from: Counts): void => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const channels: Record<string, number> = Object.create(null) as Record<string, number>;
  const types: Record<string, number> = Object.create(null) as Record<string, number>;
  const directions: Record<string, number> = Object.create(null) as Record<string, number>;
  const connections: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const s of summaries) {
    add(channels, s.channels);
    add(types, s.types);
    add(directions, s.dirs);
    add(connections, s.conns);
  }
  return { channels, types, directions, connections };
}
