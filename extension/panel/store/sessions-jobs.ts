// Imports and exports as jobs that run off the panel's UI thread: in a module worker that
// opens the database itself (the panel only hands it the File and receives the result or a
// Blob), or, where no worker can run (component tests), in the calling thread on the same
// code. Parsing, redaction and IndexedDB writes of a large file thus never block the panel.
import { redactRecord } from '../../../src/capture/redact.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { streamToBlob } from '../../../src/sessions/byte-streams.ts';
import {
  exportHar,
  exportSession,
  importSession,
  ImportError,
  type ImportErrorCode,
  type ImportProgress,
  type ImportResult,
  type SessionId,
  type SessionsDb,
} from '../../../src/sessions/index.ts';

export type ExportKind = 'session' | 'session-gzip' | 'har';

export interface ImportJob {
  readonly signal: AbortSignal;
  readonly onProgress: (p: ImportProgress) => void;
}

export interface SessionsJobs {
  importFile(file: Blob, job: ImportJob): Promise<ImportResult>;
  exportFile(id: SessionId, kind: ExportKind): Promise<Blob>;
  dispose(): void;
}

export function exportType(kind: ExportKind): string {
  return kind === 'har' ? 'application/json' : kind === 'session-gzip' ? 'application/gzip' : 'application/x-ndjson';
}

/** The work itself, shared by the worker and the in-thread runner. */
export function runImport(db: SessionsDb, file: Blob, job: ImportJob): Promise<ImportResult> {
  return importSession(db, file, { classify: classifyFrame, redact: redactRecord, signal: job.signal, onProgress: job.onProgress });
}

export async function runExport(db: SessionsDb, id: SessionId, kind: ExportKind): Promise<Blob> {
  const stream =
    kind === 'har'
      ? await exportHar(db, id, { redact: redactRecord })
      : await exportSession(db, id, { redact: redactRecord, gzip: kind === 'session-gzip' });
  return streamToBlob(stream, exportType(kind));
}

export function inThreadJobs(getDb: () => Promise<SessionsDb>): SessionsJobs {
  return {
    importFile: async (file, job) => runImport(await getDb(), file, job),
    exportFile: async (id, kind) => runExport(await getDb(), id, kind),
    dispose: () => undefined,
  };
}

// Messages between the panel and the worker.
export type JobRequest =
  | { readonly op: 'import'; readonly job: number; readonly file: Blob }
  | { readonly op: 'export'; readonly job: number; readonly id: SessionId; readonly kind: ExportKind }
  | { readonly op: 'cancel'; readonly job: number };

export type JobReply =
  | { readonly job: number; readonly type: 'progress'; readonly progress: ImportProgress }
  | { readonly job: number; readonly type: 'imported'; readonly result: ImportResult }
  | { readonly job: number; readonly type: 'exported'; readonly blob: Blob }
  | { readonly job: number; readonly type: 'failed'; readonly error: { readonly message: string; readonly code?: ImportErrorCode } };

export function failure(job: number, e: unknown): JobReply {
  const message = e instanceof Error ? e.message : String(e);
  return { job, type: 'failed', error: e instanceof ImportError ? { message, code: e.code } : { message } };
}

interface Pending {
  readonly resolve: (v: never) => void;
  readonly reject: (e: unknown) => void;
  readonly onProgress?: (p: ImportProgress) => void;
}

/**
 * Jobs run by a worker, started for a job and ended when no job is left: the worker runs in
 * the panel's renderer process, and its heap (V8 keeps what it grew to, often twice what is
 * live, and ArrayBuffer garbage until its external-memory trigger of ~64 MB) would otherwise
 * stay in the panel's resident memory for as long as the panel is open. Ending it returns
 * that memory; a new one costs a worker start and a database open per job.
 */
export function workerJobs(create: () => Worker): SessionsJobs {
  let worker: Worker | undefined;
  let next = 1;
  const pending = new Map<number, Pending>();
  const start = (): Worker => {
    if (worker) return worker;
    const w = create();
    w.onmessage = (ev: MessageEvent<JobReply>) => {
      const reply = ev.data;
      const p = pending.get(reply.job);
      if (!p) return;
      if (reply.type === 'progress') return p.onProgress?.(reply.progress);
      pending.delete(reply.job);
      if (pending.size === 0) {
        w.terminate();
        if (worker === w) worker = undefined;
      }
      if (reply.type === 'imported') p.resolve(reply.result as never);
      else if (reply.type === 'exported') p.resolve(reply.blob as never);
      else p.reject(reply.error.code ? new ImportError(reply.error.code, reply.error.message) : new Error(reply.error.message));
    };
    // A worker that cannot start or dies fails its jobs in words instead of leaving them waiting.
    w.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      for (const p of pending.values()) p.reject(new Error(`the background worker failed (${ev.message || 'it could not start'})`));
      pending.clear();
      w.terminate();
      worker = undefined;
    };
    worker = w;
    return w;
  };
  const run = <T>(request: (job: number) => JobRequest, onProgress?: (p: ImportProgress) => void): { job: number; done: Promise<T> } => {
    const job = next++;
    const done = new Promise<T>((resolve, reject) => pending.set(job, { resolve: resolve as (v: never) => void, reject, ...(onProgress ? { onProgress } : {}) }));
    start().postMessage(request(job));
    return { job, done };
  };
  return {
    importFile(file, job) {
      if (job.signal.aborted) return Promise.reject(new ImportError('aborted', 'The import was cancelled.'));
      const { job: id, done } = run<ImportResult>((j) => ({ op: 'import', job: j, file }), job.onProgress);
      job.signal.addEventListener('abort', () => worker?.postMessage({ op: 'cancel', job: id } satisfies JobRequest), { once: true });
      return done;
    },
    exportFile: (id, kind) => run<Blob>((j) => ({ op: 'export', job: j, id, kind })).done,
    dispose() {
      worker?.terminate();
      worker = undefined;
      for (const p of pending.values()) p.reject(new Error('the panel closed'));
      pending.clear();
    },
  };
}

/** The panel's jobs: in a module worker where the browser has them. */
export function defaultJobs(getDb: () => Promise<SessionsDb>): SessionsJobs {
  if (typeof Worker === 'undefined') return inThreadJobs(getDb);
  return workerJobs(() => new Worker(new URL('./sessions-worker.ts', import.meta.url), { type: 'module' }));
}
