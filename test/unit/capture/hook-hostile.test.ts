// The hook path (socket tap → hook core → outbox → JSON batch) after a page replaced the
// built-ins it could reach: records come out exactly as without the patches, and no patched
// function ever runs. Also: events a page dispatches itself are not recorded as wire traffic.
import { describe, expect, test } from 'vitest';
import { createHookCore } from '../../../src/capture/hook-core.ts';
import { tapWebSocket } from '../../../src/capture/socket-tap.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { HANDSHAKE_TAG, type PageToContent } from '../../../src/messaging/contracts.ts';
import { isWireEvent, makeFakeWebSocket, makeWindow } from './fake-websocket.ts';
import { recordsOf } from './batch-text.ts';

const URL_ = 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';

function run(attack: () => () => void) {
  const Native = makeFakeWebSocket();
  const win = makeWindow(Native);
  const posted: PageToContent[] = [];
  const timers: Array<() => void> = [];
  const listeners: Array<(d: unknown) => void> = [];
  const core = createHookCore(
    // The fakes write by index: Array.prototype.push is among the patched.
    { post: (_p, m) => void (posted[posted.length] = m), listen: (_p, f) => void (listeners[listeners.length] = f), dispatchFlush: () => {}, setTimer: (f) => void (timers[timers.length] = f), clearTimer: () => {} },
    { nonce: 'n1' },
  );
  core.useSockets(tapWebSocket(win, core.emit, { nonce: 'n1', isAppSync: () => true, captureAll: core.captureAll, maxTextLength: 8, previewBytes: 4, now: () => 1, isTrusted: isWireEvent }));
  core.handshake({ [HANDSHAKE_TAG]: true, flushEvent: 'f' }, [{}], true);
  const WS = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
  // Created before the patches: the fake native itself uses spread and iterators.
  const ws = new WS(URL_, ['aws-appsync-event-ws']);
  // The page's scripts run from here on.
  const restore = attack();
  try {
    listeners[0]!({ type: 'recordingChanged', recording: true, captureAll: false });
    Native.servers[0]!.open('aws-appsync-event-ws', '');
    ws.send('hello');
    Native.servers[0]!.message('a long frame text');
    Native.servers[0]!.message(new Uint8Array([1, 2, 3, 4, 5]).buffer);
    ws.dispatchEvent(new MessageEvent('message', { data: 'FORGED' }));
    ws.dispatchEvent(new Event('close'));
    listeners[0]!({ type: 'sendOnSocket', socketId: 'n1:0', data: 'cmd', commandId: 1 });
    for (let i = 0; i < timers.length; i++) timers[i]!();
  } finally {
    restore();
  }
  const batches = posted.filter((m) => m.type === 'framesCaptured');
  const records = batches.flatMap((b) => recordsOf((b as { payload: string }).payload));
  return { records, answers: posted.filter((m) => m.type === 'commandCompleted') };
}

describe('the hook under a page that replaced built-ins', () => {
  test('records and command results are unchanged, and no page function runs', () => {
    const baseline = run(() => () => {});
    const calls: string[] = [];
    const attacked = run(() => {
      const saved: Array<() => void> = [];
      const patch = (obj: object, key: PropertyKey, value: unknown) => {
        const d = Object.getOwnPropertyDescriptor(obj, key);
        Object.defineProperty(obj, key, { value, configurable: true, writable: true });
        // Index writes, not push: Array.prototype.push is among the patched.
        saved[saved.length] = () => (d ? Object.defineProperty(obj, key, d) : delete (obj as Record<PropertyKey, unknown>)[key]);
      };
      const spy = (name: string, ret?: unknown) =>
        function (this: unknown) {
          calls[calls.length] = name;
          return ret;
        };
      patch(Object.prototype, 'toJSON', spy('Object.prototype.toJSON', { forged: true }));
      patch(Array.prototype, 'toJSON', spy('Array.prototype.toJSON', ['forged']));
      // Not Array.prototype.push or [Symbol.iterator]: the fake native socket and node's
      // MessageEvent use them; hook-natives.test.ts finds any use of them in the hook.
      patch(Array.prototype, 'slice', spy('Array.prototype.slice', []));
      patch(Array.prototype, 'filter', spy('Array.prototype.filter', []));
      patch(Map.prototype, 'set', spy('Map.prototype.set'));
      patch(Map.prototype, 'get', spy('Map.prototype.get'));
      patch(String.prototype, 'slice', spy('String.prototype.slice', 'FORGED'));
      patch(Function.prototype, 'call', spy('Function.prototype.call'));
      patch(Function.prototype, 'apply', spy('Function.prototype.apply'));
      // Not the String/Number globals: the fake WebSocket (standing in for the browser's
      // native) uses them itself; the lint test covers the hook's own use of globals.
      patch(JSON, 'stringify', spy('JSON.stringify', '[]'));
      patch(Number, 'isSafeInteger', spy('Number.isSafeInteger', false));
      Object.defineProperty(Object.prototype, 'commandId', { get: () => ((calls[calls.length] = 'commandId getter'), 99), configurable: true });
      saved[saved.length] = () => delete (Object.prototype as Record<string, unknown>).commandId;
      return () => {
        for (let i = saved.length - 1; i >= 0; i--) saved[i]!();
      };
    });
    expect(calls).toEqual([]);
    expect(attacked).toEqual(baseline);
    expect(baseline.answers).toEqual([{ type: 'commandCompleted', commandId: 1, ok: true }]);
  });

  test('a page-dispatched message is recorded marked synthetic; a page-dispatched close is not recorded', () => {
    const { records } = run(() => () => {});
    const receives = records.filter((r) => r.kind === 'ws-receive');
    expect(receives.map((r) => (r.kind === 'ws-receive' ? [r.data, r.synthetic ?? false] : null))).toEqual([
      [{ truncated: true, text: 'a long f', length: 17 }, false],
      [{ binary: true, size: 5, preview: 'AQIDBA==' }, false],
      ['FORGED', true],
    ]);
    expect(records.some((r) => r.kind === 'ws-close')).toBe(false);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
