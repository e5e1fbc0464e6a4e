// Bad input: the server answers with error frames, keeps the connection and stays up for
// everyone else.

import { afterEach, describe, expect, it } from 'vitest';
import { KEY, connect, emulator, publish, stopAll, subscribe } from './helpers.ts';

afterEach(stopAll);

const auth = { 'x-api-key': KEY };
const invalid = (message: string | RegExp) => ({
  type: 'error',
  errors: [{ errorType: 'InvalidInputError', message: typeof message === 'string' ? message : expect.stringMatching(message) }],
});

describe('bad input', () => {
  it('answers non-JSON, non-object and type-less frames with InvalidInputError', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    for (const text of ['not json', '{"type":', '[1,2,3]', '42', 'null', '"connection_init"', '{}', '{"type":7}', '']) {
      c.send(text);
      expect(await c.nextOf('error')).toEqual(invalid('Message must be a JSON object with a string "type"'));
    }
    expect(await subscribe(c, 'still-up', '/default/x', auth)).toMatchObject({ type: 'subscribe_success' });
  });

  it('answers binary frames with an error and keeps the connection', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    c.ws.send(Buffer.from(JSON.stringify({ type: 'connection_init' })), { binary: true });
    expect(await c.nextOf('error')).toEqual(invalid('Binary frames are not supported'));
    expect(emu.log.some((e) => e.kind === 'frame' && e.dir === 'in' && e.binary === true && e.size > 0)).toBe(true);
    expect(await subscribe(c, 's', '/default/x', auth)).toMatchObject({ type: 'subscribe_success' });
  });

  it('answers frames of several MB with an error and keeps the connection', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    const huge = JSON.stringify({ type: 'publish', id: 'big', channel: '/default/x', events: ['"' + 'x'.repeat(5 * 1024 * 1024) + '"'], authorization: auth });
    c.send(huge);
    expect(await c.nextOf('error', undefined, 5000)).toEqual(invalid(/exceeds the 2097152 byte limit/));
    c.ws.send(Buffer.alloc(3 * 1024 * 1024, 1), { binary: true });
    expect(await c.nextOf('error', undefined, 5000)).toEqual(invalid('Binary frames are not supported'));
    const logged = emu.log.find((e) => e.kind === 'frame' && e.dir === 'in' && e.size > 5 * 1024 * 1024);
    expect(logged).toMatchObject({ truncated: true });
    expect(await publish(c, 'small', '/default/x', ['1'], auth)).toMatchObject({ type: 'publish_success' });
  });

  it('survives a flood of 1,000 operations; another connection is unaffected', async () => {
    const emu = await emulator({ limits: { maxSubscriptionsPerConnection: 200, maxPublishesPerSecond: 25 } });
    const flood = await connect(emu);
    const other = await connect(emu);
    await subscribe(other, 'watch', '/default/*', auth);
    for (let i = 0; i < 1000; i++) {
      const kind = i % 4;
      if (kind === 0) flood.send({ type: 'subscribe', id: `s${i}`, channel: `/default/c${i}`, authorization: auth });
      else if (kind === 1) flood.send({ type: 'publish', id: `p${i}`, channel: '/default/flood', events: [`${i}`], authorization: auth });
      else if (kind === 2) flood.send({ type: 'bogus', id: `b${i}` });
      else flood.send('{garbage');
    }
    flood.send({ type: 'unsubscribe', id: 'marker-never-subscribed' });
    await flood.reply('marker-never-subscribed', 10_000);
    const types = flood.frames.map((f) => f.type);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count('subscribe_success')).toBe(200);
    expect(count('subscribe_error')).toBe(50); // MaxSubscriptionsReachedError past 200
    expect(count('publish_success') + count('publish_error')).toBe(250);
    expect(count('publish_error')).toBeGreaterThan(0); // the 25/s rate limit
    expect(count('error')).toBe(500);
    // The other connection got the accepted publishes and still works normally.
    expect(await publish(other, 'after', '/default/quiet', ['"ok"'], auth)).toMatchObject({ type: 'publish_success' });
    await other.next((f) => f.type === 'data' && f.event === '"ok"');
    expect(other.frames.filter((f) => f.type === 'data').length).toBe(count('publish_success') + 1);
    expect(emu.connections).toHaveLength(2);
  });

  it('keeps serving after clients vanish mid-stream', async () => {
    const emu = await emulator();
    for (let i = 0; i < 5; i++) {
      const c = await connect(emu);
      c.send({ type: 'subscribe', id: 's', channel: '/default/x', authorization: auth });
      c.ws.terminate();
    }
    const c = await connect(emu);
    expect(await subscribe(c, 's', '/default/x', auth)).toMatchObject({ type: 'subscribe_success' });
  });
});
