import { describe, expect, it } from 'vitest';
import {
  decodeAuthSubprotocol,
  decodeJwt,
  detectAuthMode,
  encodeAuthSubprotocol,
  findAuthSubprotocol,
  getHeader,
} from '../../../src/protocol/auth.ts';

const b64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' }) =>
  `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;

describe('auth subprotocol', () => {
  const amplify = { host: '127.0.0.1:36433', 'x-amz-date': '20261127T170949Z', 'x-api-key': 'da2-test' };

  it('encodes like the docs: base64url, no padding, header- prefix', () => {
    const p = encodeAuthSubprotocol(amplify);
    expect(p.startsWith('header-eyJob3N0Ijoi')).toBe(true);
    expect(p).not.toMatch(/[=+/]/);
    expect(decodeAuthSubprotocol(p)).toEqual(amplify);
  });

  it('is UTF-8 safe', () => {
    const h = { host: 'exämple.com', token: '日本語 🎉' };
    expect(decodeAuthSubprotocol(encodeAuthSubprotocol(h))).toEqual(h);
  });

  it('accepts padding and the standard alphabet', () => {
    const json = JSON.stringify({ a: '>>>???' });
    const std = btoa(json);
    expect(std).toMatch(/[+/=]/);
    expect(decodeAuthSubprotocol('header-' + std)).toEqual({ a: '>>>???' });
    expect(decodeAuthSubprotocol('header-' + b64url(json) + '==')).toEqual({ a: '>>>???' });
  });

  it('returns undefined for anything malformed', () => {
    for (const p of [
      'aws-appsync-event-ws',
      'header-',
      'header-!!!',
      'header-a',
      'header-' + b64url('[1,2]'),
      'header-' + b64url('"str"'),
      'header-' + b64url('{bad json'),
      'header-' + btoa('\xff\xfe{}'),
      '',
      undefined as unknown as string,
      42 as unknown as string,
    ]) {
      expect(decodeAuthSubprotocol(p)).toBeUndefined();
    }
  });

  it('finds the auth object among offered protocols', () => {
    expect(findAuthSubprotocol(['aws-appsync-event-ws', encodeAuthSubprotocol(amplify)])).toEqual(amplify);
    expect(findAuthSubprotocol(['aws-appsync-event-ws'])).toBeUndefined();
    expect(findAuthSubprotocol(undefined)).toBeUndefined();
  });
});

describe('getHeader', () => {
  it('is case-insensitive and total', () => {
    const h = { Authorization: 'tok', 'X-Amz-Security-Token': 'st', n: 5, arr: ['a', 'b'], obj: {} };
    expect(getHeader(h, 'authorization')).toBe('tok');
    expect(getHeader(h, 'x-amz-security-token')).toBe('st');
    expect(getHeader(h, 'N')).toBe('5');
    expect(getHeader(h, 'arr')).toBe('a, b');
    expect(getHeader(h, 'obj')).toBeUndefined();
    expect(getHeader(h, 'missing')).toBeUndefined();
    expect(getHeader(undefined, 'x')).toBeUndefined();
    const hostile = Object.defineProperty({}, 'x', { enumerable: true, get() { throw new Error('boom'); } });
    expect(getHeader(hostile, 'x')).toBeUndefined();
  });
});

describe('detectAuthMode', () => {
  const cognito = jwt({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', token_use: 'access' });
  const oidc = jwt({ iss: 'https://auth.example.com/', sub: 'u1' });

  it.each([
    [{ 'x-api-key': 'da2-12345678901234567890123456', host: 'h' }, 'API_KEY'],
    [{ 'X-Api-Key': 'da2-x' }, 'API_KEY'],
    [{ Authorization: cognito, host: 'h' }, 'AMAZON_COGNITO_USER_POOLS'],
    [{ authorization: 'Bearer ' + cognito }, 'AMAZON_COGNITO_USER_POOLS'],
    [{ Authorization: oidc }, 'OPENID_CONNECT'],
    [{ Authorization: 'my-custom-lambda-token' }, 'AWS_LAMBDA'],
    [
      {
        accept: 'application/json, text/javascript',
        'content-encoding': 'amz-1.0',
        'content-type': 'application/json; charset=UTF-8',
        host: 'example1234567890000.appsync-api.us-east-1.amazonaws.com',
        'x-amz-date': '20200401T001010Z',
        'X-Amz-Security-Token': 'AgEXAMPLE',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=XXXX/20200401/us-east-1/appsync/aws4_request, SignedHeaders=accept;content-encoding;content-type;host;x-amz-date;x-amz-security-token, Signature=83EX',
      },
      'AWS_IAM',
    ],
    [{ host: 'h' }, 'NONE'],
    [{}, 'NONE'],
    [undefined, 'NONE'],
    [{ authorization: 42 }, 'AWS_LAMBDA'],
    [{ authorization: { nested: true } }, 'UNKNOWN'],
    [[1, 2] as unknown as Record<string, unknown>, 'UNKNOWN'],
  ] as const)('%j → %s', (headers, mode) => {
    expect(detectAuthMode(headers as Record<string, unknown> | undefined)).toBe(mode);
  });
});

describe('decodeJwt', () => {
  it('decodes header and claims, with or without Bearer', () => {
    const t = jwt({ iss: 'x', n: 'ü' });
    expect(decodeJwt(t)).toEqual({ header: { alg: 'RS256', kid: 'k1' }, claims: { iss: 'x', n: 'ü' } });
    expect(decodeJwt('Bearer ' + t)?.claims).toEqual({ iss: 'x', n: 'ü' });
    expect(decodeJwt('bearer  ' + t)?.claims['iss']).toBe('x');
  });

  it('returns undefined for non-JWTs', () => {
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', '..', 'eyJ.eyJ.x', 'da2-123', null as unknown as string]) {
      expect(decodeJwt(t)).toBeUndefined();
    }
  });
});
