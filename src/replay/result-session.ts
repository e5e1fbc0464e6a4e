// Writes a replay's result session: created with source 'replay' and derivedFrom the
// original, filled through the sessions recorder (so it is redacted like page traffic),
// in batches, and finished when the run ends, whatever way it ends.

import type { CaptureRecord } from '../capture/records.ts';
import { createRecorder, createSession, updateSession, type Classify, type Redact, type SessionId, type SessionRecord, type SessionsDb } from '../sessions/index.ts';
import { ResultRecords } from './result-records.ts';
import type { ReplaySend, ReplaySummary, SendOutcome } from './types.ts';

export interface ResultSessionOptions {
  readonly original: Pick<SessionRecord, 'id' | 'name' | 'pageUrl' | 'pageTitle'>;
  readonly name?: string;
  readonly browser?: string;
  readonly classify: Classify;
  readonly redact: Redact;
  readonly now?: () => number;
  /** Records buffered before a write (a write also happens on every flush()). */
  readonly batchRecords?: number;
}

export interface ResultSession {
  readonly sessionId: SessionId;
  /** Records one attempt of a send (the runner's onExchange). */
  exchange(send: ReplaySend, outcome: SendOutcome): void;
  /** Writes what is buffered; resolves when it is stored. */
  flush(): Promise<void>;
  /** Closes the virtual sockets, writes the rest, tags the session with how the run ended. */
  finish(summary: ReplaySummary): Promise<SessionRecord>;
  /** The first write failure, if any (the run goes on; the summary says so). */
  readonly error: string | undefined;
}

export async function createResultSession(db: SessionsDb, options: ResultSessionOptions): Promise<ResultSession> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const session = await createSession(db, {
    name: options.name ?? `Replay of ${options.original.name}`,
    pageUrl: options.original.pageUrl,
    pageTitle: options.original.pageTitle,
    ...(options.browser !== undefined ? { browser: options.browser } : {}),
    startedAt,
    source: 'replay',
    derivedFrom: options.original.id,
  });
  const recorder = await createRecorder(db, { sessionId: session.id, classify: options.classify, redact: options.redact });
  const records = new ResultRecords(`replay-${session.id.slice(0, 8)}`);
  const max = options.batchRecords ?? 200;
  let buffer: CaptureRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  let error: string | undefined;

  const flush = (): Promise<void> => {
    if (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      // Writes are chained so records reach the recorder in order.
      writing = writing.then(() =>
        recorder.append(batch).then(
          () => undefined,
          (e: unknown) => {
            error ??= e instanceof Error ? e.message : String(e);
          },
        ),
      );
    }
    return writing;
  };

  return {
    sessionId: session.id,
    exchange(send, outcome) {
      buffer.push(...records.exchange(send, outcome));
      if (buffer.length >= max) void flush();
    },
    flush,
    async finish(summary) {
      buffer.push(...records.finish(now()));
      await flush();
      await recorder.finish(now());
      // How the run ended is part of the result: a stopped or failed replay is visible as
      // such in the sessions list.
      const tag = summary.state === 'completed' ? 'replay:completed' : `replay:${summary.state}`;
      return updateSession(db, session.id, (s) => ({ ...s, tags: [...s.tags.filter((t) => !t.startsWith('replay:')), tag] }));
    },
    get error() {
      return error;
    },
  };
}
