import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { freshDb, classify, redact, SocketScript, conversation } from './helpers.ts';
import { MIGRATIONS, SCHEMA_VERSION, SchemaError, openSessionsDb, type Migration } from '../../../src/sessions/schema.ts';
import { createSession, getSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { findFrames, readFramePage } from '../../../src/sessions/queries.ts';
import { isPacked, unpackChunk, type PackedChunk } from '../../../src/sessions/packed-chunk.ts';
import { CHUNK_STORES, getChunks } from '../../../src/sessions/chunk-store.ts';
import { sessionRange } from '../../../src/sessions/schema.ts';

/** A stand-in for a future version: adds an index and rewrites every session record. */
const next: Migration = async (_db, tx) => {
  const store = tx.objectStore('sessions');
  store.createIndex('byStartedAt' as never, 'startedAt');
  let cursor = await store.openCursor();
  while (cursor) {
    await cursor.update({ ...cursor.value, name: cursor.value.name + ' (v2)' });
    cursor = await cursor.continue();
  }
};

/**
 * A database as the v1 code left it: recorded with today's code into a scratch database,
 * then copied store by store into a v1 database, chunks as v1 stored them (frame objects).
 */
async function seedV1(factory: IDBFactory): Promise<string> {
  const scratch = await freshDb();
  const session = await createSession(scratch, { name: 'old' });
  const rec = await createRecorder(scratch, { sessionId: session.id, classify, redact });
  await rec.append(conversation(new SocketScript('p:1'), '/default/a', 's1', 10));
  const db = await openSessionsDb({ factory, migrations: MIGRATIONS.slice(0, 1) });
  for (const store of ['sessions', 'connections', 'summaries', 'marks'] as const) {
    for (const value of await scratch.getAll(store)) await db.put(store, value as never);
  }
  for (const value of await getChunks(scratch.transaction(CHUNK_STORES), sessionRange(session.id))) await db.put('chunks', unpackChunk(value) as never);
  scratch.close();
  db.close();
  return session.id;
}

describe('schema', () => {
  it('creates every store at the current version', async () => {
    const db = await freshDb();
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['chunks', 'connections', 'counts', 'marks', 'meta', 'sessions', 'summaries', 'texts']);
    const tx = db.transaction('summaries');
    expect([...tx.store.indexNames]).toEqual(['byFirstPos']);
    db.close();
  });

  it('opens a v1 database written by the v1 code with its data intact', async () => {
    const factory = new IDBFactory();
    const id = await seedV1(factory);
    const db = await openSessionsDb({ factory });
    const s = await getSession(db, id as never);
    expect(s?.name).toBe('old');
    expect(s?.frameCount).toBe(14);
    expect((await readFramePage(db, id as never, { offset: 0, limit: 100 })).length).toBe(14);
    db.close();
  });

  it('v2 packs every v1 chunk into columns and v3 moves their texts apart; frames, filters and search read the same', async () => {
    const factory = new IDBFactory();
    const id = (await seedV1(factory)) as never;
    const v1 = await openSessionsDb({ factory, migrations: MIGRATIONS.slice(0, 1) });
    const v1Chunks = await v1.getAll('chunks');
    const before = v1Chunks.flatMap((c) => unpackChunk(c).frames);
    expect(v1Chunks.every((c) => !isPacked(c))).toBe(true);
    const dataV1 = before.filter((f) => f.type === 'data' && f.text?.toLowerCase().includes('"data"'));
    v1.close();

    const db = await openSessionsDb({ factory });
    expect(db.version).toBe(3);
    const stored = await db.getAll('chunks');
    expect(stored.every((c) => isPacked(c) && !('texts' in c))).toBe(true);
    expect(await db.count('texts')).toBe(stored.length);
    expect(await readFramePage(db, id, { offset: 0, limit: 100 })).toEqual(before);
    expect(before).toHaveLength(14);
    expect(before.some((f) => f.text !== undefined)).toBe(true);
    // The counts store is filled from the v1 summaries.
    expect(await db.get('counts', [id])).toMatchObject({ channels: { '/default/a': 12 }, directions: { connecting: 1, open: 1, send: 1, receive: 11 } });
    const dataV3 = (await findFrames(db, id, { types: ['data'], text: '"DATA"' })).frames;
    expect(dataV3).toEqual(dataV1);
    expect(dataV3.length).toBeGreaterThan(0);
    // The recorder continues the migrated session's partial chunk.
    const rec = await createRecorder(db, { sessionId: id, classify, redact });
    await rec.append([new SocketScript('p:2').create()]);
    expect((await getSession(db, id))?.frameCount).toBe(15);
    expect((await db.get('counts', [id]))?.connections).toEqual({ 'p:1': 14, 'p:2': 1 });
    expect((await readFramePage(db, id, { offset: 13, limit: 5 })).map((f) => f.pos)).toEqual([13, 14]);
    db.close();
  });

  it('v3 moves the texts of a v2 database apart, and a columns-only read leaves them out', async () => {
    const factory = new IDBFactory();
    const scratch = await freshDb();
    const session = await createSession(scratch, { name: 'v2' });
    const rec = await createRecorder(scratch, { sessionId: session.id, classify, redact });
    await rec.append(conversation(new SocketScript('p:1'), '/default/a', 's1', 300));
    const packed = (await getChunks(scratch.transaction(CHUNK_STORES), sessionRange(session.id))) as PackedChunk[];
    expect(packed.length).toBeGreaterThan(1);
    const v2 = await openSessionsDb({ factory, migrations: MIGRATIONS.slice(0, 2) });
    for (const store of ['sessions', 'connections', 'summaries', 'marks', 'counts'] as const) {
      for (const value of await scratch.getAll(store)) await v2.put(store, value as never);
    }
    // v2 kept each chunk whole, texts included.
    for (const c of packed) await v2.put('chunks', c as never);
    const expected = await readFramePage(scratch, session.id, { offset: 0, limit: 1000 });
    scratch.close();
    v2.close();

    const db = await openSessionsDb({ factory });
    expect((await db.getAll('chunks')).some((c) => 'texts' in c)).toBe(false);
    expect((await db.getAll('texts')).map((t) => t.texts)).toEqual(packed.map((c) => c.texts));
    expect(await readFramePage(db, session.id, { offset: 0, limit: 1000 })).toEqual(expected);
    // Texts only where the predicate asks: the first chunk's.
    const first = packed[0]!.chunkNo;
    const some = await readFramePage(db, session.id, { offset: 0, limit: 1000, texts: (c) => c.chunkNo === first });
    expect(some.map((f) => f.pos)).toEqual(expected.map((f) => f.pos));
    expect(some.filter((f) => f.text !== undefined).every((f) => f.pos < packed[0]!.count)).toBe(true);
    expect(some.slice(0, packed[0]!.count)).toEqual(expected.slice(0, packed[0]!.count));
    expect(some.slice(packed[0]!.count).some((f) => f.text !== undefined)).toBe(false);
    db.close();
  });

  it('runs a later migration over a v1 database, and every migration on a new one', async () => {
    const factory = new IDBFactory();
    const id = await seedV1(factory);
    const db = await openSessionsDb({ factory, migrations: [...MIGRATIONS, next] });
    expect(db.version).toBe(SCHEMA_VERSION + 1);
    expect((await getSession(db, id as never))?.name).toBe('old (v2)');
    expect([...db.transaction('sessions').store.indexNames]).toContain('byStartedAt');
    // Frames written by v1 still read.
    expect((await readFramePage(db, id as never, { offset: 10, limit: 100 })).map((f) => f.pos)).toEqual([10, 11, 12, 13]);
    db.close();

    const fresh = await openSessionsDb({ factory: new IDBFactory(), migrations: [...MIGRATIONS, next] });
    expect(fresh.version).toBe(SCHEMA_VERSION + 1);
    expect([...fresh.objectStoreNames]).toContain('chunks');
    fresh.close();
  });

  it('a failing migration leaves the database at its old version', async () => {
    const factory = new IDBFactory();
    const id = await seedV1(factory);
    const broken: Migration = async (_db, tx) => {
      await tx.objectStore('sessions').get('x');
      throw new Error('bad migration');
    };
    await expect(openSessionsDb({ factory, migrations: [...MIGRATIONS, broken] })).rejects.toThrow();
    // Still v1: the v1 code opens it (a higher version would be refused).
    const db = await openSessionsDb({ factory, migrations: MIGRATIONS.slice(0, 1) });
    expect(db.version).toBe(1);
    expect((await getSession(db, id as never))?.frameCount).toBe(14);
    db.close();
  });

  it('refuses a database from a newer version with a clear error', async () => {
    const factory = new IDBFactory();
    (await openSessionsDb({ factory, migrations: [...MIGRATIONS, () => undefined] })).close();
    await expect(openSessionsDb({ factory })).rejects.toBeInstanceOf(SchemaError);
    await expect(openSessionsDb({ factory })).rejects.toThrow(/newer version/);
  });

  it('closes its connection when another context upgrades, instead of blocking it', async () => {
    const factory = new IDBFactory();
    let told = 0;
    await openSessionsDb({ factory, onVersionChange: () => told++ });
    const upgraded = await openSessionsDb({ factory, migrations: [...MIGRATIONS, () => undefined] });
    expect(upgraded.version).toBe(SCHEMA_VERSION + 1);
    expect(told).toBe(1);
    upgraded.close();
  });
});
