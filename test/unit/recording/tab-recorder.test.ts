// The tab recorder over a fake IndexedDB and an in-memory tab → session mapping: one session
// per tab that survives a restarted worker, a new one on roll or after the user deleted it,
// and sessions cut short by a browser exit closed.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { unwrap, type IDBPTransaction } from 'idb';
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { createTabRecorder, type SessionMapping } from '../../../src/recording/tab-recorder.ts';
import { createSession, deleteSession, FrameFlag, getSession, openSessionsDb, readFramePage, setKeepSecrets, type SessionId } from '../../../src/sessions/index.ts';

const SECRET = 'da2-tabrecordersecret0123456789';
const subscribe = (seq: number): CaptureRecord => {
  const data = JSON.stringify({ type: 'subscribe', id: `s${seq}`, channel: '/default/a', authorization: { 'x-api-key': SECRET, host: 'h' } });
  return { kind: 'ws-send', socketId: 'n:1' as SocketId, seq, t: seq, data, size: data.length };
};

function world() {
  const factory = new IDBFactory();
  const kv = new Map<number, SessionId>();
  const mapping: SessionMapping = {
    get: async (t) => kv.get(t),
    set: async (t, id) => void kv.set(t, id),
    remove: async (t) => void kv.delete(t),
    mapped: async () => new Set(kv.values()),
  };
  let clock = 1_000_000;
  const writes: string[][] = [];
  // Counts the write transactions that store frames. idb wraps what the method returns,
  // so it is given the raw transaction (wrapping a wrapped one adds an unobserved promise).
  const openDb = async () => {
    const db = await openSessionsDb({ factory });
    const transaction = db.transaction.bind(db) as (...a: unknown[]) => unknown;
    (db as unknown as { transaction: unknown }).transaction = (stores: string | string[], mode?: string, ...rest: unknown[]) => {
      if (mode === 'readwrite' && Array.isArray(stores) && stores.includes('chunks')) writes.push(stores);
      return unwrap(transaction(stores, mode, ...rest) as IDBPTransaction<unknown, string[], IDBTransactionMode>);
    };
    return db;
  };
  let tabUrl = 'https://app.test/x';
  const worker = () =>
    createTabRecorder({ openDb, mapping, tabInfo: async () => ({ url: tabUrl, title: 'App' }), browserName: 'Test', now: () => clock });
  return { kv, worker, setTabUrl: (url: string) => void (tabUrl = url), writes, tick: (ms: number) => (clock += ms), db: () => openSessionsDb({ factory }) };
}

describe('tab recorder', () => {
  test('one session per tab, continued by a restarted worker without duplicates', async () => {
    const w = world();
    const a = await w.worker().append(1, [subscribe(0), subscribe(1)]);
    expect(a).toMatchObject({ stored: 2 });
    expect(a.records.map((r) => r.seq)).toEqual([0, 1]);
    const b = await w.worker().append(1, [subscribe(1), subscribe(2)]);
    expect(b).toMatchObject({ sessionId: a.sessionId, stored: 3 });
    expect(b.records.map((r) => r.seq)).toEqual([2]);
    const session = await getSession(await w.db(), a.sessionId as SessionId);
    expect(session).toMatchObject({ frameCount: 3, source: 'live', browser: 'Test', pageUrl: 'https://app.test/x', state: 'recording' });
    expect(session?.name).toMatch(/^app\.test · /);
  });

  test("a key in the page's query is not stored with the session", async () => {
    const w = world();
    w.setTabUrl(`https://app.test/x?token=${SECRET}&room=2`);
    const a = await w.worker().append(1, [subscribe(0)]);
    const session = await getSession(await w.db(), a.sessionId as SessionId);
    expect(JSON.stringify(session)).not.toContain(SECRET);
    expect(session?.pageUrl).toMatch(/^https:\/\/app\.test\/x\?token=.+&room=2$/);
  });

  test("a restarted worker learns each socket's committed seq from the session", async () => {
    const w = world();
    await w.worker().append(1, [subscribe(0), subscribe(1), subscribe(2)]);
    const seqs = await w.worker().committedSeqs!(1, ['n:1', 'n:9']);
    expect([...seqs]).toEqual([['n:1', 2]]);
  });

  test("a restarted worker learns the session's sockets, captured or noticed", async () => {
    const w = world();
    const url = 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
    const create = (socketId: string, t: number, via?: 'network'): CaptureRecord => ({ kind: 'ws-create', socketId: socketId as SocketId, seq: 0, t, url, protocols: [], frameUrl: 'https://app.test/x', appsync: true, ...(via ? { via } : {}) });
    await w.worker().append(1, [create('n:1', 5_000), create('net:ws1', 9_000, 'network'), subscribe(0)]);
    const sockets = await w.worker().storedSockets!(1);
    expect([...sockets].sort((a, b) => a.startedAt - b.startedAt)).toEqual([{ url, startedAt: 5_000 }, { url, startedAt: 9_000 }]);
    expect(await w.worker().storedSockets!(2)).toEqual([]);
  });

  test('records passed over while stopped count as handled: not lost, and a restarted worker continues after them', async () => {
    const w = world();
    const url = 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
    const create: CaptureRecord = { kind: 'ws-create', socketId: 'n:7' as SocketId, seq: 0, t: 0, url, protocols: [], frameUrl: 'https://app.test/x', appsync: true };
    const ka = (seq: number): CaptureRecord => ({ kind: 'ws-receive', socketId: 'n:7' as SocketId, seq, t: seq, data: '{"type":"ka"}', size: 13 });
    const stopped = await w.worker().append(1, [create, ...Array.from({ length: 40 }, (_, i) => ka(i + 1))], (r) => r.kind === 'ws-create');
    expect(stopped).toMatchObject({ stored: 1, passed: 40 });
    expect(stopped.records.map((r) => r.kind)).toEqual(['ws-create']);
    // The seq guard of a resumed link asks where the socket's handled records end.
    const restarted = w.worker();
    expect([...(await restarted.committedSeqs!(1, ['n:7']))]).toEqual([['n:7', 40]]);
    const resumed = await restarted.append(1, [ka(41), ka(42)]);
    expect(resumed.records.map((r) => r.seq)).toEqual([41, 42]);
    const db = await w.db();
    const [conn] = await db.getAll('connections');
    expect(conn).toMatchObject({ connId: 'n:7', lost: 0 });
    // The first frame after the stop still says records are missing before it.
    const frames = await readFramePage(db, stopped.sessionId as SessionId, { offset: 0, limit: 10 });
    expect(frames.map((f) => [f.seq, (f.flags & FrameFlag.afterGap) !== 0])).toEqual([[0, false], [41, true], [42, false]]);
    // A resend of what was passed over stores nothing.
    expect((await restarted.append(1, [ka(3)])).records).toEqual([]);
  });

  test('returns records redacted unless the session keeps secrets', async () => {
    const w = world();
    const r = w.worker();
    const first = await r.append(1, [subscribe(0)]);
    expect(JSON.stringify(first.records)).not.toContain(SECRET);
    await setKeepSecrets(await w.db(), first.sessionId as SessionId, true);
    const second = await r.append(1, [subscribe(1)]);
    expect(JSON.stringify(second.records)).toContain(SECRET);
  });

  test('a roll finishes the session and the next batch starts another', async () => {
    const w = world();
    const r = w.worker();
    const a = await r.append(1, [subscribe(0)]);
    await r.rollSession(1, 'clear');
    expect(w.kv.has(1)).toBe(false);
    expect((await getSession(await w.db(), a.sessionId as SessionId))?.state).toBe('complete');
    const b = await r.append(1, [{ ...subscribe(0), socketId: 'm:1' as SocketId }]);
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.stored).toBe(1);
  });

  test('recording goes on into a new session after the user deleted the one being recorded', async () => {
    const w = world();
    const r = w.worker();
    const a = await r.append(1, [subscribe(0)]);
    await deleteSession(await w.db(), a.sessionId as SessionId);
    w.tick(2_000);
    const b = await r.append(1, [subscribe(1)]);
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.records.map((x) => x.seq)).toEqual([1]);
  });

  test('a live session no tab maps to (the browser exited) is closed when the store opens', async () => {
    const w = world();
    const db = await w.db();
    const orphan = await createSession(db, { source: 'live' });
    await w.worker().append(1, [subscribe(0)]);
    expect((await getSession(db, orphan.id))?.state).toBe('complete');
  });

  test('batches handed on while one commits share the next transaction, in order', async () => {
    const w = world();
    const r = w.worker();
    await r.append(1, [subscribe(0)]);
    const before = w.writes.length;
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((seq) => r.append(1, [subscribe(seq)])));
    expect(results.map((x) => x.records.map((y) => y.seq))).toEqual([[1], [2], [3], [4], [5], [6]]);
    expect(results.map((x) => x.stored)).toEqual([2, 3, 4, 5, 6, 7]);
    // The first goes alone; the five queued behind it go in one more.
    expect(w.writes.length - before).toBeLessThanOrEqual(2);
    const session = await getSession(await w.db(), results[0]!.sessionId as SessionId);
    expect(session?.frameCount).toBe(7);
  });

  test('a roll asked for between two appends separates them, whatever commits first', async () => {
    const w = world();
    const r = w.worker();
    const a = r.append(1, [subscribe(0)]);
    const rolled = r.rollSession(1, 'navigation');
    const b = r.append(1, [{ ...subscribe(0), socketId: 'm:1' as SocketId }]);
    const [ra, , rb] = await Promise.all([a, rolled, b]);
    expect(ra.sessionId).not.toBe(rb.sessionId);
    expect((await getSession(await w.db(), ra.sessionId as SessionId))).toMatchObject({ state: 'complete', frameCount: 1 });
    expect((await getSession(await w.db(), rb.sessionId as SessionId))).toMatchObject({ state: 'recording', frameCount: 1 });
  });

  test('hands on the stored records it classified as publish answers, once each, also across queued batches', async () => {
    const w = world();
    const r = w.worker();
    const socket = 'n:9' as SocketId;
    const create: CaptureRecord = { kind: 'ws-create', socketId: socket, seq: 0, t: 0, url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app.test/x', appsync: true };
    const recv = (seq: number, frame: object): CaptureRecord => {
      const data = JSON.stringify(frame);
      return { kind: 'ws-receive', socketId: socket, seq, t: seq, data, size: data.length };
    };
    const ok = { type: 'publish_success', id: 'replay-1', successful: [], failed: [] };
    const first = [create, recv(1, { type: 'data', id: 's', event: '"publish_success"' }), recv(2, ok), recv(3, { type: 'ka' })];
    // Queued while the first write runs: the recorder may classify both before either resolves.
    const [a, b] = await Promise.all([r.append(2, first), r.append(2, [recv(4, ok), recv(5, { type: 'error', id: 'replay-2', errors: [] })])]);
    expect(a.answers?.map((x) => x.seq)).toEqual([2]);
    expect(b.answers?.map((x) => x.seq)).toEqual([4, 5]);
    const c = await r.append(2, [recv(6, { type: 'data', id: 's', event: '{}' })]);
    expect(c.answers).toEqual([]);
  });
});
