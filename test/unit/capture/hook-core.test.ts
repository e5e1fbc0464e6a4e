// The hook's handshake, commands, epochs and unload flush, over a fake port and fake timers.
import { describe, expect, test } from 'vitest';
import { createHookCore, readCommand, type HookIo } from '../../../src/capture/hook-core.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { SocketControl } from '../../../src/capture/socket-tap.ts';
import { HANDSHAKE_TAG, type PageToContent } from '../../../src/messaging/contracts.ts';
import { recordsOf } from './batch-text.ts';

const rec = (seq: number): CaptureRecord => ({ kind: 'ws-receive', socketId: 'n1:0' as SocketId, seq, t: seq, data: 'x', size: 1 });

function harness() {
  const posted: Array<{ port: object; message: PageToContent }> = [];
  const flushed: Array<{ name: string; text: string }> = [];
  const listeners = new Map<object, (d: unknown) => void>();
  const timers: Array<() => void> = [];
  const io: HookIo = {
    post: (port, message) => posted.push({ port, message }),
    listen: (port, fn) => listeners.set(port, fn),
    dispatchFlush: (name, text) => flushed.push({ name, text }),
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
  };
  const core = createHookCore(io, { nonce: 'n1' });
  const relayPort = {};
  const commands: string[] = [];
  const control: SocketControl = {
    inject: (id, data) => (commands.push(`inject ${id} ${data}`), id === 'n1:0' ? undefined : 'no such socket'),
    send: (id, data) => (commands.push(`send ${id} ${data}`), id === 'n1:0' ? undefined : 'the socket is not open'),
    list: () => ['n1:0'],
  };
  core.useSockets(control);
  const handshake = () => core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'flush-1' }, [relayPort], true);
  const command = (m: unknown) => listeners.get(relayPort)!(m);
  const fire = () => timers.splice(0).forEach((f) => f());
  const batches = () => posted.filter((p) => p.message.type === 'framesCaptured').map((p) => p.message as Extract<PageToContent, { type: 'framesCaptured' }>);
  return { core, posted, flushed, relayPort, handshake, command, fire, batches, commands };
}

describe('hook core: handshake', () => {
  test('takes the first tagged message from its own window with one port, and only that one', () => {
    const h = harness();
    expect(h.core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'f' }, [{}], false)).toBe(false); // another window
    expect(h.core.handshake({ [HANDSHAKE_TAG]: true }, [{}], true)).toBe(false); // no flush event name
    expect(h.core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'f' }, [], true)).toBe(false); // no port
    expect(h.core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'f' }, [{}, {}], true)).toBe(false);
    expect(h.core.handshake({ flushEvent: 'f' }, [{}], true)).toBe(false);
    expect(h.handshake()).toBe(true);
    expect(h.core.inspect().connected).toBe(true);
    // A look-alike afterwards is neither taken nor hidden.
    expect(h.core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'evil' }, [{}], true)).toBe(false);
  });

  test('reads the tag as an own property: a getter on Object.prototype is never consulted', () => {
    const h = harness();
    let consulted = 0;
    Object.defineProperty(Object.prototype, HANDSHAKE_TAG, { get: () => (consulted++, true), configurable: true });
    Object.defineProperty(Object.prototype, 'flushEvent', { get: () => (consulted++, 'evil'), configurable: true });
    try {
      expect(h.core.handshake({}, [{}], true)).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>)[HANDSHAKE_TAG];
      delete (Object.prototype as Record<string, unknown>).flushEvent;
    }
    expect(consulted).toBe(0);
  });

  test('announces itself once there is something to capture, on the port once it has it', () => {
    const h = harness();
    h.core.emit(rec(0), 10);
    expect(h.posted).toEqual([]);
    h.handshake();
    expect(h.posted.map((p) => p.message)).toEqual([{ type: 'hookReady', version: 1, nonce: 'n1' }]);
    h.core.emit(rec(1), 10);
    expect(h.posted).toHaveLength(1);
  });
});

describe('hook core: commands', () => {
  test('recording, acknowledgement and the epoch of resent batches', () => {
    const h = harness();
    h.handshake();
    h.core.emit(rec(0), 10);
    h.command({ type: 'recordingChanged', recording: true, captureAll: true });
    expect(h.core.inspect()).toMatchObject({ recording: true, captureAll: true });
    expect(h.batches().map((b) => [b.batchId, b.epoch])).toEqual([[1, 0]]);
    h.core.emit(rec(1), 10);
    h.fire();
    h.command({ type: 'batchAcknowledged', batchId: 1 });
    // The worker died; the relay reconnected (epoch 3) and asks for what is unacknowledged.
    h.command({ type: 'resendUnacknowledged', epoch: 3 });
    expect(h.batches().map((b) => [b.batchId, b.epoch])).toEqual([
      [1, 0],
      [2, 0],
      [2, 3],
    ]);
    h.core.emit(rec(2), 10);
    h.fire();
    expect(h.batches().at(-1)).toMatchObject({ batchId: 3, epoch: 3 });
    expect(recordsOf(h.batches().at(-1)!.payload)).toEqual([rec(2)]);
  });

  test('socket commands answer with commandCompleted when they carry a commandId', () => {
    const h = harness();
    h.handshake();
    h.command({ type: 'injectIncoming', socketId: 'n1:0', data: 'a', commandId: 7 });
    h.command({ type: 'sendOnSocket', socketId: 'n1:9', data: 'b', commandId: 8 });
    h.command({ type: 'sendOnSocket', socketId: 'n1:0', data: 'c' });
    expect(h.commands).toEqual(['inject n1:0 a', 'send n1:9 b', 'send n1:0 c']);
    expect(h.posted.map((p) => p.message)).toEqual([
      { type: 'commandCompleted', commandId: 7, ok: true },
      { type: 'commandCompleted', commandId: 8, ok: false, error: 'the socket is not open' },
    ]);
  });

  test('malformed commands do nothing', () => {
    const h = harness();
    h.handshake();
    for (const m of [null, 5, 'x', { type: 'recordingChanged', recording: 'yes', captureAll: false }, { type: 'injectIncoming', socketId: 'n1:0', data: 'x', commandId: -1 }, { type: 'injectIncoming', socketId: 'n1:0', data: 3 }, { type: 'resendUnacknowledged' }, { type: 'explode' }]) {
      h.command(m);
    }
    expect(h.commands).toEqual([]);
    expect(h.posted).toEqual([]);
    expect(h.core.inspect()).toMatchObject({ recording: false, epoch: 0 });
  });

  test('readCommand ignores inherited properties', () => {
    const proto = { type: 'settingsChanged', captureAll: true };
    expect(readCommand(Object.create(proto))).toBeUndefined();
    expect(readCommand({ type: 'settingsChanged', captureAll: true })).toEqual({ type: 'settingsChanged', captureAll: true });
  });
});

describe('hook core: unload', () => {
  test('pagehide flushes pending and resends unacknowledged batches through the flush event', () => {
    const h = harness();
    h.handshake();
    h.command({ type: 'recordingChanged', recording: true, captureAll: false });
    h.core.emit(rec(0), 10);
    h.fire(); // batch 1 on the port, not acknowledged
    h.core.emit(rec(1), 10); // pending
    const onPort = h.posted.length;
    h.core.pageHide();
    expect(h.posted).toHaveLength(onPort);
    expect(h.flushed.map((f) => f.name)).toEqual(['flush-1', 'flush-1', 'flush-1']);
    expect(h.flushed.map((f) => JSON.parse(f.text).batchId)).toEqual([2, 1, 2]);
    // Afterwards (a bfcache restore) the port is used again.
    h.core.emit(rec(2), 10);
    h.fire();
    expect(h.posted.length).toBe(onPort + 1);
  });

  test('records emitted before the handshake are kept and sent once recording starts', () => {
    const h = harness();
    h.core.emit(rec(0), 10);
    h.core.emit(rec(1), 10);
    h.handshake();
    h.command({ type: 'recordingChanged', recording: true, captureAll: false });
    expect(recordsOf(h.batches()[0]!.payload).map((r: CaptureRecord) => r.seq)).toEqual([0, 1]);
  });
});
