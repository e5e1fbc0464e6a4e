import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { classify, conversation, freshDb, redact, SECRET, SocketScript } from './helpers.ts';
import { openSessionsDb } from '../../../src/sessions/schema.ts';
import { createSession, getSession, renameSession, setKeepSecrets } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { readFramePage, findFrames } from '../../../src/sessions/queries.ts';
import { FrameFlag } from '../../../src/sessions/types.ts';
import { unpackChunk } from '../../../src/sessions/packed-chunk.ts';

const small = { maxFrames: 8, maxBytes: 1 << 20 };

describe('recorder', () => {
  it('stores a batch as frames with positions, labels and connection records', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'live' });
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const sock = new SocketScript('p:1');
    const r = await rec.append(conversation(sock, '/default/news', 'sub-1', 3));
    expect(r).toMatchObject({ stored: 7, duplicates: 0, lost: 0, firstPos: 0, lastPos: 6 });
    expect(r.records.map((x) => x.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 50 });
    expect(frames.map((f) => f.dir)).toEqual(['connecting', 'open', 'send', 'receive', 'receive', 'receive', 'receive']);
    expect(frames.map((f) => f.pos)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const data = frames[4]!;
    expect(data).toMatchObject({ type: 'data', id: 'sub-1', channel: '/default/news', sock: 'p:1', seq: 4, conn: 'p:1' });
    expect(frames[2]).toMatchObject({ type: 'subscribe', channel: '/default/news' });
    const conn = await db.get('connections', [s.id, 'p:1']);
    expect(conn).toMatchObject({ kind: 'websocket', appsync: true, protocol: 'aws-appsync-event-ws', authMode: 'API_KEY', sent: 1, received: 4 });
    expect(conn?.subscriptions).toEqual({ 'sub-1': '/default/news' });
    const session = await getSession(db, s.id);
    expect(session).toMatchObject({ frameCount: 7, chunkCount: 1, connections: { websocket: 1, appsync: 1 } });
    expect(session?.byteCount).toBe(frames.reduce((n, f) => n + f.size, 0));
  });

  it('fills chunks and keeps a partial tail chunk durable after every batch', async () => {
    const factory = new IDBFactory();
    const db = await openSessionsDb({ factory });
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: small });
    const sock = new SocketScript('p:1');
    await rec.append(conversation(sock, '/a/b', 's', 6)); // 10 frames: one full chunk + 2
    // "Kill the process": drop this connection and read through a brand new one.
    db.close();
    const db2 = await openSessionsDb({ factory });
    const after = await getSession(db2, s.id);
    expect(after).toMatchObject({ frameCount: 10, chunkCount: 2 });
    expect(unpackChunk((await db2.get('chunks', [s.id, 1]))!).frames.map((f) => f.pos)).toEqual([8, 9]);
    const sum = await db2.get('summaries', [s.id, 0]);
    expect(sum).toMatchObject({ count: 8, firstPos: 0, channels: { '/a/b': 6 }, dirs: { receive: 5 } });
    // A new recorder continues the partial chunk rather than starting another.
    const rec2 = await createRecorder(db2, { sessionId: s.id, classify, redact, chunkLimits: small });
    await rec2.append([sock.receive({ type: 'data', id: 's', event: '1' })]);
    expect(unpackChunk((await db2.get('chunks', [s.id, 1]))!).frames.map((f) => f.pos)).toEqual([8, 9, 10]);
    expect((await readFramePage(db2, s.id, { offset: 0, limit: 100 })).map((f) => f.pos)).toEqual([...Array(11).keys()]);
  });

  it('reads a page that spans many chunks smaller than the default, from the middle of one', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    // 3-frame chunks: a page of 40 needs 14 of them, more than the range read asks for at first.
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: { maxFrames: 3, maxBytes: 1 << 20 } });
    const sock = new SocketScript('p:1');
    await rec.append(conversation(sock, '/a/b', 's', 60));
    const total = (await getSession(db, s.id))!.frameCount;
    expect((await readFramePage(db, s.id, { offset: 4, limit: 40 })).map((f) => f.pos)).toEqual(Array.from({ length: 40 }, (_, i) => 4 + i));
    expect((await readFramePage(db, s.id, { offset: total - 2, limit: 40 })).map((f) => f.pos)).toEqual([total - 2, total - 1]);
    expect(await readFramePage(db, s.id, { offset: total, limit: 40 })).toEqual([]);
  });

  it('seals a tail that is at least half full instead of rewriting it with the next batch', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: small });
    const sock = new SocketScript('p:1');
    await rec.append(conversation(sock, '/a/b', 's', 2)); // 6 frames: 6 >= 8 / 2, sealed
    await rec.append([sock.receive({ type: 'data', id: 's', event: '1' })]);
    expect(unpackChunk((await db.get('chunks', [s.id, 0]))!).frames.map((f) => f.pos)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(unpackChunk((await db.get('chunks', [s.id, 1]))!).frames.map((f) => f.pos)).toEqual([6]);
    expect(await getSession(db, s.id)).toMatchObject({ frameCount: 7, chunkCount: 2 });
    expect((await readFramePage(db, s.id, { offset: 4, limit: 3 })).map((f) => f.pos)).toEqual([4, 5, 6]);
    expect((await findFrames(db, s.id, { channels: ['/a/b'] })).frames.map((f) => f.pos)).toEqual([2, 3, 4, 5, 6]);
  });

  it('de-duplicates a resend, also across a restart (a new recorder on the same database)', async () => {
    const factory = new IDBFactory();
    const db = await openSessionsDb({ factory });
    const s = await createSession(db);
    const sock = new SocketScript('p:1');
    const batch1 = conversation(sock, '/a/b', 's', 4);
    const batch2 = [sock.receive({ type: 'ka' }), sock.receive({ type: 'ka' })];
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: small });
    await rec.append(batch1);
    expect(await rec.append(batch1)).toMatchObject({ stored: 0, duplicates: 8 });
    db.close();
    const db2 = await openSessionsDb({ factory });
    const rec2 = await createRecorder(db2, { sessionId: s.id, classify, redact, chunkLimits: small });
    // The outbox resends everything it has not seen acknowledged: old and new together.
    const r = await rec2.append([...batch1.slice(5), ...batch2]);
    expect(r).toMatchObject({ stored: 2, duplicates: 3, firstPos: 8, lastPos: 9 });
    expect(r.records).toEqual(batch2);
    expect((await getSession(db2, s.id))?.frameCount).toBe(10);
    const frames = await readFramePage(db2, s.id, { offset: 0, limit: 100 });
    expect(new Set(frames.map((f) => `${f.sock}/${f.seq}`)).size).toBe(10);
    // A data frame after the restart still gets its channel from the stored subscription map.
    await rec2.append([sock.receive({ type: 'data', id: 's', event: '"late"' })]);
    expect((await readFramePage(db2, s.id, { offset: 10, limit: 1 }))[0]?.channel).toBe('/a/b');
  });

  it('counts gaps in seq as lost records and flags the next frame', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const sock = new SocketScript('p:1');
    const [c, o] = [sock.create(), sock.open()];
    sock.seq += 3;
    const r = await rec.append([c!, o!, sock.receive({ type: 'ka' })]);
    expect(r.lost).toBe(3);
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 10 });
    expect(frames[2]!.flags & FrameFlag.afterGap).toBeTruthy();
    expect((await getSession(db, s.id))?.connections.lost).toBe(3);
  });

  it('groups batches queued during a transaction and resolves each with its own result', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: small });
    const sock = new SocketScript('p:1');
    const batches = Array.from({ length: 20 }, () => [sock.receive({ type: 'ka' }), sock.receive({ type: 'ka' })]);
    const results = await Promise.all(batches.map((b) => rec.append(b)));
    expect(results.map((r) => r.firstPos)).toEqual(batches.map((_, i) => i * 2));
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 100 });
    expect(frames.map((f) => f.seq)).toEqual([...Array(40).keys()]);
    expect((await getSession(db, s.id))?.chunkCount).toBe(5);
  });

  it('stores binary, truncated, close, error and HTTP publish records', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const sock = new SocketScript('p:1');
    const http = new SocketScript('p:2');
    await rec.append([sock.create(), sock.binary(300), sock.truncated('{"type":"da', 5000), sock.error(), sock.close(1006, false), http.http('/default/x'), http.http('/default/y', 0)]);
    const f = await readFramePage(db, s.id, { offset: 0, limit: 20 });
    expect(f[1]).toMatchObject({ binary: { size: 300, preview: 'AAEC' }, size: 300 });
    expect(f[1]!.flags & FrameFlag.binary).toBeTruthy();
    expect(f[2]).toMatchObject({ text: '{"type":"da', extra: { length: 5000 } });
    expect(f[3]!.dir).toBe('error');
    expect(f[4]).toMatchObject({ dir: 'close', extra: { code: 1006, wasClean: false } });
    expect(f[4]!.flags & FrameFlag.failed).toBeTruthy();
    expect(f.slice(5).map((x) => [x.dir, x.channel])).toEqual([
      ['http-request', '/default/x'],
      ['http-response', '/default/x'],
      ['http-request', '/default/y'],
      ['http-response', '/default/y'],
    ]);
    expect(f[6]).toMatchObject({ extra: { status: 200, duration: 5 } });
    expect(f[8]!.flags & FrameFlag.failed).toBeTruthy();
    const conn = await db.get('connections', [s.id, 'http https://example.appsync-api.us-east-1.amazonaws.com/event']);
    expect(conn).toMatchObject({ kind: 'http', authMode: 'API_KEY', sent: 2, received: 1, errors: 1 });
    expect((await db.get('connections', [s.id, 'p:1']))).toMatchObject({ closeCode: 1006, errors: 1 });
  });

  it('redacts by default and keeps secrets when the session says so', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const sock = new SocketScript('p:1');
    const first = await rec.append([sock.create(), sock.receive(`{"type":"data","id":"s","event":"${SECRET}"}`)]);
    expect(JSON.stringify(first.records)).not.toContain(SECRET);
    let conn = await db.get('connections', [s.id, 'p:1']);
    expect(JSON.stringify(conn)).not.toContain('header-eyJ');
    expect(conn?.authMode).toBe('API_KEY'); // read before redaction
    expect((await findFrames(db, s.id, { text: SECRET })).frames).toHaveLength(0);
    await setKeepSecrets(db, s.id, true);
    const kept = await rec.append([sock.receive(`{"type":"data","id":"s","event":"${SECRET}"}`)]);
    expect(JSON.stringify(kept.records)).toContain(SECRET);
    expect((await findFrames(db, s.id, { text: SECRET })).frames.map((f) => f.pos)).toEqual([2]);
    const other = await createSession(db, { keepSecrets: true });
    const rec2 = await createRecorder(db, { sessionId: other.id, classify, redact });
    const s2 = new SocketScript('p:9');
    await rec2.append([s2.create()]);
    conn = await db.get('connections', [other.id, 'p:9']);
    expect(JSON.stringify(conn)).toContain('header-eyJ');
  });

  it('keeps renames made while recording (it owns only the totals)', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'a' });
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const sock = new SocketScript('p:1');
    await rec.append([sock.create()]);
    await renameSession(db, s.id, 'renamed');
    await rec.append([sock.open()]);
    const done = await rec.finish(123);
    expect(done).toMatchObject({ name: 'renamed', frameCount: 2, endedAt: 123, state: 'complete' });
  });

  it('survives a classifier that throws', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    const rec = await createRecorder(db, { sessionId: s.id, classify: () => { throw new Error('boom'); }, redact });
    const sock = new SocketScript('p:1');
    await rec.append([sock.create(), sock.receive({ type: 'ka' })]);
    expect((await readFramePage(db, s.id, { offset: 1, limit: 1 }))[0]?.type).toBeUndefined();
  });
});
