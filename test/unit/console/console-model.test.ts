// The Console view's pure pieces: endpoints typed as domains, result and subscription
// states, and the connection line the e2e reads.
import { describe, expect, test } from 'vitest';
import { connectionText, endpointHint, isCustomDomain, normaliseEndpoint, resultState, subState } from '../../../extension/panel/views/console/console-model.ts';
import type { Subscription } from '../../../src/pubsub/index.ts';

describe('normaliseEndpoint', () => {
  test('a bare AppSync domain gets the secure scheme and the service path', () => {
    expect(normaliseEndpoint('abc.appsync-api.us-east-1.amazonaws.com', 'http')).toBe('https://abc.appsync-api.us-east-1.amazonaws.com/event');
    expect(normaliseEndpoint(' abc.appsync-realtime-api.us-east-1.amazonaws.com/ ', 'realtime')).toBe('wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime');
  });
  test('loopback gets the plain schemes the emulator speaks; URLs and paths are kept', () => {
    expect(normaliseEndpoint('127.0.0.1:4000', 'http')).toBe('http://127.0.0.1:4000/event');
    expect(normaliseEndpoint('localhost:4000', 'realtime')).toBe('ws://localhost:4000/event/realtime');
    expect(normaliseEndpoint('events.example.com/custom/event', 'http')).toBe('https://events.example.com/custom/event');
    expect(normaliseEndpoint('https://x.example.com/event', 'http')).toBe('https://x.example.com/event');
    expect(normaliseEndpoint('', 'http')).toBe('');
  });
});

describe('resultState', () => {
  const ev = (ok: boolean, index: number) => ({ index, ok });
  test('names every verdict', () => {
    expect(resultState({ ok: true, transport: 'http', events: [ev(true, 0), ev(true, 1)], durationMs: 1 })).toBe('success');
    expect(resultState({ ok: true, transport: 'http', events: [ev(true, 0), ev(false, 1)], durationMs: 1 })).toBe('partial');
    expect(resultState({ ok: true, transport: 'ws', events: [ev(false, 0)], durationMs: 1 })).toBe('failed');
    expect(resultState({ ok: false, transport: 'http', errors: [], status: 401, durationMs: 1 })).toBe('error');
  });
});

describe('subState', () => {
  const sub = (status: Subscription['status']) => ({ status }) as Subscription;
  const connected = { status: 'connected', since: 0, connectionTimeoutMs: 1, kaCount: 0 } as const;
  test('follows the subscription and its connection', () => {
    expect(subState(sub('active'), connected)).toBe('active');
    expect(subState(sub('subscribing'), connected)).toBe('pending');
    expect(subState(sub('active'), { status: 'reconnecting', attempt: 1, delayMs: 100 })).toBe('pending');
    expect(subState(sub('active'), { status: 'closed', errors: [], byUser: false })).toBe('closed');
    expect(subState(sub('failed'), connected)).toBe('failed');
    expect(subState(sub('unsubscribed'), { status: 'closed', errors: [], byUser: true })).toBe('unsubscribed');
  });
});

describe('connectionText', () => {
  test('starts with the state name; closed shows code, service error and hint', () => {
    expect(connectionText({ status: 'idle' }, 'API_KEY', 0)).toMatch(/^idle/);
    expect(connectionText({ status: 'connecting', attempt: 0 }, 'API_KEY', 0)).toMatch(/^connecting/);
    expect(connectionText({ status: 'connected', since: 0, connectionTimeoutMs: 300000, kaCount: 3, lastKaAt: 1000 }, 'API_KEY', 3000)).toBe('connected: ack received (timeout 300 s), ka 3, last 2 s ago');
    expect(connectionText({ status: 'reconnecting', attempt: 2, delayMs: 400, code: 1006 }, 'API_KEY', 0)).toMatch(/^reconnecting in 0\.4 s \(attempt 2, closed with 1006/);
    const closed = connectionText({ status: 'closed', code: 1000, errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized' }], byUser: false }, 'API_KEY', 0);
    expect(closed).toMatch(/^closed 1000 UnauthorizedException You are not authorized · The API key mode expects/);
  });
});

describe('isCustomDomain', () => {
  test('loopback is never called custom; other non-AppSync hosts are', () => {
    expect(isCustomDomain(true, '127.0.0.1:44245')).toBe(false);
    expect(isCustomDomain(true, 'localhost')).toBe(false);
    expect(isCustomDomain(true, '[::1]:4000')).toBe(false);
    expect(isCustomDomain(true, 'events.example.com')).toBe(true);
    expect(isCustomDomain(false, 'abc.appsync-api.us-east-1.amazonaws.com')).toBe(false);
  });
});

describe('endpointHint', () => {
  test('says only what the input does not: the derived endpoint, or the URL a bare domain becomes', () => {
    expect(endpointHint('', 'ws://127.0.0.1:4000/event/realtime')).toBe('derived: ws://127.0.0.1:4000/event/realtime');
    expect(endpointHint('http://127.0.0.1:4000/event', 'http://127.0.0.1:4000/event')).toBeNull();
    expect(endpointHint(' http://127.0.0.1:4000/event ', 'http://127.0.0.1:4000/event')).toBeNull();
    expect(endpointHint('abc.appsync-api.us-east-1.amazonaws.com', 'https://abc.appsync-api.us-east-1.amazonaws.com/event')).toBe('→ https://abc.appsync-api.us-east-1.amazonaws.com/event');
  });
});
