import { describe, expect, it } from 'vitest';
import { classify, freshDb, redact, SocketScript } from './helpers.ts';
import { createSession, getSession, listSessions, updateSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import { saveExcerpt } from '../../../src/sessions/excerpt.ts';

async function recorded() {
  const db = await freshDb();
  const s = await createSession(db, { name: 'chat', pageUrl: 'https://app.example/' });
  await updateSession(db, s.id, (r) => ({ ...r, tags: ['bug-12'] }));
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: { maxFrames: 16, maxBytes: 1 << 20 } });
  const a = new SocketScript('p:a', 1000);
  const b = new SocketScript('p:b', 1000);
  await rec.append([a.create(), a.open(), a.send({ type: 'subscribe', id: 's1', channel: '/chat/*' }), b.create(), b.open()]);
  for (let i = 0; i < 100; i++) await rec.append([a.receive({ type: 'data', id: 's1', event: JSON.stringify({ i, room: i % 4 }) })]);
  const original = (await getSession(db, s.id))!;
  return { db, original };
}

describe('excerpt', () => {
  it('stores the chosen frames as a session of their own, linked and tagged, the original untouched', async () => {
    const { db, original } = await recorded();
    const all = await readFramePage(db, original.id, { offset: 0, limit: 1000 });
    const chosen = all.filter((f) => f.text?.includes('\\"room\\":2') || f.type === 'subscribe');
    const ex = await saveExcerpt(db, original, chosen.map((f) => f.pos), { name: 'room 2' });
    expect(ex).toMatchObject({ name: 'room 2', derivedFrom: original.id, state: 'complete', frameCount: chosen.length, tags: ['bug-12', 'excerpt'], pageUrl: 'https://app.example/' });
    const frames = await readFramePage(db, ex.id, { offset: 0, limit: 1000 });
    expect(frames.map(({ pos: _p, ...f }) => f)).toEqual(chosen.map(({ pos: _p, ...f }) => f));
    expect(frames.map((f) => f.pos)).toEqual(chosen.map((_, i) => i));
    // Only the connection with frames in the excerpt, counted over the excerpt.
    const conns = await db.getAll('connections', IDBKeyRange.bound([ex.id, ''], [ex.id, '\uffff']));
    expect(conns.map((c) => [c.connId, c.sent, c.received])).toEqual([['p:a', 1, 25]]);
    expect((await getSession(db, original.id))?.frameCount).toBe(original.frameCount);
    expect((await listSessions(db)).map((s) => s.name).sort()).toEqual(['chat', 'room 2']);
  });

  it('leaves nothing behind when cancelled', async () => {
    const { db, original } = await recorded();
    const ac = new AbortController();
    ac.abort();
    await expect(saveExcerpt(db, original, [0, 1, 2], { name: 'x', signal: ac.signal })).rejects.toThrow();
    expect((await listSessions(db)).map((s) => s.name)).toEqual(['chat']);
    expect(await db.count('chunks')).toBe(original.chunkCount);
  });
});
