// Programmatic API: fault injection, server-side publish, broadcast_error, the traffic log
// and connection lifetime.

import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src/emulator/index.ts';
import { KEY, connect, emulator, nextLog, publish, stopAll, subscribe } from './helpers.ts';

afterEach(stopAll);

const auth = { 'x-api-key': KEY };

describe('fault injection', () => {
  it('delays connection_ack', async () => {
    const emu = await emulator();
    emu.faults.delayAcks(150);
    const c = await connect(emu, { init: false });
    const started = Date.now();
    c.send({ type: 'connection_init' });
    await c.nextOf('connection_ack');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    emu.faults.delayAcks(0);
  });

  it('drops the next n acks of the chosen types', async () => {
    const emu = await emulator();
    emu.faults.dropAcks(1);
    const c = await connect(emu, { init: false });
    c.send({ type: 'connection_init' });
    c.send({ type: 'connection_init' });
    await c.nextOf('connection_ack');
    expect(c.frames.filter((f) => f.type === 'connection_ack')).toHaveLength(1);

    emu.faults.dropAcks(1, ['subscribe_success']);
    c.send({ type: 'subscribe', id: 'lost', channel: '/default/x', authorization: auth });
    expect(await subscribe(c, 'seen', '/default/y', auth)).toMatchObject({ type: 'subscribe_success' });
    expect(c.frames.some((f) => f.id === 'lost')).toBe(false);
  });

  it('drops a connection abruptly or with a close code', async () => {
    const emu = await emulator();
    const a = await connect(emu);
    const b = await connect(emu);
    const [idA, idB] = emu.connections;
    expect(emu.dropConnection(idA!)).toBe(true);
    expect((await a.closed).code).toBe(1006);
    expect(emu.dropConnection(idB!, 4001, 'test close')).toBe(true);
    expect(await b.closed).toEqual({ code: 4001, reason: 'test close' });
    expect(emu.dropConnection('conn-none')).toBe(false);
  });

  it('sends arbitrary text and binary frames', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    const id = emu.connections[0]!;
    expect(emu.sendRaw(id, '{"type":"mystery","x":1}')).toBe(true);
    expect(await c.nextOf('mystery')).toEqual({ type: 'mystery', x: 1 });
    emu.sendRaw(id, Buffer.from([1, 2, 3]));
    expect(await c.nextOf('<binary>')).toEqual({ type: '<binary>', size: 3 });
    expect(emu.log.some((e) => e.kind === 'frame' && e.dir === 'out' && e.binary && e.size === 3)).toBe(true);
  });

  it('stops and resumes keep-alives', async () => {
    const emu = await emulator({ keepAliveMs: 30 });
    const c = await connect(emu);
    await c.nextOf('ka');
    emu.faults.stopKeepAlive();
    // Four ka intervals pass (measured by a server-side delayed ack), with no ka.
    const count = c.frames.length;
    emu.faults.delayAcks(150);
    c.send({ type: 'connection_init' });
    await c.nextOf('connection_ack');
    expect(c.frames.slice(count).map((f) => f.type)).toEqual(['connection_ack']);
    emu.faults.resumeKeepAlive();
    await c.nextOf('ka');
  });

  it('rejects the next n publishes over WebSocket and HTTP', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    emu.faults.rejectPublishes(2, { errorType: 'HandlerError', message: 'nope' });
    expect(await publish(c, 'p1', '/default/x', ['1'], auth)).toEqual({ id: 'p1', type: 'publish_error', errors: [{ errorType: 'HandlerError', message: 'nope' }] });
    const res = await fetch(emu.plainHttpUrl!, { method: 'POST', headers: auth, body: JSON.stringify({ channel: '/default/x', events: ['1'] }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('HandlerError');
    expect(await publish(c, 'p3', '/default/x', ['1'], auth)).toMatchObject({ type: 'publish_success' });
  });
});

describe('server-side operations', () => {
  it('publishes from the server to matching subscriptions', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    await subscribe(c, 's', '/default/*', auth);
    const r = emu.publish('/default/demo', ['{"n":1}', 'nope']);
    expect(r.delivered).toBe(1);
    expect(r.failed).toMatchObject([{ index: 1, code: 400, errorType: 'BadRequestException' }]);
    expect(await c.nextOf('data')).toEqual({ id: 's', type: 'data', event: '{"n":1}' });
    expect(emu.publishJson('default/demo', [{ n: 2 }]).delivered).toBe(1);
    expect(await c.nextOf('data')).toEqual({ id: 's', type: 'data', event: '{"n":2}' });
    expect(() => emu.publish('/nope/x', ['1'])).toThrow(/ResourceNotFound/);
    expect(() => emu.publish('/default/x', ['1', '2', '3', '4', '5', '6'])).toThrow(/Too many/);
  });

  it('sends broadcast_error to a subscription', async () => {
    const emu = await emulator();
    const a = await connect(emu);
    const b = await connect(emu);
    await subscribe(a, 'sub', '/default/x', auth);
    await subscribe(b, 'sub', '/default/x', auth);
    expect(emu.broadcastError('sub', emu.connections[0])).toBe(1);
    expect(await a.nextOf('broadcast_error')).toEqual({
      type: 'broadcast_error',
      id: 'sub',
      errors: [{ errorType: 'MessageProcessingError', message: 'There was an error processing the message' }],
    });
    expect(emu.broadcastError('sub')).toBe(2);
    await b.nextOf('broadcast_error');
    expect(emu.broadcastError('unknown')).toBe(0);
  });

  it('closes connections at the configured lifetime with 1000', async () => {
    const emu = await emulator({ limits: { connectionLifetimeMs: 100 } });
    const c = await connect(emu);
    expect(await c.closed).toEqual({ code: 1000, reason: 'Connection lifetime exceeded' });
  });
});

describe('traffic log', () => {
  it('records every frame in and out with connection ids, and notifies listeners', async () => {
    const emu = await emulator();
    const seen: LogEntry[] = [];
    const off = emu.onLog((e) => seen.push(e));
    const c = await connect(emu);
    const id = emu.connections[0]!;
    await subscribe(c, 's', '/default/x', auth);
    const frames = emu.log.filter((e) => e.kind === 'frame');
    expect(frames.map((e) => (e.kind === 'frame' ? [e.connId, e.dir, e.text] : []))).toEqual([
      [id, 'in', '{"type":"connection_init"}'],
      [id, 'out', '{"type":"connection_ack","connectionTimeoutMs":300000}'],
      [id, 'out', '{"type":"ka"}'],
      [id, 'in', '{"type":"subscribe","id":"s","channel":"/default/x","authorization":{"x-api-key":"da2-localemulatorkey0000000000"}}'],
      [id, 'out', '{"id":"s","type":"subscribe_success"}'],
    ]);
    expect(seen.length).toBe(emu.log.length);
    expect(typeof seen[0]?.t).toBe('number');
    off();
    const events: LogEntry[] = [];
    emu.events.on('log', (e: LogEntry) => events.push(e));
    const http = nextLog(emu, (e) => e.kind === 'http');
    await fetch(emu.plainHttpUrl!, { method: 'POST', headers: auth, body: JSON.stringify({ channel: '/default/x', events: ['1'] }) });
    expect(await http).toMatchObject({ kind: 'http', method: 'POST', path: '/event', status: 200 });
    expect(events.some((e) => e.kind === 'auth')).toBe(true);
    expect(seen.length).toBeLessThan(emu.log.length);
  });

  it('keeps at most logLimit entries', async () => {
    const emu = await emulator({ logLimit: 5 });
    const c = await connect(emu);
    for (let i = 0; i < 5; i++) await subscribe(c, `s${i}`, '/default/x', auth);
    expect(emu.log.length).toBe(5);
  });

  it('prints one line per entry to the logger', async () => {
    const lines: string[] = [];
    const emu = await emulator({ logger: (l) => lines.push(l) });
    const c = await connect(emu);
    await subscribe(c, 's', '/default/x', auth);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(lines.some((l) => /conn-\d+ ← \{"id":"s","type":"subscribe_success"\}/.test(l))).toBe(true);
    expect(lines.some((l) => /auth subscribe ok API_KEY/.test(l))).toBe(true);
  });
});
