import { describe, expect, it } from 'vitest';
import {
  decodeAuthSubprotocol,
  detectAuthMode,
  encodeAuthSubprotocol,
  fingerprint,
  redactAuthHeaders,
  redactFrameText,
  redactSubprotocol,
} from '../../../src/protocol/auth.ts';

const API_KEY = 'da2-12345678901234567890123456';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY123456/20200401/us-east-1/appsync/aws4_request, SignedHeaders=accept;content-encoding;content-type;host;x-amz-date;x-amz-security-token, Signature=83ef0a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';

describe('fingerprint', () => {
  it('is stable and shows at most a prefix and suffix of long secrets', () => {
    const f = fingerprint(API_KEY);
    expect(f).toBe(fingerprint(API_KEY));
    expect(f).toMatch(/^da2-…3456 #[0-9a-f]{4}$/);
    expect(fingerprint(API_KEY + 'x')).not.toBe(f);
  });

  it('shows only the tag for short secrets', () => {
    expect(fingerprint('hunter2')).toMatch(/^… #[0-9a-f]{4}$/);
    expect(fingerprint('')).toMatch(/^… #[0-9a-f]{4}$/);
  });

  it('never reveals more than 8 characters of the secret', () => {
    const secret = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const f = fingerprint(secret);
    const shown = f.replace(/ #[0-9a-f]{4}$/, '').replace('…', '');
    expect(shown.length).toBeLessThanOrEqual(8);
  });

  it('is not split inside a surrogate pair', () => {
    const f = fingerprint('🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉');
    expect(f.startsWith('🎉🎉🎉🎉…')).toBe(true);
  });
});

describe('redactAuthHeaders', () => {
  it('redacts the IAM header object, keeping readable fields and key spelling', () => {
    const h = {
      accept: 'application/json, text/javascript',
      'content-encoding': 'amz-1.0',
      'content-type': 'application/json; charset=UTF-8',
      host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com',
      'x-amz-date': '20200401T001010Z',
      'X-Amz-Security-Token': 'AgEXAMPLEsessiontokenthatislong',
      Authorization: SIGV4,
    };
    const r = redactAuthHeaders(h);
    expect(Object.keys(r)).toEqual(Object.keys(h));
    expect(r['host']).toBe(h.host);
    expect(r['x-amz-date']).toBe(h['x-amz-date']);
    expect(r['content-type']).toBe(h['content-type']);
    expect(r['X-Amz-Security-Token']).toBe(fingerprint(h['X-Amz-Security-Token']));
    expect(r['Authorization']).toBe(
      `AWS4-HMAC-SHA256 Credential=${fingerprint('ASIAEXAMPLEKEY123456')}/20200401/us-east-1/appsync/aws4_request, SignedHeaders=accept;content-encoding;content-type;host;x-amz-date;x-amz-security-token, Signature=${fingerprint('83ef0a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f')}`,
    );
    expect(detectAuthMode(r)).toBe('AWS_IAM');
    expect(JSON.stringify(r)).not.toContain('83ef0a9b1c2d');
    expect(h.Authorization).toBe(SIGV4); // input untouched
  });

  it('redacts API keys, bearer tokens and other secret-looking keys', () => {
    const r = redactAuthHeaders({
      'x-api-key': API_KEY,
      authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig-sig-sig',
      cookie: 'session=abc',
      'x-my-secret': 'x',
      password: 'p',
      'x-amz-user-agent': 'aws-amplify/6.22.1 framework/100',
      host: 'h',
    });
    expect(r['x-api-key']).toBe(fingerprint(API_KEY));
    expect(r['authorization']).toMatch(/^Bearer eyJh…-sig #[0-9a-f]{4}$/);
    expect(r['cookie']).toMatch(/^… #/);
    expect(r['x-my-secret']).toMatch(/^… #/);
    expect(r['password']).toMatch(/^… #/);
    expect(r['x-amz-user-agent']).toBe('aws-amplify/6.22.1 framework/100');
    expect(r['host']).toBe('h');
    expect(detectAuthMode(r)).toBe('API_KEY');
  });

  it('keeps a __proto__ key as an inert own property', () => {
    const h = JSON.parse('{"__proto__":{"x":1},"x-api-key":"k"}') as Record<string, unknown>;
    const r = redactAuthHeaders(h);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.keys(r)).toContain('__proto__');
    expect((r as { x?: unknown }).x).toBeUndefined();
  });
});

describe('redactFrameText', () => {
  const subscribe = JSON.stringify({
    type: 'subscribe',
    id: 'ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69',
    channel: '/namespaceA/subB/subC',
    authorization: { 'x-api-key': API_KEY, host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com' },
  });

  it('redacts the authorization object of a subscribe frame', () => {
    const out = redactFrameText(subscribe);
    expect(out).not.toContain(API_KEY);
    const parsed = JSON.parse(out);
    expect(parsed.authorization['x-api-key']).toBe(fingerprint(API_KEY));
    expect(parsed.authorization.host).toBe('example1234567890000.appsync-api.us-east-1.amazonaws.com');
    expect(parsed.channel).toBe('/namespaceA/subB/subC');
  });

  it("redacts Amplify's copy under payload.extensions too", () => {
    const auth = { host: '127.0.0.1:4000', 'x-amz-date': '20261127T170949Z', 'x-api-key': 'da2-test', 'x-amz-user-agent': 'aws-amplify/6.22.1 framework/100' };
    const frame = JSON.stringify({
      id: '2a01fbdf-1',
      channel: 'default/test',
      events: ['{"hello":"ws"}'],
      authorization: auth,
      payload: { events: ['{"hello":"ws"}'], channel: 'default/test', extensions: { authorization: auth } },
      type: 'publish',
    });
    const out = redactFrameText(frame);
    expect(out).not.toContain('da2-test');
    expect(JSON.parse(out).events).toEqual(['{"hello":"ws"}']);
  });

  it('leaves frames without authorization byte-for-byte unchanged', () => {
    for (const t of ['{"type":"ka"}', ' { "type" : "connection_ack", "connectionTimeoutMs":300000 } ', 'not json', '']) {
      expect(redactFrameText(t)).toBe(t);
    }
    const big = '{"type":"data","id":"x","event":"' + 'a'.repeat(1_000_000) + '"}';
    expect(redactFrameText(big)).toBe(big);
  });

  it('redacts truncated, unparseable text on a best-effort basis', () => {
    const truncated = subscribe.slice(0, subscribe.indexOf(API_KEY) + 10);
    const out = redactFrameText(truncated);
    expect(out).not.toContain(API_KEY.slice(0, 10 - 1) + API_KEY.slice(9, 10));
    expect(out).not.toContain('da2-123456');
    const cut = subscribe.slice(0, -5);
    expect(redactFrameText(cut)).not.toContain(API_KEY);
  });

  it('redacts a string-valued authorization', () => {
    const out = redactFrameText(JSON.stringify({ type: 'publish', authorization: SIGV4 }));
    expect(out).not.toContain('83ef0a9b1c2d');
    expect(out).toContain('AWS4-HMAC-SHA256 Credential=ASIA…3456 #');
  });

  it('never throws and returns non-strings unchanged', () => {
    expect(redactFrameText(undefined as unknown as string)).toBeUndefined();
    const deep = '{"authorization":{"x-api-key":"secret-key-0123456789"},"a":' + '['.repeat(20000) + ']'.repeat(20000) + '}';
    const out = redactFrameText(deep);
    expect(out).not.toContain('secret-key-0123456789');
  });
});

describe('redactSubprotocol', () => {
  it('re-encodes the redacted header object so host and mode stay readable', () => {
    const p = encodeAuthSubprotocol({ host: 'h.example.com', 'x-amz-date': '20261127T170949Z', 'x-api-key': API_KEY });
    const r = redactSubprotocol(p);
    expect(r).toMatch(/^header-[A-Za-z0-9_-]+$/);
    const decoded = decodeAuthSubprotocol(r);
    expect(decoded).toEqual({ host: 'h.example.com', 'x-amz-date': '20261127T170949Z', 'x-api-key': fingerprint(API_KEY) });
    expect(detectAuthMode(decoded)).toBe('API_KEY');
  });

  it('uses a marker for undecodable header- values and keeps other protocols', () => {
    expect(redactSubprotocol('header-!!!secret!!!')).toMatch(/^header-\[redacted #[0-9a-f]{4}\]$/);
    expect(redactSubprotocol('aws-appsync-event-ws')).toBe('aws-appsync-event-ws');
  });
});
