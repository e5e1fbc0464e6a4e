import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createTrafficModel, Mark, restoreTrafficModel } from '../../../src/traffic/index.ts';
import { errors, happyPath, HTTP, httpPublishes, PUB, reconnect, SUB, unknownIds, WS, WS2 } from '../../fixtures/traffic/sequences.ts';

const fold = (frames: Parameters<ReturnType<typeof createTrafficModel>['apply']>[0]) => {
  const m = createTrafficModel();
  m.apply(frames);
  return m;
};
const codes = (m: ReturnType<typeof createTrafficModel>) => m.findings().map((f) => f.code);

describe('connections', () => {
  it('follow connecting → open → closed with the ack timeout and close code', () => {
    const { frames } = happyPath();
    const m = fold(frames);
    const [c] = m.connections();
    expect(c).toMatchObject({ connId: WS, kind: 'websocket', state: 'closed', acked: true, connectionTimeoutMs: 300_000, closeCode: 1000, wasClean: true, origin: 'page' });
    expect(c?.frames).toBe(frames.length);
    expect(c?.sent).toBe(frames.filter((f) => f.dir === 'send').length);
    expect(c?.bytesIn).toBe(frames.filter((f) => f.dir === 'receive').reduce((n, f) => n + f.size, 0));
    expect(c?.keepAlive.largestGapMs).toBeGreaterThanOrEqual(60_000);
    expect(c?.keepAlive.health).toBe('ok');
    expect(codes(m)).toEqual([]);
  });

  it('are open as soon as a message shows up, even without lifecycle frames', () => {
    const m = fold(happyPath().frames.slice(3, 6));
    expect(m.connections()[0]?.state).toBe('open');
  });

  it('take URL, auth (redacted) and origin from connection info', () => {
    const m = createTrafficModel({ origin: 'console' });
    const header = 'header-' + Buffer.from(JSON.stringify({ host: 'h', 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' })).toString('base64url');
    m.setConnections([{ connId: WS, url: 'wss://h/event/realtime', protocolsOffered: ['aws-appsync-event-ws', header] }]);
    m.apply(happyPath().frames);
    const c = m.connections()[0];
    expect(c?.url).toBe('wss://h/event/realtime');
    expect(c?.origin).toBe('console');
    expect(c?.auth?.mode).toBe('API_KEY');
    expect(JSON.stringify(c?.auth)).not.toContain('abcdefghijklmnopqrstuvwxyz');
  });
});

describe('subscriptions', () => {
  it('count events with first/last positions and end unsubscribed', () => {
    const { frames } = happyPath();
    const m = fold(frames);
    const [s] = m.subscriptions();
    const dataPos = frames.filter((f) => f.type === 'data').map((f) => f.pos);
    expect(s).toMatchObject({ id: SUB, channel: '/default/chat', state: 'unsubscribed', events: 2, firstEventPos: dataPos[0], lastEventPos: dataPos[1], authMode: 'API_KEY' });
    expect(m.dataPositions(0)).toEqual(dataPos);
    expect(m.dataPositions(0, (dataPos[0] ?? 0) + 1)).toEqual([dataPos[1]]);
  });

  it('re-subscribe with the same id after a reconnect is a new, linked subscription', () => {
    const m = fold(reconnect().frames);
    const subs = m.subscriptions();
    expect(subs.map((s) => [s.connId, s.state, s.events])).toEqual([
      [WS, 'closed', 1],
      [WS2, 'active', 2],
    ]);
    expect(subs[1]?.previous).toBe(0);
    expect(codes(m)).toEqual([]);
    expect(m.connections().map((c) => c.state)).toEqual(['closed', 'open']);
  });

  it('rate is events per second over the recent window', () => {
    const m = fold(reconnect().frames);
    expect(m.subscriptions()[1]?.rate).toBeCloseTo(0.2);
    expect(m.subscriptions(Date.now() + 3_600_000)[1]?.rate).toBe(0);
  });
});

describe('publishes', () => {
  it('pair publish and publish_success by id with per-event results', () => {
    const { frames } = happyPath();
    const m = fold(frames);
    const p = m.publish(0);
    const ackPos = frames.find((f) => f.type === 'publish_success')?.pos;
    expect(p).toMatchObject({ kind: 'websocket', id: PUB, channel: '/default/chat', events: 2, ackPos, state: 'success', successCount: 2, failedCount: 0 });
    expect(p?.results?.successful.map((e) => e.index)).toEqual([0, 1]);
  });

  it('errors, partial failures and error frames are marked', () => {
    const { frames } = errors();
    const m = fold(frames);
    expect(m.publishes().map((p) => p.state)).toEqual(['error', 'partial']);
    expect(m.publish(1)?.results?.failed).toEqual([expect.objectContaining({ index: 1, code: 'EventTooLargeException' })]);
    expect(m.subscriptions().map((s) => s.state)).toEqual(['failed', 'closed']);
    expect(m.subscriptions()[0]?.error).toBe('SubscriptionProcessingError: There was an error processing the operation');
    expect(m.subscriptions()[1]?.broadcastErrors).toBe(1);
    expect(m.subscriptions()[1]?.error).toMatch(/UnknownOperationError/);
    expect(m.connections()[0]?.connectionErrors?.[0]?.errorType).toBe('UnauthorizedException');
    const errorTypes = frames.filter((f) => m.markAt(f.pos) & Mark.errorFrame).map((f) => f.type ?? f.dir);
    expect(errorTypes).toEqual(['connection_error', 'subscribe_error', 'broadcast_error', 'publish_error', 'publish_success', 'unsubscribe_error', 'error', 'close']);
    expect(m.stats().errors).toBe(errorTypes.length);
  });

  it('pair HTTP request and response, also when recorded separately', () => {
    const m = fold(httpPublishes().frames);
    expect(m.publishes().map((p) => [p.kind, p.state, p.status])).toEqual([
      ['http', 'success', 200],
      ['http', 'partial', 200],
      ['http', 'error', 401],
      ['http', 'error', 0],
      ['http', 'success', 200],
    ]);
    expect(m.publish(2)?.errors?.[0]?.errorType).toBe('UnauthorizedException');
    expect(m.connections()[0]).toMatchObject({ connId: HTTP, kind: 'http', url: expect.stringContaining('/event'), auth: { mode: 'API_KEY' } });
  });
});

describe('correlations', () => {
  it('link subscribe → ack → data → unsubscribe and publish → ack', () => {
    const { frames } = happyPath();
    const m = fold(frames);
    const posOf = (type: string) => frames.find((f) => f.type === type)?.pos ?? -1;
    const c = m.correlation(posOf('data'));
    expect(c?.kind).toBe('subscription');
    expect(c?.role).toBe('data');
    expect(c?.links.map((l) => [l.role, l.pos])).toEqual([
      ['subscribe', posOf('subscribe')],
      ['subscribe-ack', posOf('subscribe_success')],
      ['unsubscribe', posOf('unsubscribe')],
      ['unsubscribe-ack', posOf('unsubscribe_success')],
    ]);
    expect(c?.data?.count).toBe(2);
    const p = m.correlation(posOf('publish_success'));
    expect(p?.role).toBe('publish-ack');
    expect(p?.links.map((l) => l.pos)).toEqual([posOf('publish'), posOf('publish_success')]);
    expect(m.correlation(posOf('ka'))).toBeUndefined();
    expect(m.channelFor({ pos: posOf('publish_success') })).toBe('/default/chat');
    expect(m.channelFor({ pos: posOf('subscribe_success') })).toBe('/default/chat');
  });

  it('link an HTTP request to its response', () => {
    const { frames } = httpPublishes();
    const m = fold(frames);
    const c = m.correlation(frames[1]!.pos);
    expect(c?.role).toBe('http-response');
    expect(c?.links.map((l) => l.pos)).toEqual([0, 1]);
  });
});

describe('history lint', () => {
  it('reports unknown ids, duplicates, early unsubscribe, result mismatches and frames after close', () => {
    const m = fold(unknownIds().frames);
    expect(codes(m)).toEqual([
      'data-unknown-subscription',
      'ack-without-request',
      'publish-ack-unknown-id',
      'unsubscribe-before-ack',
      'duplicate-subscription-id',
      'duplicate-ack',
      'unsubscribe-unknown-id',
      'ack-without-request',
      // frame-local (src/protocol): index 0 twice; the model adds that event 1 is unanswered
      'bad-results',
      'publish-results-mismatch',
      'publish-unanswered',
      'frame-after-close',
    ]);
    for (const f of m.findings()) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(m.findingsAt(f.pos)).toContainEqual(f);
      expect(m.markAt(f.pos) & (Mark.error | Mark.warning | Mark.info)).not.toBe(0);
    }
  });

  it('flags a keep-alive gap beyond connectionTimeoutMs', () => {
    const { frames } = happyPath();
    const m = createTrafficModel();
    const short = frames.map((f) => (f.type === 'connection_ack' ? { ...f, text: '{"type":"connection_ack","connectionTimeoutMs":30000}' } : f));
    m.apply(short);
    expect(codes(m)).toEqual(['keepalive-timeout']);
    expect(m.connections()[0]?.keepAlive.worst).toBe('timed-out');
  });
});

describe('incremental contract', () => {
  it('any batching gives the same views; re-applied positions are skipped', () => {
    const { frames } = errors();
    const whole = fold(frames);
    const parts = createTrafficModel();
    for (let i = 0; i < frames.length; i += 3) parts.apply(frames.slice(i, i + 3));
    parts.apply(frames.slice(0, 5));
    expect(parts.connections()).toEqual(whole.connections());
    expect(parts.subscriptions()).toEqual(whole.subscriptions());
    expect(parts.findings()).toEqual(whole.findings());
    expect(parts.stats().duplicates).toBe(5);
  });

  it('version moves only on change and views keep identity in between', () => {
    const m = createTrafficModel();
    const v0 = m.version;
    const { frames } = happyPath();
    m.apply(frames.slice(0, 4));
    expect(m.version).toBeGreaterThan(v0);
    const a = m.connections();
    expect(m.connections()).toBe(a);
    m.apply(frames.slice(0, 4));
    expect(m.connections()).toBe(a);
    m.apply(frames.slice(4));
    expect(m.connections()).not.toBe(a);
    expect(Object.isFrozen(m.connections()[0])).toBe(true);
  });

  it('keeps only the view for the last `now` asked, per view', () => {
    const m = fold(happyPath().frames);
    const c1 = m.connections(1_000);
    const s1 = m.subscriptions(1_000);
    // Another view, or the same `now`, keeps identity.
    expect(m.subscriptions(1_000)).toBe(s1);
    expect(m.connections(1_000)).toBe(c1);
    const c2 = m.connections(2_000);
    expect(m.connections(2_000)).toBe(c2);
    expect(m.subscriptions(1_000)).toBe(s1);
    // The view for the earlier `now` was let go: asking again builds a new (equal) one.
    const again = m.connections(1_000);
    expect(again).not.toBe(c1);
    expect(again).toEqual(c1);
    expect(m.subscriptions(2_000)).not.toBe(s1);
  });

  it('retains nothing per distinct `now` while no frame arrives (a live panel ticking)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const m = fold(happyPath().frames);
    const first = new WeakRef(m.connections(0));
    const firstSubs = new WeakRef(m.subscriptions(0));
    for (let tick = 1; tick <= 2_000; tick++) {
      m.connections(tick * 1_000);
      m.subscriptions(tick * 1_000);
    }
    expect(m.version).toBeGreaterThan(0);
    // WeakRef targets stay alive until the current job ends.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(first.deref()).toBeUndefined();
    expect(firstSubs.deref()).toBeUndefined();
  });

  it('snapshot → restore continues exactly like the original', () => {
    const { frames } = unknownIds();
    const half = Math.floor(frames.length / 2);
    const a = createTrafficModel();
    a.apply(frames.slice(0, half));
    const b = restoreTrafficModel(structuredClone(a.snapshot()));
    a.apply(frames.slice(half));
    b.apply(frames.slice(half));
    expect(b.connections()).toEqual(a.connections());
    expect(b.subscriptions()).toEqual(a.subscriptions());
    expect(b.publishes()).toEqual(a.publishes());
    expect(b.findings()).toEqual(a.findings());
    expect(b.stats()).toEqual(a.stats());
    expect(() => restoreTrafficModel({ v: 99, state: {} })).toThrow(/version/);
  });
});
