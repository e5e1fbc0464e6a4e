// Every auth mode, over the connection, per operation and over HTTP: success and each
// failure (wrong key, expired key, expired JWT, wrong issuer, bad signature, stale
// x-amz-date, lambda deny). IAM requests are signed with @smithy/signature-v4, as real
// clients sign them.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { LambdaContext } from '../../../src/emulator/config.ts';
import type { Emulator } from '../../../src/emulator/index.ts';
import {
  Client,
  IAM,
  KEY,
  PROTOCOL,
  UNAUTHORIZED,
  connect,
  emulator,
  headerProtocol,
  hostOf,
  iamAuth,
  publish,
  stopAll,
  subscribe,
} from './helpers.ts';
import WebSocket from 'ws';

afterEach(stopAll);

const SECRET = 'cognito-test-secret-cognito-test-secret';
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST';

function hsToken(claims: Record<string, unknown> = {}, exp: string | number = '5m', secret = SECRET): Promise<string> {
  return new SignJWT({ token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer((claims['iss'] as string | undefined) ?? ISSUER)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

/** Opens with `auth` in header- and returns the first frame type (ack or error). */
async function connectWith(emu: Emulator, authObj: Record<string, unknown>): Promise<{ c: Client; first: string }> {
  const c = new Client(new WebSocket(emu.plainRealtimeUrl!, [PROTOCOL, headerProtocol(authObj)]));
  await new Promise((r) => c.ws.once('open', r));
  c.send({ type: 'connection_init' });
  const f = await c.next((x) => x.type === 'connection_ack' || x.type === 'connection_error');
  return { c, first: f.type! };
}

function lastAuthReason(emu: Emulator): string | undefined {
  const e = [...emu.log].reverse().find((x) => x.kind === 'auth');
  return e?.kind === 'auth' ? e.reason : undefined;
}

describe('API_KEY', () => {
  it('accepts a valid key, rejects a wrong and an expired one', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const future = Math.floor(Date.now() / 1000) + 3600;
    const emu = await emulator({ apiKeys: [KEY, { key: 'da2-expired', expires: past }, { key: 'da2-future', expires: future }] });
    expect((await connectWith(emu, { 'x-api-key': KEY })).first).toBe('connection_ack');
    expect((await connectWith(emu, { 'x-api-key': 'da2-future' })).first).toBe('connection_ack');
    expect((await connectWith(emu, { 'x-api-key': 'da2-wrong' })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/unknown API key/);
    expect((await connectWith(emu, { 'x-api-key': 'da2-expired' })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/expired/);

    const c = await connect(emu);
    expect(await subscribe(c, 'w', '/default/x', { 'x-api-key': 'da2-wrong' })).toEqual({ type: 'subscribe_error', id: 'w', errors: [UNAUTHORIZED] });
    expect(await publish(c, 'e', '/default/x', ['1'], { 'x-api-key': 'da2-expired' })).toEqual({ id: 'e', type: 'publish_error', errors: [UNAUTHORIZED] });
    expect(await subscribe(c, 'none', '/default/x', {})).toMatchObject({ type: 'subscribe_error' });
    c.send({ type: 'subscribe', id: 'missing', channel: '/default/x' });
    expect(await c.reply('missing')).toEqual({ type: 'subscribe_error', id: 'missing', errors: [UNAUTHORIZED] });
  });
});

describe('AMAZON_COGNITO_USER_POOLS and OPENID_CONNECT', () => {
  it('verifies HS256 tokens: valid, Bearer, expired, wrong issuer, wrong secret, client id', async () => {
    const emu = await emulator({ auth: { cognito: { hs256Secret: SECRET, issuer: ISSUER, clientId: 'client-1' } } });
    const good = await hsToken({ client_id: 'client-1' });
    expect((await connectWith(emu, { Authorization: good, host: 'h' })).first).toBe('connection_ack');
    expect((await connectWith(emu, { authorization: `Bearer ${good}` })).first).toBe('connection_ack');
    expect((await connectWith(emu, { Authorization: await hsToken({ client_id: 'client-1' }, Math.floor(Date.now() / 1000) - 10) })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/JWT expired/);
    expect((await connectWith(emu, { Authorization: await hsToken({ client_id: 'client-1', iss: 'https://evil.example' }) })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/iss/);
    expect((await connectWith(emu, { Authorization: await hsToken({ client_id: 'client-1' }, '5m', 'another-secret-another-secret-xx') })).first).toBe('connection_error');
    expect((await connectWith(emu, { Authorization: await hsToken({ client_id: 'client-2' }) })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/client id/);
    expect((await connectWith(emu, { Authorization: 'not-a-jwt' })).first).toBe('connection_error');
  });

  it('verifies RS256 tokens against a JWKS given inline or as a file', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const dir = mkdtempSync(join(tmpdir(), 'emu-jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [jwk] }));
    const sign = (key: CryptoKey, iss = 'https://idp.example') =>
      new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(iss).setExpirationTime('5m').sign(key);
    for (const jwks of [{ keys: [jwk] }, file]) {
      const emu = await emulator({ auth: { oidc: { jwks, issuer: 'https://idp.example' } } });
      expect((await connectWith(emu, { Authorization: await sign(privateKey) })).first).toBe('connection_ack');
      expect((await connectWith(emu, { Authorization: await sign(other.privateKey) })).first).toBe('connection_error');
      expect(lastAuthReason(emu)).toMatch(/signature/);
      expect((await connectWith(emu, { Authorization: await sign(privateKey, 'https://other.example') })).first).toBe('connection_error');
    }
  });

  it('authorizes operations and HTTP publishes with the token', async () => {
    const emu = await emulator({ auth: { oidc: { hs256Secret: SECRET } } });
    const token = await hsToken();
    const c = await connect(emu, { protocols: [PROTOCOL, headerProtocol({ Authorization: token, host: hostOf(emu) })] });
    expect(await subscribe(c, 's', '/default/x', { Authorization: token })).toMatchObject({ type: 'subscribe_success' });
    const res = await fetch(emu.plainHttpUrl!, { method: 'POST', headers: { Authorization: token }, body: JSON.stringify({ channel: '/default/x', events: ['1'] }) });
    expect(res.status).toBe(200);
    const expired = await hsToken({}, Math.floor(Date.now() / 1000) - 5);
    const bad = await fetch(emu.plainHttpUrl!, { method: 'POST', headers: { Authorization: expired }, body: JSON.stringify({ channel: '/default/x', events: ['1'] }) });
    expect(bad.status).toBe(401);
  });
});

describe('AWS_LAMBDA', () => {
  it('accepts configured tokens and asks authorize() with context', async () => {
    const calls: [string, LambdaContext][] = [];
    const emu = await emulator({
      auth: {
        lambda: {
          tokens: ['static-token'],
          authorize: (token, ctx) => {
            calls.push([token, ctx]);
            if (token === 'throws') throw new Error('boom');
            return token === 'dynamic' ? { isAuthorized: true } : false;
          },
        },
      },
    });
    expect((await connectWith(emu, { Authorization: 'static-token' })).first).toBe('connection_ack');
    expect((await connectWith(emu, { Authorization: 'deny-me' })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/denied/);
    expect((await connectWith(emu, { Authorization: 'throws' })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/threw: boom/);
    const { c } = await connectWith(emu, { Authorization: 'dynamic' });
    expect(await subscribe(c, 's', 'default/room', { Authorization: 'dynamic' })).toMatchObject({ type: 'subscribe_success' });
    expect(await publish(c, 'p', 'default/room', ['1'], { Authorization: 'nope' })).toEqual({ id: 'p', type: 'publish_error', errors: [UNAUTHORIZED] });
    expect(calls.find(([t, ctx]) => t === 'dynamic' && ctx.operation === 'subscribe')?.[1]).toMatchObject({
      channel: '/default/room',
      namespace: 'default',
    });
  });

  it('loads authorize(token, ctx) from a module file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-lambda-'));
    const file = join(dir, 'authorizer.mjs');
    writeFileSync(file, `export async function authorize(token, ctx) { return token === 'let-me-in' && ctx.operation !== 'publish'; }\n`);
    const emu = await emulator({ auth: { lambda: { module: file } } });
    const { c, first } = await connectWith(emu, { Authorization: 'let-me-in' });
    expect(first).toBe('connection_ack');
    expect(await subscribe(c, 's', '/default/x', { Authorization: 'let-me-in' })).toMatchObject({ type: 'subscribe_success' });
    expect(await publish(c, 'p', '/default/x', ['1'], { Authorization: 'let-me-in' })).toMatchObject({ type: 'publish_error' });
    expect((await connectWith(emu, { Authorization: 'wrong' })).first).toBe('connection_error');
  });

  it('fails at start-up when the module has no authorize export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-lambda-'));
    const file = join(dir, 'bad.mjs');
    writeFileSync(file, 'export const x = 1;\n');
    await expect(emulator({ auth: { lambda: { module: file } } })).rejects.toThrow(/authorize/);
  });
});

describe('AWS_IAM', () => {
  const iamConfig = { auth: { iam: { credentials: [IAM] } } };

  it('verifies connect, subscribe and publish signatures over the virtual POST /event', async () => {
    const emu = await emulator(iamConfig);
    const host = hostOf(emu);
    const c = await connect(emu, { protocols: [PROTOCOL, headerProtocol(await iamAuth(host, '{}'))] });
    expect(c.frames[0]?.type).toBe('connection_ack');
    const channel = '/default/signed';
    const subAuth = await iamAuth(host, JSON.stringify({ channel }));
    // Per-operation IAM auth carries host, x-amz-date and authorization (reference 3.1).
    const { accept: _a, 'content-encoding': _ce, 'content-type': _ct, ...opAuth } = subAuth;
    expect(await subscribe(c, 's', channel, opAuth)).toMatchObject({ type: 'subscribe_success' });
    const events = ['{"msg":"<b>angle</b>"}'];
    const pubAuth = await iamAuth(host, JSON.stringify({ channel, events }));
    expect(await publish(c, 'p', channel, events, pubAuth)).toMatchObject({ type: 'publish_success' });
    expect(await c.nextOf('data')).toMatchObject({ event: events[0] });
    // A signature for other events does not authorize this publish.
    expect(await publish(c, 'q', channel, ['"tampered"'], pubAuth)).toEqual({ id: 'q', type: 'publish_error', errors: [UNAUTHORIZED] });
    expect(lastAuthReason(emu)).toMatch(/signature mismatch/);
  });

  it('accepts SigV4 headers on the upgrade request (Swift / Android)', async () => {
    const emu = await emulator(iamConfig);
    const headers = await iamAuth(hostOf(emu), '{}');
    const c = await connect(emu, { protocols: [PROTOCOL], headers });
    expect(c.frames[0]?.type).toBe('connection_ack');
  });

  it('accepts a signed x-amz-content-sha256 header', async () => {
    const emu = await emulator(iamConfig);
    const { first } = await connectWith(emu, await iamAuth(hostOf(emu), '{}', { applyChecksum: true }));
    expect(first).toBe('connection_ack');
  });

  it.each([
    ['a wrong secret', { secretAccessKey: 'wrong' }, /signature mismatch/],
    ['a stale x-amz-date', { signingDate: new Date(Date.now() - 20 * 60 * 1000) }, /clock skew/],
    ['a future x-amz-date', { signingDate: new Date(Date.now() + 20 * 60 * 1000) }, /clock skew/],
    ['another region', { region: 'eu-west-1' }, /region/],
  ] as const)('rejects %s', async (_label, opts, reason) => {
    const emu = await emulator(iamConfig);
    const { first } = await connectWith(emu, await iamAuth(hostOf(emu), '{}', opts));
    expect(first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(reason);
  });

  it('accepts a date within the 15 minute window', async () => {
    const emu = await emulator(iamConfig);
    const { first } = await connectWith(emu, await iamAuth(hostOf(emu), '{}', { signingDate: new Date(Date.now() - 10 * 60 * 1000) }));
    expect(first).toBe('connection_ack');
  });

  it('rejects a signature for another host and an unknown access key', async () => {
    const emu = await emulator(iamConfig);
    const auth = await iamAuth(hostOf(emu), '{}');
    expect((await connectWith(emu, { ...auth, host: 'other.example' })).first).toBe('connection_error');
    expect((await connectWith(emu, { ...auth, authorization: auth['authorization']!.replace(IAM.accessKeyId, 'AKIDUNKNOWN') })).first).toBe('connection_error');
    expect(lastAuthReason(emu)).toMatch(/unknown access key/);
  });

  it('requires the configured session token', async () => {
    const emu = await emulator({ auth: { iam: { credentials: [{ ...IAM, sessionToken: 'tok' }] } } });
    expect((await connectWith(emu, await iamAuth(hostOf(emu), '{}', { sessionToken: 'tok' }))).first).toBe('connection_ack');
    expect((await connectWith(emu, await iamAuth(hostOf(emu), '{}', { sessionToken: 'other' }))).first).toBe('connection_error');
    expect((await connectWith(emu, await iamAuth(hostOf(emu), '{}'))).first).toBe('connection_error');
  });

  it('verifies a signed HTTP publish over the real request', async () => {
    const emu = await emulator(iamConfig);
    const url = new URL(emu.plainHttpUrl!);
    const body = JSON.stringify({ channel: '/default/http', events: ['{"a":1}'] });
    const sign = async (secretAccessKey = IAM.secretAccessKey, signingDate?: Date) => {
      const signer = new SignatureV4({ credentials: { ...IAM, secretAccessKey }, region: 'us-east-1', service: 'appsync', sha256: Sha256 });
      const req = await signer.sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/event',
          query: {},
          headers: { host: url.host, 'content-type': 'application/json; charset=UTF-8' },
          body,
        },
        signingDate ? { signingDate } : {},
      );
      const { host: _h, ...headers } = req.headers;
      return headers;
    };
    const post = async (headers: Record<string, string>, b = body) => fetch(url, { method: 'POST', headers, body: b });
    expect((await post(await sign())).status).toBe(200);
    expect((await post(await sign('wrong'))).status).toBe(401);
    expect((await post(await sign(undefined, new Date(Date.now() - 16 * 60 * 1000)))).status).toBe(401);
    expect((await post(await sign(), body.replace('/default/http', '/default/other'))).status).toBe(401);
  });
});

describe('mode selection per connection and namespace', () => {
  it('checks connect against connectionAuthModes and each operation against its namespace', async () => {
    const emu = await emulator({
      auth: { apiKeys: [KEY], iam: { credentials: [IAM] }, lambda: { tokens: ['lt'] } },
      connectionAuthModes: ['AWS_LAMBDA', 'API_KEY'],
      namespaces: [
        'default',
        { name: 'secure', publishAuthModes: ['AWS_IAM'], subscribeAuthModes: ['API_KEY', 'AWS_LAMBDA'] },
      ],
    });
    expect((await connectWith(emu, await iamAuth(hostOf(emu), '{}'))).first).toBe('connection_error');
    const { c } = await connectWith(emu, { Authorization: 'lt' });
    // Different modes on one connection (DOC).
    expect(await subscribe(c, 'a', '/secure/x', { 'x-api-key': KEY })).toMatchObject({ type: 'subscribe_success' });
    expect(await subscribe(c, 'b', '/secure/y', { Authorization: 'lt' })).toMatchObject({ type: 'subscribe_success' });
    expect(await publish(c, 'p', '/secure/x', ['1'], { 'x-api-key': KEY })).toEqual({ id: 'p', type: 'publish_error', errors: [UNAUTHORIZED] });
    const events = ['1'];
    const signed = await iamAuth(hostOf(emu), JSON.stringify({ channel: '/secure/x', events }));
    expect(await publish(c, 'q', '/secure/x', events, signed)).toMatchObject({ type: 'publish_success' });
    const res = await fetch(emu.plainHttpUrl!, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ channel: '/secure/x', events }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [UNAUTHORIZED] });
  });

  it('rejects configs that use an unconfigured mode or a non-loopback host', async () => {
    await expect(emulator({ connectionAuthModes: ['AWS_IAM'] })).rejects.toThrow(/not configured/);
    await expect(emulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
