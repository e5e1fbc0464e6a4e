import { describe, expect, it } from 'vitest';
import { createTrafficModel, LIMITS, Mark, type TrafficModel } from '../../../src/traffic/index.ts';
import { FrameFlag } from '../../../src/sessions/types.ts';
import { ack, data, FrameSequence, pub, sub, subOk } from '../../fixtures/traffic/builder.ts';
import { happyPath, HTTP, oddFrames, SUB, WS } from '../../fixtures/traffic/sequences.ts';

const fold = (seq: FrameSequence): TrafficModel => {
  const m = createTrafficModel();
  m.apply(seq.frames);
  return m;
};

describe('binary, truncated, huge, deeply nested and non-JSON frames', () => {
  it('are folded without throwing, with frame-local findings at the right positions', () => {
    const seq = oddFrames();
    const m = fold(seq);
    const at = (i: number) => m.findingsAt(seq.frames[i]!.pos).map((f) => f.code);
    const idx = (pred: (f: (typeof seq.frames)[number]) => boolean) => seq.frames.findIndex(pred);
    expect(at(idx((f) => f.binary !== undefined))).toEqual(['binary-frame']);
    expect(at(idx((f) => f.text === 'not json at all'))).toEqual(['invalid-json']);
    expect(at(idx((f) => f.text?.includes('start_ack') === true))).toEqual(['graphql-message']);
    expect(at(idx((f) => f.type === 'data' && f.size > 240 * 1024 && !(f.flags & 1)))).toEqual(['event-too-large']);
    // The truncated copy cannot be judged: no finding, but it still counts as an event.
    expect(at(idx((f) => (f.flags & 1) === 1))).toEqual([]);
    expect(m.stats().overflow).toEqual({});
    expect(m.subscriptions()[0]?.events).toBe(4);
  });

  it('a 100,000-deep event does not overflow the stack when data frames are decoded', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const seq = new FrameSequence().receive(WS, ack()).send(WS, sub(SUB, '/default/a')).receive(WS, subOk(SUB));
    seq.receive(WS, `{"id":"${SUB}","type":"data","event":${deep}}`);
    seq.frames[3] = { ...seq.frames[3]!, size: 300 * 1024 }; // forces the full decode path
    const m = fold(seq);
    expect(m.findingsAt(3).map((f) => f.code)).toEqual(['event-not-string']);
  });

  it('frames of a socket that is not AppSync are counted but not linted', () => {
    const m = createTrafficModel();
    m.setConnections([{ connId: WS, appsync: false, url: 'wss://other/socket' }]);
    m.apply(new FrameSequence().open(WS).receive(WS, 'hello').receive(WS, '{"type":"weird"}').frames);
    expect(m.findings()).toEqual([]);
    expect(m.connections()[0]).toMatchObject({ appsync: false, received: 2 });
  });
});

describe('received messages the server did not send', () => {
  it('change no connection state; an event still counts, and a page-dispatched one is a finding', () => {
    const seq = new FrameSequence().connecting(WS).open(WS).receive(WS, ack(30_000)).send(WS, sub(SUB, '/default/a'));
    // A page script answers the subscribe and keeps the connection "alive"; DevTools injects an event.
    seq.receiveNotFromServer(WS, subOk(SUB), FrameFlag.synthetic);
    seq.wait(20_000).receiveNotFromServer(WS, { type: 'ka' }, FrameFlag.synthetic);
    seq.wait(20_000).receiveNotFromServer(WS, data(SUB, 'devtools'), FrameFlag.injected);
    seq.wait(1_000).receive(WS, { type: 'ka' });
    const m = fold(seq);
    const [s] = m.subscriptions();
    expect(s).toMatchObject({ state: 'pending', events: 1 });
    expect(m.findingsAt(4).map((f) => f.code)).toEqual(['synthetic-message']);
    expect(m.findingsAt(5).map((f) => f.code)).toEqual(['synthetic-message']);
    // The injected event is the app's, not a finding; it is no keep-alive either: the gap
    // from the connection_ack to the server's next ka is over the 30 s timeout.
    expect(m.findingsAt(6).map((f) => f.code)).toEqual(['data-before-ack']);
    expect(m.findings().map((f) => f.code)).toContain('keepalive-timeout');
    expect(m.findings().map((f) => f.code)).not.toContain('ack-without-request');
  });
});

describe('messages a block rule kept back', () => {
  it('a blocked send asks the server nothing; a blocked receive was still the server\'s', () => {
    const seq = new FrameSequence().connecting(WS).open(WS).receive(WS, ack()).send(WS, sub(SUB, '/default/a')).receive(WS, subOk(SUB));
    seq.frames.push({ ...seq.frames[3]!, pos: 5, seq: 5, text: JSON.stringify(pub('p1', '/default/a', [1])), type: 'publish', id: 'p1', flags: FrameFlag.blocked });
    seq.frames.push({ ...seq.frames[4]!, pos: 6, seq: 6, text: JSON.stringify(data(SUB, 1)), type: 'data', id: SUB, flags: FrameFlag.blocked });
    seq.close(WS);
    const m = fold(seq);
    expect(m.publishes()).toEqual([]);
    expect(m.subscriptions()[0]).toMatchObject({ state: 'closed', events: 1 });
    expect(m.findings().map((f) => f.code)).not.toContain('publish-unanswered');
  });
});

describe('stats, channel tree and series', () => {
  it('count per type, direction, channel and bytes', () => {
    const seq = happyPath();
    const m = fold(seq);
    const st = m.stats();
    expect(st.frames).toBe(seq.frames.length);
    expect(st.byType).toMatchObject({ data: 2, subscribe: 1, publish: 1, publish_success: 1, ka: 1 });
    expect(st.byDirection).toMatchObject({ send: 4, receive: 7, connecting: 1, open: 1, close: 1 });
    expect(st.bytesOut).toBe(seq.frames.filter((f) => f.dir === 'send').reduce((n, f) => n + f.size, 0));
    // subscribe, its ack, 2 data, unsubscribe + ack, publish + ack: all resolve to the channel
    expect(st.byChannel).toEqual([{ channel: '/default/chat', count: 8 }]);
    expect(st.firstAt).toBe(seq.frames[0]?.t);
  });

  it('tree of namespaces and segments with own and total counts', () => {
    const seq = new FrameSequence().receive(WS, ack());
    seq.send(WS, sub('a', '/default/chat/x')).send(WS, sub('b', '/default/chat')).send(WS, sub('c', '/default/*')).send(WS, sub('d', '/other/y'));
    const tree = fold(seq).channelTree();
    expect(tree.map((n) => [n.name, n.total, n.own])).toEqual([
      ['default', 3, 0],
      ['other', 1, 0],
    ]);
    const chat = tree[0]?.children.find((n) => n.name === 'chat');
    expect(chat).toMatchObject({ path: '/default/chat', own: 1, total: 2 });
    expect(chat?.children.map((n) => n.path)).toEqual(['/default/chat/x']);
    expect(tree[0]?.children.map((n) => n.name)).toContain('*');
    expect(Object.isFrozen(chat)).toBe(true);
  });

  it('series: events/s in fixed buckets that widen past the bucket cap', () => {
    const seq = new FrameSequence().receive(WS, ack()).send(WS, sub(SUB, '/default/a')).receive(WS, subOk(SUB));
    for (let i = 0; i < 10; i++) seq.receive(WS, data(SUB, i)); // 10 events in the first second
    const m = fold(seq);
    const s1 = m.stats().series;
    expect(s1.bucketMs).toBe(1000);
    expect(s1.events[0]).toBe(10);
    expect(s1.x[0]).toBe(Math.floor((seq.frames[0]?.t ?? 0) / 1000));
    seq.wait(LIMITS.buckets * 1000 * 3);
    seq.receive(WS, data(SUB, 'late'));
    const m2 = fold(seq);
    const s2 = m2.stats().series;
    expect(s2.bucketMs).toBe(4000);
    expect(s2.x.length).toBeLessThanOrEqual(LIMITS.buckets);
    expect(s2.events.reduce((a, b) => a + b, 0) * (s2.bucketMs / 1000)).toBe(11);
  });
});

describe('bounds', () => {
  it('findings past the cap are counted and still explained on their frame', () => {
    const seq = new FrameSequence().connecting(WS).open(WS).receive(WS, ack());
    const n = LIMITS.findings + 10;
    for (let i = 0; i < n; i++) seq.receive(WS, data('nobody', i));
    const m = fold(seq);
    expect(m.stats().findingsByCode['data-unknown-subscription']).toBe(n);
    expect(m.findings(0, n).length).toBe(LIMITS.findings);
    const last = seq.frames[seq.frames.length - 1]!.pos;
    const [f] = m.findingsAt(last);
    expect(f).toMatchObject({ code: 'data-unknown-subscription', severity: 'warning', pos: last });
    expect(f?.message).toMatch(/never subscribed/);
    expect(m.markAt(last) & Mark.warning).toBe(Mark.warning);
  });

  it('type names from the page are capped', () => {
    const seq = new FrameSequence();
    for (let i = 0; i < LIMITS.types + 20; i++) seq.receive(WS, { type: `t${i}` });
    const st = fold(seq).stats();
    expect(Object.keys(st.byType).length).toBeLessThanOrEqual(LIMITS.types + 1);
    expect(st.overflow['types']).toBeGreaterThan(0);
  });

  it('gaps in positions are counted as missing', () => {
    const { frames } = happyPath();
    const m = createTrafficModel();
    m.apply([...frames.slice(0, 3), ...frames.slice(6)]);
    expect(m.stats().missing).toBe(3);
    expect(m.nextPos).toBe(frames.length);
  });
});

describe('HTTP pairing', () => {
  it('pairs split records by requestSeq even when responses come back out of order', () => {
    const seq = new FrameSequence();
    const body = (c: string) => JSON.stringify({ channel: c, events: ['1'] });
    const req = (seqNo: number, c: string) => ({ pos: seq.frames.length, sock: 'p:http', seq: seqNo, t: seq.t++, conn: HTTP, dir: 'http-request' as const, size: 10, flags: 0, text: body(c), channel: c, extra: { url: 'https://h/event' } });
    const res = (seqNo: number, requestSeq: number, status: number) => ({ pos: seq.frames.length, sock: 'p:http', seq: seqNo, t: seq.t++, conn: HTTP, dir: 'http-response' as const, size: 10, flags: 0, text: '{"successful":[{"identifier":"i","index":0}],"failed":[]}', extra: { status, requestSeq } });
    seq.frames.push(req(0, '/default/a'));
    seq.frames.push(req(1, '/default/b'));
    seq.frames.push(res(2, 1, 200));
    seq.frames.push(res(3, 0, 200));
    const m = fold(seq);
    expect(m.publishes().map((p) => [p.channel, p.ackPos])).toEqual([
      ['/default/a', 3],
      ['/default/b', 2],
    ]);
    expect(m.channelFor({ pos: 2 })).toBe('/default/b');
  });

  it('a response with no request is reported', () => {
    const seq = new FrameSequence();
    seq.frames.push({ pos: 0, sock: 'p:http', seq: 0, t: 1, conn: HTTP, dir: 'http-response', size: 2, flags: 0, text: '{}', extra: { status: 500 } });
    const m = fold(seq);
    expect(m.findings().map((f) => f.code)).toEqual(['http-response-without-request']);
    expect(m.markAt(0) & Mark.errorFrame).toBe(Mark.errorFrame);
  });
});

describe('options and quotas', () => {
  it('lintData decodes every data frame', () => {
    const seq = new FrameSequence().receive(WS, ack()).send(WS, sub(SUB, '/default/a')).receive(WS, subOk(SUB));
    seq.receive(WS, `{"id":"${SUB}","type":"data","event":"{not json"}`);
    expect(fold(seq).findingsAt(3)).toEqual([]);
    const m = createTrafficModel({ lintData: true });
    m.apply(seq.frames);
    expect(m.findingsAt(3).map((f) => f.code)).toEqual(['event-invalid-json']);
  });

  it('more than 25 publishes in a second is noted once', () => {
    const seq = new FrameSequence().receive(WS, ack());
    for (let i = 0; i < 30; i++) seq.send(WS, { type: 'publish', id: `p${i}`, channel: '/default/a', events: ['1'], authorization: { 'x-api-key': 'k' } });
    const m = fold(seq);
    expect(m.findings().map((f) => [f.code, f.pos])).toEqual([['publish-rate', 26]]);
    expect(m.publishCount).toBe(30);
  });

  it('a subscribe with an invalid channel still records its auth mode', () => {
    const m = fold(new FrameSequence().send(WS, sub(SUB, '/default/bad_name')));
    expect(m.subscriptions()[0]).toMatchObject({ authMode: 'API_KEY', channel: '/default/bad_name' });
    expect(m.findings().map((f) => f.code)).toEqual(['invalid-channel']);
  });
});

describe('a capture that began mid-stream', () => {
  it('takes an unknown id as a subscription made before the capture: one finding, its events counted on it', () => {
    // No connecting/open frame: the recording started while the socket was already in use.
    const seq = new FrameSequence();
    for (let i = 0; i < 3; i++) seq.receive(WS, data('early', i));
    seq.receive(WS, data('other', 0));
    seq.send(WS, { type: 'unsubscribe', id: 'early' }).receive(WS, { type: 'unsubscribe_success', id: 'early' });
    const m = fold(seq);
    const counts = m.stats().findingsByCode;
    expect(counts['subscribed-before-capture']).toBe(2);
    expect(counts['data-unknown-subscription']).toBeUndefined();
    expect(counts['unsubscribe-unknown-id']).toBeUndefined();
    const subs = m.subscriptions();
    expect(subs.map((s) => [s.id, s.events, s.inferred, s.state])).toEqual([
      ['early', 3, true, 'unsubscribed'],
      ['other', 1, true, 'active'],
    ]);
    const second = seq.frames[1]!.pos;
    expect(m.correlation(second)).toMatchObject({ kind: 'subscription', role: 'data', links: [{ role: 'data', pos: seq.frames[0]!.pos }, { role: 'unsubscribe' }, { role: 'unsubscribe-ack' }] });
    expect(m.correlation(seq.frames[0]!.pos)?.role).toBe('data');
    expect(m.findingsAt(seq.frames[0]!.pos).map((f) => f.code)).toEqual(['subscribed-before-capture']);
    expect(m.findingsAt(second)).toEqual([]);
  });

  it('still reports an unknown id on a connection whose start was captured', () => {
    const seq = new FrameSequence().connecting(WS).open(WS).receive(WS, ack()).receive(WS, data('nobody', 0));
    const m = fold(seq);
    expect(m.stats().findingsByCode['data-unknown-subscription']).toBe(1);
    expect(m.subscriptions()).toEqual([]);
  });
});
