// Position scans (include and exclude) and reads by position, against the real recorder.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { classify, freshDb, redact, SocketScript } from './helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import { readFramesAt, scanPositions, selectsEverything, type PositionQuery } from '../../../src/sessions/frame-positions.ts';
import type { SessionId, StoredFrame } from '../../../src/sessions/types.ts';

let db: SessionsDb;
let id: SessionId;
let all: StoredFrame[];

beforeAll(async () => {
  db = await freshDb();
  id = (await createSession(db)).id;
  const rec = await createRecorder(db, { sessionId: id, classify, redact, chunkLimits: { maxFrames: 20, maxBytes: 1 << 20 } });
  const a = new SocketScript('p:a', 1000);
  await rec.append([a.create(), a.open(), a.send({ type: 'subscribe', id: 's1', channel: '/chat/*' })]);
  for (let i = 0; i < 300; i += 30) {
    const batch: CaptureRecord[] = [];
    for (let j = i; j < i + 30; j++) batch.push(j % 7 === 0 ? a.receive({ type: 'ka' }) : a.receive({ type: 'data', id: 's1', event: `"msg ${j}"` }));
    await rec.append(batch);
  }
  all = await readFramePage(db, id, { offset: 0, limit: 10_000 });
});

async function positions(q: PositionQuery, startPos?: number): Promise<number[]> {
  const out: number[] = [];
  for await (const b of scanPositions(db, id, q, startPos !== undefined ? { startPos } : {})) out.push(...b.positions);
  return out;
}

describe('scanPositions', () => {
  it('lists what include matches and no exclude does, over every chunk', async () => {
    const noKa = await positions({ exclude: [{ types: ['ka'] }] });
    expect(noKa).toEqual(all.filter((f) => f.type !== 'ka').map((f) => f.pos));
    const dataNot5 = await positions({ include: { types: ['data'] }, exclude: [{ text: 'msg 5' }] });
    expect(dataNot5).toEqual(all.filter((f) => f.type === 'data' && !f.text!.includes('msg 5')).map((f) => f.pos));
    // A live table continues from where it stopped.
    expect(await positions({ exclude: [{ types: ['ka'] }] }, 200)).toEqual(noKa.filter((p) => p >= 200));
    expect(selectsEverything({ include: { text: '' }, exclude: [] })).toBe(true);
    expect(selectsEverything({ exclude: [{ types: ['ka'] }] })).toBe(false);
  });

  it('stops when cancelled', async () => {
    const abort = new AbortController();
    let batches = 0;
    for await (const _ of scanPositions(db, id, { include: { types: ['data'] } }, { signal: abort.signal })) {
      batches++;
      abort.abort();
    }
    expect(batches).toBe(1);
  });
});

describe('readFramesAt', () => {
  it('reads scattered positions across chunks in order', async () => {
    const wanted = [0, 5, 19, 20, 21, 150, 299, 302];
    const frames = await readFramesAt(db, id, wanted);
    expect(frames.map((f) => f.pos)).toEqual(wanted);
    expect(frames).toEqual(wanted.map((p) => all[p]));
    expect(await readFramesAt(db, id, [])).toEqual([]);
  });
});

describe('scanPositions from summaries alone', () => {
  it('lists a chunk whose summary proves every frame matches without reading it, and keeps the order', async () => {
    const db2 = await freshDb();
    const sid = (await createSession(db2)).id;
    const rec = await createRecorder(db2, { sessionId: sid, classify, redact, chunkLimits: { maxFrames: 10, maxBytes: 1 << 20 } });
    const a = new SocketScript('p:b', 1000);
    await rec.append([a.create(), a.open(), a.send({ type: 'subscribe', id: 's1', channel: '/chat/*' })]);
    // Keep-alives only every 45 frames: most chunks of 10 hold none.
    for (let i = 0; i < 200; i += 20) {
      const batch: CaptureRecord[] = [];
      for (let j = i; j < i + 20; j++) batch.push(j % 45 === 0 ? a.receive({ type: 'ka' }) : a.receive({ type: 'data', id: 's1', event: `"m ${j}"` }));
      await rec.append(batch);
    }
    const frames = await readFramePage(db2, sid, { offset: 0, limit: 10_000 });
    const expected = frames.filter((f) => f.type !== 'ka').map((f) => f.pos);
    const scan = async (q: PositionQuery, opts: { firstFrames?: number; startPos?: number } = {}) => {
      const out: number[] = [];
      for await (const b of scanPositions(db2, sid, q, opts)) out.push(...b.positions);
      return out;
    };
    expect(await scan({ exclude: [{ types: ['ka'] }] })).toEqual(expected);
    expect(await scan({ exclude: [{ types: ['ka'] }] }, { firstFrames: 15 })).toEqual(expected);
    expect(await scan({ exclude: [{ types: ['ka'] }] }, { startPos: 57 })).toEqual(expected.filter((p) => p >= 57));
    expect(await scan({ include: { types: ['data'] }, exclude: [{ types: ['ka'] }] })).toEqual(frames.filter((f) => f.type === 'data').map((f) => f.pos));

    // Proof that such a chunk is not read: without its record, its positions are still
    // listed from the summary (a text filter, which must read, no longer finds them).
    const summaries = await db2.getAll('summaries', IDBKeyRange.bound([sid, -Infinity], [sid, Infinity]));
    const late = summaries.filter((s) => s.chunkNo > 8 && (s.types['ka'] ?? 0) === 0 && (s.types['data'] ?? 0) === s.count);
    expect(late.length).toBeGreaterThan(0);
    const gone = late[0]!;
    await db2.delete('chunks', [sid, gone.chunkNo]);
    const listed = await scan({ exclude: [{ types: ['ka'] }] });
    expect(listed).toEqual(expected);
    const byText = await scan({ include: { text: '"m' }, exclude: [{ types: ['ka'] }] });
    expect(byText.some((p) => p >= gone.firstPos && p < gone.firstPos + gone.count)).toBe(false);
  });
});
