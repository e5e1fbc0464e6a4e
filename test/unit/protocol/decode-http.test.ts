import { describe, expect, it } from 'vitest';
import { decodeHttpPublish, decodeHttpPublishResponse } from '../../../src/protocol/decode.ts';
import { http } from './reference-frames.ts';

describe('decodeHttpPublish', () => {
  it('decodes the docs body (no leading slash) and Amplify body', () => {
    const d = decodeHttpPublish(http.publishDocBody);
    expect(d).toMatchObject({ ok: true, channel: '/default/channel' });
    expect(d.events?.map((e) => e.value)).toEqual([{ event_1: 'data_1' }, { event_2: 'data_2' }]);
    expect(d.request).toEqual(JSON.parse(http.publishDocBody));
    const a = decodeHttpPublish(http.publishAmplifyBody);
    expect(a.events?.map((e) => e.value)).toEqual([{ a: 1 }, 'two']);
  });

  it('reports problems', () => {
    expect(decodeHttpPublish('nope').problem?.code).toBe('invalid-json');
    expect(decodeHttpPublish('[]').problem?.code).toBe('not-object');
    expect(decodeHttpPublish('{"events":[]}').problem?.code).toBe('missing-channel');
    expect(decodeHttpPublish('{"channel":"a"}').problem?.code).toBe('missing-events');
    const mixed = decodeHttpPublish('{"channel":"a","events":["1",{"x":1}]}');
    expect(mixed).toMatchObject({ ok: false, channel: '/a', problem: { code: 'event-not-string' } });
    expect(mixed.events).toHaveLength(2);
    expect(mixed.request).toBeUndefined();
    expect(decodeHttpPublish('{"channel":"a","events":[]}', { maxBytes: 5 }).problem?.code).toBe('oversized');
    expect(decodeHttpPublish(undefined as unknown as string).ok).toBe(false);
  });
});

describe('decodeHttpPublishResponse', () => {
  it('success', () => {
    const d = decodeHttpPublishResponse(200, http.successBody);
    expect(d).toMatchObject({ status: 200, ok: true, failed: [], successful: [{ identifier: '53287bee-ae0d-42e7-8a90-e9d2a49e4bd7', index: 0 }] });
    expect(d.response).toEqual(JSON.parse(http.successBody));
    expect(d.problem).toBeUndefined();
  });

  it('LIVE partial failure comes back as 200 with failed entries', () => {
    const d = decodeHttpPublishResponse(200, http.liveFailedBody);
    expect(d.ok).toBe(false);
    expect(d.problem).toBeUndefined();
    expect(d.failed).toEqual([{ code: 'EventTooLargeException', identifier: '9d2b0a1b-1111-2222-3333-444455556666', index: 0, message: 'Transformed event is larger than 240KB' }]);
  });

  it('request-level errors', () => {
    const d = decodeHttpPublishResponse(401, http.errorsBody);
    expect(d).toMatchObject({ status: 401, ok: false, errors: [{ errorType: 'UnauthorizedException' }] });
    expect(d.response).toEqual(JSON.parse(http.errorsBody));
  });

  it('non-JSON and odd bodies', () => {
    expect(decodeHttpPublishResponse(403, '<html>Forbidden</html>')).toMatchObject({ ok: false, problem: { code: 'invalid-json' } });
    expect(decodeHttpPublishResponse(502, '').problem?.message).toBe('empty body');
    expect(decodeHttpPublishResponse(200, '{}').problem?.code).toBe('missing-results');
    expect(decodeHttpPublishResponse(500, http.successBody).problem?.code).toBe('http-status');
    expect(decodeHttpPublishResponse(NaN, 5 as unknown as string).ok).toBe(false);
  });
});
