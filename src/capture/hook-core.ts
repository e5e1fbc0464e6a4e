// The page hook's logic, behind injected I/O so it runs (and is tested) under node: the
// hidden handshake that hands over the private port, the commands that come over it, the
// relay's connection epoch, and the flush while the page unloads. extension/page/hook.iife.ts
// only wires it to the page's saved natives.
//
// Everything here may run after page scripts did, so it calls no method of a page-reachable
// prototype and reads no property a prototype getter could answer: messages are read as own
// data properties (ownValue), and every built-in is a saved one (native.ts). The lint test
// test/unit/capture/hook-natives.test.ts checks this file.

import type { CaptureRecord } from './records.ts';
import { createOutbox, type OutboxOptions } from './outbox.ts';
import { encodeBatch } from './batch-encoding.ts';
import type { SocketControl } from './socket-tap.ts';
import { JSONStringify, NumberIsSafeInteger, adoptTree, ownValue } from './native.ts';
import { compileBlockRules, readBlockRules, type BlockMatcher } from './block-match.ts';
import type { BlockMatch } from './block-rules.ts';
import { HANDSHAKE_TAG, PROTOCOL_VERSION, type PageToContent } from '../messaging/contracts.ts';

/** The private port as the hook sees it: opaque, used only through HookIo. */
export type HookPort = object;

export interface HookIo {
  /** Posts on the private port with the saved MessagePort.prototype.postMessage. */
  post(port: HookPort, message: PageToContent): void;
  /** Listens on the private port with saved natives (no page-replaceable setter). */
  listen(port: HookPort, onMessage: (data: unknown) => void): void;
  /** Dispatches a synchronous DOM event carrying `text` under the name the relay chose. */
  dispatchFlush(name: string, text: string): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface HookCoreOptions {
  readonly nonce: string;
  readonly outbox?: Partial<OutboxOptions>;
}

export interface HookCore {
  /** Where the taps put records; `approxBytes` is their size estimate. */
  emit(record: CaptureRecord, approxBytes: number): void;
  /** The socket tap, once installed (commands name its sockets). */
  useSockets(control: SocketControl): void;
  /** Whether sockets that are not AppSync ones are captured too (the relay's setting). */
  captureAll(): boolean;
  /** The block rules' matcher, or null while no rule is on (read per message). */
  blocking(): BlockMatcher | null;
  /**
   * A window `message` event: true when it was the relay's handshake, which the caller then
   * hides from the page (stopImmediatePropagation). `fromSelf` is `event.source === window`.
   */
  handshake(data: unknown, ports: readonly unknown[] | null, fromSelf: boolean): boolean;
  /** The page is unloading (`pagehide`). */
  pageHide(): void;
  /** For tests: state that is otherwise invisible. */
  inspect(): { connected: boolean; epoch: number; recording: boolean; captureAll: boolean };
}

const MAX_COMMAND_DATA = 16 * 1024 * 1024;
const MAX_ID = 1024;

/** A command from the relay, read as own data properties and checked; undefined if not one. */
export type HookCommand =
  | { readonly type: 'batchAcknowledged'; readonly batchId: number }
  | { readonly type: 'recordingChanged'; readonly recording: boolean; readonly captureAll: boolean }
  | { readonly type: 'resendUnacknowledged'; readonly epoch: number }
  | { readonly type: 'settingsChanged'; readonly captureAll: boolean }
  | { readonly type: 'blockRulesChanged'; readonly rules: readonly BlockMatch[] }
  | { readonly type: 'injectIncoming' | 'sendOnSocket'; readonly socketId: string; readonly data: string; readonly commandId: number | undefined };

const isCount = (x: unknown): x is number => NumberIsSafeInteger(x) && (x as number) >= 0;
const isText = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;

export function readCommand(msg: unknown): HookCommand | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const type = ownValue(msg, 'type');
  switch (type) {
    case 'batchAcknowledged': {
      const batchId = ownValue(msg, 'batchId');
      return isCount(batchId) ? { type, batchId } : undefined;
    }
    case 'recordingChanged': {
      const recording = ownValue(msg, 'recording');
      const captureAll = ownValue(msg, 'captureAll');
      return typeof recording === 'boolean' && typeof captureAll === 'boolean' ? { type, recording, captureAll } : undefined;
    }
    case 'resendUnacknowledged': {
      const epoch = ownValue(msg, 'epoch');
      return isCount(epoch) ? { type, epoch } : undefined;
    }
    case 'settingsChanged': {
      const captureAll = ownValue(msg, 'captureAll');
      return typeof captureAll === 'boolean' ? { type, captureAll } : undefined;
    }
    case 'blockRulesChanged': {
      const rules = readBlockRules(ownValue(msg, 'rules'));
      return rules === undefined ? undefined : { type, rules };
    }
    case 'injectIncoming':
    case 'sendOnSocket': {
      const socketId = ownValue(msg, 'socketId');
      const data = ownValue(msg, 'data');
      const commandId = ownValue(msg, 'commandId');
      if (!isText(socketId, MAX_ID) || !isText(data, MAX_COMMAND_DATA)) return undefined;
      if (commandId !== undefined && !isCount(commandId)) return undefined;
      return { type, socketId, data, commandId };
    }
    default:
      return undefined;
  }
}

export function createHookCore(io: HookIo, opts: HookCoreOptions): HookCore {
  const { nonce } = opts;
  let port: HookPort | null = null;
  /** Event name the relay listens on for batches sent while the page unloads. */
  let flushEvent: string | null = null;
  let unloading = false;
  // The relay's connection epoch last heard of (see FramesCaptured.epoch).
  let epoch = 0;
  let announced = false;
  let captureAll = false;
  let blocking: BlockMatcher | null = null;
  let recording = false;
  let sockets: SocketControl | null = null;

  function post(message: PageToContent): boolean {
    if (port === null) return false;
    if (unloading && flushEvent !== null) {
      // Port messages are delivered in a later task, which an unloading document never
      // runs; a DOM event reaches the relay's listener synchronously.
      io.dispatchFlush(flushEvent, JSONStringify(message));
      return true;
    }
    io.post(port, message);
    return true;
  }

  const outbox = createOutbox(
    {
      send: (batch) =>
        post({ type: 'framesCaptured', batchId: batch.batchId, epoch, dropped: batch.dropped, payload: encodeBatch(batch.records) }),
      setTimer: (fn, ms) => io.setTimer(fn, ms),
      clearTimer: (h) => io.clearTimer(h),
    },
    opts.outbox,
  );

  function onCommand(raw: unknown): void {
    const msg = readCommand(raw);
    if (msg === undefined) return;
    switch (msg.type) {
      case 'batchAcknowledged':
        outbox.ack(msg.batchId);
        break;
      case 'recordingChanged':
        captureAll = msg.captureAll;
        recording = msg.recording;
        outbox.setRecording(msg.recording);
        break;
      case 'settingsChanged':
        captureAll = msg.captureAll;
        break;
      case 'blockRulesChanged':
        blocking = compileBlockRules(msg.rules);
        break;
      case 'resendUnacknowledged':
        epoch = msg.epoch;
        outbox.resend();
        break;
      case 'injectIncoming':
      case 'sendOnSocket': {
        let error: string | undefined;
        if (sockets === null) error = 'no socket is captured in this frame';
        else error = msg.type === 'injectIncoming' ? sockets.inject(msg.socketId, msg.data) : sockets.send(msg.socketId, msg.data);
        if (msg.commandId === undefined) break;
        post(
          error === undefined
            ? { type: 'commandCompleted', commandId: msg.commandId, ok: true }
            : { type: 'commandCompleted', commandId: msg.commandId, ok: false, error },
        );
        break;
      }
    }
  }

  return {
    emit(record, approxBytes) {
      // The relay connects to the background only once this page has something to capture,
      // so ordinary browsing never wakes the extension.
      if (!announced) {
        announced = true;
        post({ type: 'hookReady', version: PROTOCOL_VERSION, nonce });
      }
      // Records built outside the socket tap's hot path (HTTP publishes) are moved onto a
      // prototype the page cannot reach before JSON.stringify sees them.
      if (record.kind === 'http') adoptTree(record);
      outbox.push(record, approxBytes);
    },
    useSockets(control) {
      sockets = control;
    },
    captureAll: () => captureAll,
    blocking: () => blocking,
    handshake(data, ports, fromSelf) {
      // The relay posts exactly one handshake carrying the private port; the caller's
      // listener is registered before any page script exists, so it runs first. A page that
      // later posts a look-alike is not hidden, and not taken: the port is already set.
      if (!fromSelf || port !== null || typeof data !== 'object' || data === null) return false;
      if (ownValue(data, HANDSHAKE_TAG) !== true) return false;
      const name = ownValue(data, 'flushEvent');
      const received = ports !== null && ports.length === 1 ? ports[0] : undefined;
      if (typeof received !== 'object' || received === null || typeof name !== 'string') return false;
      port = received;
      flushEvent = name;
      io.listen(received, onCommand);
      if (announced) post({ type: 'hookReady', version: PROTOCOL_VERSION, nonce });
      return true;
    },
    pageHide() {
      // Records received just before a reload or navigation would otherwise die with the
      // page: send what is pending, and again what is unacknowledged (the background
      // de-duplicates).
      unloading = true;
      try {
        outbox.flush();
        outbox.resend();
      } finally {
        unloading = false;
      }
    },
    inspect: () => ({ connected: port !== null, epoch, recording, captureAll }),
  };
}
