import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeAuthSubprotocol } from '../../../src/protocol/auth-header.ts';
import { fingerprint, isRedacted, redactAuthHeaders, redactFrameText, redactSubprotocol, redactUrl } from '../../../src/protocol/redact.ts';

const KEY = 'da2-12345678901234567890123456';
const SIGV4 =
  'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY123456/20200401/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=83ef0a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f';

describe('redaction is idempotent', () => {
  test('the fingerprint of a fingerprint is the fingerprint', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const f = fingerprint(s);
        expect(isRedacted(f)).toBe(true);
        expect(fingerprint(f)).toBe(f);
      }),
    );
    expect(fingerprint(fingerprint(KEY))).toBe(fingerprint(KEY));
  });

  test('authorization values of every kind', () => {
    for (const auth of [SIGV4, `Bearer ${KEY}`, KEY, 'short']) {
      const once = redactAuthHeaders({ Authorization: auth, 'x-api-key': KEY, host: 'h' });
      expect(redactAuthHeaders(once)).toEqual(once);
    }
  });

  test('frame texts, JSON or cut short', () => {
    const json = JSON.stringify({ type: 'publish', id: 'p', channel: '/a/b', events: ['1'], authorization: { 'x-api-key': KEY, Authorization: SIGV4 } });
    for (const text of [json, json.slice(0, 90), json.slice(0, json.indexOf(KEY) + 10), '{"b":1,"1":{"authorization":"' + KEY + '"}}']) {
      const once = redactFrameText(text);
      expect(once).not.toContain(KEY);
      expect(redactFrameText(once)).toBe(once);
    }
  });

  test('header- subprotocols, decodable or not', () => {
    for (const p of [encodeAuthSubprotocol({ host: 'h', 'x-api-key': KEY }), 'header-%%%not-base64', encodeAuthSubprotocol({ Authorization: SIGV4 })]) {
      const once = redactSubprotocol(p);
      expect(redactSubprotocol(once)).toBe(once);
    }
  });
});

describe('credentials in URLs', () => {
  test('userinfo is replaced by a marker', () => {
    const out = redactUrl('wss://user:hunter2@example.test/event/realtime?x=1');
    expect(out).toMatch(/^wss:\/\/redacted-[0-9a-f]{4}@example\.test\/event\/realtime\?x=1$/);
    expect(out).not.toContain('hunter2');
    expect(new URL(out).hostname).toBe('example.test');
  });

  test('credential query parameters are fingerprinted, others kept verbatim', () => {
    const url = `https://h.test/event?x-api-key=${KEY}&channel=%2Fdefault%2Fa&token=abc.def.ghi&X-Amz-Signature=ffff0000ffff0000&keep=1#frag`;
    const out = redactUrl(url);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('abc.def.ghi');
    expect(out).not.toContain('ffff0000ffff0000');
    const u = new URL(out);
    expect(u.searchParams.get('x-api-key')).toBe(fingerprint(KEY));
    expect(u.searchParams.get('channel')).toBe('/default/a');
    expect(out).toContain('channel=%2Fdefault%2Fa&');
    expect(u.searchParams.get('keep')).toBe('1');
    expect(u.hash).toBe('#frag');
  });

  test("the fragment's parameters too: sign-in redirects leave their tokens there", () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const implicit = redactUrl(`https://app.test/#id_token=${jwt}&access_token=${jwt}&token_type=Bearer&expires_in=3600`);
    expect(implicit).not.toContain(jwt);
    expect(implicit).toMatch(/^https:\/\/app\.test\/#id_token=[^&]+&access_token=[^&]+&token_type=Bearer&expires_in=3600$/);
    const routed = redactUrl(`https://app.test/?lang=en#/callback?code=${KEY}&state=xyz`);
    expect(routed).not.toContain(KEY);
    expect(routed).toMatch(/^https:\/\/app\.test\/\?lang=en#\/callback\?code=[^&]+&state=xyz$/);
    for (const url of ['https://app.test/docs#section-2', 'https://app.test/#/orders?tab=open', 'https://app.test/#a=1']) expect(redactUrl(url)).toBe(url);
    for (const out of [implicit, routed]) expect(redactUrl(out)).toBe(out);
  });

  test('?header= holds the redacted auth JSON (GraphQL style, standard base64)', () => {
    const header = Buffer.from(JSON.stringify({ host: 'h.test', 'x-api-key': KEY })).toString('base64');
    const out = redactUrl(`wss://h.test/event/realtime?header=${encodeURIComponent(header)}&payload=e30=`);
    expect(out).not.toContain(encodeURIComponent(header));
    const value = new URL(out).searchParams.get('header') ?? '';
    const json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Record<string, string>;
    expect(json.host).toBe('h.test');
    expect(json['x-api-key']).toBe(fingerprint(KEY));
    expect(new URL(out).searchParams.get('payload')).toBe('e30=');
  });

  test('a URL without credentials is returned exactly; a redacted one unchanged', () => {
    for (const url of ['wss://h.test/event/realtime', 'https://H.test:443/event?channel=a', 'not a url', '']) expect(redactUrl(url)).toBe(url);
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.stringMatching(/^[A-Za-z0-9]{12,40}$/), (url, secret) => {
        const [path = '', frag] = url.replace('://', `://u:${secret}@`).split('#', 2);
        const withCreds = `${path}${path.includes('?') ? '&' : '?'}api_key=${secret}${frag !== undefined ? '#' + frag : ''}`;
        const once = redactUrl(withCreds);
        expect(redactUrl(once)).toBe(once);
        expect(once).not.toContain(secret);
      }),
    );
  });
});
