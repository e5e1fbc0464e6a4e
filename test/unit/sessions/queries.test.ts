import { beforeAll, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { classify, freshDb, redact, SocketScript } from './helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { findFrames, readFramePage, readFramesByTime, scanFrames, sessionCounts, type ScanProgress } from '../../../src/sessions/queries.ts';
import { FilterError } from '../../../src/sessions/frame-filter.ts';
import type { SessionId, StoredFrame } from '../../../src/sessions/types.ts';

// 2 sockets × 500 data frames; socket A on /chat/* and /news/sport, socket B on /chat/room1.
let db: SessionsDb;
let id: SessionId;
let all: StoredFrame[];

beforeAll(async () => {
  db = await freshDb();
  const s = await createSession(db);
  id = s.id;
  const rec = await createRecorder(db, { sessionId: id, classify, redact, chunkLimits: { maxFrames: 50, maxBytes: 1 << 20 } });
  const a = new SocketScript('p:a', 1000);
  const b = new SocketScript('p:b', 1000);
  await rec.append([a.create(), a.open(), a.send({ type: 'subscribe', id: 'sa1', channel: '/chat/*' }), a.send({ type: 'subscribe', id: 'sa2', channel: '/news/sport' })]);
  await rec.append([b.create(), b.open(), b.send({ type: 'subscribe', id: 'sb1', channel: '/chat/room1' })]);
  for (let i = 0; i < 500; i += 50) {
    const batch: CaptureRecord[] = [];
    for (let j = i; j < i + 50; j++) {
      batch.push(a.receive({ type: 'data', id: j % 10 === 0 ? 'sa2' : 'sa1', event: `"msg ${j}${j === 321 ? ' NEEDLE' : ''}"` }));
      batch.push(b.receive({ type: 'data', id: 'sb1', event: `"b ${j}"` }));
    }
    await rec.append(batch);
  }
  await rec.append([a.receive({ type: 'ka' }), a.close(), b.error()]);
  all = await readFramePage(db, id, { offset: 0, limit: 10_000 });
});

async function collect(filter: Parameters<typeof scanFrames>[2], options: Parameters<typeof scanFrames>[3] = {}): Promise<StoredFrame[]> {
  const out: StoredFrame[] = [];
  for await (const b of scanFrames(db, id, filter, options)) out.push(...b.frames);
  return out;
}

describe('queries', () => {
  it('pages by position', async () => {
    expect(all).toHaveLength(1010);
    expect(all.map((f) => f.pos)).toEqual([...Array(1010).keys()]);
    const page = await readFramePage(db, id, { offset: 95, limit: 10 });
    expect(page.map((f) => f.pos)).toEqual([95, 96, 97, 98, 99, 100, 101, 102, 103, 104]);
    expect(await readFramePage(db, id, { offset: 1005, limit: 10 })).toHaveLength(5);
    expect(await readFramePage(db, id, { offset: 5000, limit: 10 })).toHaveLength(0);
  });

  it('filters by connection, direction, type, id and time', async () => {
    expect((await collect({ connections: ['p:b'] })).length).toBe(all.filter((f) => f.conn === 'p:b').length);
    expect((await collect({ directions: ['send'] })).map((f) => f.pos)).toEqual([2, 3, 6]);
    expect((await collect({ directions: ['close', 'error'] })).map((f) => f.dir)).toEqual(['close', 'error']);
    expect((await collect({ types: ['ka'] }))).toHaveLength(1);
    expect((await collect({ ids: ['sa2'] }))).toHaveLength(51);
    const mid = all[500]!.t;
    const byTime = await readFramesByTime(db, id, { from: mid, to: mid + 1, limit: 1000 });
    expect(byTime.frames.every((f) => f.t >= mid && f.t <= mid + 1)).toBe(true);
    expect(byTime.frames.length).toBe(all.filter((f) => f.t >= mid && f.t <= mid + 1).length);
  });

  it('filters by channel, exact and with a trailing wildcard, and data frames by their subscription', async () => {
    const exact = await collect({ channels: ['/chat/room1'] });
    expect(exact).toHaveLength(501); // subscribe + 500 data on socket B
    const wild = await collect({ channels: ['/chat/*'] });
    expect(wild).toHaveLength(501 + 451); // B's and A's /chat/* subscription and its data
    expect(await collect({ channels: ['/news/*'] })).toHaveLength(51);
    expect(await collect({ channels: ['/nothing'] })).toHaveLength(0);
    const custom = await collect({ channels: ['CHAT'] }, { matchChannel: (p, c) => c.toUpperCase().includes(p) });
    expect(custom).toHaveLength(952);
  });

  it('searches text (case-insensitive by default) and regex', async () => {
    expect((await collect({ text: 'needle' })).map((f) => f.pos)).toEqual([all.find((f) => f.text?.includes('NEEDLE'))!.pos]);
    expect(await collect({ text: 'needle', caseSensitive: true })).toHaveLength(0);
    expect(await collect({ regex: /msg 4\d\d\b/ })).toHaveLength(100);
    expect(await collect({ regex: 'b (1|2)0\\b' })).toHaveLength(2);
    expect(await collect({ regex: /msg/g, channels: ['/news/sport'] })).toHaveLength(50);
    await expect(collect({ regex: '(' })).rejects.toBeInstanceOf(FilterError);
  });

  it('pages through filtered results with nextPos, forward and newest first', async () => {
    const first = await findFrames(db, id, { connections: ['p:a'], types: ['data'] }, { limit: 100 });
    expect(first.frames).toHaveLength(100);
    const second = await findFrames(db, id, { connections: ['p:a'], types: ['data'] }, { limit: 100, startPos: first.nextPos! });
    expect(second.frames[0]!.pos).toBe(first.nextPos);
    expect(second.frames[0]!.pos).toBeGreaterThan(first.frames[99]!.pos);
    const newest = await findFrames(db, id, {}, { reverse: true, limit: 5 });
    expect(newest.frames.map((f) => f.pos)).toEqual([1009, 1008, 1007, 1006, 1005]);
    const older = await findFrames(db, id, {}, { reverse: true, limit: 5, startPos: newest.nextPos! });
    expect(older.frames.map((f) => f.pos)).toEqual([1004, 1003, 1002, 1001, 1000]);
    const last = await findFrames(db, id, { types: ['ka'] });
    expect(last.nextPos).toBeUndefined();
  });

  it('skips chunks whose summary cannot match and reports progress', async () => {
    const progress: ScanProgress[] = [];
    const hits = await collect({ types: ['ka'] }, { onProgress: (p) => progress.push(p) });
    expect(hits).toHaveLength(1);
    const end = progress.at(-1)!;
    expect(end.chunksScanned).toBe(end.chunksTotal);
    expect(end.chunksTotal).toBe(Math.ceil(1010 / 50));
    expect(end.framesScanned).toBeLessThan(100); // only the last chunk was read
    expect(progress.map((p) => p.chunksScanned)).toEqual([...progress.map((p) => p.chunksScanned)].sort((x, y) => x - y));
  });

  it('streams in batches and can be cancelled', async () => {
    const sizes: number[] = [];
    for await (const b of scanFrames(db, id, {}, { batchSize: 64 })) sizes.push(b.frames.length);
    expect(sizes.slice(0, -1).every((n) => n === 64)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1010);

    const ctrl = new AbortController();
    let seen = 0;
    const run = async (): Promise<void> => {
      for await (const b of scanFrames(db, id, {}, { batchSize: 10, signal: ctrl.signal })) {
        seen += b.frames.length;
        if (seen >= 30) ctrl.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(30);
    const pre = new AbortController();
    pre.abort(new Error('stop'));
    await expect(findFrames(db, id, {}, { signal: pre.signal })).rejects.toThrow('stop');
  });

  it('counts per channel and per type from the summaries', async () => {
    const counts = await sessionCounts(db, id);
    expect(counts.channels).toEqual({ '/chat/*': 451, '/news/sport': 51, '/chat/room1': 501 });
    expect(counts.types).toEqual({ subscribe: 3, data: 1000, ka: 1 });
    expect(counts.connections).toEqual({ 'p:a': 506, 'p:b': 504 });
  });

  it('keeps the counts in one record, equal to the sum of the summaries and of the frames', async () => {
    const kept = await sessionCounts(db, id);
    // Without the record, the counts are summed from the summaries: the same answer.
    await db.delete('counts', [id]);
    const summed = await sessionCounts(db, id);
    expect(summed).toEqual(kept);
    const tally = (key: (f: StoredFrame) => string | undefined): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const f of all) {
        const k = key(f);
        if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    expect(kept).toEqual({ channels: tally((f) => f.channel), types: tally((f) => f.type), directions: tally((f) => f.dir), connections: tally((f) => f.conn) });
    // A recorder on a session without the record rebuilds it from the summaries, then adds.
    const rec = await createRecorder(db, { sessionId: id, classify, redact, chunkLimits: { maxFrames: 50, maxBytes: 1 << 20 } });
    await rec.append([new SocketScript('p:c', 1).create()]);
    const after = await db.get('counts', [id]);
    expect(after?.connections).toEqual({ ...kept.connections, 'p:c': 1 });
    expect(after?.channels).toEqual(kept.channels);
  });
});
