// The live writer: capture batches in, chunks out. One recorder per recording session; the
// background is the only writer of the database.
//
// Guarantees:
// - append() resolves only after its transaction committed, and that transaction holds
//   the batch's frames *including the partial tail chunk*, so an acknowledged batch
//   survives the worker dying right after.
// - De-duplication by (socketId, seq) against per-socket high-water marks that are stored
//   (marks store) in the same transaction, so a resend after a worker restart, handled by
//   a new recorder on the same database, stores nothing twice.
// - A failed transaction changes nothing on disk; in-memory state is reloaded from the
//   database (the source of truth). A quota failure pauses the recorder.
// - Batches queued while a transaction runs are written together in the next one.

import type { CaptureRecord } from '../capture/records.ts';
import { ChunkBuilder, CHUNK_OVERHEAD, DEFAULT_CHUNK_LIMITS, isChunkFull, summarize, type ChunkLimits } from './chunk-builder.ts';
import { CHUNK_STORES, getChunk, putChunk } from './chunk-store.ts';
import { buildFrames, ConnectionTable } from './frame-builder.ts';
import { packChunk, unpackChunk } from './packed-chunk.ts';
import { CountsAccumulator } from './session-counts.ts';
import { isQuotaError, StorageFullError, STORAGE_FULL_MESSAGE } from './quota.ts';
import { sessionRange, type SessionsDb } from './schema.ts';
import { SessionNotFoundError } from './session-ops.ts';
import type { Classify, ConnectionRecord, ConnectionSummary, Redact, SessionId, SessionRecord } from './types.ts';

export type RecorderState =
  | { readonly status: 'recording' }
  | { readonly status: 'paused'; readonly reason: 'storage-full'; readonly message: string }
  | { readonly status: 'stopped'; readonly message: string };

export interface AppendResult {
  /** Records stored (duplicates excluded). */
  readonly stored: number;
  readonly duplicates: number;
  /** Records missing before this batch's records, per seq gaps. */
  readonly lost: number;
  /**
   * Records passed over (`keep` said no), with the gaps before them: not stored, yet their
   * seqs count as handled, so they are neither counted as lost nor stored by a later resend.
   */
  readonly passed: number;
  /** Position of the first and last frame written for this batch, if any. */
  readonly firstPos?: number;
  readonly lastPos?: number;
  /**
   * The records stored, as stored: redacted unless the session keeps secrets, duplicates left
   * out. What the live view shows is exactly this, so it can neither show a record twice nor
   * show a secret the session does not keep.
   */
  readonly records: readonly CaptureRecord[];
}

export interface RecorderOptions {
  readonly sessionId: SessionId;
  readonly classify: Classify;
  readonly redact: Redact;
  readonly chunkLimits?: ChunkLimits;
  /** Passed to IDB; the default lets the browser decide. */
  readonly durability?: 'default' | 'strict' | 'relaxed';
  readonly onStateChange?: (state: RecorderState) => void;
}

export interface Recorder {
  readonly sessionId: SessionId;
  readonly state: RecorderState;
  /**
   * Stores a batch; resolves once committed. Rejects with StorageFullError when paused.
   * With `keep`, only the records it accepts are stored (recording stopped by the user).
   */
  append(batch: readonly CaptureRecord[], keep?: (record: CaptureRecord) => boolean): Promise<AppendResult>;
  /** Leaves the storage-full pause (after space was freed); the next append retries. */
  resume(): void;
  /** Marks the session complete with its end time. */
  finish(endedAt?: number): Promise<SessionRecord>;
}

const MAX_RECORDS_PER_TX = 20_000;

interface Pending {
  readonly records: readonly CaptureRecord[];
  readonly keep: ((record: CaptureRecord) => boolean) | undefined;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

interface Loaded {
  builder: ChunkBuilder;
  conns: ConnectionTable;
  marks: Map<string, number>;
  /** Sockets whose last handled records were passed over: their next stored frame follows a gap. */
  passedOver: Set<string>;
  frameCount: number;
  byteCount: number;
  storedBytes: number;
  counts: CountsAccumulator;
  /** The session's keepSecrets as last read: batches are built with it (see write()). */
  keepSecrets: boolean;
}

/** keepSecrets changed since the batch was built: build it again from disk. */
class SettingChanged extends Error {}

async function load(db: SessionsDb, sessionId: SessionId, limits: ChunkLimits): Promise<Loaded> {
  const tx = db.transaction(['sessions', 'connections', 'marks', ...CHUNK_STORES, 'counts', 'summaries'] as const, 'readonly');
  const session = await tx.objectStore('sessions').get(sessionId);
  if (!session) throw new SessionNotFoundError(sessionId);
  const [conns, marks, lastStored, storedCounts] = await Promise.all([
    tx.objectStore('connections').getAll(sessionRange(sessionId)),
    tx.objectStore('marks').getAll(sessionRange(sessionId)),
    session.chunkCount > 0 ? getChunk(tx, [sessionId, session.chunkCount - 1]) : undefined,
    tx.objectStore('counts').get([sessionId]),
  ]);
  const counts = new CountsAccumulator(sessionId, storedCounts);
  if (!storedCounts && session.chunkCount > 0) {
    // Written before counts were kept with the frames: rebuilt once from the summaries.
    for (const s of await tx.objectStore('summaries').getAll(sessionRange(sessionId))) counts.addSummary(s);
  }
  const last = lastStored && unpackChunk(lastStored);
  // Continue the last chunk if it has room; it is rewritten whole on every batch.
  const start =
    last && !isChunkFull(last.frames, limits)
      ? { chunkNo: last.chunkNo, firstPos: last.firstPos, frames: last.frames }
      : { chunkNo: session.chunkCount, firstPos: session.frameCount };
  return {
    builder: new ChunkBuilder(sessionId, limits, start),
    conns: new ConnectionTable(sessionId, conns),
    marks: new Map(marks.map((m) => [m.socketId, m.seq])),
    passedOver: new Set(marks.flatMap((m) => (m.passedOver ? [m.socketId] : []))),
    frameCount: session.frameCount,
    byteCount: session.byteCount,
    storedBytes: session.storedBytes,
    counts,
    keepSecrets: session.keepSecrets,
  };
}

export function connectionSummary(conns: readonly ConnectionRecord[]): ConnectionSummary {
  const s = { websocket: 0, http: 0, appsync: 0, errors: 0, lost: 0 };
  for (const c of conns) {
    if (c.kind === 'websocket') s.websocket++;
    else s.http++;
    if (c.appsync) s.appsync++;
    s.errors += c.errors;
    s.lost += c.lost;
  }
  return s;
}

export async function createRecorder(db: SessionsDb, options: RecorderOptions): Promise<Recorder> {
  const { sessionId, classify, redact } = options;
  const limits = options.chunkLimits ?? DEFAULT_CHUNK_LIMITS;
  let st = await load(db, sessionId, limits);
  let state: RecorderState = { status: 'recording' };
  const queue: Pending[] = [];
  let busy = false;
  let running: Promise<void> = Promise.resolve();

  const setState = (next: RecorderState): void => {
    state = next;
    options.onStateChange?.(next);
  };

  /** Builds every write for the queued batches, in memory, against the current state. */
  function process(batches: readonly Pending[], keepSecrets: boolean, dirtyMarks: Set<string>): AppendResult[] {
    return batches.map(({ records, keep }) => {
      let stored = 0;
      let duplicates = 0;
      let lost = 0;
      let passed = 0;
      let firstPos: number | undefined;
      let lastPos: number | undefined;
      const kept: CaptureRecord[] = [];
      for (const raw of records) {
        const high = st.marks.get(raw.socketId) ?? -1;
        if (raw.seq <= high) {
          duplicates++;
          continue;
        }
        const gap = raw.seq - high - 1;
        st.marks.set(raw.socketId, raw.seq);
        dirtyMarks.add(raw.socketId);
        if (keep && !keep(raw)) {
          // Also what the hook's buffers dropped just before it: not recorded either way.
          passed += 1 + gap;
          st.passedOver.add(raw.socketId);
          continue;
        }
        lost += gap;
        const afterPassed = st.passedOver.delete(raw.socketId);
        const rec = keepSecrets ? raw : redact(raw);
        kept.push(rec);
        for (const draft of buildFrames(rec, raw, st.conns, classify, gap, afterPassed)) {
          const before = st.builder.chunkCount;
          const frame = st.builder.push(draft);
          firstPos ??= frame.pos;
          lastPos = frame.pos;
          st.frameCount++;
          st.byteCount += frame.size;
          st.counts.addFrame(frame);
          st.storedBytes += st.builder.lastCost + (st.builder.chunkCount > before ? CHUNK_OVERHEAD : 0);
        }
        stored++;
      }
      return { stored, duplicates, lost, passed, ...(firstPos !== undefined ? { firstPos, lastPos } : {}), records: kept };
    });
  }

  async function write(batches: readonly Pending[]): Promise<AppendResult[]> {
    const stores = ['sessions', ...CHUNK_STORES, 'summaries', 'connections', 'marks', 'counts'] as const;
    const tx = db.transaction(stores, 'readwrite', { durability: options.durability ?? 'default' });
    const requests: Promise<unknown>[] = [tx.done];
    try {
      // Read the session inside the transaction: renames, pins and keepSecrets changes made
      // meanwhile are kept, and the recorder owns only the totals. The batch is built while
      // that read is in flight (it took about a tenth of an append when awaited first),
      // assuming keepSecrets is unchanged; if it did change, the batch is built again.
      const sessionRead = tx.objectStore('sessions').get(sessionId);
      const dirtyMarks = new Set<string>();
      const assumed = st.keepSecrets;
      const results = process(batches, assumed, dirtyMarks);
      const current = await sessionRead;
      if (!current) throw new SessionNotFoundError(sessionId);
      if (current.keepSecrets !== assumed) throw new SettingChanged();
      for (const chunk of st.builder.drain()) {
        requests.push(...putChunk(tx, packChunk(chunk)), tx.objectStore('summaries').put(summarize(chunk)));
      }
      for (const c of st.conns.takeDirty()) requests.push(tx.objectStore('connections').put(c));
      for (const socketId of dirtyMarks) {
        const seq = st.marks.get(socketId) ?? -1;
        requests.push(tx.objectStore('marks').put({ sessionId, socketId, seq, ...(st.passedOver.has(socketId) ? { passedOver: true as const } : {}) }));
      }
      const next: SessionRecord = {
        ...current,
        frameCount: st.frameCount,
        byteCount: st.byteCount,
        storedBytes: st.storedBytes,
        chunkCount: st.builder.chunkCount,
        connections: connectionSummary(st.conns.all()),
      };
      // One request per push: a put that throws must not orphan one already made.
      requests.push(tx.objectStore('counts').put(st.counts.record()));
      requests.push(tx.objectStore('sessions').put(next));
      await Promise.all(requests);
      return results;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborting: the original error is what matters.
      }
      await Promise.allSettled(requests);
      if (e instanceof SettingChanged) {
        st = await load(db, sessionId, limits);
        return write(batches);
      }
      throw tx.error && isQuotaError(tx.error) ? tx.error : e;
    }
  }

  function pump(): void {
    if (busy) return;
    busy = true;
    running = drainQueue();
  }

  async function drainQueue(): Promise<void> {
    // `busy` is cleared in the same synchronous step that sees the queue empty, so an append
    // arriving afterwards always starts a new drain.
    try {
      while (queue.length > 0) {
        // Group commit, bounded so one transaction never holds an unbounded backlog.
        let take = 0;
        for (let records = 0; take < queue.length && records < MAX_RECORDS_PER_TX; take++) {
          records += (queue[take] as Pending).records.length;
        }
        const batches = queue.splice(0, take);
        try {
          const results = await write(batches);
          batches.forEach((b, i) => b.resolve(results[i] as AppendResult));
        } catch (e) {
          // Nothing was written; forget what we built in memory and start again from disk.
          const reloadFailed = await load(db, sessionId, limits).then(
            (fresh) => ((st = fresh), undefined),
            (err: unknown) => err,
          );
          let error: unknown = e;
          if (isQuotaError(e)) {
            setState({ status: 'paused', reason: 'storage-full', message: STORAGE_FULL_MESSAGE });
            error = new StorageFullError(STORAGE_FULL_MESSAGE, e);
          } else if (e instanceof SessionNotFoundError || reloadFailed) {
            setState({ status: 'stopped', message: e instanceof Error ? e.message : String(e) });
          }
          for (const b of [...batches, ...queue.splice(0, queue.length)]) b.reject(error);
        }
      }
    } finally {
      busy = false;
    }
  }

  return {
    sessionId,
    get state() {
      return state;
    },
    append(batch, keep) {
      if (state.status === 'paused') return Promise.reject(new StorageFullError(state.message));
      if (state.status === 'stopped') return Promise.reject(new Error(state.message));
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ records: batch, keep, resolve, reject });
        pump();
      });
    },
    resume() {
      if (state.status === 'paused') setState({ status: 'recording' });
    },
    async finish(endedAt = Date.now()) {
      while (busy) await running;
      const tx = db.transaction('sessions', 'readwrite');
      const current = await tx.store.get(sessionId);
      if (!current) throw new SessionNotFoundError(sessionId);
      const next: SessionRecord = { ...current, endedAt, state: 'complete' };
      await Promise.all([tx.store.put(next), tx.done]);
      return next;
    },
  };
}
