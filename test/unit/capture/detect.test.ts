// The hook's own detection rules give endpoints.ts's answers, and a page that replaced the
// string and array built-ins neither sees the checks nor changes their answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppSyncSocket, isPublishRequest } from '../../../src/capture/detect.ts';
import { isAppSyncEventsSocket, isHttpPublish } from '../../../src/protocol/endpoints.ts';

const part = fc.constantFrom('', '/', '//', 'event', '/event', '/event/', '/event/realtime', '/event/realtime/', '/v1', '?', '?x=/event', '#/event', ':', '://', 'ws', 'https', 'h.test', 'a:b', '/Event', '%2F');
const url = fc.array(part, { maxLength: 8 }).map((ps) => ps.join(''));
const method = fc.constantFrom('POST', 'post', 'Post', 'GET', 'PUT', '', 'POSTS', 'ﬆ');
const protocols = fc.array(fc.constantFrom('aws-appsync-event-ws', 'graphql-ws', 'header-eyJ9', '', 'AWS-APPSYNC-EVENT-WS'), { maxLength: 3 });

describe('hook-side detection', () => {
  it('answers as endpoints.ts does', () => {
    fc.assert(
      fc.property(url, method, protocols, (u, m, p) => {
        expect(isAppSyncSocket(u, p)).toBe(isAppSyncEventsSocket(u, p));
        expect(isPublishRequest(m, u)).toBe(isHttpPublish(m, u));
      }),
      { numRuns: 3000 },
    );
    for (const u of ['wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', 'https://h.appsync-api.us-east-1.amazonaws.com/event', 'http://127.0.0.1:9/event?x=1#y', '/event/', 'ws://h/x']) {
      expect(isAppSyncSocket(u, [])).toBe(isAppSyncEventsSocket(u, []));
      expect(isPublishRequest('POST', u)).toBe(isHttpPublish('POST', u));
    }
  });

  it('ignores string and array built-ins a page replaced', () => {
    const S = String.prototype as unknown as Record<string, unknown>;
    const A = Array.prototype as unknown as Record<string, unknown>;
    const names = { S: ['endsWith', 'indexOf', 'includes', 'slice', 'toUpperCase', 'charCodeAt', 'startsWith'], A: ['includes', 'indexOf', 'some'] };
    const saved = { S: names.S.map((k) => S[k]), A: names.A.map((k) => A[k]) };
    const calls: string[] = [];
    let answers: boolean[] = [];
    const spy = (what: string) =>
      function () {
        calls.push(what);
        return false;
      };
    try {
      for (const k of names.S) S[k] = spy(`String.${k}`);
      for (const k of names.A) A[k] = spy(`Array.${k}`);
      answers = [isAppSyncSocket('wss://h/event/realtime', []), isAppSyncSocket('wss://h/other', ['aws-appsync-event-ws']), isPublishRequest('post', 'https://h/event'), isPublishRequest('GET', 'https://h/event')];
    } finally {
      names.S.forEach((k, i) => (S[k] = saved.S[i]));
      names.A.forEach((k, i) => (A[k] = saved.A[i]));
    }
    expect(calls).toEqual([]);
    expect(answers).toEqual([true, true, true, false]);
  });
});
