import { describe, expect, it } from 'vitest';
import { classify, conversation, freshDb, redact, SocketScript } from './helpers.ts';
import {
  createSession,
  deleteSession,
  getSession,
  listSessions,
  purgeDeleted,
  purgeStaleImports,
  renameSession,
  SessionNotFoundError,
  setKeepSecrets,
  setPinned,
  setTags,
  undoDelete,
} from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';

describe('session operations', () => {
  it('lists newest first, optionally pinned first', async () => {
    const db = await freshDb();
    const a = await createSession(db, { name: 'a', startedAt: 1 });
    await createSession(db, { name: 'b', startedAt: 3 });
    await createSession(db, { name: 'c', startedAt: 2 });
    await setPinned(db, a.id, true);
    expect((await listSessions(db)).map((s) => s.name)).toEqual(['b', 'c', 'a']);
    expect((await listSessions(db, { pinnedFirst: true })).map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('renames, tags and sets keepSecrets; unknown ids fail clearly', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'x', tags: ['one'] });
    expect(s).toMatchObject({ source: 'live', keepSecrets: false, pinned: false, frameCount: 0, state: 'recording' });
    await renameSession(db, s.id, '  new name ');
    await setTags(db, s.id, ['a', ' a ', '', 'b']);
    await setKeepSecrets(db, s.id, true);
    expect(await getSession(db, s.id)).toMatchObject({ name: 'new name', tags: ['a', 'b'], keepSecrets: true });
    await expect(renameSession(db, s.id, '   ')).rejects.toThrow(/empty/);
    await expect(setPinned(db, 'nope' as never, true)).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('deletes softly with undo, then purges with all data', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'x' });
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    await rec.append(conversation(new SocketScript('p:1'), '/a', 's', 5));
    const token = await deleteSession(db, s.id, 1000);
    expect(await listSessions(db)).toHaveLength(0);
    expect((await listSessions(db, { includeDeleted: true }))[0]?.deletedAt).toBe(1000);
    await undoDelete(db, token);
    expect((await listSessions(db))[0]).toMatchObject({ name: 'x', frameCount: 9 });
    expect((await getSession(db, s.id))?.deletedAt).toBeUndefined();

    await deleteSession(db, s.id, 1000);
    expect(await purgeDeleted(db, { olderThanMs: 5000, now: 2000 })).toEqual([]);
    expect(await purgeDeleted(db, { olderThanMs: 5000, now: 7000 })).toEqual([s.id]);
    expect(await getSession(db, s.id)).toBeUndefined();
    for (const store of ['chunks', 'summaries', 'connections', 'marks', 'counts'] as const) expect(await db.count(store)).toBe(0);
  });

  it('purges staged imports left by a crash and hides them meanwhile', async () => {
    const db = await freshDb();
    const s = await createSession(db);
    await db.put('sessions', { ...s, state: 'importing' });
    expect(await listSessions(db)).toHaveLength(0);
    expect(await getSession(db, s.id)).toBeUndefined();
    expect(await purgeStaleImports(db)).toEqual([s.id]);
    expect(await db.count('sessions')).toBe(0);
  });
});
