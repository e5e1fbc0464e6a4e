import { describe, expect, it } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { encodeAuthSubprotocol } from '../../../src/protocol/index.ts';
import { authKeys, createPageCredentials } from '../../../src/recording/page-credentials.ts';

const sock = 'n1:1' as SocketId;
const create = (auth: Record<string, string>, socketId = sock, t = 1): CaptureRecord => ({
  kind: 'ws-create',
  socketId,
  seq: 0,
  t,
  url: 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
  protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol(auth)],
  frameUrl: 'https://app.example/',
  appsync: true,
});

describe('page credentials', () => {
  it('keeps the un-redacted connection auth of a socket, updated by later operation auth', () => {
    const pc = createPageCredentials();
    pc.observe(7, [create({ host: 'abc.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-real', extra: 'dropped' })]);
    expect(pc.list(7)).toEqual([expect.objectContaining({ kind: 'websocket', headers: { host: 'abc.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-real' }, open: true })]);
    const send: CaptureRecord = { kind: 'ws-send', socketId: sock, seq: 1, t: 2, size: 1, data: JSON.stringify({ type: 'subscribe', id: 'a', channel: '/d/*', authorization: { 'x-api-key': 'da2-newer' } }) };
    pc.observe(7, [send, { kind: 'ws-close', socketId: sock, seq: 2, t: 3, code: 1000, reason: '', wasClean: true }]);
    expect(pc.list(7)[0]).toMatchObject({ headers: { 'x-api-key': 'da2-newer' }, open: false });
    expect(pc.list(8)).toEqual([]);
  });

  it('keeps HTTP publish credentials per URL, lists open connections first and forgets a tab', () => {
    const pc = createPageCredentials();
    pc.observe(1, [create({ authorization: 'jwt' }, 'n:1' as SocketId, 5), { kind: 'ws-close', socketId: 'n:1' as SocketId, seq: 1, t: 6, code: 1000, reason: '', wasClean: true }]);
    pc.observe(1, [
      { kind: 'http', socketId: 'n:h' as SocketId, seq: 0, t: 1, url: 'https://h/event', method: 'POST', frameUrl: '', requestHeaders: { 'x-api-key': 'k', cookie: 'no' }, requestBody: '', status: 200, responseBody: '', startedAt: 1, duration: 1, via: 'fetch' },
    ]);
    expect(pc.list(1).map((c) => c.kind)).toEqual(['http', 'websocket']);
    expect(pc.list(1)[0]?.headers).toEqual({ 'x-api-key': 'k' });
    pc.forgetTab(1);
    expect(pc.list(1)).toEqual([]);
  });

  it('ignores sockets without credentials beyond the bound', () => {
    const pc = createPageCredentials(2);
    for (let i = 0; i < 4; i++) pc.observe(1, [create({ 'x-api-key': `k${i}` }, `n:${i}` as SocketId, i)]);
    expect(pc.list(1).map((c) => c.headers['x-api-key'])).toEqual(['k3', 'k2']);
    expect(authKeys({ host: 'h' })).toEqual({});
  });
});
