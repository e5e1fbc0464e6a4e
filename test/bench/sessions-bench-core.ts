// Sessions store benchmark, runnable in a real browser (page or extension context) and
// under fake-indexeddb. It records N frames of ~512 B through the real recorder, then
// measures what the panel does: open a session and show its first rows and totals,
// filter by channel and by type, search the full text, export and import.
//
// Traffic mirrors the IndexedDB measurements in perf-anchors.md (section B): 100
// channels (1 % each), types data 94 %, ka 3 %, publish_success 2 %, error 1 %, and a
// needle in 0.1 % of payloads.

import type { CaptureRecord, SocketId } from '../../src/capture/records.ts';
import { createRecorder } from '../../src/sessions/recorder.ts';
import { openSessionsDb } from '../../src/sessions/schema.ts';
import { createSession, getSession, purgeSession } from '../../src/sessions/session-ops.ts';
import { findFrames, readFramePage, scanFrames, sessionCounts } from '../../src/sessions/queries.ts';
import { exportSession } from '../../src/sessions/export-session.ts';
import { importSession } from '../../src/sessions/import-session.ts';
import { exportHar } from '../../src/sessions/export-har.ts';
import { streamToBlob } from '../../src/sessions/byte-streams.ts';
import type { ChunkLimits } from '../../src/sessions/chunk-builder.ts';
import type { Classify, Redact, SessionId } from '../../src/sessions/types.ts';

export interface SessionsBenchOptions {
  /** Frames to record (default 100,000). */
  readonly frames?: number;
  /** Capture records per append (default 1,000, as the background's flushes under load). */
  readonly batch?: number;
  readonly chunkLimits?: ChunkLimits;
  /** Database name; a fresh one per run keeps runs independent. */
  readonly dbName?: string;
  /** Export with gzip (default true when CompressionStream exists). */
  readonly gzip?: boolean;
  readonly now?: () => number;
  readonly onPhase?: (phase: string) => void;
}

export interface WriteResult {
  readonly dbName: string;
  readonly sessionId: SessionId;
  readonly frames: number;
  readonly appendMs: number;
  readonly appendFramesPerSec: number;
  /** Frames/s of the first and of the last 10 % of the batches (the rate as the DB grows). */
  readonly appendFirstTenthPerSec: number;
  readonly appendLastTenthPerSec: number;
  /** Slowest single append (a batch's wait from call to commit). */
  readonly appendMaxMs: number;
  readonly storedBytesEstimate: number;
}

export interface ReadResult {
  /** Opening a new connection to the database (cold after a browser restart). */
  readonly openDbMs: number;
  /** The session record, which holds every total (frames, bytes, connections). */
  readonly totalsMs: number;
  /** The first 100 rows (position order). */
  readonly firstPageMs: number;
  /** What the issue asks for: open + totals + first 100 rows, from nothing. */
  readonly openFirstPageTotalsMs: number;
  /** The newest 100 rows (a reverse scan). */
  readonly newest100Ms: number;
  /** Per-channel, type, direction and connection counts (sessionCounts). */
  readonly countsMs: number;
  /** Open + totals + first 100 rows + the per-channel/type counts, all read cold. */
  readonly openWithCountsMs: number;
  readonly channelFirst100Ms: number;
  readonly typeFirst100Ms: number;
  /** Case-insensitive substring over every frame, streamed in batches of 50 matches. */
  readonly fullTextMs: number;
  readonly fullTextFirstBatchMs: number;
  readonly fullTextMatches: number;
  readonly fullTextFramesScanned: number;
  readonly fullTextProgressEvents: number;
  /** Abort after the first batch: time from abort() to the scan ending. */
  readonly fullTextCancelMs: number;
  readonly heapPeakMB: number;
}

export interface ExportImportResult {
  readonly exportMs: number;
  readonly exportBytes: number;
  readonly importMs: number;
  readonly importFramesPerSec: number;
  readonly importedFrames: number;
  /** JS heap (performance.memory, precise with --enable-precise-memory-info) before and at peak. */
  readonly heapBeforeMB: number;
  readonly heapPeakExportMB: number;
  readonly heapPeakImportMB: number;
}

export type SessionsBenchResult = Omit<WriteResult, 'dbName' | 'sessionId'> &
  Omit<ReadResult, 'heapPeakMB'> &
  Omit<ExportImportResult, 'heapBeforeMB' | 'heapPeakExportMB' | 'heapPeakImportMB' | 'importedFrames'> & {
    /** Session record plus the first 100 rows (kept for older reports). */
    readonly openSessionMs: number;
  };

const NEEDLE = 'needle-7f3a';

/** A cheap stand-in for the protocol classifier: JSON.parse, as the real one does. */
const classify: Classify = (text) => {
  try {
    const v = JSON.parse(text) as { type?: unknown; id?: unknown; channel?: unknown };
    return {
      ...(typeof v.type === 'string' ? { type: v.type } : {}),
      ...(typeof v.id === 'string' ? { id: v.id } : {}),
      ...(typeof v.channel === 'string' ? { channel: v.channel } : {}),
    };
  } catch {
    return {};
  }
};
const redact: Redact = (r) => r;

function payload(i: number): { type: string; id: string; text: string } {
  const roll = i % 100;
  const type = roll < 94 ? 'data' : roll < 97 ? 'ka' : roll < 99 ? 'publish_success' : 'error';
  const id = `sub-${i % 100}`;
  const body = `{"i":${i},"note":"${i % 1000 === 7 ? NEEDLE : 'ordinary'}","pad":"`;
  const msg = JSON.stringify({ type, id, event: body });
  return { type, id, text: msg + ' '.repeat(Math.max(0, 512 - msg.length)) };
}

/** Capture records in batches of `size`, generated lazily so 1M records never sit in memory. */
function* traffic(n: number, size: number): Generator<CaptureRecord[], void, undefined> {
  const socketId = 'bench:1' as SocketId;
  let seq = 0;
  let t = 1_700_000_000_000;
  const base = (): { socketId: SocketId; seq: number; t: number } => ({ socketId, seq: seq++, t: (t += 0.1) });
  let batch: CaptureRecord[] = [
    { ...base(), kind: 'ws-create', url: 'wss://bench.test/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: '', appsync: true },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
  ];
  for (let c = 0; c < 100; c++) {
    const data = JSON.stringify({ type: 'subscribe', id: `sub-${c}`, channel: `/bench/ch${c}` });
    batch.push({ ...base(), kind: 'ws-send', data, size: data.length });
  }
  for (let i = batch.length; i < n; i++) {
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
    const p = payload(i);
    batch.push({ ...base(), kind: 'ws-receive', data: p.text, size: p.text.length });
  }
  if (batch.length > 0) yield batch;
}

type Memory = { usedJSHeapSize: number } | undefined;
const heapMB = (): number => {
  const m = (performance as unknown as { memory?: Memory }).memory;
  return m ? m.usedJSHeapSize / 2 ** 20 : NaN;
};

/** Samples the JS heap every few ms (and whenever poke() is called) until stopped. */
function heapSampler(): { poke: () => void; stop: () => number } {
  let peak = heapMB();
  const poke = (): void => {
    const h = heapMB();
    if (h > peak) peak = h;
  };
  const timer = setInterval(poke, 5);
  return {
    poke,
    stop: () => {
      clearInterval(timer);
      poke();
      return peak;
    },
  };
}

const timer = (now: () => number) => async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = now();
  const v = await fn();
  return [v, now() - t0];
};

/** Records `frames` frames through the recorder, as the background does, and closes the DB. */
export async function benchWrite(idbFactory: IDBFactory, opts: SessionsBenchOptions = {}): Promise<WriteResult> {
  const now = opts.now ?? (() => performance.now());
  const n = opts.frames ?? 100_000;
  const dbName = opts.dbName ?? `sessions-bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const db = await openSessionsDb({ factory: idbFactory, name: dbName });
  const session = await createSession(db, { name: 'bench' });
  const rec = await createRecorder(db, { sessionId: session.id, classify, redact, ...(opts.chunkLimits ? { chunkLimits: opts.chunkLimits } : {}) });
  // Batches are generated between appends and only the appends are timed: a 1M-record
  // array made up front would sit in the heap and tax every GC of the recorder.
  const sizes: number[] = [];
  const spans: number[] = [];
  let appendMaxMs = 0;
  for (const b of traffic(n, opts.batch ?? 1000)) {
    const a = now();
    await rec.append(b);
    const ms = now() - a;
    appendMaxMs = Math.max(appendMaxMs, ms);
    sizes.push(b.length);
    spans.push(ms);
  }
  const appendMs = spans.reduce((x, y) => x + y, 0);
  await rec.finish();
  const stored = await getSession(db, session.id);
  db.close();
  const tenth = Math.max(1, Math.floor(sizes.length / 10));
  const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
  const rate = (from: number, to: number): number => (sum(sizes.slice(from, to)) / sum(spans.slice(from, to))) * 1000;
  return {
    dbName,
    sessionId: session.id,
    frames: stored?.frameCount ?? 0,
    appendMs,
    appendFramesPerSec: ((stored?.frameCount ?? 0) / appendMs) * 1000,
    appendFirstTenthPerSec: rate(0, tenth),
    appendLastTenthPerSec: rate(sizes.length - tenth, sizes.length),
    appendMaxMs,
    storedBytesEstimate: stored?.storedBytes ?? 0,
  };
}

/** What the panel does on opening a session: run first thing in a fresh browser for cold figures. */
export async function benchRead(
  idbFactory: IDBFactory,
  target: { readonly dbName: string; readonly sessionId: SessionId },
  opts: Pick<SessionsBenchOptions, 'now'> = {},
): Promise<ReadResult> {
  const timed = timer(opts.now ?? (() => performance.now()));
  const id = target.sessionId;
  const heap = heapSampler();
  const [db, openDbMs] = await timed(() => openSessionsDb({ factory: idbFactory, name: target.dbName }));
  const [session, totalsMs] = await timed(() => getSession(db, id));
  if (!session) throw new Error(`bench session ${id} not found in ${target.dbName}`);
  const [page, firstPageMs] = await timed(() => readFramePage(db, id, { offset: 0, limit: 100 }));
  if (page.length !== Math.min(100, session.frameCount)) throw new Error(`first page has ${page.length} rows`);
  const [, countsMs] = await timed(() => sessionCounts(db, id));
  const [, newest100Ms] = await timed(() => findFrames(db, id, {}, { reverse: true, limit: 100 }));
  const [, channelFirst100Ms] = await timed(() => findFrames(db, id, { channels: ['/bench/ch42'] }, { limit: 100 }));
  const [, typeFirst100Ms] = await timed(() => findFrames(db, id, { types: ['error'] }, { limit: 100 }));

  const t0 = performance.now();
  let fullTextFirstBatchMs = NaN;
  let fullTextProgressEvents = 0;
  let fullTextFramesScanned = 0;
  let fullTextMatches = 0;
  for await (const b of scanFrames(db, id, { text: NEEDLE.toUpperCase() }, { batchSize: 50, onProgress: () => fullTextProgressEvents++ })) {
    if (Number.isNaN(fullTextFirstBatchMs)) fullTextFirstBatchMs = performance.now() - t0;
    fullTextMatches += b.frames.length;
    fullTextFramesScanned = b.progress.framesScanned;
    heap.poke();
  }
  const fullTextMs = performance.now() - t0;

  const abort = new AbortController();
  let abortedAt = 0;
  try {
    for await (const _ of scanFrames(db, id, { text: NEEDLE.toUpperCase() }, { batchSize: 50, signal: abort.signal })) {
      abortedAt = performance.now();
      abort.abort();
    }
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) throw e;
  }
  const fullTextCancelMs = performance.now() - abortedAt;
  db.close();
  return {
    openDbMs,
    totalsMs,
    firstPageMs,
    openFirstPageTotalsMs: openDbMs + totalsMs + firstPageMs,
    openWithCountsMs: openDbMs + totalsMs + firstPageMs + countsMs,
    newest100Ms,
    countsMs,
    channelFirst100Ms,
    typeFirst100Ms,
    fullTextMs,
    fullTextFirstBatchMs,
    fullTextMatches,
    fullTextFramesScanned,
    fullTextProgressEvents,
    fullTextCancelMs,
    heapPeakMB: heap.stop(),
  };
}

/**
 * Exports the session as a stream into a Blob (which the browser keeps outside the JS heap,
 * as a download would), then imports that Blob as a stream; samples the JS heap throughout.
 */
export async function benchExportImport(
  idbFactory: IDBFactory,
  target: { readonly dbName: string; readonly sessionId: SessionId },
  opts: Pick<SessionsBenchOptions, 'now' | 'gzip'> = {},
): Promise<ExportImportResult> {
  const timed = timer(opts.now ?? (() => performance.now()));
  const db = await openSessionsDb({ factory: idbFactory, name: target.dbName });
  const gzip = opts.gzip ?? typeof globalThis.CompressionStream === 'function';
  const heapBeforeMB = heapMB();
  let heap = heapSampler();
  const [file, exportMs] = await timed(async () => {
    const stream = await exportSession(db, target.sessionId, { redact, gzip });
    return new Response(stream.pipeThrough(new TransformStream({ transform: (c, ctl) => (heap.poke(), ctl.enqueue(c)) }))).blob();
  });
  const heapPeakExportMB = heap.stop();
  heap = heapSampler();
  const [imported, importMs] = await timed(() => importSession(db, file, { classify, redact, onProgress: heap.poke }));
  const heapPeakImportMB = heap.stop();
  db.close();
  const frames = imported.session.frameCount;
  return {
    exportMs,
    exportBytes: file.size,
    importMs,
    importFramesPerSec: (frames / importMs) * 1000,
    importedFrames: frames,
    heapBeforeMB,
    heapPeakExportMB,
    heapPeakImportMB,
  };
}

/** Everything in one page and one browser (no restart): the quick run and the unit smoke test. */
export async function runSessionsBench(idbFactory: IDBFactory, opts: SessionsBenchOptions = {}): Promise<SessionsBenchResult> {
  const phase = opts.onPhase ?? (() => undefined);
  phase('append');
  const w = await benchWrite(idbFactory, opts);
  phase('open');
  const r = await benchRead(idbFactory, w, opts);
  phase('export');
  const x = await benchExportImport(idbFactory, w, opts);
  const { dbName: _d, sessionId: _s, ...write } = w;
  const { heapPeakMB: _h, ...read } = r;
  return {
    ...write,
    ...read,
    openSessionMs: r.totalsMs + r.firstPageMs,
    exportMs: x.exportMs,
    exportBytes: x.exportBytes,
    importMs: x.importMs,
    importFramesPerSec: x.importFramesPerSec,
    frames: x.importedFrames === w.frames ? w.frames : NaN,
  };
}

// ---------------------------------------------------------------------------------------
// Export and import as the panel runs them: in a worker, while the page's main thread is
// watched for blocks. The same bundle is the worker script (see the end of this file).

export interface JobFigures {
  readonly ms: number;
  readonly bytes: number;
  readonly frames?: number;
  /** Wall-clock start and end (performance.timeOrigin based), to split sampled RSS by phase. */
  readonly from: number;
  readonly to: number;
}

export interface WorkerJobsResult {
  readonly exportSession: JobFigures;
  readonly importSession: JobFigures;
  readonly exportHar: JobFigures;
  readonly importHar: JobFigures;
  /** Longest gap between main-thread heartbeats (timers every 5 ms), minus the interval. */
  readonly mainMaxGapMs: number;
  /** Longest long task the main thread reported (Chromium's PerformanceObserver), 0 if none. */
  readonly mainLongestTaskMs: number;
  readonly heartbeats: number;
}

const wall = (): number => performance.timeOrigin + performance.now();

type JobKind = 'exportSession' | 'importSession' | 'exportHar' | 'importHar';
const JOB_ORDER: readonly JobKind[] = ['exportSession', 'importSession', 'exportHar', 'importHar'];

interface JobRequest {
  readonly target: { dbName: string; sessionId: SessionId };
  readonly kind: JobKind;
  /** The file an import reads (the export before it). */
  readonly blob?: Blob;
}

/** Runs inside a worker: one job on a fresh connection, as the panel's worker does. */
async function workerJob(idb: IDBFactory, req: JobRequest): Promise<JobFigures & { blob?: Blob }> {
  const db = await openSessionsDb({ factory: idb, name: req.target.dbName });
  try {
    const from = wall();
    if (req.kind === 'exportSession' || req.kind === 'exportHar') {
      const stream = req.kind === 'exportHar' ? await exportHar(db, req.target.sessionId, { redact }) : await exportSession(db, req.target.sessionId, { redact, gzip: typeof globalThis.CompressionStream === 'function' });
      const blob = await streamToBlob(stream, req.kind === 'exportHar' ? 'application/json' : 'application/gzip');
      const to = wall();
      return { ms: to - from, from, to, bytes: blob.size, blob };
    }
    const file = req.blob as Blob;
    const r = await importSession(db, file, { classify, redact });
    const to = wall();
    // Repeated runs share one profile: the copy goes, so that every run starts from one session.
    await purgeSession(db, r.session.id);
    return { ms: to - from, from, to, bytes: file.size, frames: r.session.frameCount };
  } finally {
    db.close();
  }
}

/**
 * From the page: runs the four jobs, each in a worker of its own (`scriptUrl`, this bundle)
 * that ends with its job, as the panel's workers do, and watches the main thread meanwhile.
 */
export async function benchWorkerJobs(
  _idb: IDBFactory,
  target: { dbName: string; sessionId: SessionId },
  scriptUrl: string,
  opts: { readonly keepWorker?: boolean } = {},
): Promise<WorkerJobsResult> {
  let maxGap = 0;
  let beats = 0;
  let longest = 0;
  let last = performance.now();
  const beat = setInterval(() => {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last - 5);
    last = t;
    beats++;
  }, 5);
  let observer: PerformanceObserver | undefined;
  try {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    observer = undefined; // no long task API (Firefox): the heartbeat alone
  }
  const run = async (req: JobRequest, keep: boolean): Promise<JobFigures & { blob?: Blob }> => {
    const worker = new Worker(scriptUrl);
    try {
      return await new Promise<JobFigures & { blob?: Blob }>((resolve, reject) => {
        worker.onmessage = (ev: MessageEvent<{ result?: JobFigures & { blob?: Blob }; error?: string }>) =>
          ev.data.error !== undefined ? reject(new Error(ev.data.error)) : resolve(ev.data.result as JobFigures & { blob?: Blob });
        worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
        worker.postMessage(req);
      });
    } finally {
      // Kept alive on request so that a profiler attached to it can still be read.
      if (keep) (globalThis as { sessionsBenchWorker?: Worker }).sessionsBenchWorker = worker;
      else worker.terminate();
    }
  };
  try {
    const out: Partial<Record<JobKind, JobFigures>> = {};
    let blob: Blob | undefined;
    for (const kind of JOB_ORDER) {
      const { blob: made, ...figures } = await run({ target, kind, ...(kind.startsWith('import') && blob ? { blob } : {}) }, opts.keepWorker === true && kind === 'importHar');
      out[kind] = figures;
      if (made) blob = made;
    }
    return { ...(out as Record<JobKind, JobFigures>), mainMaxGapMs: maxGap, mainLongestTaskMs: longest, heartbeats: beats };
  } finally {
    clearInterval(beat);
    observer?.disconnect();
  }
}

// Inside a worker started by benchWorkerJobs: run the job when asked.
const scope = globalThis as unknown as { WorkerGlobalScope?: unknown; postMessage?: (m: unknown) => void; onmessage?: unknown; indexedDB?: IDBFactory };
if (typeof scope.WorkerGlobalScope !== 'undefined' && scope.indexedDB) {
  scope.onmessage = (ev: MessageEvent<JobRequest>) => {
    workerJob(scope.indexedDB as IDBFactory, ev.data).then(
      (result) => scope.postMessage?.({ result }),
      (e: unknown) => scope.postMessage?.({ error: String((e instanceof Error && e.stack) || e) }),
    );
  };
}
