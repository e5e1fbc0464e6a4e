// Replay to the local emulator over HTTP with the real clock: the subscriber receives the
// same events in the same order, and throttled publishes are retried until they land.
import { afterAll, describe, expect, it } from 'vitest';
import { compareItems, compileRemap, httpPublishClient, endpointTarget, startReplay, type ReplayItem } from '../../../src/replay/index.ts';
import { apiKeyAuth, connect, emulator, KEY, stopAll, subscribe } from '../emulator/helpers.ts';
import { iterate } from './fixtures.ts';

afterAll(stopAll);

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
      target: endpointTarget(httpPublishClient({ url: emu.plainHttpUrl ?? emu.httpUrl, apiKey: KEY, fetch: (u, i) => fetch(u, i) })),
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
});
