import { describe, expect, it } from 'vitest';
import { authForMode, jwtInfo, mergeSecrets, resolveEndpoints, resolveProfile, splitSecrets, type Profile } from '../../../src/pubsub/index.ts';

const KEY = { mode: 'API_KEY', apiKey: 'da2-x' } as const;

describe('endpoints', () => {
  it('derives the real-time endpoint of a default domain from the HTTP one and back', () => {
    expect(resolveEndpoints('https://abc.appsync-api.us-west-2.amazonaws.com/event', '')).toEqual({
      httpUrl: 'https://abc.appsync-api.us-west-2.amazonaws.com/event',
      realtimeUrl: 'wss://abc.appsync-realtime-api.us-west-2.amazonaws.com/event/realtime',
      host: 'abc.appsync-api.us-west-2.amazonaws.com',
      custom: false,
      region: 'us-west-2',
    });
    const back = resolveEndpoints('', 'wss://abc.appsync-realtime-api.us-west-2.amazonaws.com/event/realtime');
    expect('httpUrl' in back && back.httpUrl).toBe('https://abc.appsync-api.us-west-2.amazonaws.com/event');
  });

  it('keeps a custom domain and a loopback port on both endpoints', () => {
    expect(resolveEndpoints('https://events.example.com', '')).toMatchObject({
      httpUrl: 'https://events.example.com/event',
      realtimeUrl: 'wss://events.example.com/event/realtime',
      custom: true,
    });
    expect(resolveEndpoints('http://127.0.0.1:4000/event', '')).toMatchObject({ realtimeUrl: 'ws://127.0.0.1:4000/event/realtime', host: '127.0.0.1:4000' });
  });

  it('says what is wrong', () => {
    expect(resolveEndpoints('', '')).toHaveProperty('problem');
    expect(resolveEndpoints('ftp://x', '')).toHaveProperty('problem');
  });
});

describe('resolveProfile', () => {
  it('lists a missing credential and a missing IAM region', () => {
    const r = resolveProfile({ httpUrl: 'https://events.example.com/event', realtimeUrl: '', auth: { mode: 'AWS_IAM', accessKeyId: '', secretAccessKey: '' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join(' ')).toMatch(/access key.*region/s);
  });
  it('takes the IAM region from the default domain unless one is given', () => {
    const auth = { mode: 'AWS_IAM', accessKeyId: 'a', secretAccessKey: 'b' } as const;
    const r = resolveProfile({ httpUrl: 'https://abc.appsync-api.eu-north-1.amazonaws.com/event', realtimeUrl: '', auth });
    expect(r.ok && r.profile.region).toBe('eu-north-1');
    const r2 = resolveProfile({ httpUrl: 'http://127.0.0.1:1/event', realtimeUrl: '', auth: { ...auth, region: 'us-east-1' } });
    expect(r2.ok && r2.profile.region).toBe('us-east-1');
  });
});

describe('secrets', () => {
  const p: Profile = { id: 'p', name: 'n', httpUrl: 'h', realtimeUrl: '', remember: false, auth: { mode: 'AWS_IAM', accessKeyId: 'AKID', secretAccessKey: 's3cret', sessionToken: 'tok' } };
  it('splits every secret out and merges it back', () => {
    const { profile, secrets } = splitSecrets(p);
    expect(JSON.stringify(profile)).not.toMatch(/s3cret|tok"/);
    expect(profile.auth).toMatchObject({ accessKeyId: 'AKID', secretAccessKey: '' });
    expect(secrets).toEqual({ secretAccessKey: 's3cret', sessionToken: 'tok' });
    expect(mergeSecrets(profile, secrets)).toEqual(p);
  });
  it('splits API keys, JWTs and Lambda tokens', () => {
    for (const auth of [KEY, { mode: 'OPENID_CONNECT', jwt: 'j.w.t' }, { mode: 'AWS_LAMBDA', token: 'tk' }] as const) {
      const { profile, secrets } = splitSecrets({ ...p, auth });
      expect(Object.values(secrets)).toHaveLength(1);
      expect(mergeSecrets(profile, secrets).auth).toEqual(auth);
    }
  });
  it('switching modes keeps a JWT between Cognito and OIDC only', () => {
    expect(authForMode('OPENID_CONNECT', { mode: 'AMAZON_COGNITO_USER_POOLS', jwt: 'x' })).toEqual({ mode: 'OPENID_CONNECT', jwt: 'x' });
    expect(authForMode('API_KEY', { mode: 'AWS_LAMBDA', token: 'x' })).toEqual({ mode: 'API_KEY', apiKey: '' });
  });
});

describe('jwtInfo', () => {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = (exp: number) => `${enc({ alg: 'HS256' })}.${enc({ iss: 'https://cognito-idp.x', exp, token_use: 'id' })}.sig`;
  it('shows claims and expiry and says when it expired', () => {
    const now = 1_700_000_000_000;
    expect(jwtInfo(token(now / 1000 + 60), now)).toMatchObject({ expired: false, expiresAt: now + 60_000, use: 'id', issuer: 'https://cognito-idp.x' });
    expect(jwtInfo(`Bearer ${token(now / 1000 - 1)}`, now)?.expired).toBe(true);
    expect(jwtInfo('not a jwt', now)).toBeUndefined();
  });
});

import { profileFromPage } from '../../../src/pubsub/index.ts';
describe('profileFromPage', () => {
  it('takes the HTTP host from the auth object and reuses keys and tokens', () => {
    expect(profileFromPage({ kind: 'websocket', url: 'wss://rt.example.com/event/realtime', headers: { host: 'api.example.com', 'x-api-key': 'da2-k' } })).toEqual({
      httpUrl: 'https://api.example.com/event',
      realtimeUrl: 'wss://rt.example.com/event/realtime',
      auth: { mode: 'API_KEY', apiKey: 'da2-k' },
    });
    expect(profileFromPage({ kind: 'http', url: 'http://127.0.0.1:9/event', headers: { authorization: 'tok' } })?.auth).toEqual({ mode: 'AWS_LAMBDA', token: 'tok' });
  });
  it('keeps only the access key id and region of an IAM signature, with a note', () => {
    const f = profileFromPage({ kind: 'http', url: 'https://a.appsync-api.eu-west-1.amazonaws.com/event', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/appsync/aws4_request, SignedHeaders=host, Signature=ab' } });
    expect(f?.auth).toEqual({ mode: 'AWS_IAM', accessKeyId: 'AKID', secretAccessKey: '', region: 'eu-west-1' });
    expect(f?.note).toMatch(/secret/);
  });
});
