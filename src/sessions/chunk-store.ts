// Where a stored chunk lives since schema v3: its columns (packed-chunk.ts, without texts)
// in `chunks`, its joined texts in `texts` under the same key [sessionId, chunkNo].
//
// Why apart: the live panel's traffic model reads every frame of a recording session as it
// grows, and folds data and ka frames, nearly all frames at saturation, from their columns
// alone; with one value per chunk it read and deserialised ~540 bytes a frame, ~60 of them
// columns (capture-profile, Chromium). Writers put both halves in one transaction; every
// reader but that feed asks for both, in one transaction.

import type { IDBPObjectStore } from 'idb';
import { ChunkView, N_SIZE, R_DIR, R_TYPE, type ChunkColumns, type PackedChunk, type ReadChunk } from './packed-chunk.ts';
import type { SessionsSchema, StoreName } from './schema.ts';
import type { Direction } from './types.ts';

/** The value of the `texts` store. */
export interface TextsRecord {
  readonly sessionId: string;
  readonly chunkNo: number;
  readonly texts: string;
}

/** A transaction over (at least) CHUNK_STORES. */
export interface ChunkTx {
  objectStore(name: 'chunks' | 'texts'): unknown;
}
type Store<Name extends 'chunks' | 'texts', Mode extends IDBTransactionMode> = IDBPObjectStore<SessionsSchema, StoreName[], Name, Mode>;

/** The stores a chunk read or write needs in its transaction. */
export const CHUNK_STORES = ['chunks', 'texts'] as const;

/**
 * Decides per chunk, from its columns, whether its texts are read; `true` reads them all.
 * A chunk read without them yields frames with no `text`.
 */
export type TextsWanted = true | ((columns: ChunkColumns) => boolean);

/** Texts for the chunks where `wanted` holds for a frame that has a text. */
export function textsWhere(wanted: (dir: Direction, type: string | undefined, size: number) => boolean): TextsWanted {
  return (columns) => {
    const v = new ChunkView(columns);
    for (let i = 0; i < v.count; i++) {
      if (v.hasText(i) && wanted(v.stringAt(R_DIR, i) as Direction, v.stringAt(R_TYPE, i), v.numAt(N_SIZE, i))) return true;
    }
    return false;
  };
}

function stores<Mode extends IDBTransactionMode>(tx: ChunkTx): [Store<'chunks', Mode>, Store<'texts', Mode>] {
  // idb types a store by the transaction's whole store list; ChunkTx checks only that the
  // list holds both.
  return [tx.objectStore('chunks') as Store<'chunks', Mode>, tx.objectStore('texts') as Store<'texts', Mode>];
}

export function splitChunk(chunk: PackedChunk): [ChunkColumns, TextsRecord] {
  const { texts, ...columns } = chunk;
  return [columns, { sessionId: chunk.sessionId, chunkNo: chunk.chunkNo, texts }];
}

/** The requests that store one chunk (both halves); the caller awaits them with its transaction. */
export function putChunk(tx: ChunkTx, chunk: PackedChunk): Promise<unknown>[] {
  const [chunks, texts] = stores<'readwrite'>(tx);
  const [columns, text] = splitChunk(chunk);
  return [chunks.put(columns), texts.put(text)];
}

function joined(columns: ChunkColumns, texts: TextsRecord | undefined): ReadChunk {
  return texts === undefined ? columns : { ...columns, texts: texts.texts };
}

/** Each chunk with its texts record from `ts` (any order, any subset), or none. */
function pair(cs: readonly ChunkColumns[], ts: readonly (TextsRecord | undefined)[]): ReadChunk[] {
  const byNo = new Map<number, TextsRecord>();
  for (const t of ts) if (t !== undefined) byNo.set(t.chunkNo, t);
  return cs.map((c) => joined(c, byNo.get(c.chunkNo)));
}

/** One chunk, with its texts. */
export async function getChunk(tx: ChunkTx, key: [string, number]): Promise<ReadChunk | undefined> {
  const [chunks, texts] = stores<'readonly'>(tx);
  const [c, t] = await Promise.all([chunks.get(key), texts.get(key)]);
  return c && joined(c, t);
}

/**
 * The chunks in `range`, in key order. With a predicate, the texts are requested only for
 * the chunks it picks (after their columns arrive); with `true`, together with the columns.
 */
export async function getChunks(tx: ChunkTx, range: IDBKeyRange, wanted: TextsWanted = true): Promise<ReadChunk[]> {
  const [chunks, texts] = stores<'readonly'>(tx);
  if (wanted === true) {
    const [cs, ts] = await Promise.all([chunks.getAll(range), texts.getAll(range)]);
    return pair(cs, ts);
  }
  const cs = await chunks.getAll(range);
  const picked = cs.filter(wanted);
  if (picked.length === 0) return cs;
  // Most picked (a window of mixed traffic): one range read, whose other texts come along;
  // a few: one read each.
  const got = picked.length * 2 > cs.length ? await texts.getAll(range) : await Promise.all(picked.map((c) => texts.get([c.sessionId, c.chunkNo])));
  return pair(cs, got);
}
