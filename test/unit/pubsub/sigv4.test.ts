// Signing: AWS's published SigV4 test vector (get-vanilla of the aws-sig-v4-test-suite),
// and every signed shape the console sends checked by the emulator's own verifier.

import { describe, expect, it } from 'vitest';
import { IamVerifier } from '../../../src/emulator/auth/iam.ts';
import { virtualSignedRequest } from '../../../src/emulator/auth/index.ts';
import { httpHeaders, resolveProfile, signRequest, wsAuthorization, type ResolvedProfile } from '../../../src/pubsub/index.ts';

describe('signRequest', () => {
  it('matches the get-vanilla vector of the SigV4 test suite', async () => {
    const h = await signRequest(
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      { method: 'GET', host: 'example.amazonaws.com', path: '/', headers: {}, body: '', region: 'us-east-1', service: 'service', date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)) },
    );
    expect(h['x-amz-date']).toBe('20150830T123600Z');
    expect(h['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
});

const CREDS = { accessKeyId: 'AKIDCONSOLE', secretAccessKey: 'console-secret', sessionToken: 'session-token-1' };
const verifier = new IamVerifier({ credentials: [CREDS], region: 'eu-west-1', clockSkewMs: 900_000 });

function profile(secret = CREDS.secretAccessKey): ResolvedProfile {
  const r = resolveProfile({
    httpUrl: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event',
    realtimeUrl: '',
    auth: { mode: 'AWS_IAM', accessKeyId: CREDS.accessKeyId, secretAccessKey: secret, sessionToken: CREDS.sessionToken },
  });
  if (!r.ok) throw new Error(r.problems.join());
  return r.profile;
}

describe('IAM signatures verified by the emulator', () => {
  const now = new Date();
  it.each([
    ['connect', '{}'],
    ['subscribe', JSON.stringify({ channel: '/default/*' })],
    ['publish', JSON.stringify({ channel: '/default/a', events: ['{"a":1}'] })],
  ])('WebSocket %s auth object', async (_op, body) => {
    const auth = await wsAuthorization(profile(), body, now);
    expect(auth['host']).toBe('abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com');
    expect(auth['x-amz-security-token']).toBe(CREDS.sessionToken);
    expect(await verifier.check(virtualSignedRequest(auth, body), now.getTime())).toEqual({ ok: true });
    // The same object does not verify another body, nor a signature made with another secret.
    expect((await verifier.check(virtualSignedRequest(auth, body + ' '), now.getTime())).ok).toBe(false);
    const wrong = await wsAuthorization(profile('wrong'), body, now);
    expect(await verifier.check(virtualSignedRequest(wrong, body), now.getTime())).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('HTTP publish headers (host signed but left to the browser)', async () => {
    const body = JSON.stringify({ channel: '/default/a', events: ['1'] });
    const h = await httpHeaders(profile(), body, now);
    expect(h['host']).toBeUndefined();
    expect(h['authorization']).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token/);
    const req = { method: 'POST', path: '/event', headers: { ...h, host: 'abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com' }, body };
    expect(await verifier.check(req, now.getTime())).toEqual({ ok: true });
  });
});
