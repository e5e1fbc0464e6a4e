// Replay to the local emulator over HTTP with the real clock: the subscriber receives the
// same events in the same order, and throttled publishes are retried until they land.
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveProfile, type WebSocketLike } from '../../../src/pubsub/index.ts';
import { compareItems, compileRemap, profilePublishClient, endpointTarget, startReplay, type ReplayItem } from '../../../src/replay/index.ts';
import { apiKeyAuth, connect, emulator, KEY, stopAll, subscribe } from '../emulator/helpers.ts';
import { iterate } from './fixtures.ts';

afterAll(stopAll);

function profileOf(httpUrl: string) {
  const r = resolveProfile({ httpUrl, realtimeUrl: '', auth: { mode: 'API_KEY', apiKey: KEY } });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.profile;
}

describe('replay to the emulator', () => {
  it('delivers every event in order, remapped, through throttling', async () => {
    const emu = await emulator({ namespaces: ['default', 'staging'] });
    const sub = await connect(emu);
    await subscribe(sub, 's', '/staging/orders/*', apiKeyAuth(emu));
    const items: ReplayItem[] = Array.from({ length: 23 }, (_, i) => ({ pos: i, t: i, source: 'received', channel: `/default/orders/${i % 3}`, events: [JSON.stringify({ n: i })] }));
    emu.faults.rejectPublishes(2, { errorType: 'LimitExceededError', message: 'Rate limit exceeded' });
    const remap = compileRemap([{ from: '/default/orders/*', to: '/staging/orders/*' }]);
    if (!remap.ok) throw new Error();
    const run = startReplay({
      items: iterate(items),
      target: endpointTarget(profilePublishClient({ profile: profileOf(emu.plainHttpUrl ?? emu.httpUrl), transport: 'http', fetch: (u, i) => fetch(u, i) })),
      rules: remap.rules,
      timing: { mode: 'fast' },
      merge: true,
      random: () => 0,
    });
    const summary = await run.done;
    expect(summary.reasons).toEqual({});
    expect(summary).toMatchObject({ state: 'completed', sent: 23, acknowledged: 23, failed: 0 });
    expect(summary.retries).toBe(2);
    const got: ReplayItem[] = [];
    for (let i = 0; i < 23; i++) {
      const f = await sub.nextOf('data', 's', 5000);
      got.push({ pos: i, t: 0, source: 'received', channel: '/x', events: [String(f['event'])] });
    }
    const cmp = await compareItems(iterate(items), iterate(got), { ignoreChannel: true });
    expect(cmp.identical).toBe(true);
    sub.close();
  });

  it('publishes over one WebSocket with the profile, each send acknowledged by publish_success, through throttling', async () => {
    const emu = await emulator({ namespaces: ['default', 'staging'] });
    const sub = await connect(emu);
    await subscribe(sub, 's', '/staging/*', apiKeyAuth(emu));
    const items: ReplayItem[] = Array.from({ length: 7 }, (_, i) => ({ pos: i, t: i, source: 'ws-publish', channel: `/staging/x/${i % 2}`, events: [JSON.stringify({ n: i })] }));
    const sockets: WebSocket[] = [];
    const client = profilePublishClient({
      profile: profileOf(emu.plainHttpUrl ?? emu.httpUrl),
      transport: 'ws',
      WebSocket: (url, protocols) => {
        const ws = new WebSocket(url, protocols);
        sockets.push(ws);
        return ws as unknown as WebSocketLike;
      },
    });
    const exchanged: { sent: readonly string[]; received: readonly string[] }[] = [];
    // publish_error LimitExceededError on the socket: backed off and sent again.
    emu.faults.rejectPublishes(2, { errorType: 'LimitExceededError', message: 'Rate limit exceeded' });
    const run = startReplay({
      items: iterate(items),
      target: endpointTarget(client),
      timing: { mode: 'fast' },
      merge: true,
      random: () => 0,
      onExchange: (_s, o) => o.wire && exchanged.push(o.wire),
    });
    const summary = await run.done;
    expect(summary).toMatchObject({ state: 'completed', sent: 7, acknowledged: 7, failed: 0, handled: 7, retries: 2 });
    // One socket for the run, closed at its end.
    expect(sockets).toHaveLength(1);
    await new Promise<void>((r) => (sockets[0]!.readyState === WebSocket.CLOSED ? r() : sockets[0]!.once('close', () => r())));
    // Recorded without the per-operation authorization, with the service's answer.
    expect(exchanged.length).toBeGreaterThan(0);
    for (const w of exchanged) {
      expect(w.sent[0]).toMatch(/"type":"publish"/);
      expect(w.sent[0]).not.toContain(KEY);
    }
    // Every attempt is recorded: two refusals, then seven answers.
    expect(exchanged.map((w) => (/"type":"(\w+)"/.exec(w.received[0] ?? '') ?? [])[1])).toEqual(['publish_error', 'publish_error', ...Array(7).fill('publish_success')]);
    const got: string[] = [];
    for (let i = 0; i < 7; i++) got.push(String((await sub.nextOf('data', 's', 5000))['event']));
    expect(got).toEqual(items.map((x) => x.events[0]));
    sub.close();
  });
});
