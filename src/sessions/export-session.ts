// Export in our own format: versioned JSON Lines, optionally gzip.
//
//   {"format":"appsync-events-devtools-session","version":1,"exportedAt":…,"redacted":…,
//    "session":{…},"counts":{"connections":n,"frames":n}}
//   {"connection":{…}}      one per connection (ConnectionRecord without sessionId)
//   {"frame":{…}}           one per frame, in position order (StoredFrame)
//   {"end":{"frames":n}}    lets an import tell a complete file from a cut one
//
// Exports are redacted unless the session keeps its secrets; exportNeedsWarning() says
// when the UI should warn that a file will contain them.

import type { SessionsDb } from './schema.ts';
import { SessionNotFoundError } from './session-ops.ts';
import { keepAll, storedRedactor, type StoredRedactor } from './export-redaction.ts';
import { readChunks } from './queries.ts';
import { textStream } from './stream-util.ts';
import type { ConnectionRecord, FrameExtra, Redact, SessionId, SessionRecord, StoredFrame } from './types.ts';
import { sessionRange } from './schema.ts';

export const EXPORT_FORMAT = 'appsync-events-devtools-session';
export const EXPORT_VERSION = 1;

export interface ExportOptions {
  readonly redact: Redact;
  readonly gzip?: boolean;
  /** Export time, for reproducible files in tests. */
  readonly now?: number;
}

/** True when an export would contain secrets (the session kept them). */
export function exportNeedsWarning(session: SessionRecord): boolean {
  return session.keepSecrets;
}

export interface ExportSnapshot {
  readonly session: SessionRecord;
  readonly connections: readonly ConnectionRecord[];
  readonly redactor: StoredRedactor;
}

/** What an export covers: the session as it is now (a live session keeps growing). */
export async function exportSnapshot(db: SessionsDb, id: SessionId, redact: Redact): Promise<ExportSnapshot> {
  const tx = db.transaction(['sessions', 'connections']);
  const session = await tx.objectStore('sessions').get(id);
  if (!session || session.state === 'importing') throw new SessionNotFoundError(id);
  const connections = await tx.objectStore('connections').getAll(sessionRange(id));
  const redactor = session.keepSecrets ? keepAll : storedRedactor(redact);
  return { session, connections: connections.map((c) => redactor.connection(c)), redactor };
}

// Field order of a connection line, the order an import builds them in (readConnection):
// a recorded connection and its imported copy then export to the same bytes.
const CONNECTION_FIELDS = [
  'connId', 'kind', 'url', 'appsync', 'frameUrl', 'protocolsOffered', 'protocol', 'extensions', 'authMode', 'createdAt',
  'openedAt', 'closedAt', 'closeCode', 'closeReason', 'errors', 'sent', 'received', 'bytesSent', 'bytesReceived', 'lost', 'subscriptions',
] as const satisfies readonly (keyof ConnectionRecord)[];

function canonicalConnection(c: ConnectionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CONNECTION_FIELDS) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

// Same for a frame's extra (readExtra's order): the recorder writes each kind's fields in
// its own order.
const EXTRA_FIELDS = [
  'length', 'code', 'reason', 'wasClean', 'method', 'url', 'headers', 'request', 'status', 'duration', 'error', 'via',
] as const satisfies readonly (keyof FrameExtra)[];

function canonicalFrame(f: StoredFrame): StoredFrame {
  if (f.extra === undefined) return f;
  const extra: Record<string, unknown> = {};
  for (const k of EXTRA_FIELDS) if (f.extra[k] !== undefined) extra[k] = f.extra[k];
  return { ...f, extra };
}

async function* lines(db: SessionsDb, snap: ExportSnapshot, now: number): AsyncGenerator<string, void, undefined> {
  const { session: s, connections, redactor } = snap;
  const header = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    redacted: !s.keepSecrets,
    session: {
      name: s.name,
      // Sessions stored before page URLs were redacted at creation hold them as the tab had them.
      pageUrl: redactor.pageUrl(s.pageUrl),
      pageTitle: s.pageTitle,
      browser: s.browser,
      startedAt: s.startedAt,
      ...(s.endedAt !== undefined ? { endedAt: s.endedAt } : {}),
      source: s.source,
      tags: s.tags,
      pinned: s.pinned,
      keepSecrets: s.keepSecrets,
    },
    counts: { connections: connections.length, frames: s.frameCount },
  };
  yield JSON.stringify(header) + '\n';
  let out = '';
  for (const c of connections) out += JSON.stringify({ connection: canonicalConnection(c) }) + '\n';
  if (out) yield out;
  for await (const chunk of readChunks(db, s.id, s.chunkCount)) {
    out = '';
    for (const f of chunk.frames) if (f.pos < s.frameCount) out += JSON.stringify({ frame: canonicalFrame(redactor.frame(f)) }) + '\n';
    yield out;
  }
  yield JSON.stringify({ end: { frames: s.frameCount } }) + '\n';
}

export async function exportSession(db: SessionsDb, id: SessionId, options: ExportOptions): Promise<ReadableStream<Uint8Array>> {
  const snap = await exportSnapshot(db, id, options.redact);
  return textStream(lines(db, snap, options.now ?? Date.now()), options.gzip ?? false);
}
