import { describe, expect, it } from 'vitest';
import { classifyFrame, decodeFrame } from '../../../src/protocol/decode.ts';
import { PUB_ID, SUB_ID, frames } from './reference-frames.ts';

describe('decodeFrame on the reference frames', () => {
  it('decodes every documented frame as a known type with a typed message', () => {
    for (const [name, text] of Object.entries(frames)) {
      if (name === 'dataDocsArray') continue;
      const d = decodeFrame(text);
      expect(d.known, name).toBe(true);
      expect(d.problem, name).toBeUndefined();
      expect(d.message, name).toEqual(JSON.parse(text));
      expect(d.raw, name).toBe(text);
    }
  });

  it('connection_ack keeps the top-level timeout', () => {
    const d = decodeFrame(frames.connectionAck);
    expect(d.type).toBe('connection_ack');
    expect(d.message).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300000 });
    expect(d.id).toBeUndefined();
  });

  it('connection_error normalises errors including errorCode', () => {
    const d = decodeFrame(frames.connectionError, { direction: 'receive' });
    expect(d.direction).toBe('receive');
    expect(d.errors).toEqual([{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }]);
  });

  it('subscribe: id, normalised channel, authorization preserved', () => {
    const d = decodeFrame(frames.subscribeDoc, { direction: 'send' });
    expect(d).toMatchObject({ type: 'subscribe', known: true, id: 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69', channel: '/namespaceA/subB/subC' });
    expect(d.message?.['authorization']).toEqual({ 'x-api-key': 'da2-12345678901234567890123456', host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com' });
  });

  it("Amplify's subscribe keeps its extra payload and normalises the channel", () => {
    const d = decodeFrame(frames.amplifySubscribe);
    expect(d).toMatchObject({ type: 'subscribe', id: SUB_ID, channel: '/default/test' });
    expect((d.message?.['payload'] as { channel: string }).channel).toBe('default/test');
    expect(Object.keys(d.message ?? {})).toEqual(['id', 'channel', 'authorization', 'payload', 'type']);
  });

  it('publish decodes each event a second time', () => {
    const d = decodeFrame(frames.amplifyPublish);
    expect(d).toMatchObject({ type: 'publish', id: PUB_ID, channel: '/default/test' });
    expect(d.events).toEqual([{ raw: '{"hello":"ws"}', ok: true, value: { hello: 'ws' } }]);
    const doc = decodeFrame(frames.publishDoc);
    expect(doc.events?.[0]?.value).toEqual({ msg: 'Hello World!' });
  });

  it('publish with bad events reports each one', () => {
    const d = decodeFrame(JSON.stringify({ type: 'publish', id: 'p1', channel: 'a/b', events: ['{"ok":1}', '{bad', '"text"', '42', 'null', { obj: 1 }] }));
    expect(d.events?.map((e) => e.ok)).toEqual([true, false, true, true, true, false]);
    expect(d.events?.[1]?.error).toBeTruthy();
    expect(d.events?.[5]).toMatchObject({ raw: '{"obj":1}', ok: false, error: 'event is an object, not a JSON string' });
    expect(d.problem?.code).toBe('event-not-string');
    expect(d.message).toBeUndefined();
    expect(d.known).toBe(true);
  });

  it('data decodes the event string', () => {
    const d = decodeFrame(frames.amplifyData);
    expect(d).toMatchObject({ type: 'data', id: SUB_ID, event: { raw: '{"hello":"ws"}', ok: true, value: { hello: 'ws' } } });
    expect(d.channel).toBeUndefined();
  });

  it("flags the docs' array-shaped data.event", () => {
    const d = decodeFrame(frames.dataDocsArray);
    expect(d.type).toBe('data');
    expect(d.problem?.code).toBe('event-not-string');
    expect(d.event).toMatchObject({ ok: false, raw: '["\\"my event content\\""]' });
    expect(d.message).toBeUndefined();
  });

  it('publish_success normalises LIVE, Android and Swift failed entries', () => {
    expect(decodeFrame(frames.publishSuccess)).toMatchObject({
      successful: [{ identifier: '221b6b3f-1111-2222-3333-444455556666', index: 0 }],
      failed: [],
    });
    expect(decodeFrame(frames.publishSuccessLiveFailed).failed).toEqual([
      { code: 'EventTooLargeException', identifier: '9d2b0a1b-1111-2222-3333-444455556666', index: 0, message: 'Transformed event is larger than 240KB' },
    ]);
    expect(decodeFrame(frames.publishSuccessAndroidFailed).failed).toEqual([{ code: '400', message: 'bad', identifier: 'x', index: 1 }]);
    expect(decodeFrame(frames.publishSuccessSwiftFailed).failed).toEqual([{ code: '400', message: 'bad', identifier: 'x', index: 2 }]);
    // The emulator (and the service's HTTP answers) also name the error class.
    const typed = JSON.stringify({ type: 'publish_success', id: 'p', successful: [], failed: [{ identifier: 'i', index: 0, code: 413, errorType: 'PayloadTooLargeException', message: 'too big' }] });
    expect(decodeFrame(typed).failed).toEqual([{ identifier: 'i', index: 0, code: '413', errorType: 'PayloadTooLargeException', message: 'too big' }]);
    const missing = decodeFrame(`{"id":"${PUB_ID}","type":"publish_success","successful":[]}`);
    expect(missing.problem?.code).toBe('missing-results');
  });

  it('error frames with and without id', () => {
    const noId = decodeFrame(frames.error);
    expect(noId).toMatchObject({ type: 'error', known: true });
    expect(noId.id).toBeUndefined();
    expect(noId.problem).toBeUndefined();
    expect(noId.errors?.[0]?.errorType).toBe('UnsupportedOperation');
    expect(decodeFrame('{"type":"error","id":"x1","errors":[]}').id).toBe('x1');
    for (const f of [frames.subscribeError, frames.broadcastError, frames.unsubscribeError, frames.publishError]) {
      expect(decodeFrame(f).errors).toHaveLength(1);
    }
  });

  it('tolerates malformed errors', () => {
    const d = decodeFrame('{"type":"publish_error","id":"p","errors":[{"message":"no type"},"str",{"errorType":"X","errorCode":"403"}]}');
    expect(d.errors).toEqual([{ errorType: 'Unknown', message: 'no type' }, { errorType: 'Unknown', message: '"str"' }, { errorType: 'X', errorCode: 403 }]);
    expect(d.problem?.code).toBe('bad-errors');
  });
});

describe('decodeFrame pseudo-types and problems', () => {
  it.each([
    ['not json', '(invalid-json)'],
    ['', '(invalid-json)'],
    ['{"type":"ka"', '(invalid-json)'],
    ['[1,2]', '(not-object)'],
    ['null', '(not-object)'],
    ['"ka"', '(not-object)'],
    ['42', '(not-object)'],
    ['{}', '(unknown)'],
    ['{"type":5}', '(unknown)'],
  ])('%j → %s', (text, type) => {
    const d = decodeFrame(text);
    expect(d.type).toBe(type);
    expect(d.known).toBe(false);
    expect(d.problem).toBeDefined();
    expect(d.raw).toBe(text);
  });

  it('keeps an unknown string type as the type', () => {
    const d = decodeFrame('{"type":"start_ack","id":"1"}');
    expect(d).toMatchObject({ type: 'start_ack', known: false, id: '1', problem: { code: 'unknown-type' } });
  });

  it('reports missing ids and channels', () => {
    expect(decodeFrame('{"type":"subscribe","channel":"/a"}').problem?.code).toBe('missing-id');
    expect(decodeFrame('{"type":"subscribe","id":"a"}').problem?.code).toBe('missing-channel');
    expect(decodeFrame('{"type":"subscribe","id":7,"channel":"/a"}').problem?.code).toBe('id-not-string');
    expect(decodeFrame('{"type":"publish","id":"a","channel":"/a"}').problem?.code).toBe('missing-events');
    expect(decodeFrame('{"type":"subscribe","id":"a","channel":"/a","authorization":"k"}').problem?.code).toBe('authorization-not-object');
  });

  it('refuses to parse oversized frames', () => {
    const text = '{"type":"data","id":"x","event":"' + 'a'.repeat(2000) + '"}';
    const d = decodeFrame(text, { maxBytes: 1000 });
    expect(d).toMatchObject({ type: '(oversized)', known: false, problem: { code: 'oversized' } });
    expect(d.raw).toBe(text);
    // Multi-byte characters count as bytes, not UTF-16 units.
    expect(decodeFrame('{"type":"ka","x":"' + 'é'.repeat(400) + '"}', { maxBytes: 600 }).type).toBe('(oversized)');
    expect(decodeFrame('{"type":"ka","x":"' + 'e'.repeat(400) + '"}', { maxBytes: 600 }).type).toBe('ka');
  });

  it('binary frames: descriptions, buffers and views', () => {
    expect(decodeFrame({ binary: true, size: 12, preview: 'AAEC' })).toMatchObject({ type: '(binary)', size: 12, problem: { code: 'binary-frame' } });
    expect(decodeFrame(new Uint8Array([0, 1, 2, 255]).buffer)).toMatchObject({ type: '(binary)', size: 4 });
    const json = new TextEncoder().encode(frames.ka);
    const view = decodeFrame(new DataView(json.buffer));
    expect(view).toMatchObject({ type: 'ka', known: true, size: json.byteLength, problem: { code: 'binary-frame' } });
    const sub = new Uint8Array(json.byteLength + 4);
    sub.set(json, 2);
    expect(decodeFrame(sub.subarray(2, 2 + json.byteLength)).type).toBe('ka');
  });

  it('unsupported inputs', () => {
    for (const x of [null, undefined, 5, {}, [], () => 1, Symbol('s')]) {
      const d = decodeFrame(x as unknown as string);
      expect(d.type).toBe('(unknown)');
      expect(d.problem?.code).toBe('unsupported-input');
    }
  });

  it('survives throwing getters in the input and options', () => {
    const hostile = { binary: true, get size(): number { throw new Error('boom'); } };
    expect(decodeFrame(hostile as never).type).toBe('(binary)');
    const opts = { get maxBytes(): number { throw new Error('boom'); } };
    expect(decodeFrame(frames.ka, opts as never).type).toBe('ka');
  });
});

describe('prototype safety', () => {
  it('keeps __proto__, constructor and prototype keys inert', () => {
    const text = '{"type":"subscribe","id":"a","channel":"/a","__proto__":{"polluted":true,"type":"x"},"constructor":{"prototype":{"polluted":true}},"authorization":{"__proto__":{"polluted":true}}}';
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const d = decodeFrame(text);
    expect(d.type).toBe('subscribe');
    const m = d.message as Record<string, unknown>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(m, '__proto__')).toBe(true);
    expect((m as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe('classifyFrame', () => {
  it('picks type, id and normalised channel', () => {
    expect(classifyFrame(frames.amplifySubscribe)).toEqual({ type: 'subscribe', id: SUB_ID, channel: '/default/test' });
    expect(classifyFrame(frames.ka)).toEqual({ type: 'ka' });
    expect(classifyFrame(frames.amplifyData)).toEqual({ type: 'data', id: SUB_ID });
  });

  it('is total', () => {
    for (const x of ['', 'nope', '[]', 'null', '{"type":1}', undefined, 5, {}]) {
      expect(() => classifyFrame(x as string)).not.toThrow();
    }
    expect(classifyFrame('{"type":1}')).toEqual({});
  });

  it('sniffs truncated text, ignoring keys inside event strings', () => {
    const cut = frames.amplifyPublish.slice(0, 120);
    expect(classifyFrame(cut)).toMatchObject({ id: PUB_ID, channel: '/default/test' });
    expect(classifyFrame('{"id":"d1","event":"{\\"type\\":\\"evil\\"}","type":"da')).toEqual({ id: 'd1' });
  });

  it('reads Amplify\'s trailing type in a huge frame from the tail', () => {
    const big = JSON.stringify({ id: 'p1', channel: 'a/b', events: ['"' + 'x'.repeat(200_000) + '"'], type: 'publish' });
    expect(classifyFrame(big)).toEqual({ type: 'publish', id: 'p1', channel: '/a/b' });
  });

  it('is fast enough for the recorder', () => {
    const sample = [frames.amplifyData, frames.ka, frames.amplifyPublishSuccess, frames.amplifySubscribe];
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) classifyFrame(sample[i & 3] as string);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
