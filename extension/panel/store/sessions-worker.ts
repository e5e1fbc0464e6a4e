// Module worker of the panel: runs imports and exports (see sessions-jobs.ts) on its own
// connection to the sessions database, so that the panel's UI thread only posts a File and
// receives a result or a Blob.
import { openSessionsDb, type SessionsDb } from '../../../src/sessions/index.ts';
import { failure, runExport, runImport, type JobReply, type JobRequest } from './sessions-jobs.ts';

let dbPromise: Promise<SessionsDb> | undefined;
// Reopens after another context upgraded the schema and closed this connection.
const getDb = (): Promise<SessionsDb> => (dbPromise ??= openSessionsDb({ onVersionChange: () => (dbPromise = undefined) }));
const aborts = new Map<number, AbortController>();
const reply = (m: JobReply): void => postMessage(m);

async function handle(req: JobRequest): Promise<void> {
  if (req.op === 'cancel') {
    aborts.get(req.job)?.abort();
    return;
  }
  try {
    if (req.op === 'import') {
      const abort = new AbortController();
      aborts.set(req.job, abort);
      const result = await runImport(await getDb(), req.file, { signal: abort.signal, onProgress: (progress) => reply({ job: req.job, type: 'progress', progress }) });
      reply({ job: req.job, type: 'imported', result });
    } else {
      reply({ job: req.job, type: 'exported', blob: await runExport(await getDb(), req.id, req.kind) });
    }
  } catch (e) {
    reply(failure(req.job, e));
  } finally {
    aborts.delete(req.job);
  }
}

addEventListener('message', (ev: MessageEvent<JobRequest>) => void handle(ev.data));
