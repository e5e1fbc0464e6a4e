// Read-only queries for a filtered table over a whole session: a scan that yields only the
// positions of matching frames (a table of a million rows keeps one number per row, not a
// frame), with criteria to exclude as well as to include, and a read of frames by position.
//
// Exclusion is what the frame filter cannot say: "every type but ka", "frames that do not
// contain this text". A frame is listed when it matches `include` and none of `exclude`.

import { compileFilter, type CompiledFilter, type FrameFilter } from './frame-filter.ts';
import { readViews } from './queries.ts';
import { CHUNK_STORES, getChunk, getChunks } from './chunk-store.ts';
import { viewOf, type ChunkView, type ReadChunk } from './packed-chunk.ts';
import type { SessionsDb } from './schema.ts';
import type { ChunkSummary, Counts, MatchChannel, SessionId, StoredFrame } from './types.ts';

export interface PositionQuery {
  readonly include?: FrameFilter;
  readonly exclude?: readonly FrameFilter[];
}

export interface PositionBatch {
  /** Positions of matching frames, ascending. */
  readonly positions: number[];
  /** Every frame below this position has been looked at. */
  readonly scannedTo: number;
  readonly chunksScanned: number;
  readonly chunksTotal: number;
  /** The frames of the first `firstFrames` matches of the scan, as they are found. */
  readonly frames?: StoredFrame[];
}

export interface PositionScanOptions {
  /** First position to look at (a live table continues where it stopped). */
  readonly startPos?: number;
  readonly signal?: AbortSignal;
  readonly matchChannel?: MatchChannel;
  /**
   * Return the frames of this many first matches with the batches: the chunks are in hand
   * already, so the table's first page needs no second read.
   */
  readonly firstFrames?: number;
}

const FIRST_WINDOW = 4;
// Chunks are deserialised on the reading thread: 16 chunks (~2 MB of frames) keep each
// window's task well under 50 ms in Chromium; 64 took 130–230 ms.
const MAX_WINDOW = 16;
/**
 * While the first matches the table shows are still wanted, the next window is sized from
 * the matches per chunk seen so far (up to this many chunks, read one request each), so a
 * sparse filter (1 % of frames) fills its first page in two round trips instead of four.
 */
const FIRST_BURST = 48;

/** Whether a query selects every frame (the table can then read pages by position). */
export function selectsEverything(q: PositionQuery): boolean {
  const inc = q.include ?? {};
  const constrains = Object.entries(inc).some(([k, v]) => v !== undefined && k !== 'caseSensitive' && !(Array.isArray(v) && v.length === 0) && v !== '');
  return !constrains && (q.exclude ?? []).length === 0;
}

/**
 * Whether a summary alone proves that `include` matches every frame of its chunk: only for
 * criteria a summary counts exactly (types, directions, connections, ids; no text, time,
 * channel pattern, event field or mark). Null: it cannot tell for any chunk.
 */
function includesAllFrom(include: FrameFilter): ((s: ChunkSummary) => boolean) | null {
  if (include.text || include.regex !== undefined || include.fromTime !== undefined || include.toTime !== undefined || (include.channels?.length ?? 0) > 0) return null;
  if ((include.fields?.length ?? 0) > 0 || (include.marks ?? 0) !== 0) return null;
  const lists: [keyof ChunkSummary, readonly string[]][] = [];
  if (include.types?.length) lists.push(['types', include.types]);
  if (include.directions?.length) lists.push(['dirs', include.directions]);
  if (include.connections?.length) lists.push(['conns', include.connections]);
  if (include.ids?.length) lists.push(['ids', include.ids]);
  return (s) =>
    lists.every(([key, values]) => {
      const counts = s[key] as Counts;
      let n = 0;
      for (const v of new Set(values)) n += counts[v] ?? 0;
      return n === s.count;
    });
}

type Planned = { readonly kind: 'all'; readonly firstPos: number; readonly count: number } | { readonly kind: 'view'; readonly view: ChunkView };

/**
 * Chunks lo…hi planned from their summaries: skipped when include cannot match, listed whole
 * without being read when the summary proves every frame matches and no exclusion can
 * (the common case of `ka` hidden in a session whose chunks hold no keep-alive), read
 * otherwise. Summaries and chunks in one transaction.
 */
async function readPlanned(
  db: SessionsDb,
  sessionId: SessionId,
  lo: number,
  hi: number,
  plan: (s: ChunkSummary) => 'skip' | 'all' | 'read',
  speculate: boolean,
): Promise<{ planned: Planned[]; read: number; summaries: number; scannedTo: number }> {
  const range = IDBKeyRange.bound([sessionId, lo], [sessionId, hi]);
  const tx = db.transaction(['summaries', ...CHUNK_STORES]);
  const all = speculate ? getChunks(tx, range) : undefined;
  const summaries = await tx.objectStore('summaries').getAll(range);
  const decided = summaries.map((s) => [s, plan(s)] as const);
  const toRead = decided.filter(([, d]) => d === 'read').map(([s]) => s.chunkNo);
  let chunks: Map<number, ReadChunk>;
  if (all || toRead.length * 2 > summaries.length) {
    const wanted = new Set(toRead);
    chunks = new Map((await (all ?? getChunks(tx, range))).filter((c) => wanted.has(c.chunkNo)).map((c) => [c.chunkNo, c]));
  } else {
    const got = await Promise.all(toRead.map((no) => getChunk(tx, [sessionId, no])));
    chunks = new Map(got.filter((c) => c !== undefined).map((c) => [c.chunkNo, c]));
  }
  const planned: Planned[] = [];
  let scannedTo = 0;
  for (const [s, d] of decided) {
    scannedTo = Math.max(scannedTo, s.firstPos + s.count);
    if (d === 'all') planned.push({ kind: 'all', firstPos: s.firstPos, count: s.count });
    else if (d === 'read') {
      const c = chunks.get(s.chunkNo);
      if (c) planned.push({ kind: 'view', view: viewOf(c) });
    }
  }
  return { planned, read: toRead.length, summaries: summaries.length, scannedTo };
}

/** A planner when summaries can decide chunks without reading them, else null. */
function plannerFor(query: PositionQuery, include: CompiledFilter, exclude: readonly CompiledFilter[]): ((s: ChunkSummary, needFrames: boolean) => 'skip' | 'all' | 'read') | null {
  const includesAll = includesAllFrom(query.include ?? {});
  if (!includesAll || !exclude.every((e) => e.usesSummaries)) return null;
  return (s, needFrames) => {
    if (!include.chunkMayMatch(s)) return 'skip';
    if (!needFrames && includesAll(s) && !exclude.some((e) => e.chunkMayMatch(s))) return 'all';
    return 'read';
  };
}

async function firstChunkAt(db: SessionsDb, sessionId: SessionId, pos: number): Promise<number> {
  const range = IDBKeyRange.bound([sessionId, -Infinity], [sessionId, pos]);
  const cursor = await db.transaction('summaries').store.index('byFirstPos').openKeyCursor(range, 'prev');
  return cursor?.primaryKey[1] ?? 0;
}

/**
 * Positions of the frames that match, in order, a window of chunks at a time (each read in
 * its own transaction). Chunks are those that existed when the scan started.
 */
export async function* scanPositions(
  db: SessionsDb,
  sessionId: SessionId,
  query: PositionQuery,
  options: PositionScanOptions = {},
): AsyncGenerator<PositionBatch, void, undefined> {
  const include = compileFilter(query.include ?? {}, options.matchChannel);
  const exclude = (query.exclude ?? []).map((f) => compileFilter(f, options.matchChannel));
  const session = await db.get('sessions', sessionId);
  if (!session) return;
  const count = session.chunkCount;
  const startPos = options.startPos ?? 0;
  const first = startPos > 0 ? await firstChunkAt(db, sessionId, startPos) : 0;
  const total = Math.max(0, count - first);
  let next = first;
  let window = FIRST_WINDOW;
  let scannedTo = startPos;
  let framesLeft = options.firstFrames ?? 0;
  let found = 0;
  const planner = plannerFor(query, include, exclude);
  // As in scanFrames: request the chunks together with their summaries while most chunks
  // of a window are wanted (one round trip instead of two). Not when the summaries can
  // decide and no frames are wanted: the live table's scan of each growth, under the
  // default `ka` chip, reads no chunk of a window without keep-alives, and speculating
  // read its first window whole on every refresh.
  let speculate = !planner || framesLeft > 0;
  while (next < count) {
    if (options.signal?.aborted) return;
    const hi = Math.min(count - 1, next + window - 1);
    const separate = window > MAX_WINDOW;
    let views: ChunkView[];
    const positions: number[] = [];
    const frames: StoredFrame[] = [];
    if (planner && !separate) {
      const needFrames = framesLeft > 0;
      const planned = await readPlanned(db, sessionId, next, hi, (s) => planner(s, needFrames), speculate);
      speculate = planned.read * 2 > planned.summaries;
      views = [];
      for (const p of planned.planned) {
        if (p.kind === 'view') {
          views.push(p.view);
          continue;
        }
        // Flush the views before this chunk so positions stay ascending.
        scanViews(views, positions, frames);
        views = [];
        for (let pos = Math.max(p.firstPos, startPos); pos < p.firstPos + p.count; pos++) positions.push(pos);
      }
      scanViews(views, positions, frames);
      views = [];
      scannedTo = Math.max(scannedTo, planned.scannedTo);
    } else {
      const read = await readViews(db, sessionId, next, hi, include.usesSummaries ? (s) => include.chunkMayMatch(s) : undefined, speculate && !separate, separate);
      speculate = read.wanted * 2 > read.summaries;
      views = read.views;
    }
    scanViews(views, positions, frames);
    next = hi + 1;
    found += positions.length;
    const looked = next - first;
    if (framesLeft > 0 && found > 0) window = Math.max(FIRST_WINDOW, Math.min(FIRST_BURST, Math.ceil((framesLeft * 1.25 * looked) / found)));
    else window = Math.min(MAX_WINDOW, window * 2);
    if (options.signal?.aborted) return;
    yield { positions, scannedTo, chunksScanned: next - first, chunksTotal: total, ...(frames.length > 0 ? { frames } : {}) };
  }

  function scanViews(views: readonly ChunkView[], positions: number[], frames: StoredFrame[]): void {
    for (const view of views) {
      const hit = include.matchChunk(view);
      for (const ex of exclude) {
        const out = ex.matchChunk(view);
        for (let i = 0; i < hit.length; i++) if (out[i] === 1) hit[i] = 0;
      }
      for (let i = 0; i < hit.length; i++) {
        const pos = view.firstPos + i;
        if (hit[i] === 1 && pos >= startPos) {
          positions.push(pos);
          if (framesLeft > 0) {
            frames.push(view.frame(i));
            framesLeft--;
          }
        }
      }
      scannedTo = Math.max(scannedTo, view.firstPos + view.count);
    }
  }
}

/** The frames at the given positions (ascending), reading each chunk once. */
export async function readFramesAt(db: SessionsDb, sessionId: SessionId, positions: readonly number[]): Promise<StoredFrame[]> {
  if (positions.length === 0) return [];
  // One transaction for the index look-ups and the reads: awaiting another one's request
  // would let this one finish in between.
  const tx = db.transaction([...CHUNK_STORES, 'summaries']);
  const byFirstPos = tx.objectStore('summaries').index('byFirstPos');
  const chunkAt = async (pos: number): Promise<number> =>
    (await byFirstPos.openKeyCursor(IDBKeyRange.bound([sessionId, -Infinity], [sessionId, pos]), 'prev'))?.primaryKey[1] ?? 0;
  const firstChunk = await chunkAt(positions[0] as number);
  const out: StoredFrame[] = [];
  let k = 0;
  for (let no = firstChunk; k < positions.length; no++) {
    const chunk = await getChunk(tx, [sessionId, no]);
    if (!chunk) break;
    const view = viewOf(chunk);
    const end = view.firstPos + view.count;
    while (k < positions.length && (positions[k] as number) < end) {
      const pos = positions[k] as number;
      if (pos >= view.firstPos) out.push(view.frame(pos - view.firstPos));
      k++;
    }
    // Skip chunks that hold none of the wanted positions.
    if (k < positions.length && (positions[k] as number) >= end + 2 * view.count) {
      no = (await chunkAt(positions[k] as number)) - 1;
    }
  }
  return out;
}
