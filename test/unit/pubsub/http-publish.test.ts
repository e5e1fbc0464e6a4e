// HTTP publish against the emulator with node's fetch: every auth mode and its failing
// case (the service's status and error body), per-event results, network failures.
import { afterEach, describe, expect, it } from 'vitest';
import { httpPublish, type AuthConfig, type WireEvent } from '../../../src/pubsub/index.ts';
import { API_KEY, COGNITO_ISSUER, COGNITO_SECRET, IAM, LAMBDA_TOKEN, OIDC_ISSUER, OIDC_SECRET, emulator, jwt, profileFor, stopAll } from './helpers.ts';

afterEach(stopAll);
const expired = () => Math.floor(Date.now() / 1000) - 60;

const cases: Array<[string, () => Promise<AuthConfig>, () => Promise<AuthConfig>]> = [
  ['API_KEY', async () => ({ mode: 'API_KEY', apiKey: API_KEY }), async () => ({ mode: 'API_KEY', apiKey: 'da2-wrong' })],
  ['COGNITO', async () => ({ mode: 'AMAZON_COGNITO_USER_POOLS', jwt: await jwt(COGNITO_SECRET, COGNITO_ISSUER) }), async () => ({ mode: 'AMAZON_COGNITO_USER_POOLS', jwt: await jwt(COGNITO_SECRET, COGNITO_ISSUER, expired()) })],
  ['OIDC', async () => ({ mode: 'OPENID_CONNECT', jwt: `Bearer ${await jwt(OIDC_SECRET, OIDC_ISSUER)}` }), async () => ({ mode: 'OPENID_CONNECT', jwt: await jwt(OIDC_SECRET, OIDC_ISSUER, expired()) })],
  ['LAMBDA', async () => ({ mode: 'AWS_LAMBDA', token: LAMBDA_TOKEN }), async () => ({ mode: 'AWS_LAMBDA', token: 'nope' })],
  ['IAM', async () => ({ mode: 'AWS_IAM', ...IAM, region: 'us-east-1' }), async () => ({ mode: 'AWS_IAM', ...IAM, secretAccessKey: 'bad', region: 'us-east-1' })],
];

describe.each(cases)('%s', (_name, good, bad) => {
  it('publishes and reports one verdict per event; a bad credential gets 401 as sent', async () => {
    const emu = await emulator();
    const wire: WireEvent[] = [];
    const ok = await httpPublish({ profile: profileFor(emu, await good()), channel: '/default/a', events: ['{"a":1}', 'oops'], fetch, onWire: (e) => wire.push(e) });
    expect(ok).toMatchObject({ ok: true, status: 200, transport: 'http' });
    if (ok.ok) expect(ok.events.map((e) => [e.index, e.ok, e.code, e.errorType])).toEqual([[0, true, undefined, undefined], [1, false, '400', 'BadRequestException']]);
    expect(wire).toEqual([expect.objectContaining({ kind: 'http', stream: 'http', status: 200, requestBody: '{"channel":"/default/a","events":["{\\"a\\":1}","oops"]}' })]);
    const no = await httpPublish({ profile: profileFor(emu, await bad()), channel: '/default/a', events: ['1'], fetch });
    expect(no).toMatchObject({ ok: false, status: 401, errors: [{ errorType: 'UnauthorizedException' }] });
  });
});

describe('failures', () => {
  it('shows the service error of a wildcard publish sent anyway, and a network failure', async () => {
    const emu = await emulator();
    const p = profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY });
    expect(await httpPublish({ profile: p, channel: '/default/*', events: ['1'], fetch })).toMatchObject({ ok: false, status: 400, errors: [{ errorType: 'BadRequestException' }] });
    await emu.stop();
    expect(await httpPublish({ profile: p, channel: '/default/a', events: ['1'], fetch })).toMatchObject({ ok: false, status: 0, errors: [{ errorType: 'NetworkError' }] });
  });
});
