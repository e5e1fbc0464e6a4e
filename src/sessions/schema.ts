// IndexedDB schema of the sessions database and its migrations.
//
// Layout (v1; chunks packed and counts added in v2; texts apart in v3), chosen from measurements in real
// Chromium (one record per frame appends only 7–10.5k frames/s; chunks of 100–500 frames append 175–380k frames/s):
//   sessions   key id                      one small record per session, with all totals
//   connections key [sessionId, connId]    one per socket / HTTP endpoint
//   chunks     key [sessionId, chunkNo]    a contiguous run of frames (positions firstPos…);
//                                          since v2 stored as columns (packed-chunk.ts)
//   texts      key [sessionId, chunkNo]    (v3) a chunk's joined texts (chunk-store.ts)
//   summaries  key [sessionId, chunkNo]    per-chunk counts of channels, types, … so scans
//              index byFirstPos            can skip chunks; byFirstPos finds a position
//   marks      key [sessionId, socketId]   per-socket high-water seq, for de-duplication
//   meta       key key                     settings (storage budget)
//   counts     key [sessionId]             (v2) the session's counts by channel, type, …
//
// Migrations: MIGRATIONS[n] upgrades a database from version n to n + 1, inside the
// versionchange transaction. To add v2, append one function; never edit an earlier one,
// because databases out there were created by it.

import { wrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { splitChunk, type TextsRecord } from './chunk-store.ts';
import { isPacked, packChunk, type ChunkColumns, type PackedChunk } from './packed-chunk.ts';
import { CountsAccumulator, type CountsRecord } from './session-counts.ts';
import type {
  ChunkRecord,
  ChunkSummary,
  ConnectionRecord,
  MarkRecord,
  MetaRecord,
  SessionId,
  SessionRecord,
} from './types.ts';

export interface SessionsSchema extends DBSchema {
  sessions: { key: string; value: SessionRecord };
  connections: { key: [string, string]; value: ConnectionRecord };
  // `texts?: never`: a chunk with its texts put here would keep them twice.
  chunks: { key: [string, number]; value: ChunkColumns & { readonly texts?: never } };
  texts: { key: [string, number]; value: TextsRecord };
  summaries: {
    key: [string, number];
    value: ChunkSummary;
    indexes: { byFirstPos: [string, number] };
  };
  marks: { key: [string, string]; value: MarkRecord };
  meta: { key: string; value: MetaRecord };
  counts: { key: [string]; value: CountsRecord };
}

export type SessionsDb = IDBPDatabase<SessionsSchema>;
export type StoreName = StoreNames<SessionsSchema>;
// The schema type is loosened here: a migration may touch stores a later version removed.
export type UpgradeTx = IDBPTransaction<SessionsSchema, StoreName[], 'versionchange'>;
/**
 * Upgrades by one version. A migration that moves data may be async, but must await only
 * requests of `tx` (any other await lets the versionchange transaction commit early).
 */
export type Migration = (db: SessionsDb, tx: UpgradeTx) => void | Promise<void>;

export const DEFAULT_DB_NAME = 'appsync-events-devtools-sessions';

/** Stores holding per-session data (everything keyed by a session id). */
export const SESSION_DATA_STORES = ['connections', 'chunks', 'texts', 'summaries', 'marks', 'counts'] as const;

function createV1(db: SessionsDb): void {
  db.createObjectStore('sessions', { keyPath: 'id' });
  db.createObjectStore('connections', { keyPath: ['sessionId', 'connId'] });
  db.createObjectStore('chunks', { keyPath: ['sessionId', 'chunkNo'] });
  const summaries = db.createObjectStore('summaries', { keyPath: ['sessionId', 'chunkNo'] });
  summaries.createIndex('byFirstPos', ['sessionId', 'firstPos'], { unique: true });
  db.createObjectStore('marks', { keyPath: ['sessionId', 'socketId'] });
  db.createObjectStore('meta', { keyPath: 'key' });
}

/**
 * v2: chunks change from an array of frame objects to columns (see packed-chunk.ts), which
 * made appends and scans several times faster in Chromium; every chunk is rewritten in
 * place. A new `counts` store holds each session's counts by channel, type, direction and
 * connection (session-counts.ts), filled here from the summaries. Keys, summaries and the
 * other stores are unchanged.
 */
async function migrateV2(db: SessionsDb, tx: UpgradeTx): Promise<void> {
  db.createObjectStore('counts', { keyPath: ['sessionId'] });
  let cursor = await tx.objectStore('chunks').openCursor();
  while (cursor) {
    const value = cursor.value as unknown as PackedChunk | ChunkRecord;
    if (!isPacked(value)) await cursor.update(packChunk(value) as ChunkColumns);
    cursor = await cursor.continue();
  }
  const counts = new Map<string, CountsAccumulator>();
  let summary = await tx.objectStore('summaries').openCursor();
  while (summary) {
    const s = summary.value;
    let acc = counts.get(s.sessionId);
    if (!acc) counts.set(s.sessionId, (acc = new CountsAccumulator(s.sessionId)));
    acc.addSummary(s);
    summary = await summary.continue();
  }
  await Promise.all([...counts.values()].map((acc) => tx.objectStore('counts').put(acc.record())));
}

/**
 * v3: each chunk's texts move to a `texts` store under the chunk's key (chunk-store.ts), so
 * that the live traffic model can read columns alone. Every chunk is rewritten in place.
 */
async function migrateV3(db: SessionsDb, tx: UpgradeTx): Promise<void> {
  db.createObjectStore('texts', { keyPath: ['sessionId', 'chunkNo'] });
  const texts = tx.objectStore('texts');
  let cursor = await tx.objectStore('chunks').openCursor();
  while (cursor) {
    const value = cursor.value as ChunkColumns | PackedChunk;
    if ('texts' in value) {
      const [columns, text] = splitChunk(value);
      await Promise.all([cursor.update(columns), texts.put(text)]);
    }
    cursor = await cursor.continue();
  }
}

export const MIGRATIONS: readonly Migration[] = [createV1, migrateV2, migrateV3];
export const SCHEMA_VERSION = MIGRATIONS.length;

export interface OpenOptions {
  /** Defaults to the global `indexedDB`; tests pass a fresh fake factory. */
  readonly factory?: IDBFactory;
  readonly name?: string;
  /** For tests of the migration path: the list to run (its length is the version). */
  readonly migrations?: readonly Migration[];
  /**
   * Another context wants to upgrade the schema. We close our connection so that it can
   * (a blocked upgrade would otherwise hang every tab); the callback lets the owner reopen.
   */
  readonly onVersionChange?: () => void;
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

export async function openSessionsDb(options: OpenOptions = {}): Promise<SessionsDb> {
  const migrations = options.migrations ?? MIGRATIONS;
  const version = migrations.length;
  // Not idb's openDB: it always uses the global factory, and tests need a fresh one each.
  const factory = options.factory ?? globalThis.indexedDB;
  if (!factory) throw new SchemaError('IndexedDB is not available in this context');
  const request = factory.open(options.name ?? DEFAULT_DB_NAME, version);
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as SessionsDb;
    const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
    // An aborted upgrade is reported by the open request; this copy of it is not needed.
    tx.done.catch(() => undefined);
    // Synchronous migrations run right here; once one is async, the rest chain after it.
    let pending: Promise<void> | undefined;
    for (let v = event.oldVersion; v < version; v++) {
      const migrate = migrations[v];
      if (!migrate) continue;
      if (pending) pending = pending.then(() => migrate(db, tx));
      else pending = migrate(db, tx) ?? undefined;
    }
    pending?.catch(() => {
      try {
        tx.abort(); // a failed migration leaves the database at its old version
      } catch {
        // Already aborted.
      }
    });
  });
  let db: SessionsDb;
  try {
    db = (await wrap(request)) as unknown as SessionsDb;
  } catch (e) {
    if (e instanceof DOMException && e.name === 'VersionError') {
      throw new SchemaError(
        `The sessions database was created by a newer version of the extension (this one reads version ${version}).`,
      );
    }
    throw e;
  }
  db.addEventListener('versionchange', () => {
    db.close();
    options.onVersionChange?.();
  });
  return db;
}

/** Every key range that covers one session's records in a [sessionId, …] keyed store. */
export function sessionRange(sessionId: SessionId | string): IDBKeyRange {
  return IDBKeyRange.bound([sessionId], [sessionId, []]);
}
