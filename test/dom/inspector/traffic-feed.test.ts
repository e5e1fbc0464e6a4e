// The inspector's traffic feed over a fresh store: a stored session read once in pages
// without long blocking stretches, a live one fed only its new frames, connection records
// applied. Prints the time a 100,000-frame session takes to fold.
import { describe, expect, test, vi } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { createRecorder, createSession, type SessionsDb } from '../../../src/sessions/index.ts';
import { createTrafficFeed, FEED_PAGE } from '../../../extension/panel/views/inspector/traffic-feed.ts';
import { freshDb, T0 } from './helpers.ts';

async function seed(db: SessionsDb, dataFrames: number) {
  const session = await createSession(db, { name: 'big', startedAt: T0, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  const socketId = 'p1:1' as SocketId;
  let seq = 0;
  const rec = (kind: 'ws-send' | 'ws-receive', m: unknown): CaptureRecord => {
    const data = JSON.stringify(m);
    return { socketId, seq, t: T0 + seq++, kind, data, size: data.length };
  };
  await writer.append([
    { socketId, seq, t: T0 + seq++, kind: 'ws-create', url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app.example.com/', appsync: true },
    { socketId, seq, t: T0 + seq++, kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
    rec('ws-send', { type: 'connection_init' }),
    rec('ws-receive', { type: 'connection_ack', connectionTimeoutMs: 300000 }),
    rec('ws-send', { type: 'subscribe', id: 's1', channel: '/default/a', authorization: { 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz', host: 'h' } }),
    rec('ws-receive', { type: 'subscribe_success', id: 's1' }),
  ]);
  for (let done = 0; done < dataFrames; ) {
    const n = Math.min(5000, dataFrames - done);
    const batch: CaptureRecord[] = [];
    for (let i = 0; i < n; i++) batch.push(rec('ws-receive', { type: 'data', id: 's1', event: JSON.stringify({ i: done + i }) }));
    await writer.append(batch);
    done += n;
  }
  return { session: await writer.finish(T0 + 1_000_000), writer };
}

describe('traffic feed', () => {
  test('a 100,000-frame session is folded in pages, never blocking long', { timeout: 240_000 }, async () => {
    const db = await freshDb();
    const { session } = await seed(db, 100_000 - 6);
    let changes = 0;
    const feed = createTrafficFeed(async () => db, session.id, session.source, () => changes++, (m) => {
      throw new Error(m);
    });
    // A heartbeat measures the longest stretch the feed keeps the thread.
    let last = performance.now();
    let longest = 0;
    const beat = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const started = performance.now();
    await feed.feedTo(session.frameCount);
    await feed.idle();
    const took = performance.now() - started;
    clearInterval(beat);
    console.log(`traffic feed: ${session.frameCount.toLocaleString()} frames in ${took.toFixed(0)} ms (${FEED_PAGE} per page), longest stretch ${longest.toFixed(1)} ms`);
    expect(feed.model.nextPos).toBe(100_000);
    expect(feed.model.subscriptions()[0]?.events).toBe(100_000 - 6);
    expect(changes).toBeGreaterThan(0);
    // Generous for fake-indexeddb on a shared machine; the page size keeps a real browser far lower.
    expect(longest).toBeLessThan(400);
  });

  test('a live session applies only what is new; connection records fill in the URL', async () => {
    const db = await freshDb();
    const { session } = await seed(db, 10);
    const feed = createTrafficFeed(async () => db, session.id, 'console', () => {}, () => {});
    await feed.feedTo(8);
    await feed.idle();
    expect(feed.model.nextPos).toBe(8);
    await feed.feedTo(session.frameCount);
    await feed.feedTo(session.frameCount);
    await feed.idle();
    expect(feed.model.nextPos).toBe(session.frameCount);
    expect(feed.model.stats().duplicates).toBe(0);
    const conns = await db.getAll('connections', IDBKeyRange.bound([session.id, ''], [session.id, '\uffff']));
    const v = feed.model.version;
    feed.setConnections(conns);
    expect(feed.model.version).toBeGreaterThan(v);
    expect(feed.model.connections()[0]).toMatchObject({ url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', origin: 'console' });
  });

  test('connection records re-read on every growth reach the model only when new or changed', async () => {
    const db = await freshDb();
    const { session } = await seed(db, 3);
    let changes = 0;
    const feed = createTrafficFeed(async () => db, session.id, session.source, () => changes++, () => {});
    const passed: number[] = [];
    const model = feed.model as { setConnections: typeof feed.model.setConnections };
    const apply = model.setConnections.bind(model);
    model.setConnections = (infos) => {
      passed.push(infos.length);
      apply(infos);
    };
    const conns = await db.getAll('connections', IDBKeyRange.bound([session.id, ''], [session.id, '\uffff']));
    expect(conns.length).toBe(1);
    feed.setConnections(conns);
    const seen = changes;
    feed.setConnections(conns);
    feed.setConnections(conns.map((c) => ({ ...c })));
    expect(passed).toEqual([1]);
    expect(changes).toBe(seen);
    const other = { ...conns[0]!, connId: 'p1:2' };
    feed.setConnections([...conns, other]);
    feed.setConnections([{ ...conns[0]!, url: 'wss://other.example/event/realtime' }, other]);
    expect(passed).toEqual([1, 1, 1]);
    expect(feed.model.connections().map((c) => c.url)).toContain('wss://other.example/event/realtime');
  });

  test('a live growth of several pages re-renders the views once, and an empty read not at all', async () => {
    const db = await freshDb();
    const { session } = await seed(db, FEED_PAGE * 2 + 100);
    // The feed's clock, held still while a read runs so a loaded machine cannot make the
    // read look slow; moved on between growths as the live refresh timer would.
    let clock = 1_000_000;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => clock);
    try {
      let changes = 0;
      let reads = 0;
      const feed = createTrafficFeed(async () => (reads++, db), session.id, session.source, () => changes++, () => {});
      await feed.feedTo(10);
      expect(changes).toBe(1);
      clock += 250;
      // A quick read of three pages is one refresh, not one per page.
      await feed.feedTo(session.frameCount);
      expect(feed.model.nextPos).toBe(session.frameCount);
      expect(feed.model.stats().duplicates).toBe(0);
      expect(changes).toBe(2);
      clock += 250;
      // A record that says more than is stored yet (a write in flight): nothing new to show.
      const before = reads;
      await feed.feedTo(session.frameCount + 50);
      // One read finds nothing and waits for the next refresh (it used to read again at once,
      // and on and on until the write landed: idle() never settled).
      await feed.idle();
      expect(reads - before).toBe(1);
      expect(changes).toBe(2);
      await feed.feedTo(session.frameCount + 50);
      expect(reads - before).toBe(2);
      feed.dispose();
    } finally {
      now.mockRestore();
    }
  });

  test('after a large read, growths are coalesced into one later read; small reads are not held back', async () => {
    const db = await freshDb();
    const { session } = await seed(db, 3000);
    const n = session.frameCount;
    let changes = 0;
    const feed = createTrafficFeed(async () => db, session.id, session.source, () => changes++, () => {});
    await feed.feedTo(n - 2);
    expect(changes).toBe(1);
    // Two growths right after a read of 3,000 frames: one read, one render, after the gap.
    const t0 = performance.now();
    void feed.feedTo(n - 1);
    await feed.feedTo(n);
    await feed.idle();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    expect(feed.model.nextPos).toBe(n);
    expect(feed.model.stats().duplicates).toBe(0);
    expect(changes).toBe(2);

    // A small read sets no gap: a growth after it is read on its own.
    const small = await freshDb();
    const few = await seed(small, 5);
    let seen = 0;
    const quick = createTrafficFeed(async () => small, few.session.id, few.session.source, () => seen++, () => {});
    await quick.feedTo(few.session.frameCount - 1);
    await quick.feedTo(few.session.frameCount);
    expect(seen).toBe(2);
    expect(quick.model.nextPos).toBe(few.session.frameCount);
  });
});
