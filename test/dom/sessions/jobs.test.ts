// The panel's side of the import/export worker: progress, results, named errors, cancel
// and a worker that cannot start, over a stand-in Worker that speaks the same messages.
import { describe, expect, it } from 'vitest';
import { failure, runExport, runImport, workerJobs, type JobReply, type JobRequest } from '../../../extension/panel/store/sessions-jobs.ts';
import { ImportError, type SessionsDb } from '../../../src/sessions/index.ts';
import { freshDb, seed } from './helpers.ts';

/** Runs jobs like sessions-worker.ts does, with replies delivered asynchronously. */
class FakeWorker {
  onmessage: ((ev: MessageEvent<JobReply>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  terminated = false;
  private readonly aborts = new Map<number, AbortController>();
  constructor(private readonly db: SessionsDb) {}
  private reply(m: JobReply): void {
    setTimeout(() => this.onmessage?.({ data: m } as MessageEvent<JobReply>), 0);
  }
  postMessage(req: JobRequest): void {
    if (req.op === 'cancel') return void this.aborts.get(req.job)?.abort();
    const abort = new AbortController();
    this.aborts.set(req.job, abort);
    const work =
      req.op === 'import'
        ? runImport(this.db, req.file, { signal: abort.signal, onProgress: (progress) => this.reply({ job: req.job, type: 'progress', progress }) }).then((result) => this.reply({ job: req.job, type: 'imported', result }))
        : runExport(this.db, req.id, req.kind).then((blob) => this.reply({ job: req.job, type: 'exported', blob }));
    void work.catch((e: unknown) => this.reply(failure(req.job, e)));
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('worker jobs', () => {
  it('exports to a Blob and imports it back, with progress', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'w', startedAt: Date.parse('2026-01-01T00:00:00Z'), frames: 1500 });
    const jobs = workerJobs(() => new FakeWorker(db) as unknown as Worker);
    const blob = await jobs.exportFile(s.id, 'session');
    expect(blob.type).toBe('application/x-ndjson');
    expect((await blob.text()).trim().split('\n').at(-1)).toBe(JSON.stringify({ end: { frames: s.frameCount } }));
    const progress: number[] = [];
    const r = await jobs.importFile(blob, { signal: new AbortController().signal, onProgress: (p) => progress.push(p.frames) });
    expect(r.session.frameCount).toBe(s.frameCount);
    expect(progress.at(-1)).toBe(s.frameCount);
  });

  it('names import errors as ImportError with their code, and cancels', async () => {
    const db = await freshDb();
    const jobs = workerJobs(() => new FakeWorker(db) as unknown as Worker);
    const err = await jobs.importFile(new Blob(['{"log":{"entries":[]}}']), { signal: new AbortController().signal, onProgress: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe('no-sockets');
    const s = await seed(db, { name: 'big', startedAt: Date.parse('2026-01-01T00:00:00Z'), frames: 3000 });
    const file = await jobs.exportFile(s.id, 'session');
    const abort = new AbortController();
    const running = jobs.importFile(file, { signal: abort.signal, onProgress: () => {} });
    abort.abort(); // posts a cancel, which the worker sees at its next check (every 1,000 frames)
    const cancelled = await running.catch((e: unknown) => e);
    expect((cancelled as ImportError).code).toBe('aborted');
  });

  it('ends the worker when no job is left, so that its heap leaves the panel, and starts a new one for the next job', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'w', startedAt: Date.parse('2026-01-01T00:00:00Z'), frames: 300 });
    const made: FakeWorker[] = [];
    const jobs = workerJobs(() => {
      const w = new FakeWorker(db);
      made.push(w);
      return w as unknown as Worker;
    });
    // Two jobs at once share one worker, which ends only after the second is done.
    const [a, b] = await Promise.all([jobs.exportFile(s.id, 'session'), jobs.exportFile(s.id, 'har')]);
    expect([a.size > 0, b.size > 0]).toEqual([true, true]);
    expect(made.map((w) => w.terminated)).toEqual([true]);
    const r = await jobs.importFile(a, { signal: new AbortController().signal, onProgress: () => {} });
    expect(r.session.frameCount).toBe(s.frameCount);
    expect(made.map((w) => w.terminated)).toEqual([true, true]);
  });

  it('fails its jobs in words when the worker cannot start', async () => {
    let made: { onerror: ((ev: ErrorEvent) => void) | null; terminate(): void } | undefined;
    const jobs = workerJobs(() => {
      made = { onerror: null, terminate: () => undefined, postMessage: () => setTimeout(() => made?.onerror?.({ message: '', preventDefault: () => {} } as unknown as ErrorEvent), 0) } as never;
      return made as unknown as Worker;
    });
    await expect(jobs.exportFile('x' as never, 'har')).rejects.toThrow(/background worker failed \(it could not start\)/);
  });
});
