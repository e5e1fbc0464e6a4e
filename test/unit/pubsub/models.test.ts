// Templates, history, hints, backoff and the capture tap: the console's small pure models.
import { describe, expect, it } from 'vitest';
import {
  addToHistory,
  backoffDelay,
  createCaptureTap,
  expandTemplate,
  hintFor,
  outcomeSummary,
  settleHistory,
  variablesIn,
  type HistoryEntry,
  type Template,
} from '../../../src/pubsub/index.ts';

describe('templates', () => {
  const t: Template = { id: 't', name: 'n', channel: '/default/{{counter}}', body: '{"id":"{{uuid}}","n":{{counter}},"at":{{now}},"iso":"{{ iso }}","other":"{{uuid}}"}', transport: 'http', counter: 0 };
  it('replaces every variable, a fresh uuid per occurrence, and advances the counter', () => {
    let n = 0;
    const ctx = { now: Date.UTC(2026, 0, 2, 3, 4, 5), uuid: () => `u${++n}` };
    const first = expandTemplate(t, ctx);
    expect(JSON.parse(first.body)).toEqual({ id: 'u1', n: 1, at: ctx.now, iso: '2026-01-02T03:04:05.000Z', other: 'u2' });
    expect(first.channel).toBe('/default/1');
    const second = expandTemplate(first.template, ctx);
    expect(JSON.parse(second.body).n).toBe(2);
    expect(variablesIn(t.body)).toEqual(['uuid', 'counter', 'now', 'iso']);
  });
});

describe('history', () => {
  const e = (id: string): HistoryEntry => ({ id, at: 1, profileId: 'p', transport: 'ws', channel: '/d/a', body: '1' });
  it('keeps the newest first, bounded, and records outcomes', () => {
    let h: HistoryEntry[] = [];
    for (let i = 0; i < 5; i++) h = addToHistory(h, e(String(i)), 3);
    expect(h.map((x) => x.id)).toEqual(['4', '3', '2']);
    h = settleHistory(h, '3', { ok: true, transport: 'ws', events: [{ index: 0, ok: true }, { index: 1, ok: false }], durationMs: 1 });
    expect(outcomeSummary(h[1]?.outcome)).toBe('1 ok, 1 failed');
    expect(outcomeSummary({ ok: false, transport: 'http', status: 401, errors: [{ errorType: 'UnauthorizedException', message: 'no' }], durationMs: 1 })).toBe('401 UnauthorizedException: no');
    expect(outcomeSummary(undefined)).toBe('sending…');
  });
});

describe('hints', () => {
  it('names the credential the mode expects on a 401', () => {
    expect(hintFor({ errorType: 'UnauthorizedException' }, { mode: 'API_KEY', operation: 'publish', status: 401 })).toMatch(/API key/);
    expect(hintFor({ errorType: 'UnauthorizedException', errorCode: 401 }, { mode: 'AWS_IAM', operation: 'connect' })).toMatch(/IAM credentials/);
    expect(hintFor({ errorType: 'UnauthorizedException' }, { mode: 'OPENID_CONNECT', operation: 'subscribe' })).toMatch(/OIDC/);
  });
  it('says to publish to a concrete channel after a wildcard publish', () => {
    expect(hintFor({ errorType: 'BadRequestException', message: 'Invalid Channel Format: publishing to a wildcard /default/*' }, { mode: 'API_KEY', operation: 'publish' })).toMatch(/concrete channel/);
  });
  it('explains network failures and unknown namespaces', () => {
    expect(hintFor({ errorType: 'NetworkError' }, { mode: 'API_KEY', operation: 'publish', status: 0 })).toMatch(/did not reach/);
    expect(hintFor({ errorType: 'ResourceNotFound', message: 'Namespace not found: x' }, { mode: 'API_KEY', operation: 'subscribe' })).toMatch(/namespace/);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    expect(backoffDelay(0, 0)).toBe(100);
    expect(backoffDelay(3, 0)).toBe(800);
    expect(backoffDelay(3, 0.999)).toBeGreaterThan(800);
    expect(backoffDelay(20, 0.9)).toBe(5000);
  });
});

describe('capture tap', () => {
  it('keys wire events per stream with gapless seqs', () => {
    const tap = createCaptureTap('console-x');
    const a = tap({ kind: 'ws-error', stream: 'ws1', t: 1 });
    const b = tap({ kind: 'ws-error', stream: 'ws1', t: 2 });
    const c = tap({ kind: 'ws-error', stream: 'ws2', t: 3 });
    expect([a, b, c].map((r) => [r.socketId, r.seq])).toEqual([['console-x:ws1', 0], ['console-x:ws1', 1], ['console-x:ws2', 0]]);
  });
});
