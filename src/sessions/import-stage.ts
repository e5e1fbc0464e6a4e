// Writes an imported session without touching anything already stored: the session is
// created hidden (state `importing`), its chunks are written in their own transactions,
// and only the last transaction makes it visible. On failure everything under its new id
// is removed; a crash mid-import leaves a hidden session that purgeStaleImports() removes.

import { ChunkBuilder, CHUNK_OVERHEAD, DEFAULT_CHUNK_LIMITS, summarize, type ChunkLimits, type FrameDraft } from './chunk-builder.ts';
import { CHUNK_STORES, putChunk } from './chunk-store.ts';
import { packChunk, type PackedChunk } from './packed-chunk.ts';
import { CountsAccumulator } from './session-counts.ts';
import { ImportError } from './import-error.ts';
import { isQuotaError, STORAGE_FULL_MESSAGE } from './quota.ts';
import { connectionSummary } from './recorder.ts';
import type { SessionsDb } from './schema.ts';
import { purgeSession, sessionRecord, type NewSession } from './session-ops.ts';
import type { ChunkSummary, ConnectionRecord, SessionId, SessionRecord } from './types.ts';

/** Chunks per write transaction: large transactions append faster (perf-anchors, B). */
const CHUNKS_PER_TX = 32;

function storageError(e: unknown): ImportError {
  return isQuotaError(e)
    ? new ImportError('storage', `Import stopped: ${STORAGE_FULL_MESSAGE.replace(/^Recording paused: /, '')}`, e)
    : new ImportError('storage', `Import failed while writing: ${e instanceof Error ? e.message : String(e)}`, e);
}

export class StagedSession {
  private readonly builder: ChunkBuilder;
  private ready: [PackedChunk, ChunkSummary][] = [];
  private readonly counts: CountsAccumulator;
  private frameCount = 0;
  private byteCount = 0;
  private storedBytes = 0;

  private constructor(
    private readonly db: SessionsDb,
    private readonly record: SessionRecord,
    limits: ChunkLimits,
  ) {
    this.builder = new ChunkBuilder(record.id, limits, { chunkNo: 0, firstPos: 0 });
    this.counts = new CountsAccumulator(record.id);
  }

  static async begin(db: SessionsDb, init: NewSession, limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): Promise<StagedSession> {
    const record: SessionRecord = { ...sessionRecord({ ...init, source: init.source ?? 'imported' }, 'importing'), stagedAt: Date.now() };
    try {
      await db.add('sessions', record);
    } catch (e) {
      throw storageError(e);
    }
    return new StagedSession(db, record, limits);
  }

  get id(): SessionId {
    return this.record.id;
  }

  get frames(): number {
    return this.frameCount;
  }

  /**
   * Adds a frame; returns a promise only when a write was started (await it), so the
   * common case costs no promise and no microtask per frame.
   */
  add(draft: FrameDraft): Promise<void> | undefined {
    const before = this.builder.chunkCount;
    const frame = this.builder.push(draft);
    this.frameCount++;
    this.byteCount += frame.size;
    this.storedBytes += this.builder.lastCost;
    this.counts.addFrame(frame);
    if (this.builder.chunkCount > before) {
      this.storedBytes += CHUNK_OVERHEAD;
      // Packed as soon as sealed: frame objects then die young instead of being promoted
      // while CHUNKS_PER_TX chunks gather, which had the import's heap peak grow.
      for (const c of this.builder.takeSealed()) this.ready.push([packChunk(c), summarize(c)]);
      if (this.ready.length >= CHUNKS_PER_TX) return this.flush(false);
    }
    return undefined;
  }

  /** Writes the sealed chunks, and with `all` the partial tail too (the import is done). */
  private async flush(all: boolean): Promise<void> {
    if (all) for (const c of this.builder.drain()) this.ready.push([packChunk(c), summarize(c)]);
    const ready = this.ready;
    this.ready = [];
    if (ready.length === 0) return;
    try {
      const tx = this.db.transaction([...CHUNK_STORES, 'summaries', 'sessions'], 'readwrite');
      await Promise.all([
        ...ready.flatMap(([chunk, summary]) => [...putChunk(tx, chunk), tx.objectStore('summaries').put(summary)]),
        // Still running: see purgeStaleImports.
        tx.objectStore('sessions').put({ ...this.record, stagedAt: Date.now() }),
        tx.done,
      ]);
    } catch (e) {
      throw storageError(e);
    }
  }

  /** Writes the rest and makes the session visible, in one last transaction. */
  async commit(connections: readonly ConnectionRecord[], patch: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    await this.flush(true);
    const { stagedAt: _staged, ...staged } = this.record;
    const done: SessionRecord = {
      ...staged,
      ...patch,
      id: this.record.id,
      frameCount: this.frameCount,
      byteCount: this.byteCount,
      storedBytes: this.storedBytes,
      chunkCount: this.builder.chunkCount,
      connections: connectionSummary(connections),
      state: 'complete',
    };
    try {
      const tx = this.db.transaction(['sessions', 'connections', 'counts'], 'readwrite');
      await Promise.all([
        tx.objectStore('counts').put(this.counts.record()),
        ...connections.map((c) => tx.objectStore('connections').put({ ...c, sessionId: this.record.id })),
        tx.objectStore('sessions').put(done),
        tx.done,
      ]);
    } catch (e) {
      throw storageError(e);
    }
    return done;
  }

  async discard(): Promise<void> {
    await purgeSession(this.db, this.record.id).catch(() => undefined);
  }
}
