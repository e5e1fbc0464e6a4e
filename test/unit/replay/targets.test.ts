import { describe, expect, it } from 'vitest';
import { endpointTarget, injectTarget, isThrottle, socketTarget, subscriptionsFor, type CommandAnswer, type LiveSubscription, type PageCommands, type PublishAnswer } from '../../../src/replay/index.ts';

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
    expect(out.wire).toMatchObject({ kind: 'ws', url: 'ws://x', sent: [log[0]![2]] });
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
