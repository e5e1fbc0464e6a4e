// The relay and the reconnecting port over fake runtime ports: lazy connection, what passes
// from the page, epoch order across "the worker died", and the unload flush.
import { describe, expect, test } from 'vitest';
import { createRelayCore } from '../../../src/relay/relay-core.ts';
import { createReconnectingPort, type PortLike } from '../../../src/messaging/reconnecting-port.ts';
import type { ContentToBackground, ContentToPage } from '../../../src/messaging/contracts.ts';

function fakePort() {
  const onMessage: Array<(m: unknown) => void> = [];
  const onDisconnect: Array<() => void> = [];
  const sent: unknown[] = [];
  let alive = true;
  const port: PortLike = {
    postMessage: (m) => {
      if (!alive) throw new Error('Attempting to use a disconnected port object');
      sent.push(m);
    },
    disconnect: () => {
      alive = false;
    },
    onMessage: { addListener: (f) => onMessage.push(f) },
    onDisconnect: { addListener: (f) => onDisconnect.push(f) },
  };
  return {
    port,
    sent,
    deliver: (m: unknown) => onMessage.forEach((f) => f(m)),
    /** The background went away (a stopped service worker). */
    die: () => {
      alive = false;
      onDisconnect.forEach((f) => f());
    },
  };
}

function harness(hookNonce: string | null = null) {
  const ports: Array<ReturnType<typeof fakePort>> = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const toHook: ContentToPage[] = [];
  let failConnect = false;
  const relay = createRelayCore({
    toHook: (m) => toHook.push(m),
    link: ({ onOpen, onMessage }) =>
      createReconnectingPort<ContentToBackground>({
        connect: () => {
          if (failConnect) throw new Error('Extension context invalidated.');
          const p = fakePort();
          ports.push(p);
          return p.port;
        },
        onOpen,
        onMessage,
        setTimer: (fn, ms) => void timers.push({ fn, ms }),
      }),
    frame: () => ({ frameUrl: 'https://app/', topFrame: true, timeOrigin: 5 }),
    hookNonce,
  });
  const fire = () => timers.splice(0).forEach((t) => t.fn());
  const batch = (batchId: number, epoch: number) => ({ type: 'framesCaptured', batchId, epoch, dropped: 0, payload: '[]' });
  return { relay, ports, timers, toHook, fire, batch, failConnect: () => (failConnect = true) };
}

describe('relay core', () => {
  test("with the hook's nonce known, a hookReady naming another is refused and reported", () => {
    const h = harness('real');
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'FORGED' });
    expect(h.ports).toHaveLength(0);
    expect(h.relay.inspect().nonce).toBeNull();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'real' });
    expect(h.relay.inspect().nonce).toBe('real');
    expect(h.ports[0]!.sent).toContainEqual({ type: 'batchRejected', reason: 'malformed message from the page' });
  });

  test('connects only once the hook has something, then says hello and asks for a resend', () => {
    const h = harness();
    h.relay.fromHook(h.batch(1, 0));
    expect(h.ports).toHaveLength(0);
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    expect(h.ports).toHaveLength(1);
    expect(h.ports[0]!.sent).toEqual([{ type: 'contentConnected', version: 1, nonce: 'n1', frameUrl: 'https://app/', topFrame: true, timeOrigin: 5 }]);
    expect(h.toHook).toEqual([{ type: 'resendUnacknowledged', epoch: 1 }]);
    // A second hookReady cannot change the nonce.
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'other' });
    expect(h.relay.inspect().nonce).toBe('n1');
  });

  test('passes on only current-epoch batches, in order, across the worker dying', () => {
    const h = harness();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    h.relay.fromHook(h.batch(1, 0)); // sent before the hook heard of epoch 1: dropped, resent later
    h.relay.fromHook(h.batch(1, 1));
    h.relay.fromHook(h.batch(2, 1));
    expect(h.ports[0]!.sent.slice(1)).toEqual([
      { type: 'framesCaptured', batchId: 1, dropped: 0, payload: '[]' },
      { type: 'framesCaptured', batchId: 2, dropped: 0, payload: '[]' },
    ]);
    h.ports[0]!.die();
    expect(h.relay.inspect().connected).toBe(false);
    // While disconnected, nothing is passed on (the hook keeps it).
    h.relay.fromHook(h.batch(3, 1));
    expect(h.timers.map((t) => t.ms)).toEqual([100]);
    h.fire();
    expect(h.ports).toHaveLength(2);
    expect(h.toHook.at(-1)).toEqual({ type: 'resendUnacknowledged', epoch: 2 });
    // A batch of the old epoch still in flight from the hook is dropped; the resent one passes.
    h.relay.fromHook(h.batch(3, 1));
    h.relay.fromHook(h.batch(2, 2));
    h.relay.fromHook(h.batch(3, 2));
    expect(h.ports[1]!.sent.map((m) => (m as { type: string; batchId?: number }).batchId ?? (m as { type: string }).type)).toEqual([
      'contentConnected',
      2,
      3,
    ]);
  });

  test('backs off while the background stays away, and stops for good when the extension is gone', () => {
    const h = harness();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    h.ports[0]!.die();
    h.fire();
    h.ports[1]!.die();
    h.fire();
    h.ports[2]!.die();
    expect(h.timers.map((t) => t.ms)).toEqual([400]);
    // An answer resets the backoff.
    h.fire();
    h.ports[3]!.deliver({ type: 'batchAcknowledged', batchId: 1 });
    h.ports[3]!.die();
    expect(h.timers.map((t) => t.ms)).toEqual([100]);
    h.failConnect();
    h.fire();
    expect(h.timers).toEqual([]);
    expect(h.relay.inspect().connected).toBe(false);
  });

  test('commands from the background reach the hook; a resend request starts a new epoch', () => {
    const h = harness();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    h.ports[0]!.deliver({ type: 'injectIncoming', socketId: 'n1:0', data: 'x', commandId: 4 });
    h.ports[0]!.deliver({ type: 'resendRequested' });
    h.ports[0]!.deliver({ type: 'contentConnected' }); // not a command
    expect(h.toHook.slice(1)).toEqual([
      { type: 'injectIncoming', socketId: 'n1:0', data: 'x', commandId: 4 },
      { type: 'resendUnacknowledged', epoch: 2 },
    ]);
  });

  test('the hook\'s command results go to the background; garbage is reported, never forwarded', () => {
    const h = harness();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    h.relay.fromHook({ type: 'commandCompleted', commandId: 4, ok: false, error: 'the socket is not open' });
    h.relay.fromHook({ type: 'commandCompleted', commandId: 5, ok: true, extra: 'dropped' });
    h.relay.fromHook({ type: 'commandCompleted', commandId: -1, ok: true });
    h.relay.fromHook({ type: 'contentConnected', version: 1, nonce: 'forged', frameUrl: 'x', topFrame: true, timeOrigin: 1 });
    expect(h.ports[0]!.sent.slice(1)).toEqual([
      { type: 'commandCompleted', commandId: 4, ok: false, error: 'the socket is not open' },
      { type: 'commandCompleted', commandId: 5, ok: true },
      { type: 'batchRejected', reason: 'malformed message from the page' },
      { type: 'batchRejected', reason: 'malformed message from the page' },
    ]);
  });

  test('the unload flush passes on current-epoch batches from the event text only', () => {
    const h = harness();
    h.relay.fromHook({ type: 'hookReady', version: 1, nonce: 'n1' });
    h.relay.fromFlush(JSON.stringify(h.batch(7, 1)));
    h.relay.fromFlush(JSON.stringify(h.batch(8, 0)));
    h.relay.fromFlush('{not json');
    h.relay.fromFlush({ type: 'framesCaptured' });
    h.relay.fromFlush(JSON.stringify({ type: 'hookReady', version: 1, nonce: 'x' }));
    expect(h.ports[0]!.sent.slice(1)).toEqual([{ type: 'framesCaptured', batchId: 7, dropped: 0, payload: '[]' }]);
  });
});

describe('reconnecting port', () => {
  test('start is lazy and idempotent; close stops reconnecting', () => {
    const made: Array<ReturnType<typeof fakePort>> = [];
    const timers: Array<() => void> = [];
    const states: boolean[] = [];
    const p = createReconnectingPort<string>({
      connect: () => {
        const f = fakePort();
        made.push(f);
        return f.port;
      },
      onMessage: () => {},
      onState: (s) => states.push(s),
      setTimer: (fn) => void timers.push(fn),
    });
    expect(p.send('x')).toBe(false);
    p.start();
    p.start();
    expect(made).toHaveLength(1);
    expect(p.send('x')).toBe(true);
    made[0]!.die();
    timers.splice(0).forEach((f) => f());
    expect(made).toHaveLength(2);
    p.close();
    made[1]!.die();
    expect(timers).toEqual([]);
    expect(states).toEqual([true, false, true]);
    expect(p.send('y')).toBe(false);
  });

  test('a post on a port that just died reports false instead of throwing', () => {
    const f = fakePort();
    const p = createReconnectingPort<string>({ connect: () => f.port, onMessage: () => {}, setTimer: () => {} });
    p.start();
    f.port.disconnect();
    expect(p.send('x')).toBe(false);
  });
});
