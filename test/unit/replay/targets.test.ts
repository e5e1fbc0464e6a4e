import { describe, expect, it } from 'vitest';
import { AckWatch, ackOf, answerOf, reusableAuthorization, endpointTarget, injectTarget, isThrottle, socketTarget, subscriptionsFor, type CommandAnswer, type LiveSubscription, type PageCommands, type PublishAnswer } from '../../../src/replay/index.ts';

function commands(answer: (kind: string, socketId: string, data: string) => CommandAnswer = () => ({ ok: true })) {
  const log: [string, string, string][] = [];
  const c: PageCommands = {
    injectIncoming: async (s, d) => (log.push(['inject', s, d]), answer('inject', s, d)),
    sendOnSocket: async (s, d) => (log.push(['send', s, d]), answer('send', s, d)),
  };
  return { c, log };
}

const subs: LiveSubscription[] = [
  { socketId: 'p:1', socketUrl: 'ws://x/event/realtime', id: 'all', channel: '/default/*' },
  { socketId: 'p:1', id: 'orders', channel: '/default/orders' },
  { socketId: 'p:2', id: 'other', channel: '/other/x' },
];
const send = (channel: string, events: string[]) => ({ seq: 0, channel, events, refs: events.map((_, i) => ({ pos: i, t: i })) });
const signal = new AbortController().signal;

describe('inject target', () => {
  it('makes one data frame per event and covering subscription, with the page ids', async () => {
    expect(subscriptionsFor(subs, '/default/orders').map((s) => s.id)).toEqual(['all', 'orders']);
    expect(subscriptionsFor(subs, '/default/*').map((s) => s.id)).toEqual(['all']);
    const { c, log } = commands();
    const t = injectTarget(c, subs, () => 7);
    expect(t.channelProblem('/nothing/here')).toBe('no live subscription of the page covers /nothing/here');
    expect(t.channelProblem('/default/a')).toBeUndefined();
    const out = await t.send(send('/default/orders', ['{"a":1}', '2']), signal);
    expect(out.status).toBe('delivered');
    expect(log).toEqual([
      ['inject', 'p:1', '{"id":"all","type":"data","event":"{\\"a\\":1}"}'],
      ['inject', 'p:1', '{"id":"orders","type":"data","event":"{\\"a\\":1}"}'],
      ['inject', 'p:1', '{"id":"all","type":"data","event":"2"}'],
      ['inject', 'p:1', '{"id":"orders","type":"data","event":"2"}'],
    ]);
    expect(out.wire?.injected?.map((f) => [f.subscriptionId, f.channel, f.socketUrl])).toEqual([
      ['all', '/default/*', 'ws://x/event/realtime'],
      ['orders', '/default/orders', undefined],
      ['all', '/default/*', 'ws://x/event/realtime'],
      ['orders', '/default/orders', undefined],
    ]);
  });

  it('a missing answer is unconfirmed, a refusal fails', async () => {
    const unconfirmed = injectTarget(commands(() => ({ unconfirmed: true })).c, subs);
    expect(await unconfirmed.send(send('/other/x', ['1']), signal)).toMatchObject({ status: 'unconfirmed', error: 'the page did not confirm in time' });
    const refused = injectTarget(commands(() => ({ ok: false, error: 'socket closed' })).c, subs);
    expect(await refused.send(send('/other/x', ['1']), signal)).toMatchObject({ status: 'failed', error: 'socket closed' });
  });
});

describe('socket target', () => {
  it('sends one publish frame with a valid id, the events and the given authorization', async () => {
    const { c, log } = commands();
    const t = socketTarget(c, { socketId: 'p:1', url: 'ws://x' }, { 'x-api-key': 'k' });
    expect(t.channelProblem('/default/*')).toBe('/default/* is a subscription pattern; map it to a concrete channel to publish');
    const out = await t.send(send('/default/a', ['1', '2']), signal);
    expect(out.status).toBe('delivered');
    const frame = JSON.parse(log[0]![2]) as Record<string, unknown>;
    expect(frame).toMatchObject({ type: 'publish', channel: '/default/a', events: ['1', '2'], authorization: { 'x-api-key': 'k' } });
    expect(frame['id']).toMatch(/^[a-zA-Z0-9-_+]{1,128}$/);
    expect(log[0]![1]).toBe('p:1');
    // The result session gets the frame without its authorization.
    expect(out.wire).toMatchObject({ kind: 'ws', url: 'ws://x', sent: [JSON.stringify({ type: 'publish', id: frame['id'], channel: '/default/a', events: ['1', '2'] })] });
  });

  it("counts the page socket's publish_success for its id as acknowledged, with per-event failures", async () => {
    const watch = new AckWatch();
    const { c, log } = commands((kind, socketId, data) => {
      const id = (JSON.parse(data) as { id: string }).id;
      // The page's socket receives the answer; the live feed may carry it before the command's answer.
      watch.observe([{ kind: 'ws-receive', socketId: 'p:9', seq: 1, t: 1, data: JSON.stringify({ id, type: 'publish_success', successful: [], failed: [] }), size: 1 } as never]);
      watch.observe([
        { kind: 'ws-receive', socketId, seq: 2, t: 1, data: JSON.stringify({ id, type: 'publish_success', successful: [{ index: 0, identifier: 'a' }], failed: [{ index: 1, code: 'EventTooLargeException', message: 'too big' }] }), size: 1 } as never,
      ]);
      return { ok: true };
    });
    const t = socketTarget(c, { socketId: 'p:1' }, undefined, () => 0, watch, 50);
    const out = await t.send(send('/default/a', ['1', '2']), signal);
    expect(log).toHaveLength(1);
    expect(out).toMatchObject({ status: 'acknowledged', failedEvents: [{ index: 1, reason: 'EventTooLargeException: too big' }] });
    expect(out.wire?.received[0]).toMatch(/publish_success/);
    expect(watch.pending).toBe(0);
  });

  it('a publish_error is a failure (throttling is retried); no answer in time is unconfirmed', async () => {
    const watch = new AckWatch();
    let answer: 'error' | 'throttle' | 'none' = 'error';
    const { c } = commands((_k, socketId, data) => {
      const id = (JSON.parse(data) as { id: string }).id;
      const errors = answer === 'throttle' ? [{ errorType: 'LimitExceededError', message: 'Rate exceeded' }] : [{ errorType: 'UnauthorizedException', message: 'no' }];
      if (answer !== 'none') setTimeout(() => watch.observe([{ kind: 'ws-receive', socketId, seq: 3, t: 1, data: JSON.stringify({ id, type: 'publish_error', errors }), size: 1 } as never]), 1);
      return { ok: true };
    });
    const t = socketTarget(c, { socketId: 'p:1' }, undefined, () => 0, watch, 40);
    expect(await t.send(send('/default/a', ['1']), signal)).toMatchObject({ status: 'failed', error: 'UnauthorizedException: no' });
    answer = 'throttle';
    expect(await t.send(send('/default/a', ['1']), signal)).toMatchObject({ status: 'failed', throttled: true });
    answer = 'none';
    expect(await t.send(send('/default/a', ['1']), signal)).toMatchObject({ status: 'unconfirmed', error: expect.stringMatching(/no publish_success within/) });
  });

  it('a refused command is a failure and no answer is awaited', async () => {
    const watch = new AckWatch();
    const { c } = commands(() => ({ ok: false, error: 'socket is closed' }));
    const out = await socketTarget(c, { socketId: 'p:1' }, undefined, () => 0, watch, 1000).send(send('/default/a', ['1']), signal);
    expect(out).toMatchObject({ status: 'failed', error: 'socket is closed' });
    expect(watch.pending).toBe(0);
  });
});

describe('ack watch', () => {
  it('reads answers leniently and ignores everything else', () => {
    expect(ackOf('{"type":"data","id":"s","event":"{}"}')).toBeUndefined();
    expect(ackOf('{"type":"ka"}')).toBeUndefined();
    expect(ackOf('not json publish_success')).toBeUndefined();
    expect(ackOf('{"type":"publish_success","id":"x","failed":[{"index":0,"errorCode":413,"errorMessage":"big"}]}')?.ack.failed).toEqual([{ index: 0, code: 413, message: 'big' }]);
    expect(ackOf('{"type":"error","id":"x","errors":[{"errorType":"UnsupportedOperation"}]}')?.ack).toMatchObject({ type: 'error', errors: [{ errorType: 'UnsupportedOperation' }] });
  });

  it('falls back to a lookup when the live feed did not carry the answer', async () => {
    const found = ackOf('{"type":"publish_success","id":"replay-1","successful":[{"index":0}],"failed":[]}')!.ack;
    const asked: string[] = [];
    const watch = new AckWatch(async (socketId, id) => (asked.push(`${socketId} ${id}`), id === 'replay-1' ? found : undefined));
    expect(await watch.wait('p:1', 'replay-1', 5)).toBe(found);
    expect(await watch.wait('p:1', 'replay-2', 5)).toBeUndefined();
    expect(asked).toEqual(['p:1 replay-1', 'p:1 replay-2']);
  });

  it('keeps a bounded number of early answers, only for ids replay chose', async () => {
    const watch = new AckWatch(undefined, 2);
    const rec = (id: string) => ({ kind: 'ws-receive', socketId: 'p:1', seq: 0, t: 0, data: JSON.stringify({ id, type: 'publish_success' }), size: 1 }) as never;
    watch.observe([rec('page-own'), rec('replay-a'), rec('replay-b'), rec('replay-c')]);
    expect(await watch.wait('p:1', 'page-own', 1)).toBeUndefined();
    expect(await watch.wait('p:1', 'replay-a', 1)).toBeUndefined();
    expect((await watch.wait('p:1', 'replay-c', 1))?.type).toBe('publish_success');
  });
});

describe('profile client answers', () => {
  it('turns the pub/sub verdicts into what the endpoint target counts', () => {
    expect(answerOf({ ok: true, transport: 'http', status: 200, durationMs: 1, events: [{ index: 0, ok: true }, { index: 1, ok: false, code: '400', errorType: 'BadRequestException', message: 'bad' }] }, 'req', 'res')).toEqual({
      status: 200,
      errors: [],
      successful: [{ index: 0 }],
      failed: [{ index: 1, code: 'BadRequestException', message: 'bad' }],
      requestText: 'req',
      responseText: 'res',
    });
    const refused = answerOf({ ok: false, transport: 'ws', durationMs: 1, errors: [{ errorType: 'LimitExceededError', message: 'slow down' }] }, undefined, undefined);
    expect(isThrottle(refused)).toBe(true);
    expect(answerOf({ ok: false, transport: 'http', status: 0, durationMs: 1, errors: [] }, 'r', undefined).errors).toHaveLength(1);
  });
});

describe('endpoint target', () => {
  const client = (answer: PublishAnswer | Error) => ({
    transport: 'http' as const,
    url: 'http://127.0.0.1/event',
    publish: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });

  it('maps the service answer: per-event failures, request errors, throttling, network errors', async () => {
    const ok = await endpointTarget(client({ status: 200, successful: [{ index: 0 }], failed: [{ index: 1, code: 'EventTooLargeException', message: 'too big' }], requestText: 'req', responseText: 'res' })).send(send('/d/a', ['1', '2']), signal);
    expect(ok).toMatchObject({ status: 'acknowledged', failedEvents: [{ index: 1, reason: 'EventTooLargeException: too big' }], wire: { kind: 'http', sent: ['req'], received: ['res'], status: 200 } });
    const bad = await endpointTarget(client({ status: 401, errors: [{ errorType: 'UnauthorizedException', message: 'no' }] })).send(send('/d/a', ['1']), signal);
    expect(bad).toMatchObject({ status: 'failed', error: 'UnauthorizedException: no' });
    expect(bad.throttled).toBeUndefined();
    const slow = await endpointTarget(client({ status: 429 })).send(send('/d/a', ['1']), signal);
    expect(slow).toMatchObject({ status: 'failed', error: 'HTTP 429', throttled: true });
    expect(isThrottle({ errors: [{ errorType: 'LimitExceededError' }] })).toBe(true);
    expect(isThrottle({ errors: [{ errorType: 'BadRequestException' }] })).toBe(false);
    const down = await endpointTarget(client(new Error('Failed to fetch'))).send(send('/d/a', ['1']), signal);
    expect(down).toEqual({ status: 'failed', error: 'Failed to fetch' });
  });
});

describe("the page's own credential on its socket", () => {
  it('reuses API keys and tokens with their host, never an IAM signature', () => {
    expect(reusableAuthorization({ host: 'h', 'x-api-key': 'da2-k', 'x-amz-date': '20250101T000000Z' })).toEqual({ host: 'h', 'x-api-key': 'da2-k' });
    expect(reusableAuthorization({ host: 'h', authorization: 'eyJ.jwt.sig' })).toEqual({ host: 'h', authorization: 'eyJ.jwt.sig' });
    expect(reusableAuthorization({ authorization: 'lambda-token' })).toEqual({ authorization: 'lambda-token' });
    expect(reusableAuthorization({ host: 'h', authorization: 'AWS4-HMAC-SHA256 Credential=…', 'x-amz-date': 'd' })).toBeUndefined();
    expect(reusableAuthorization({ host: 'h' })).toBeUndefined();
  });
});
