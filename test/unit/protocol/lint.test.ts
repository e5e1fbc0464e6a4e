import { describe, expect, it } from 'vitest';
import { encodeAuthSubprotocol } from '../../../src/protocol/auth.ts';
import { decodeFrame, decodeHttpPublish, type DecodedFrame } from '../../../src/protocol/decode.ts';
import { createLintContext, lintFrame, lintHttpPublish, type LintContext } from '../../../src/protocol/lint.ts';
import { MAX_EVENT_BYTES } from '../../../src/protocol/limits.ts';
import { SUB_ID, frames, http } from './reference-frames.ts';

const AUTH = { 'x-api-key': 'da2-12345678901234567890123456' };
const send = (o: unknown) => decodeFrame(typeof o === 'string' ? o : JSON.stringify(o), { direction: 'send' });
const recv = (o: unknown) => decodeFrame(typeof o === 'string' ? o : JSON.stringify(o), { direction: 'receive' });
const codes = (d: DecodedFrame, ctx: LintContext = createLintContext()) => lintFrame(d, ctx).map((f) => f.code);

describe('lintFrame: the reference conversation is clean', () => {
  it('Amplify sequence from 9.5 has no findings', () => {
    const ctx = createLintContext({ protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: 'h', 'x-api-key': 'da2-test' })] });
    expect(ctx.connectionAuth).toBe('present');
    const seq = [
      send(frames.connectionInitCompact),
      recv(frames.connectionAck),
      send(frames.amplifySubscribe),
      recv(`{"id":"${SUB_ID}","type":"subscribe_success"}`),
      send(frames.amplifyPublish),
      recv(frames.amplifyPublishSuccess),
      recv(frames.amplifyData),
      recv(frames.ka),
      send(frames.amplifyUnsubscribe),
      recv(`{"type":"unsubscribe_success","id":"${SUB_ID}"}`),
    ];
    for (const d of seq) expect(lintFrame(d, ctx), d.raw).toEqual([]);
    expect(ctx.subscriptions.size).toBe(0);
  });

  it('documented frames lint clean', () => {
    for (const f of [frames.subscribeDoc, frames.publishDoc]) expect(codes(send(f))).toEqual([]);
    for (const f of [frames.connectionError, frames.error, frames.publishSuccess]) expect(codes(recv(f))).toEqual([]);
  });
});

describe('lintFrame: publish rules', () => {
  const pub = (extra: Record<string, unknown>) => send({ type: 'publish', id: 'p1', channel: '/default/x', events: ['1'], authorization: AUTH, ...extra });

  it('more than 5 events', () => {
    expect(codes(pub({ events: ['1', '2', '3', '4', '5'] }))).toEqual([]);
    expect(codes(pub({ events: ['1', '2', '3', '4', '5', '6'] }))).toEqual(['too-many-events']);
    expect(codes(pub({ events: [] }))).toEqual(['no-events']);
  });

  it('event over 240 KB (UTF-8 bytes)', () => {
    const ok = JSON.stringify('a'.repeat(MAX_EVENT_BYTES - 2));
    const big = JSON.stringify('a'.repeat(MAX_EVENT_BYTES - 1));
    expect(codes(pub({ events: [ok] }))).toEqual([]);
    const findings = lintFrame(pub({ events: ['1', big] }), createLintContext());
    expect(findings).toEqual([expect.objectContaining({ code: 'event-too-large', severity: 'error', index: 1 })]);
    const multi = JSON.stringify('é'.repeat(MAX_EVENT_BYTES / 2));
    expect(codes(pub({ events: [multi] }))).toEqual(['event-too-large']);
  });

  it('events that are not valid JSON strings', () => {
    const f = lintFrame(pub({ events: ['{"a":1}', '{bad', 'undefined', { a: 1 }] }), createLintContext());
    expect(f.map((x) => [x.code, x.index])).toEqual([
      ['event-invalid-json', 1],
      ['event-invalid-json', 2],
      ['event-not-string', 3],
    ]);
  });

  it('invalid channel and wildcard publish', () => {
    expect(codes(pub({ channel: '/default/bad_name' }))).toEqual(['invalid-channel']);
    expect(codes(pub({ channel: '/default/*' }))).toEqual(['publish-wildcard']);
    expect(codes(pub({ channel: '//default' }))).toEqual(['invalid-channel']);
    expect(codes(pub({ channel: 'default/x/' }))).toEqual([]);
  });

  it('id pattern', () => {
    expect(codes(pub({ id: 'has space' }))).toEqual(['invalid-id']);
    expect(codes(pub({ id: 'x'.repeat(129) }))).toEqual(['invalid-id']);
    expect(codes(pub({ id: 'a-b_c+D9' }))).toEqual([]);
    expect(codes(pub({ id: '' }))).toEqual(['invalid-id']);
  });

  it('missing id / events surface as decoder problems', () => {
    expect(codes(send({ type: 'publish', channel: '/a', events: ['1'], authorization: AUTH }))).toEqual(['missing-id']);
    expect(codes(send({ type: 'publish', id: 'p', channel: '/a', authorization: AUTH }))).toEqual(['missing-events']);
  });
});

describe('lintFrame: authorization', () => {
  const sub = { type: 'subscribe', id: 's1', channel: '/default/*' };

  it('error only when the connection had no credentials either', () => {
    const absent = createLintContext({ protocols: ['aws-appsync-event-ws'] });
    expect(absent.connectionAuth).toBe('absent');
    expect(codes(send(sub), absent)).toEqual(['missing-authorization']);
    const present = createLintContext({ protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: 'h', Authorization: 'tok' })] });
    expect(lintFrame(send(sub), present)).toEqual([expect.objectContaining({ code: 'no-operation-authorization', severity: 'info' })]);
    expect(codes(send(sub), createLintContext())).toEqual([]);
  });

  it('host alone is not a credential; upgrade headers count', () => {
    const absent = createLintContext({ protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: 'h' })] });
    expect(absent.connectionAuth).toBe('absent');
    expect(codes(send({ ...sub, authorization: { host: 'h' } }), absent)).toEqual(['missing-authorization']);
    expect(createLintContext({ upgradeHeaders: { 'x-api-key': 'k' } }).connectionAuth).toBe('present');
  });
});

describe('lintFrame: subscription state', () => {
  const subscribe = (id: string) => send({ type: 'subscribe', id, channel: '/default/a', authorization: AUTH });

  it('duplicate subscription id', () => {
    const ctx = createLintContext();
    expect(codes(subscribe('s1'), ctx)).toEqual([]);
    expect(lintFrame(subscribe('s1'), ctx)).toEqual([expect.objectContaining({ code: 'duplicate-subscription-id', severity: 'error' })]);
  });

  it('an id may be reused after subscribe_error or unsubscribe_success', () => {
    const ctx = createLintContext();
    lintFrame(subscribe('s1'), ctx);
    lintFrame(recv({ type: 'subscribe_error', id: 's1', errors: [{ errorType: 'UnauthorizedException' }] }), ctx);
    expect(codes(subscribe('s1'), ctx)).toEqual([]);
    lintFrame(recv({ type: 'subscribe_success', id: 's1' }), ctx);
    lintFrame(send({ type: 'unsubscribe', id: 's1' }), ctx);
    expect(lintFrame(subscribe('s1'), ctx)).toEqual([expect.objectContaining({ code: 'duplicate-subscription-id', severity: 'warning' })]);
    lintFrame(recv({ type: 'unsubscribe_success', id: 's1' }), ctx);
    expect(codes(subscribe('s1'), ctx)).toEqual([]);
  });

  it('unsubscribe before subscribe_success, and of an unknown id', () => {
    const ctx = createLintContext();
    lintFrame(subscribe('s1'), ctx);
    expect(codes(send({ type: 'unsubscribe', id: 's1' }), ctx)).toEqual(['unsubscribe-before-ack']);
    expect(codes(send({ type: 'unsubscribe', id: 'nope' }), ctx)).toEqual(['unsubscribe-unknown-id']);
  });

  it('more than 200 subscriptions', () => {
    const ctx = createLintContext();
    for (let i = 0; i < 200; i++) expect(codes(subscribe(`s${i}`), ctx)).toEqual([]);
    expect(codes(subscribe('s200'), ctx)).toEqual(['too-many-subscriptions']);
  });

  it('data for an unknown subscription is noted', () => {
    expect(codes(recv(frames.amplifyData))).toEqual(['data-unknown-subscription']);
  });
});

describe('lintFrame: server frames and oddities', () => {
  it('reports failed publish entries that Amplify would swallow', () => {
    const f = lintFrame(recv(frames.publishSuccessLiveFailed), createLintContext());
    expect(f).toEqual([expect.objectContaining({ code: 'publish-failed-event', index: 0, message: expect.stringContaining('EventTooLargeException') })]);
  });

  it('flags the docs-style array event and a missing ack timeout', () => {
    expect(codes(recv(frames.dataDocsArray))).toContain('event-not-string');
    expect(codes(recv('{"type":"connection_ack"}'))).toEqual(['ack-missing-timeout']);
  });

  it('pseudo-types, unknown types and direction', () => {
    expect(codes(recv('nope'))).toEqual(['invalid-json']);
    expect(codes(recv('[]'))).toEqual(['not-object']);
    expect(codes(recv('{}'))).toEqual(['missing-type']);
    expect(codes(decodeFrame(new Uint8Array([1, 2, 3])))).toEqual(['binary-frame']);
    expect(codes(decodeFrame('x'.repeat(100), { maxBytes: 10 }))).toEqual(['oversized']);
    expect(codes(recv('{"type":"start_ack"}'))).toEqual(['graphql-message']);
    expect(codes(recv('{"type":"shiny_new_type"}'))).toEqual(['unknown-type']);
    expect(codes(send(frames.ka))).toEqual(['wrong-direction']);
    const ctx = createLintContext();
    expect(codes(send(frames.connectionInitCompact), ctx)).toEqual([]);
    expect(codes(send(frames.connectionInitCompact), ctx)).toEqual(['duplicate-connection-init']);
  });

  it('never throws on garbage', () => {
    expect(lintFrame(null as unknown as DecodedFrame, createLintContext())).toEqual([]);
    expect(lintFrame({ type: 'publish', known: true } as DecodedFrame, createLintContext())).toBeInstanceOf(Array);
  });
});

describe('lintHttpPublish', () => {
  it('reference bodies are clean', () => {
    expect(lintHttpPublish(decodeHttpPublish(http.publishDocBody), { 'x-api-key': 'da2-your-api-key' })).toEqual([]);
    expect(lintHttpPublish(decodeHttpPublish(http.publishAmplifyBody))).toEqual([]);
  });

  it('applies the publish rules and the header check', () => {
    const body = JSON.stringify({ channel: '/default/*', events: ['1', '2', '3', '4', '5', '{x', { a: 1 }] });
    const f = lintHttpPublish(decodeHttpPublish(body), { host: 'h' }).map((x) => x.code);
    expect(f).toEqual(['publish-wildcard', 'too-many-events', 'event-invalid-json', 'event-not-string', 'missing-authorization']);
    expect(lintHttpPublish(decodeHttpPublish('nope')).map((x) => x.code)).toEqual(['invalid-json']);
    expect(lintHttpPublish(null as never)).toEqual([]);
  });
});
