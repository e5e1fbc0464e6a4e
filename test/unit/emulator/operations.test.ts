// Realtime operations conformance: exact frames for subscribe / publish / data /
// unsubscribe, wildcard matching, id rules, limits and every operation-level error.

import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../src/emulator/index.ts';
import { KEY, UUID, connect, emulator, publish, stopAll, subscribe } from './helpers.ts';
import type { Client } from './helpers.ts';

afterEach(stopAll);

const auth = { 'x-api-key': KEY };

async function pair(config = {}): Promise<{ emu: Emulator; a: Client; b: Client }> {
  const emu = await emulator(config);
  return { emu, a: await connect(emu), b: await connect(emu) };
}

describe('subscribe, publish, data, unsubscribe', () => {
  it('runs the full cycle with the exact frames', async () => {
    const { a, b } = await pair();
    expect(await subscribe(a, 'sub-1', '/default/chat', auth)).toEqual({ id: 'sub-1', type: 'subscribe_success' });
    expect(a.raw.at(-1)).toBe('{"id":"sub-1","type":"subscribe_success"}');

    const ok = await publish(b, 'pub-1', '/default/chat', ['{"a":1}', '"two"', '3'], auth);
    expect(ok).toMatchObject({ id: 'pub-1', type: 'publish_success', failed: [] });
    const successful = ok['successful'] as { identifier: string; index: number }[];
    expect(successful.map((s) => s.index)).toEqual([0, 1, 2]);
    for (const s of successful) expect(s.identifier).toMatch(UUID);
    expect(Object.keys(ok)).toEqual(['id', 'type', 'successful', 'failed']);

    // One data frame per event, event as the JSON string, subscription id (not publish id).
    expect(await a.nextOf('data')).toEqual({ id: 'sub-1', type: 'data', event: '{"a":1}' });
    expect(await a.nextOf('data')).toEqual({ id: 'sub-1', type: 'data', event: '"two"' });
    expect(await a.nextOf('data')).toEqual({ id: 'sub-1', type: 'data', event: '3' });

    a.send({ type: 'unsubscribe', id: 'sub-1' });
    expect(await a.reply('sub-1')).toEqual({ type: 'unsubscribe_success', id: 'sub-1' });
    await publish(b, 'pub-2', '/default/chat', ['1'], auth);
    // A later subscription proves ordering: nothing for sub-1 arrived in between.
    await subscribe(a, 'sub-2', '/default/other', auth);
    expect(a.unconsumed()).toEqual([]);
  });

  it('delivers a publisher its own events when it is subscribed', async () => {
    const { a } = await pair();
    await subscribe(a, 's', 'default/self', auth);
    await publish(a, 'p', 'default/self', ['true'], auth);
    expect(await a.nextOf('data')).toEqual({ id: 's', type: 'data', event: 'true' });
  });

  it('sends publish_success before the data frames it causes', async () => {
    const { a } = await pair();
    await subscribe(a, 's', '/default/order', auth);
    await publish(a, 'p', '/default/order', ['1'], auth);
    const types = a.frames.map((f) => f.type);
    expect(types.indexOf('publish_success')).toBeLessThan(types.indexOf('data'));
  });

  it('ignores unknown fields such as Amplify payload and x-amz-user-agent', async () => {
    const { a } = await pair();
    const authorization = { ...auth, host: 'h', 'x-amz-date': '20260101T000000Z', 'x-amz-user-agent': 'aws-amplify/6.22.1' };
    a.send({
      id: 'amp-1',
      channel: 'default/test',
      authorization,
      payload: { channel: 'default/test', extensions: { authorization } },
      type: 'subscribe',
      extra: [1, 2, 3],
    });
    expect(await a.reply('amp-1')).toEqual({ id: 'amp-1', type: 'subscribe_success' });
    a.send({ id: 'amp-2', channel: 'default/test', events: ['{"hello":"ws"}'], authorization, payload: {}, type: 'publish' });
    expect(await a.reply('amp-2')).toMatchObject({ type: 'publish_success' });
    expect(await a.nextOf('data')).toEqual({ id: 'amp-1', type: 'data', event: '{"hello":"ws"}' });
  });

  it('fans out to every matching subscription on every connection', async () => {
    const { emu, a, b } = await pair();
    const c = await connect(emu);
    await subscribe(a, 'x', '/default/room', auth);
    await subscribe(a, 'y', '/default/*', auth);
    await subscribe(b, 'x', '/default/room', auth);
    await publish(c, 'p', '/default/room', ['1'], auth);
    expect(await a.nextOf('data', 'x')).toMatchObject({ event: '1' });
    expect(await a.nextOf('data', 'y')).toMatchObject({ event: '1' });
    expect(await b.nextOf('data', 'x')).toMatchObject({ event: '1' });
  });
});

describe('channels and wildcards', () => {
  const cases: [pattern: string, channel: string, match: boolean][] = [
    ['/default/*', '/default/a', true],
    ['/default/*', '/default/a/b/c', true],
    ['/default/*', '/default', false],
    ['/default/a/*', '/default/a/b', true],
    ['/default/a/*', '/default/b/c', false],
    ['default/a', '/default/a/', true],
    ['/default/a', 'default/a', true],
    ['/default/a', '/default/A', false],
    ['/default/a', '/default/a/b', false],
  ];
  it.each(cases)('subscription %s receives %s: %s', async (pattern, channel, match) => {
    const { a, b } = await pair();
    await subscribe(a, 's', pattern, auth);
    await publish(b, 'p', channel, ['"x"'], auth);
    await subscribe(a, 'fence', '/default/fence', auth); // everything before it has arrived
    expect(a.frames.some((f) => f.type === 'data')).toBe(match);
  });

  it('does not deliver across namespaces', async () => {
    const { a, b } = await pair({ namespaces: ['default', 'other'] });
    await subscribe(a, 's', '/default/*', auth);
    await publish(b, 'p', '/other/x', ['1'], auth);
    await subscribe(a, 'fence', '/default/fence', auth);
    expect(a.frames.some((f) => f.type === 'data')).toBe(false);
  });

  for (const channel of ['/default/*/x', '/*', '/default/a*', '/a/b/c/d/e/f', '/default//x', '', '/default/' + 'x'.repeat(51), '/default/-x']) {
    it(`rejects subscribe to ${JSON.stringify(channel)} with BadRequestException`, async () => {
      const { a } = await pair();
      const f = await subscribe(a, 's', channel, auth);
      expect(f).toMatchObject({ type: 'subscribe_error', id: 's', errors: [{ errorType: 'BadRequestException' }] });
      expect(String((f['errors'] as { message: string }[])[0]?.message)).toMatch(/^Invalid Channel Format/);
    });
  }

  it('rejects publishing to a wildcard channel', async () => {
    const { a } = await pair();
    expect(await publish(a, 'p', '/default/*', ['1'], auth)).toMatchObject({
      type: 'publish_error',
      id: 'p',
      errors: [{ errorType: 'BadRequestException' }],
    });
  });

  it('answers an unknown namespace with ResourceNotFound on subscribe and publish', async () => {
    const { a } = await pair();
    expect(await subscribe(a, 's', '/nope/x', auth)).toEqual({
      type: 'subscribe_error',
      id: 's',
      errors: [{ errorType: 'ResourceNotFound', message: 'Namespace not found: nope' }],
    });
    expect(await publish(a, 'p', '/nope/x', ['1'], auth)).toEqual({
      id: 'p',
      type: 'publish_error',
      errors: [{ errorType: 'ResourceNotFound', message: 'Namespace not found: nope' }],
    });
  });

  it('honours scaled-down segment limits from the config', async () => {
    const { a } = await pair({ limits: { maxChannelSegments: 2, maxSegmentLength: 7 } });
    expect(await subscribe(a, 's1', '/default/abc', auth)).toMatchObject({ type: 'subscribe_success' });
    expect(await subscribe(a, 's2', '/default/a/b', auth)).toMatchObject({ type: 'subscribe_error' });
    expect(await subscribe(a, 's3', '/default/abcdefgh', auth)).toMatchObject({ type: 'subscribe_error' });
  });
});

describe('ids and operation errors', () => {
  it('rejects a duplicate subscription id and keeps the first subscription', async () => {
    const { a, b } = await pair();
    await subscribe(a, 'dup', '/default/one', auth);
    expect(await subscribe(a, 'dup', '/default/two', auth)).toEqual({
      type: 'subscribe_error',
      id: 'dup',
      errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicated subscription id dup' }],
    });
    await publish(b, 'p', '/default/one', ['1'], auth);
    expect(await a.nextOf('data', 'dup')).toMatchObject({ event: '1' });
  });

  it('allows the same id on another connection and after unsubscribe', async () => {
    const { a, b } = await pair();
    await subscribe(a, 'same', '/default/x', auth);
    expect(await subscribe(b, 'same', '/default/x', auth)).toMatchObject({ type: 'subscribe_success' });
    a.send({ type: 'unsubscribe', id: 'same' });
    await a.reply('same');
    expect(await subscribe(a, 'same', '/default/y', auth)).toMatchObject({ type: 'subscribe_success' });
  });

  it('answers unsubscribe of an unknown id with UnknownOperationError', async () => {
    const { a } = await pair();
    a.send({ type: 'unsubscribe', id: 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69' });
    expect(await a.reply('ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69')).toEqual({
      type: 'unsubscribe_error',
      id: 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69',
      errors: [{ errorType: 'UnknownOperationError', message: 'Unknown operation id ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69' }],
    });
  });

  it('accepts ids of 1 to 128 characters from [a-zA-Z0-9-_+]', async () => {
    const { a } = await pair();
    for (const id of ['a', 'A-b_c+9', 'x'.repeat(128)]) {
      expect(await subscribe(a, id, '/default/x', auth)).toMatchObject({ type: 'subscribe_success', id });
    }
  });

  for (const [label, id] of [
    ['too long', 'x'.repeat(129)],
    ['a bad character', 'a.b'],
    ['empty', ''],
  ] as const) {
    it(`answers an id that is ${label} with an error frame echoing it`, async () => {
      const { a } = await pair();
      a.send({ type: 'subscribe', id, channel: '/default/x', authorization: auth });
      expect(await a.nextOf('error')).toEqual({
        type: 'error',
        id,
        errors: [{ errorType: 'InvalidInputError', message: 'id must match ^[a-zA-Z0-9-_+]{1,128}$' }],
      });
    });
  }

  it.each(['subscribe', 'publish', 'unsubscribe'])('answers %s without an id with an id-less error frame', async (type) => {
    const { a } = await pair();
    a.send({ type, channel: '/default/x', events: ['1'], authorization: auth });
    expect(await a.nextOf('error')).toEqual({
      type: 'error',
      errors: [{ errorType: 'InvalidInputError', message: 'id must match ^[a-zA-Z0-9-_+]{1,128}$' }],
    });
  });

  it('answers unknown operation types with UnsupportedOperation', async () => {
    const { a } = await pair();
    a.send({ type: 'start', id: 'g1', payload: {} });
    expect(await a.nextOf('error')).toEqual({
      type: 'error',
      id: 'g1',
      errors: [{ errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' }],
    });
    a.send({ type: 'ka' });
    expect(await a.nextOf('error')).toEqual({
      type: 'error',
      errors: [{ errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' }],
    });
  });

  it('acks a repeated connection_init again', async () => {
    const { a } = await pair();
    a.send({ type: 'connection_init' });
    expect(await a.nextOf('connection_ack')).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300000 });
  });
});

describe('publish validation and limits', () => {
  it('rejects more than 5 events with InvalidInputError', async () => {
    const { a } = await pair();
    expect(await publish(a, 'p', '/default/x', ['1', '2', '3', '4', '5', '6'], auth)).toEqual({
      id: 'p',
      type: 'publish_error',
      errors: [{ errorType: 'InvalidInputError', message: 'Too many events: 6, the limit is 5' }],
    });
    expect(await publish(a, 'q', '/default/x', ['1', '2', '3', '4', '5'], auth)).toMatchObject({ type: 'publish_success' });
  });

  it.each([[[]], [[{ a: 1 }]], [['1', 2]], ['"1"'], [undefined]])('rejects events %j with InvalidInputError', async (events) => {
    const { a } = await pair();
    a.send({ type: 'publish', id: 'p', channel: '/default/x', events, authorization: auth });
    expect(await a.reply('p')).toMatchObject({ type: 'publish_error', errors: [{ errorType: 'InvalidInputError' }] });
  });

  it('fails an oversized event alone with EventTooLargeException and delivers the rest', async () => {
    const { a, b } = await pair({ limits: { maxEventBytes: 100 } });
    await subscribe(a, 's', '/default/x', auth);
    const big = JSON.stringify('x'.repeat(200));
    const r = await publish(b, 'p', '/default/x', ['1', big, '{"bad json', '2'], auth);
    expect(r['successful']).toEqual([
      { identifier: expect.stringMatching(UUID), index: 0 },
      { identifier: expect.stringMatching(UUID), index: 3 },
    ]);
    expect(r['failed']).toEqual([
      { identifier: expect.stringMatching(UUID), index: 1, code: 413, errorType: 'EventTooLargeException', message: 'Transformed event is larger than 240KB' },
      { identifier: expect.stringMatching(UUID), index: 2, code: 400, errorType: 'BadRequestException', message: 'Event is not valid JSON' },
    ]);
    expect(await a.nextOf('data')).toMatchObject({ event: '1' });
    expect(await a.nextOf('data')).toMatchObject({ event: '2' });
  });

  it('enforces the real 240 KB event limit by default', async () => {
    const { a } = await pair();
    const exact = JSON.stringify('x'.repeat(240 * 1024 - 2));
    const over = JSON.stringify('x'.repeat(240 * 1024 - 1));
    const r = await publish(a, 'p', '/default/x', [exact, over], auth);
    expect((r['successful'] as unknown[]).length).toBe(1);
    expect(r['failed']).toMatchObject([{ index: 1, code: 413, errorType: 'EventTooLargeException' }]);
  });

  it('stops at the subscription limit with MaxSubscriptionsReachedError', async () => {
    const { a } = await pair({ limits: { maxSubscriptionsPerConnection: 2 } });
    await subscribe(a, 's1', '/default/a', auth);
    await subscribe(a, 's2', '/default/b', auth);
    expect(await subscribe(a, 's3', '/default/c', auth)).toEqual({
      type: 'subscribe_error',
      id: 's3',
      errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Maximum number of subscriptions (2) reached' }],
    });
    a.send({ type: 'unsubscribe', id: 's1' });
    await a.reply('s1');
    expect(await subscribe(a, 's3', '/default/c', auth)).toMatchObject({ type: 'subscribe_success' });
  });

  it('rate-limits WebSocket publishes per connection with LimitExceededError', async () => {
    const { a, b } = await pair({ limits: { maxPublishesPerSecond: 3 } });
    for (let i = 0; i < 4; i++) a.send({ type: 'publish', id: `p${i}`, channel: '/default/x', events: ['1'], authorization: auth });
    for (let i = 0; i < 3; i++) expect(await a.reply(`p${i}`)).toMatchObject({ type: 'publish_success' });
    expect(await a.reply('p3')).toEqual({
      id: 'p3',
      type: 'publish_error',
      errors: [{ errorType: 'LimitExceededError', message: 'Rate limit exceeded' }],
    });
    // The limit is per connection.
    expect(await publish(b, 'other', '/default/x', ['1'], auth)).toMatchObject({ type: 'publish_success' });
  });
});
