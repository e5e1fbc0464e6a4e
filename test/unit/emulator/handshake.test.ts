// Connection handshake conformance: subprotocol selection, where connection auth may come
// from, connection_init / connection_ack / ka, connection_error, TLS and plain on one port.

import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  Client,
  KEY,
  PROTOCOL,
  UNAUTHORIZED,
  apiKeyAuth,
  connect,
  emulator,
  handshakeError,
  headerProtocol,
  nextLog,
  stopAll,
  subscribe,
} from './helpers.ts';

afterEach(stopAll);

describe('handshake', () => {
  it('selects and echoes aws-appsync-event-ws', async () => {
    const emu = await emulator();
    const c = await connect(emu, { init: false });
    expect(c.ws.protocol).toBe(PROTOCOL);
    c.close();
  });

  it('refuses the upgrade when the Events subprotocol is not offered', async () => {
    const emu = await emulator();
    const none = await handshakeError(emu.plainRealtimeUrl!, undefined);
    expect(none.message).toMatch(/400/);
    const onlyHeader = await handshakeError(emu.plainRealtimeUrl!, [headerProtocol(apiKeyAuth(emu))]);
    expect(onlyHeader.message).toMatch(/400/);
    const graphql = await handshakeError(emu.plainRealtimeUrl!, ['graphql-ws']);
    expect(graphql.message).toMatch(/400/);
    expect(emu.connections).toEqual([]);
    expect(emu.log.some((e) => e.kind === 'connection' && e.event === 'rejected')).toBe(true);
  });

  it('has no WebSocket endpoint other than /event/realtime', async () => {
    const emu = await emulator();
    const err = await handshakeError(emu.plainRealtimeUrl!.replace('/event/realtime', '/graphql'), [PROTOCOL]);
    expect(err.message).toMatch(/404/);
  });

  it('answers connection_init with a top-level connectionTimeoutMs, then a ka right away', async () => {
    const emu = await emulator({ connectionTimeoutMs: 12345 });
    const c = await connect(emu, { init: false });
    c.send({ type: 'connection_init' });
    expect(await c.next()).toEqual({ type: 'connection_ack', connectionTimeoutMs: 12345 });
    expect(await c.next()).toEqual({ type: 'ka' });
    expect(c.raw.slice(0, 2)).toEqual(['{"type":"connection_ack","connectionTimeoutMs":12345}', '{"type":"ka"}']);
    c.close();
  });

  it('starts the ka clock with connection_ack, not at the upgrade', async () => {
    const emu = await emulator({ keepAliveMs: 20 });
    const c = await connect(emu, { init: false });
    // The delayed ack spans several ka intervals: before, kas arrived during that wait.
    emu.faults.delayAcks(200);
    c.send({ type: 'connection_init' });
    await c.nextOf('connection_ack');
    expect(c.frames[0]?.type).toBe('connection_ack');
    await c.nextOf('ka');
    await c.nextOf('ka');
    c.close();
  });

  it('starts the ka clock at the first operation when connection_init never comes (Swift)', async () => {
    const emu = await emulator({ keepAliveMs: 20 });
    const c = await connect(emu, { init: false });
    emu.faults.delayAcks(200, ['subscribe_success']);
    c.send({ type: 'subscribe', id: 's', channel: '/default/x', authorization: { 'x-api-key': KEY } });
    await c.nextOf('ka');
    await c.nextOf('ka');
    expect(c.frames.some((f) => f.type === 'connection_ack')).toBe(false); // never unprompted
    c.close();
  });

  it('sends no ka at all with keepAliveMs 0', async () => {
    const emu = await emulator({ keepAliveMs: 0 });
    const c = await connect(emu);
    // subscribe_success is held back for what would have been many ka intervals.
    emu.faults.delayAcks(150, ['subscribe_success']);
    c.send({ type: 'subscribe', id: 's', channel: '/default/x', authorization: { 'x-api-key': KEY } });
    await c.reply('s', 3000);
    expect(c.frames.map((f) => f.type)).toEqual(['connection_ack', 'subscribe_success']);
    c.close();
  });

  it('processes operations sent without connection_init (Swift)', async () => {
    const emu = await emulator();
    const c = await connect(emu, { init: false });
    expect(await subscribe(c, 's1', '/default/x', { 'x-api-key': KEY })).toEqual({ id: 's1', type: 'subscribe_success' });
    expect(c.frames.some((f) => f.type === 'connection_ack')).toBe(false);
    c.close();
  });

  it('takes connection auth from upgrade headers when there is no header- subprotocol', async () => {
    const emu = await emulator();
    const c = await connect(emu, { protocols: [PROTOCOL], headers: { 'x-api-key': KEY } });
    expect(c.frames[0]).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300000 });
    c.close();
  });

  it('matches auth keys case-insensitively (docs spell X-Api-Key / Authorization)', async () => {
    const emu = await emulator();
    const c = await connect(emu, { protocols: [PROTOCOL, headerProtocol({ HOST: 'h', 'X-Api-Key': KEY })] });
    expect(c.frames[0]?.type).toBe('connection_ack');
    c.close();
  });

  for (const [name, opts] of [
    ['a wrong key in header-', { protocols: [PROTOCOL, headerProtocol({ host: 'h', 'x-api-key': 'da2-wrong' })] }],
    ['no credentials at all', { protocols: [PROTOCOL] }],
    ['an undecodable header-', { protocols: [PROTOCOL, 'header-%%%'] }],
    ['a wrong key in upgrade headers', { protocols: [PROTOCOL], headers: { 'x-api-key': 'da2-wrong' } }],
  ] as const) {
    it(`sends connection_error then closes with 1000 for ${name}`, async () => {
      const emu = await emulator();
      const ws = new WebSocket(emu.plainRealtimeUrl!, [...opts.protocols], 'headers' in opts ? { headers: opts.headers } : {});
      const c = new Client(ws);
      // Unprompted: the error arrives without connection_init.
      expect(await c.next()).toEqual({ type: 'connection_error', errors: [{ ...UNAUTHORIZED, errorCode: 401 }] });
      expect(await c.closed).toEqual({ code: 1000, reason: 'Unauthorized' });
      const auth = emu.log.find((e) => e.kind === 'auth' && e.operation === 'connect');
      expect(auth).toMatchObject({ ok: false });
    });
  }

  it('ignores frames after a failed connection auth', async () => {
    const emu = await emulator();
    const c = await connect(emu, { protocols: [PROTOCOL, headerProtocol({ 'x-api-key': 'nope' })], init: false });
    c.send({ type: 'subscribe', id: 'a', channel: '/default/a', authorization: { 'x-api-key': KEY } });
    await c.closed;
    expect(c.frames.map((f) => f.type)).toEqual(['connection_error']);
  });
});

describe('TLS and plain on one port', () => {
  it('serves wss:// and ws:// and https:// and http:// with tls "both"', async () => {
    const emu = await emulator({ tls: 'both' });
    expect(emu.realtimeUrl).toBe(`wss://127.0.0.1:${emu.port}/event/realtime`);
    expect(emu.plainRealtimeUrl).toBe(`ws://127.0.0.1:${emu.port}/event/realtime`);
    expect(emu.certificate).toContain('BEGIN CERTIFICATE');
    const secure = await connect(emu, { url: emu.realtimeUrl });
    const plain = await connect(emu, { url: emu.plainRealtimeUrl! });
    const opens = emu.log.filter((e) => e.kind === 'connection' && e.event === 'open');
    expect(opens.map((e) => (e.kind === 'connection' ? e.secure : undefined))).toEqual([true, false]);
    await subscribe(secure, 's', '/default/tls', { 'x-api-key': KEY });
    await subscribe(plain, 's', '/default/tls', { 'x-api-key': KEY });
    const res = await fetch(emu.plainHttpUrl!, {
      method: 'POST',
      headers: { 'x-api-key': KEY },
      body: JSON.stringify({ channel: '/default/tls', events: ['"hi"'] }),
    });
    expect(res.status).toBe(200);
    expect(await secure.nextOf('data')).toEqual({ id: 's', type: 'data', event: '"hi"' });
    expect(await plain.nextOf('data')).toEqual({ id: 's', type: 'data', event: '"hi"' });
    secure.close();
    plain.close();
  });

  it('serves only TLS with tls "on"', async () => {
    const emu = await emulator({ tls: 'on' });
    expect(emu.plainRealtimeUrl).toBeUndefined();
    const c = await connect(emu, { url: emu.realtimeUrl });
    expect(c.frames[0]?.type).toBe('connection_ack');
    const err = await handshakeError(emu.realtimeUrl.replace('wss:', 'ws:'), [PROTOCOL]);
    expect(err).toBeInstanceOf(Error);
    c.close();
  });

  it('logs connection open and close', async () => {
    const emu = await emulator();
    const c = await connect(emu);
    const id = emu.connections[0]!;
    const closed = nextLog(emu, (e) => e.kind === 'connection' && e.event === 'close');
    c.ws.close(1000, 'bye');
    expect(await closed).toMatchObject({ connId: id, code: 1000, reason: 'bye' });
    expect(emu.connections).toEqual([]);
  });
});
