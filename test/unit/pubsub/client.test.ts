// The WebSocket client against the emulator over loopback: every auth mode with its failing
// case, wildcard and parallel subscriptions, WS publish with per-event results, unsubscribe,
// reconnect that re-subscribes with the same ids, and the ka watchdog.

import { afterEach, describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../../src/pubsub/index.ts';
import { API_KEY, COGNITO_ISSUER, COGNITO_SECRET, IAM, LAMBDA_TOKEN, OIDC_ISSUER, OIDC_SECRET, client, closeClients, emulator, jwt, profileFor, stopAll, until } from './helpers.ts';

afterEach(async () => {
  closeClients();
  await stopAll();
});

const modes: Array<{ name: string; good: () => Promise<AuthConfig>; bad: () => Promise<AuthConfig> }> = [
  { name: 'API_KEY', good: async () => ({ mode: 'API_KEY', apiKey: API_KEY }), bad: async () => ({ mode: 'API_KEY', apiKey: 'da2-wrongkey' }) },
  {
    name: 'AMAZON_COGNITO_USER_POOLS',
    good: async () => ({ mode: 'AMAZON_COGNITO_USER_POOLS', jwt: await jwt(COGNITO_SECRET, COGNITO_ISSUER) }),
    bad: async () => ({ mode: 'AMAZON_COGNITO_USER_POOLS', jwt: await jwt(COGNITO_SECRET, COGNITO_ISSUER, Math.floor(Date.now() / 1000) - 60) }),
  },
  {
    name: 'OPENID_CONNECT',
    good: async () => ({ mode: 'OPENID_CONNECT', jwt: await jwt(OIDC_SECRET, OIDC_ISSUER) }),
    bad: async () => ({ mode: 'OPENID_CONNECT', jwt: await jwt(OIDC_SECRET, OIDC_ISSUER, Math.floor(Date.now() / 1000) - 60) }),
  },
  { name: 'AWS_LAMBDA', good: async () => ({ mode: 'AWS_LAMBDA', token: LAMBDA_TOKEN }), bad: async () => ({ mode: 'AWS_LAMBDA', token: 'deny-me' }) },
  {
    name: 'AWS_IAM',
    good: async () => ({ mode: 'AWS_IAM', ...IAM, region: 'us-east-1' }),
    bad: async () => ({ mode: 'AWS_IAM', accessKeyId: IAM.accessKeyId, secretAccessKey: 'not-the-secret', region: 'us-east-1' }),
  },
];

describe.each(modes)('$name', ({ good, bad }) => {
  it('connects, subscribes to a wildcard and receives its own WS publish with per-event results', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, await good()));
    await c.connect();
    expect(c.state.status).toBe('connected');
    if (c.state.status === 'connected') expect(c.state.connectionTimeoutMs).toBe(300_000);
    const sub = c.subscribe('/default/*');
    await sub.ready;
    const out = await c.publish('/default/a/b', ['{"n":1}', '"two"']);
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.events.map((e) => [e.index, e.ok])).toEqual([[0, true], [1, true]]);
    await until(c, () => sub.received === 2);
    expect(sub.events.map((e) => e.value)).toEqual([{ n: 1 }, 'two']);
  });

  it('fails the connection with the service error for a bad credential, and does not retry', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, await bad()));
    await expect(c.connect()).rejects.toThrow(/UnauthorizedException/);
    await until(c, () => c.state.status === 'closed');
    expect(c.state.status === 'closed' && c.state.errors[0]?.errorType).toBe('UnauthorizedException');
    expect(emu.log.filter((e) => e.kind === 'connection' && 'event' in e && e.event === 'open').length).toBeLessThanOrEqual(1);
  });
});

describe('operations', () => {
  it('keeps several subscriptions apart, each with its own events and counters', async () => {
    const emu = await emulator({ namespaces: ['default', 'chat'] });
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }));
    const all = c.subscribe('/default/*');
    const room = c.subscribe('/chat/room1');
    const deep = c.subscribe('/default/a/*');
    await Promise.all([all.ready, room.ready, deep.ready]);
    emu.publishJson('/default/x', [1]);
    emu.publishJson('/default/a/b', [2]);
    emu.publishJson('/chat/room1', [3]);
    await until(c, () => all.received === 2 && room.received === 1 && deep.received === 1);
    expect(all.events.map((e) => e.value)).toEqual([1, 2]);
    expect(deep.events.map((e) => e.value)).toEqual([2]);
    expect(room.events.map((e) => e.value)).toEqual([3]);
  });

  it('reports subscribe_error and publish_error as the service sent them', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }));
    const s = c.subscribe('/nope/*');
    await expect(s.ready).rejects.toThrow(/ResourceNotFound/);
    expect(s.status).toBe('failed');
    const out = await c.publish('/default/*', ['1']);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.errors[0]?.errorType).toBe('BadRequestException');
    const big = await c.publish('/default/x', ['1', 'not json']);
    expect(big.ok && big.events.map((e) => e.ok)).toEqual([true, false]);
  });

  it('unsubscribes: no more events for that subscription', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }));
    const a = c.subscribe('/default/x');
    const b = c.subscribe('/default/*');
    await Promise.all([a.ready, b.ready]);
    await a.unsubscribe();
    expect(a.status).toBe('unsubscribed');
    expect(c.subscriptions).toEqual([b]);
    emu.publishJson('/default/x', ['after']);
    await until(c, () => b.received === 1);
    expect(a.received).toBe(0);
    expect(emu.log.some((e) => e.kind === 'frame' && e.dir === 'in' && !!e.text?.includes('"unsubscribe"'))).toBe(true);
  });

  it('reconnects with backoff after a drop and re-subscribes with the same ids', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }), { backoff: { baseMs: 20, maxMs: 100 } });
    const s = c.subscribe('/default/*');
    await s.ready;
    const states: string[] = [];
    c.onChange(() => states.push(c.state.status));
    emu.dropConnection(emu.connections[0]!);
    await until(c, () => s.resubscribed === 1 && s.status === 'active');
    expect(states).toContain('reconnecting');
    const subscribes = emu.log.filter((e) => e.kind === 'frame' && e.dir === 'in' && !!e.text?.includes('"subscribe"'));
    expect(subscribes.map((e) => (e.kind === 'frame' ? JSON.parse(e.text ?? '{}').id : ''))).toEqual([s.id, s.id]);
    emu.publishJson('/default/z', ['back']);
    await until(c, () => s.received === 1);
  });

  it('closes and reconnects when no ka arrives within connectionTimeoutMs', async () => {
    const emu = await emulator({ connectionTimeoutMs: 300, keepAliveMs: 100 });
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }), { backoff: { baseMs: 20, maxMs: 50 } });
    const s = c.subscribe('/default/*');
    await s.ready;
    await until(c, () => c.state.status === 'connected' && c.state.kaCount > 0);
    emu.faults.stopKeepAlive();
    await until(c, () => c.state.status === 'reconnecting', 3000);
    if (c.state.status === 'reconnecting') expect(c.state.code).toBe(3008);
    emu.faults.resumeKeepAlive();
    await until(c, () => s.status === 'active' && s.resubscribed === 1, 3000);
  });

  it('closes with the code asked for and stops', async () => {
    const emu = await emulator();
    const c = client(profileFor(emu, { mode: 'API_KEY', apiKey: API_KEY }));
    await c.connect();
    c.close(1000, 'bye');
    await until(c, () => c.state.status === 'closed');
    expect(c.state).toMatchObject({ status: 'closed', code: 1000, byUser: true });
  });
});
