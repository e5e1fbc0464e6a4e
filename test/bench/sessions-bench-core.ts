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
import { openSessionsDb, type SessionsDb } from '../../src/sessions/schema.ts';
import { createSession, getSession } from '../../src/sessions/session-ops.ts';
import { findFrames, readFramePage, scanFrames, sessionCounts } from '../../src/sessions/queries.ts';
import { exportSession } from '../../src/sessions/export-session.ts';
import { importSession } from '../../src/sessions/import-session.ts';
import type { ChunkLimits } from '../../src/sessions/chunk-builder.ts';
import type { Classify, Redact, SessionId } from '../../src/sessions/types.ts';

export interface SessionsBenchOptions {
  /** Frames to record (default 100,000). */
  readonly frames?: number;
  /** Capture records per append (default 500, about one 50 ms flush at 10k frames/s). */
  readonly batch?: number;
  readonly chunkLimits?: ChunkLimits;
  /** Database name; a fresh one per run keeps runs independent. */
  readonly dbName?: string;
  /** Export with gzip (default true when CompressionStream exists). */
  readonly gzip?: boolean;
  readonly now?: () => number;
  readonly onPhase?: (phase: string) => void;
}

export interface SessionsBenchResult {
  readonly frames: number;
  readonly appendMs: number;
  readonly appendFramesPerSec: number;
  /** Opening a new connection to the database (cold only if the browser closed it). */
  readonly openDbMs: number;
  /** Session record (with totals) plus the first 100 rows. */
  readonly openSessionMs: number;
  readonly firstPageMs: number;
  /** Per-channel and per-type counts from chunk summaries. */
  readonly countsMs: number;
  readonly channelFirst100Ms: number;
  readonly typeFirst100Ms: number;
  readonly fullTextMs: number;
  readonly fullTextMatches: number;
  readonly exportMs: number;
  readonly exportBytes: number;
  readonly importMs: number;
  readonly importFramesPerSec: number;
  readonly storedBytesEstimate: number;
}

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

function traffic(n: number): CaptureRecord[][] {
  const socketId = 'bench:1' as SocketId;
  let seq = 0;
  let t = 1_700_000_000_000;
  const base = (): { socketId: SocketId; seq: number; t: number } => ({ socketId, seq: seq++, t: (t += 0.1) });
  const head: CaptureRecord[] = [
    { ...base(), kind: 'ws-create', url: 'wss://bench.test/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: '', appsync: true },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
  ];
  for (let c = 0; c < 100; c++) {
    const data = JSON.stringify({ type: 'subscribe', id: `sub-${c}`, channel: `/bench/ch${c}` });
    head.push({ ...base(), kind: 'ws-send', data, size: data.length });
  }
  const out: CaptureRecord[][] = [head];
  let batch: CaptureRecord[] = [];
  for (let i = head.length; i < n; i++) {
    const p = payload(i);
    batch.push({ ...base(), kind: 'ws-receive', data: p.text, size: p.text.length });
    if (batch.length >= 500) {
      out.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

function rebatch(batches: CaptureRecord[][], size: number): CaptureRecord[][] {
  const flat = batches.flat();
  const out: CaptureRecord[][] = [];
  for (let i = 0; i < flat.length; i += size) out.push(flat.slice(i, i + size));
  return out;
}

export async function runSessionsBench(idbFactory: IDBFactory, opts: SessionsBenchOptions = {}): Promise<SessionsBenchResult> {
  const now = opts.now ?? (() => performance.now());
  const n = opts.frames ?? 100_000;
  const name = opts.dbName ?? `sessions-bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const phase = opts.onPhase ?? (() => undefined);
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const t0 = now();
    const v = await fn();
    return [v, now() - t0];
  };
  const batches = rebatch(traffic(n), opts.batch ?? 500);

  phase('append');
  let db: SessionsDb = await openSessionsDb({ factory: idbFactory, name });
  const session = await createSession(db, { name: 'bench' });
  const id: SessionId = session.id;
  const rec = await createRecorder(db, { sessionId: id, classify, redact, ...(opts.chunkLimits ? { chunkLimits: opts.chunkLimits } : {}) });
  const [, appendMs] = await timed(async () => {
    for (const b of batches) await rec.append(b);
  });
  await rec.finish();
  db.close();

  phase('open');
  const [reopened, openDbMs] = await timed(() => openSessionsDb({ factory: idbFactory, name }));
  db = reopened;
  const [, openSessionMs] = await timed(async () => {
    await getSession(db, id);
    await readFramePage(db, id, { offset: 0, limit: 100 });
  });
  const [, firstPageMs] = await timed(() => readFramePage(db, id, { offset: 0, limit: 100 }));
  const [, countsMs] = await timed(() => sessionCounts(db, id));

  phase('filter');
  const [, channelFirst100Ms] = await timed(() => findFrames(db, id, { channels: ['/bench/ch42'] }, { limit: 100 }));
  const [, typeFirst100Ms] = await timed(() => findFrames(db, id, { types: ['error'] }, { limit: 100 }));
  const [fullTextMatches, fullTextMs] = await timed(async () => {
    let hits = 0;
    for await (const b of scanFrames(db, id, { text: NEEDLE, caseSensitive: true }, { batchSize: 1000 })) hits += b.frames.length;
    return hits;
  });

  phase('export');
  const gzip = opts.gzip ?? typeof globalThis.CompressionStream === 'function';
  const [file, exportMs] = await timed(async () => new Uint8Array(await new Response(await exportSession(db, id, { redact, gzip })).arrayBuffer()));

  phase('import');
  const [imported, importMs] = await timed(() => importSession(db, file, { classify, redact }));
  const stored = (await getSession(db, id))?.storedBytes ?? 0;
  db.close();
  const frames = imported.session.frameCount;
  return {
    frames,
    appendMs,
    appendFramesPerSec: (frames / appendMs) * 1000,
    openDbMs,
    openSessionMs,
    firstPageMs,
    countsMs,
    channelFirst100Ms,
    typeFirst100Ms,
    fullTextMs,
    fullTextMatches,
    exportMs,
    exportBytes: file.byteLength,
    importMs,
    importFramesPerSec: (frames / importMs) * 1000,
    storedBytesEstimate: stored,
  };
}
