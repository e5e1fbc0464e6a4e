// Malformed server messages and hostile inputs the decoder and lint used to let through.
import { describe, expect, it } from 'vitest';
import { normalizeChannel, parseChannel } from '../../../src/protocol/channel.ts';
import { classifyFrame, decodeFrame, decodeHttpPublish, decodeHttpPublishResponse } from '../../../src/protocol/decode.ts';
import { MAX_EVENT_BYTES } from '../../../src/protocol/limits.ts';
import { createLintContext, lintFrame, lintFrameLocal, lintHttpPublish } from '../../../src/protocol/lint.ts';

const recv = (o: unknown) => decodeFrame(typeof o === 'string' ? o : JSON.stringify(o), { direction: 'receive' });
const codes = (o: unknown) => lintFrameLocal(recv(o)).map((f) => f.code);

describe('server ids', () => {
  it('flags an id no operation can have', () => {
    expect(codes({ type: 'subscribe_success', id: 'has space' })).toEqual(['server-invalid-id']);
    expect(codes({ type: 'data', id: 'x'.repeat(129), event: '1' })).toEqual(['server-invalid-id']);
    expect(codes({ type: 'publish_error', id: '', errors: [{ errorType: 'X' }] })).toEqual(['server-invalid-id']);
    expect(codes({ type: 'subscribe_success', id: 'a-b_c+9' })).toEqual([]);
  });
  it('still flags non-string and missing ids', () => {
    expect(codes({ type: 'subscribe_success', id: 5 })).toEqual(['id-not-string']);
    expect(codes({ type: 'subscribe_success' })).toEqual(['missing-id']);
  });
  it('notes an id on types that never carry one', () => {
    expect(codes({ type: 'ka', id: 'x' })).toEqual(['unexpected-id']);
    expect(codes({ type: 'connection_ack', id: 'x', connectionTimeoutMs: 300000 })).toEqual(['unexpected-id']);
  });
});

describe('connectionTimeoutMs', () => {
  it.each([0, -1, 1.5, 1e20, 24 * 3600 * 1000 + 1])('%s is out of range', (ms) => {
    const d = recv({ type: 'connection_ack', connectionTimeoutMs: ms });
    expect(d.problem?.code).toBe('timeout-out-of-range');
    expect(d.message).toBeUndefined();
    expect(lintFrameLocal(d).map((f) => [f.code, f.severity])).toEqual([['timeout-out-of-range', 'warning']]);
  });
  it.each([1, 300000, 24 * 3600 * 1000])('%s is accepted', (ms) => {
    expect(codes({ type: 'connection_ack', connectionTimeoutMs: ms })).toEqual([]);
  });
  it('a GraphQL-style payload.connectionTimeoutMs is named', () => {
    expect(codes({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } })).toEqual(['timeout-in-payload']);
    expect(codes({ type: 'connection_ack', connectionTimeoutMs: '300000' })).toEqual(['bad-timeout']);
  });
});

describe('publish_success lists', () => {
  const ps = (successful: unknown, failed: unknown) => ({ type: 'publish_success', id: 'p', successful, failed });
  it('names each malformed entry', () => {
    const f = lintFrameLocal(recv(ps([{ identifier: 'a', index: -1 }, { identifier: 7, index: 1 }, 'x'], [{ code: 'E', message: 'm' }])));
    const msgs = f.filter((x) => x.code === 'bad-results').map((x) => x.message);
    expect(msgs).toEqual([
      'publish_success: successful[0].index is -1; expected a position in "events"',
      'publish_success: successful[1].identifier is a number',
      'publish_success: successful[2] is a string, not an object',
      'publish_success: failed[0].index is missing; expected a position in "events"',
    ]);
  });
  it('flags non-integer indexes and an index answered twice', () => {
    expect(recv(ps([{ identifier: 'a', index: 0.5 }], [])).problem?.code).toBe('bad-results');
    const twice = lintFrameLocal(recv(ps([{ identifier: 'a', index: 0 }], [{ code: 'E', identifier: 'b', index: 0 }])));
    expect(twice.map((x) => x.code)).toEqual(['publish-failed-event', 'bad-results']);
    expect(twice[1]?.message).toMatch(/event 0 is answered twice/);
  });
  it('flags lists that are not lists', () => {
    const f = lintFrameLocal(recv(ps({}, [])));
    expect(f.map((x) => x.code)).toEqual(['missing-results', 'bad-results']);
  });
  it('keeps the documented and the Android/Swift shapes clean', () => {
    expect(codes(ps([{ identifier: 'a', index: 0 }], []))).toEqual([]);
    expect(codes(ps([], [{ errorCode: 400, errorMessage: 'bad', identifier: 'x', index: 2 }]))).toEqual(['publish-failed-event']);
  });
  it('HTTP responses apply the same list rules', () => {
    expect(decodeHttpPublishResponse(200, JSON.stringify({ successful: [{ identifier: 'a', index: -2 }], failed: [] })).problem?.code).toBe('missing-results');
  });
});

describe('AppSync GraphQL frames on an events socket', () => {
  it('GraphQL message types are named as such', () => {
    for (const type of ['start', 'start_ack', 'stop', 'complete', 'GQL_CONNECTION_ACK']) expect(codes({ type, id: 'x' })).toEqual(['graphql-message']);
  });
  it('errors under payload are read and flagged', () => {
    const d = recv({ type: 'error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'no' }] } });
    expect(d.errors).toEqual([{ errorType: 'UnauthorizedException', message: 'no' }]);
    expect(lintFrameLocal(d).map((f) => f.code)).toEqual(['graphql-error-frame']);
    expect(codes({ type: 'connection_error', payload: { errors: [{ errorType: 'X' }] } })).toEqual(['graphql-error-frame']);
  });
});

describe('data events over 240 KB', () => {
  it('is flagged on received data', () => {
    const at = (n: number) => codes({ type: 'data', id: 's', event: JSON.stringify('a'.repeat(n)) });
    expect(at(MAX_EVENT_BYTES - 2)).toEqual([]);
    expect(at(MAX_EVENT_BYTES - 1)).toEqual(['event-too-large']);
  });
});

describe('U+FEFF and other invisible leading characters in channels', () => {
  it('normalizeChannel keeps them as they are (no leading slash added)', () => {
    expect(normalizeChannel('\uFEFFdefault/a')).toBe('\uFEFFdefault/a');
    expect(normalizeChannel('\uFEFF/default/a')).toBe('\uFEFF/default/a');
    expect(normalizeChannel('\u200Bdefault')).toBe('\u200Bdefault');
    expect(normalizeChannel(' default/a')).toBe(' default/a');
    expect(normalizeChannel(normalizeChannel('\uFEFFdefault/a'))).toBe('\uFEFFdefault/a');
    expect(normalizeChannel('default/a/')).toBe('/default/a');
  });
  it('parseChannel rejects them and names the character', () => {
    const p = parseChannel('\uFEFFdefault/a');
    expect(p.ok).toBe(false);
    expect(!p.ok && p.reason).toMatch(/U\+FEFF \(invisible\)/);
    expect(parseChannel('/\uFEFFdefault').ok).toBe(false);
  });
  it('decoded frames and lint carry the channel unchanged', () => {
    const d = decodeFrame(JSON.stringify({ type: 'subscribe', id: 's', channel: '\uFEFFdefault/a', authorization: { 'x-api-key': 'k' } }), { direction: 'send' });
    expect(d.channel).toBe('\uFEFFdefault/a');
    expect(lintFrameLocal(d).map((f) => f.code)).toEqual(['invalid-channel']);
    expect(classifyFrame(JSON.stringify({ type: 'publish', channel: '\uFEFFx' })).channel).toBe('\uFEFFx');
  });
});

describe('deep nesting never overflows the stack', () => {
  const nest = (n: number) => '['.repeat(n) + '1' + ']'.repeat(n);
  it.each([10_000, 100_000])('%s nested arrays inside event, events and errors', (n) => {
    const deep = nest(n);
    const frames = [
      `{"type":"data","id":"s","event":${JSON.stringify(deep)}}`,
      `{"type":"data","id":"s","event":${deep}}`,
      `{"type":"publish","id":"p","channel":"/a/b","events":[${deep}]}`,
      `{"type":"publish","id":"p","channel":"/a/b","events":[${JSON.stringify(deep)}]}`,
      `{"type":"error","errors":${deep}}`,
      `{"type":"publish_success","id":"p","successful":${deep},"failed":[${deep}]}`,
      `{"type":"subscribe","id":"s","channel":"/a","authorization":${deep}}`,
    ];
    const ctx = createLintContext();
    for (const text of frames) {
      const d = decodeFrame(text, { direction: text.includes('"publish"') || text.includes('"subscribe"') ? 'send' : 'receive' });
      expect(d.type).not.toBe('(unknown)');
      expect(() => lintFrame(d, ctx)).not.toThrow();
      expect(classifyFrame(text).type).toBeDefined();
    }
    expect(decodeHttpPublish(`{"channel":"/a/b","events":[${deep}]}`).problem?.code).toBe('event-not-string');
    expect(lintHttpPublish(decodeHttpPublish(`{"channel":"/a/b","events":[${deep}]}`)).map((f) => f.code)).toContain('event-not-string');
  });
});
