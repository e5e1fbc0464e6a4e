import { describe, expect, it } from 'vitest';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { compareItems, createFakeClock, createResultSession, injectTarget, liveSubscriptions, selectItems, startReplay, type FakeClock, type PublishClient } from '../../../src/replay/index.ts';
import { endpointTarget } from '../../../src/replay/targets.ts';
import { getSession, readFramePage } from '../../../src/sessions/index.ts';
import { SocketScript, storedSession } from './fixtures.ts';

/**
 * Runs the fake clock until the replay ends. One runAll can return while the runner is still
 * between sleeps, reading the session from (fake) IndexedDB, whose callbacks take more
 * macrotask turns than runAll waits for; its next sleep would then never be woken.
 */
async function runToEnd(clock: FakeClock, run: { readonly done: Promise<unknown> }): Promise<void> {
  let ended = false;
  void run.done.finally(() => (ended = true));
  while (!ended) await clock.runAll();
}

function original() {
  const a = new SocketScript('p:a', 1000);
  const out = [a.create(), a.open(), a.send({ type: 'subscribe', id: 's1', channel: '/default/*', authorization: { 'x-api-key': 'da2-secretsecretsecret' } })];
  for (let i = 0; i < 12; i++) out.push(a.receive({ type: 'data', id: 's1', event: JSON.stringify({ i, at: 1000 + i }) }));
  return out;
}

describe('result session', () => {
  it('a replay to an endpoint is stored as its own session, linked, and compares equal to the original', async () => {
    const { db, session } = await storedSession(original());
    const clock = createFakeClock(10_000);
    const result = await createResultSession(db, { original: session, classify: classifyFrame, redact: redactRecord, now: clock.now, batchRecords: 5 });
    // A fake service: the received events are republished on /default/replayed.
    const client: PublishClient = {
      transport: 'http',
      url: 'http://127.0.0.1:1/event',
      publish: async (channel, events) => ({
        status: 200,
        successful: events.map((_, index) => ({ index })),
        failed: [],
        requestText: JSON.stringify({ channel, events }),
        responseText: '{"successful":[],"failed":[]}',
      }),
    };
    const run = startReplay({
      items: selectItems(db, session.id, { what: 'received' }),
      target: endpointTarget(client, clock.now),
      rules: [{ from: '/default/*', to: '/default/replayed', prefix: false }],
      timing: { mode: 'fast' },
      merge: true,
      clock,
      onExchange: result.exchange,
    });
    await runToEnd(clock, run);
    const summary = await run.done;
    expect(summary).toMatchObject({ state: 'completed', sent: 12, acknowledged: 12 });
    const stored = await result.finish(summary);
    expect(stored).toMatchObject({ source: 'replay', derivedFrom: session.id, state: 'complete', tags: ['replay:completed'], name: 'Replay of original' });
    expect(stored.frameCount).toBe(6); // three publishes of up to five events, request + response each
    const cmp = await compareItems(selectItems(db, session.id, { what: 'received' }), selectItems(db, stored.id, { what: 'published' }), { ignoreChannel: true });
    expect(cmp.identical).toBe(true);
    expect(cmp.counts.matched).toBe(12);
  }, 30_000);

  it('injection is recorded as injected data frames on the subscriptions they were made for, secrets redacted', async () => {
    const { db, session } = await storedSession(original());
    const subs = await liveSubscriptions(db, session.id);
    expect(subs).toEqual([{ socketId: 'p:a', socketUrl: expect.stringContaining('/event/realtime'), id: 's1', channel: '/default/*' }]);
    const clock = createFakeClock(0);
    const result = await createResultSession(db, { original: session, classify: classifyFrame, redact: redactRecord, now: clock.now });
    const injected: string[] = [];
    const target = injectTarget({ injectIncoming: async (_s, d) => (injected.push(d), { ok: true }), sendOnSocket: async () => ({ ok: true }) }, subs, clock.now);
    const run = startReplay({ items: selectItems(db, session.id, { what: 'received' }), target, timing: { mode: 'original' }, clock, onExchange: result.exchange });
    await clock.advance(5);
    run.stop();
    await runToEnd(clock, run);
    const summary = await run.done;
    expect(summary.state).toBe('stopped');
    const stored = await result.finish(summary);
    expect(stored.tags).toEqual(['replay:stopped']);
    const frames = await readFramePage(db, stored.id, { offset: 0, limit: 100 });
    const data = frames.filter((f) => f.type === 'data');
    // Consistent: exactly what was injected before the stop, each with its channel.
    expect(data.map((f) => f.text)).toEqual(injected);
    expect(data.length).toBe(summary.delivered);
    expect(data.every((f) => f.channel === '/default/*')).toBe(true);
    expect(frames.at(-1)?.dir).toBe('close');
    expect((await getSession(db, stored.id))?.derivedFrom).toBe(session.id);
  });

  it('tracks unsubscribes and closed sockets', async () => {
    const a = new SocketScript('p:a', 1);
    const b = new SocketScript('p:b', 1);
    const { db, session } = await storedSession([
      a.create(), a.open(),
      a.send({ type: 'subscribe', id: 'x', channel: '/d/x' }),
      a.send({ type: 'subscribe', id: 'y', channel: '/d/y' }),
      a.send({ type: 'unsubscribe', id: 'x' }),
      b.create(), b.open(),
      b.send({ type: 'subscribe', id: 'z', channel: '/d/z' }),
      b.close(),
    ]);
    expect((await liveSubscriptions(db, session.id)).map((s) => s.id)).toEqual(['y']);
  });
});
