import { afterEach, describe, expect, it } from 'vitest';
import { classify, conversation, freshDb, redact, SocketScript } from './helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { createSession, deleteSession, getSession, listSessions, setPinned } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import {
  DEFAULT_STORAGE_BUDGET,
  enforceRetention,
  estimateStorage,
  getStorageBudget,
  requestPersistentStorage,
  setStorageBudget,
} from '../../../src/sessions/retention.ts';
import { StorageFullError } from '../../../src/sessions/quota.ts';
import type { SessionId } from '../../../src/sessions/types.ts';

async function recorded(db: SessionsDb, name: string, startedAt: number, frames: number): Promise<SessionId> {
  const s = await createSession(db, { name, startedAt });
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
  await rec.append(conversation(new SocketScript(`${name}:1`), '/a/b', 's', frames));
  return s.id;
}

describe('retention', () => {
  it('has a 1 GiB default budget that can be changed', async () => {
    const db = await freshDb();
    expect(await getStorageBudget(db)).toBe(DEFAULT_STORAGE_BUDGET);
    await setStorageBudget(db, 5_000_000);
    expect(await getStorageBudget(db)).toBe(5_000_000);
    await expect(setStorageBudget(db, -1)).rejects.toThrow(RangeError);
  });

  it('evicts deleted sessions, then the oldest unpinned ones, and says what it removed', async () => {
    const db = await freshDb();
    const old = await recorded(db, 'old', 1000, 50);
    const pinned = await recorded(db, 'pinned-oldest', 500, 50);
    const middle = await recorded(db, 'middle', 2000, 50);
    const live = await recorded(db, 'live', 100, 50);
    const newest = await recorded(db, 'newest', 3000, 50);
    const gone = await recorded(db, 'deleted-new', 4000, 50);
    await setPinned(db, pinned, true);
    await deleteSession(db, gone);
    const each = (await getSession(db, old))!.storedBytes;
    expect(each).toBeGreaterThan(50 * 50);

    const nothing = await enforceRetention(db, { budgetBytes: each * 10 });
    expect(nothing).toMatchObject({ evicted: [], freedBytes: 0, overBudget: false, message: '' });

    const notice = await enforceRetention(db, { budgetBytes: each * 3.5, protect: [live] });
    expect(notice.evicted.map((e) => [e.name, e.reason])).toEqual([
      ['deleted-new', 'deleted'],
      ['old', 'budget'],
      ['middle', 'budget'],
    ]);
    expect(notice.freedBytes).toBe(each * 3);
    expect(notice.overBudget).toBe(false);
    expect(notice.message).toMatch(/Removed 3 old sessions .* "deleted-new", "old", "middle"\./);
    expect((await listSessions(db)).map((s) => s.name)).toEqual(['newest', 'pinned-oldest', 'live']);
    // Purged sessions leave nothing behind.
    expect(await db.count('chunks', IDBKeyRange.bound([middle], [middle, []]))).toBe(0);
    expect(await db.count('summaries', IDBKeyRange.bound([old], [old, []]))).toBe(0);

    const tight = await enforceRetention(db, { budgetBytes: 1, protect: [live] });
    expect(tight.evicted.map((e) => e.name)).toEqual(['newest']);
    expect(tight.overBudget).toBe(true);
    expect(tight.message).toMatch(/still over/);
    expect((await listSessions(db)).map((s) => s.id)).toEqual([pinned, live]);
    void newest;
  });

  it('requests persistent storage when the browser offers it', async () => {
    expect(await requestPersistentStorage(undefined)).toBe('unavailable');
    expect(await requestPersistentStorage({ persist: async () => true })).toBe('granted');
    expect(await requestPersistentStorage({ persist: async () => false, persisted: async () => false })).toBe('denied');
    expect(await requestPersistentStorage({ persist: async () => false, persisted: async () => true })).toBe('granted');
    expect(await requestPersistentStorage({ persist: () => Promise.reject(new Error('x')) })).toBe('unavailable');
    expect(await estimateStorage({ estimate: async () => ({ usage: 1, quota: 2 }) })).toEqual({ usage: 1, quota: 2 });
    expect(await estimateStorage({})).toBeUndefined();
  });
});

describe('storage full', () => {
  const proto = IDBObjectStore.prototype;
  const realPut = proto.put;
  afterEach(() => {
    proto.put = realPut;
  });

  /** Makes writes to `store` fail the way browsers report a full disk. */
  function failPuts(store: string, how: 'throw' | 'abort'): void {
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name !== store) return realPut.apply(this, args);
      if (how === 'throw') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      const req = realPut.apply(this, args);
      // Chromium reports a full disk at commit, as a transaction abort whose error is
      // QuotaExceededError; fake-indexeddb's internal abort produces exactly that.
      (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
      return req;
    };
  }

  for (const how of ['throw', 'abort'] as const) {
    it(`pauses the recorder and keeps stored data intact (${how})`, async () => {
      const db = await freshDb();
      const s = await createSession(db);
      const states: string[] = [];
      const rec = await createRecorder(db, {
        sessionId: s.id,
        classify,
        redact,
        chunkLimits: { maxFrames: 4, maxBytes: 1 << 20 },
        onStateChange: (st) => states.push(st.status),
      });
      const sock = new SocketScript('p:1');
      await rec.append(conversation(sock, '/a/b', 's', 2)); // 6 frames: chunk 0 full, tail of 2
      const before = await readFramePage(db, s.id, { offset: 0, limit: 100 });
      const sessionBefore = await getSession(db, s.id);

      failPuts(how === 'throw' ? 'chunks' : 'sessions', how);
      const batch = [sock.receive({ type: 'ka' }), sock.receive({ type: 'ka' }), sock.receive({ type: 'ka' })];
      const err = await rec.append(batch).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageFullError);
      expect((err as Error).message).toMatch(/storage is full/);
      expect(rec.state).toMatchObject({ status: 'paused', reason: 'storage-full' });
      await expect(rec.append(batch)).rejects.toBeInstanceOf(StorageFullError);
      proto.put = realPut;

      expect(await readFramePage(db, s.id, { offset: 0, limit: 100 })).toEqual(before);
      expect(await getSession(db, s.id)).toEqual(sessionBefore);

      rec.resume();
      const r = await rec.append(batch);
      expect(r).toMatchObject({ stored: 3, duplicates: 0, firstPos: 6 });
      const after = await readFramePage(db, s.id, { offset: 0, limit: 100 });
      expect(after.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(states).toEqual(['paused', 'recording']);
    });
  }
});
