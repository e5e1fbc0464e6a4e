// The WebSocket tap: replaces the page's `WebSocket` with a look-alike that records what
// AppSync Events sockets (or every socket, on request) do, and lets the extension inject
// incoming messages and send as the app would.
//
// How it stays invisible:
//   - `WebSocket` becomes a Proxy of the native constructor with only a `construct` trap.
//     Every other operation (statics, `length`, `name`, `prototype`, own keys, descriptors,
//     calling without `new`) reaches the native itself, so results and error messages are
//     the engine's. `Reflect.construct(native, args, newTarget)` keeps subclassing and
//     `new.target` intact. The prototype's `constructor` is pointed at the Proxy (same
//     attributes), so `ws.constructor === WebSocket` holds.
//   - Only `WebSocket.prototype.send` is wrapped, as a Proxy of the native with an `apply`
//     trap (see wrapNative: the engine keeps answering for name, length, keys, [[Construct]]
//     and its own messages); `onmessage`, `addEventListener` and the getters stay native.
//   - Observation is one native listener per event type, added inside the constructor,
//     before any app code can hold the socket: the app's listeners and handler keep their
//     own relative order and see the same events.
//   - `Function.prototype.toString` reports the natives' own strings, and errors leave
//     without the hook's frames (see disguise.ts).
//
// Hot path (each received frame): one closure call, one saved-getter read, one object
// literal and `emit`. No parsing, no payload concatenation, no per-frame allocation
// besides the record.

import type {
  BinaryPayload,
  CaptureRecord,
  FrameReceived,
  FrameSent,
  Payload,
  SocketId,
  TruncatedText,
} from './records.ts';
import {
  ArrayIsArray,
  ReflectApply,
  SafeMap,
  SafeWeakMap,
  SAFE_PROTO,
  StringSlice,
  bufferBytes,
  defineData,
  getterOf,
  methodOf,
  previewOf,
  replaceValue,
  ObjectSetPrototypeOf,
  uncurryThis,
  weakRef,
  windowNatives,
} from './native.ts';
import { wrapConstructor, wrapNative, fromPage } from './disguise.ts';
import type { BlockMatcher } from './block-match.ts';

export interface SocketTapOptions {
  /** Prefix of socket ids for this page load and frame. */
  readonly nonce: string;
  /** Whether a socket is an AppSync Events socket (URL and offered subprotocols). */
  readonly isAppSync: (url: string, protocols: readonly string[]) => boolean;
  /** Read once per socket, at creation: capture every socket, not only AppSync ones. */
  readonly captureAll: () => boolean;
  /**
   * Read per text message: the block rules' matcher (block-match.ts), or null while none is
   * on. A blocked message the app sends is not sent; one the server sends reaches none of
   * the app's listeners. Both are recorded, marked `blocked`; a rule's replacement is then
   * sent or delivered in its place, recorded marked `injected`.
   */
  readonly blocking?: () => BlockMatcher | null;
  /** Texts longer than this (UTF-16 units) are kept as TruncatedText. */
  readonly maxTextLength: number;
  /** Bytes of a binary frame kept (as base64) in BinaryPayload.preview. */
  readonly previewBytes: number;
  readonly now: () => number;
  /**
   * Whether the browser delivered the event (`isTrusted`), rather than a page script's
   * dispatchEvent. Injectable for tests, which can only dispatch untrusted events.
   */
  readonly isTrusted?: (e: Event) => boolean;
  /**
   * Read at each construction: whether this tap records the socket. A tap installed from
   * a parent realm (realm-tap.ts) stands aside once the frame's own hook has taken over.
   */
  readonly active?: () => boolean;
}

/**
 * Where records go. `approxBytes` is a cheap size estimate (kept text or preview length
 * plus a fixed overhead) for the outbox's byte bounds; it is never computed by serialising.
 */
export type Emit = (r: CaptureRecord, approxBytes: number) => void;

/** Fixed part of a record's estimated size (ids, kind, numbers). */
export const RECORD_OVERHEAD = 96;

export interface SocketControl {
  /** Deliver `data` to the app as an incoming message on that socket; why not, or undefined. */
  inject(socketId: string, data: string): string | undefined;
  /** Send `data` on that socket as the app would (recorded as ws-send); why not, or undefined. */
  send(socketId: string, data: string): string | undefined;
  /** Ids of tapped sockets that have not closed yet. */
  list(): string[];
}

interface SocketState {
  readonly id: SocketId;
  seq: number;
}

// How a recorded message is marked: the record's optional `true` field, or '' for none.
type Mark = '' | 'synthetic' | 'blocked' | 'injected';

const CONNECTING = 0;
const OPEN = 1;
const noBlocking = (): null => null;
const NO_SOCKET = 'no such socket in this page (closed, or never captured)';
const NOT_OPEN = 'the socket is not open';

/**
 * Install the tap on `win` (the page's global). Returns the control used by the relay.
 * Sizes: text `size` is the UTF-16 length (free to read; the byte length would cost a pass
 * over every frame); binary `size` is the byte length.
 */
export function tapWebSocket(
  win: typeof globalThis,
  emit: Emit,
  opts: SocketTapOptions,
): SocketControl {
  const NativeWS = (win as { WebSocket?: typeof WebSocket }).WebSocket;
  const idle: SocketControl = { inject: () => NO_SOCKET, send: () => NO_SOCKET, list: () => [] };
  if (typeof NativeWS !== 'function') return idle;
  const proto = NativeWS.prototype;
  const nativeSend = methodOf<WebSocket['send']>(proto, 'send');
  if (!nativeSend) return idle;
  const sendNative = uncurryThis(nativeSend);

  const n = windowNatives(win);
  const { nonce, isAppSync, captureAll, maxTextLength, previewBytes, now, active } = opts;
  const blocking = opts.blocking ?? noBlocking;
  const stopImmediate = n.stopImmediatePropagation;
  // `isTrusted` is an own, non-configurable property of every event ([LegacyUnforgeable]
  // in the DOM standard), so reading it runs no page code and cannot be faked.
  const trusted = opts.isTrusted ?? ((e: Event) => e.isTrusted === true);
  const wsUrl = getterOf<string>(proto, 'url');
  const wsReadyState = getterOf<number>(proto, 'readyState');
  const wsProtocol = getterOf<string>(proto, 'protocol');
  const wsExtensions = getterOf<string>(proto, 'extensions');

  const states = new SafeWeakMap<WebSocket, SocketState>();
  const live = new SafeMap<string, () => WebSocket | undefined>();
  let counter = 0;
  // The event being dispatched by inject(): its record is written by inject() itself.
  let injecting: Event | undefined;

  const safeEmit = (r: CaptureRecord, approxBytes = RECORD_OVERHEAD): void => {
    // A throwing sink must never surface in the page (as an exception from `send` or an
    // error event from our listener): the page would see it, and could break on it.
    try {
      emit(r, approxBytes);
    } catch {
      /* dropped: the sink's failure is its own */
    }
  };

  const text = (s: string): string | TruncatedText =>
    s.length > maxTextLength
      ? ({ __proto__: SAFE_PROTO, truncated: true, text: StringSlice(s, 0, maxTextLength), length: s.length } as TruncatedText)
      : s;

  const binary = (data: unknown): BinaryPayload | undefined => {
    const region = bufferBytes(data);
    if (region) return { __proto__: SAFE_PROTO, binary: true, size: region.size, preview: previewOf(region, previewBytes) } as BinaryPayload;
    if (n.blobSize) {
      try {
        // A Blob's bytes can only be read asynchronously; its size is all we take, so the
        // page is never delayed and records stay in order.
        return { __proto__: SAFE_PROTO, binary: true, size: n.blobSize(data), preview: '' } as BinaryPayload;
      } catch {
        /* not a Blob */
      }
    }
    return undefined;
  };

  function record(st: SocketState, kind: 'ws-send' | 'ws-receive', data: unknown, mark: Mark = ''): void {
    let payload: Payload | TruncatedText;
    let size: number;
    let kept: number;
    if (typeof data === 'string') {
      size = data.length;
      if (size > maxTextLength) {
        payload = text(data);
        kept = maxTextLength;
      } else {
        payload = data;
        kept = size;
      }
    } else {
      // The engine only hands over strings or binary; keep something honest otherwise.
      const b = binary(data) ?? ({ __proto__: SAFE_PROTO, binary: true, size: 0, preview: '' } as BinaryPayload);
      payload = b;
      size = b.size;
      kept = b.preview.length;
    }
    // Records live on SAFE_PROTO: JSON.stringify then finds no page-defined toJSON.
    const r = { __proto__: SAFE_PROTO, socketId: st.id, seq: st.seq++, t: now(), kind, data: payload, size } as unknown as FrameSent | FrameReceived;
    // Marked messages are rare: the common record keeps one literal shape.
    if (mark !== '') defineData(r, mark, true);
    safeEmit(r, RECORD_OVERHEAD + kept);
  }

  function attach(ws: WebSocket, protocolsArg: unknown): void {
    const url = `${wsUrl(ws)}`;
    const protocols = offeredProtocols(protocolsArg);
    let appsync = false;
    try {
      appsync = isAppSync(url, protocols) === true;
    } catch {
      /* a failing predicate means "not recognised" */
    }
    let all = false;
    try {
      all = captureAll() === true;
    } catch {
      /* idem */
    }
    if (!appsync && !all) return;
    // Only now, after the predicate had an ordinary array: JSON.stringify must find no
    // page-defined Array.prototype.toJSON on it.
    ObjectSetPrototypeOf(protocols, SAFE_PROTO);

    const st: SocketState = { id: `${nonce}:${counter++}` as SocketId, seq: 0 };
    states.set(ws, st);
    live.set(st.id, weakRef(ws));
    safeEmit({
      __proto__: SAFE_PROTO,
      socketId: st.id,
      seq: st.seq++,
      t: now(),
      kind: 'ws-create',
      url,
      protocols,
      frameUrl: n.frameUrl(),
      appsync,
    } as CaptureRecord, RECORD_OVERHEAD + url.length * 2);

    // One closure per socket and event type (never per frame). They run first for every
    // event because they are registered before the app can reach the socket.
    // Events a page script dispatches itself (isTrusted false) are not the socket's: a
    // synthetic open, error or close is not recorded, a synthetic message is recorded
    // marked `synthetic` (the app did receive it, but not from the network).
    n.addEventListener(ws, 'open', (e: Event) => {
      try {
        if (!trusted(e)) return;
        safeEmit({
          __proto__: SAFE_PROTO,
          socketId: st.id,
          seq: st.seq++,
          t: now(),
          kind: 'ws-open',
          protocol: `${wsProtocol(ws)}`,
          extensions: `${wsExtensions(ws)}`,
        } as CaptureRecord);
      } catch {
        /* never let the page see our failure as an error event */
      }
    });
    // Registered for the capture phase: at the target, capture listeners run before the
    // others (DOM standard, "inner invoke" with phase "capturing" first; Chromium 89+,
    // Firefox 89+), so an app's own capture listener cannot run before a block either.
    n.addEventListener(
      ws,
      'message',
      (e: MessageEvent) => {
        if (e === injecting) return;
        try {
          const data = n.messageData(e);
          if (!trusted(e)) {
            record(st, 'ws-receive', data, 'synthetic');
            return;
          }
          const block = typeof data === 'string' ? blocking() : null;
          const verdict = block === null ? false : block(false, data as string);
          if (verdict !== false) {
            stopImmediate(e);
            record(st, 'ws-receive', data, 'blocked');
            if (typeof verdict === 'string') deliver(ws, st, verdict);
            return;
          }
          record(st, 'ws-receive', data);
        } catch {
          /* idem */
        }
      },
      true,
    );
    n.addEventListener(ws, 'error', (e: Event) => {
      if (!trusted(e)) return;
      safeEmit({ __proto__: SAFE_PROTO, socketId: st.id, seq: st.seq++, t: now(), kind: 'ws-error' } as CaptureRecord);
    });
    n.addEventListener(ws, 'close', (e: CloseEvent) => {
      try {
        if (!trusted(e)) return;
        live.delete(st.id);
        safeEmit({
          __proto__: SAFE_PROTO,
          socketId: st.id,
          seq: st.seq++,
          t: now(),
          kind: 'ws-close',
          code: +n.closeCode(e),
          reason: `${n.closeReason(e)}`,
          wasClean: n.closeWasClean(e) === true,
        } as CaptureRecord);
      } catch {
        /* idem */
      }
    });
  }

  /**
   * The offered subprotocols as the native saw them. Read after the native constructor
   * accepted them (so they are valid), by index rather than by iterator, so a page that
   * instruments `Array.prototype[Symbol.iterator]` sees no extra iteration. Non-array
   * iterables and object elements are not converted again (a second `toString` call
   * would be observable); they are left out.
   */
  function offeredProtocols(arg: unknown): string[] {
    if (arg === undefined) return [];
    if (typeof arg === 'string') return [arg];
    const out: string[] = [];
    if (ArrayIsArray(arg)) {
      const a = arg as unknown[];
      for (let i = 0, len = a.length; i < len; i++) {
        const v = a[i];
        if (typeof v === 'string') defineData(out, out.length, v);
        else if (typeof v !== 'object' && typeof v !== 'function' && typeof v !== 'symbol') {
          defineData(out, out.length, `${v as string}`);
        }
      }
    }
    return out;
  }

  // Errors (bad URL, bad protocol, missing argument) are the native's, with the hook's
  // frames cut from their stack (see hideOwnFrames).
  const Wrapped = wrapConstructor(win, NativeWS, (ws, args) => {
    if (active === undefined || active()) attach(ws, args[1]);
  });

  // A blocked message is recorded and not sent (a rule's replacement is sent instead). While
  // the socket connects the native still decides (it throws), so blocking never hides the
  // app's own mistake. True when the rules took the message.
  const ruledSend = (ws: WebSocket, st: SocketState, text: string): boolean => {
    const block = blocking();
    const verdict = block === null || wsReadyState(ws) === CONNECTING ? false : block(true, text);
    if (verdict === false) return false;
    record(st, 'ws-send', text, 'blocked');
    if (typeof verdict === 'string') {
      sendNative(ws, verdict);
      record(st, 'ws-send', verdict, 'injected');
    }
    return true;
  };

  // `ruled`: the app's own send, to which the block rules apply (not DevTools' sends).
  const sendTapped = (ws: WebSocket, st: SocketState, data: unknown, ruled = true): void => {
    if (ruled && typeof data === 'string' && ruledSend(ws, st, data)) return;
    if (typeof data === 'string' || binary(data) !== undefined) {
      sendNative(ws, data as string);
      record(st, 'ws-send', data);
      return;
    }
    // Anything else the native stringifies (USVString). Converting here once and passing
    // the string keeps the page's toString called exactly once, as without the hook.
    let s: string;
    try {
      s = `${data as string}`;
    } catch (e) {
      // An object's own toString threw: its stack is the page's, down to its caller.
      // (A symbol's TypeError is the engine's and loses the hook's frames as usual.)
      throw typeof data === 'object' || typeof data === 'function' ? fromPage(e) : e;
    }
    if (ruled && ruledSend(ws, st, s)) return;
    sendNative(ws, s);
    record(st, 'ws-send', s);
  };

  // Untapped sockets, wrong receivers and missing arguments: the native decides (and
  // throws its own errors). For tapped sockets the native throws for CONNECTING before
  // anything is recorded: only what it accepts is recorded.
  const send = wrapNative(win, nativeSend, (self, args) => {
    const st = args.length === 0 ? undefined : states.get(self as WebSocket);
    if (st === undefined) return ReflectApply(nativeSend, self, args);
    sendTapped(self as WebSocket, st, args[0]);
    return undefined;
  });

  replaceValue(proto, 'send', send);
  replaceValue(proto, 'constructor', Wrapped);
  replaceValue(win, 'WebSocket', Wrapped);

  /**
   * Delivers `data` to the app's listeners as a message on `ws`, recorded as injected: a
   * DevTools inject, or a block rule's replacement (then from inside the tap's listener, for
   * an event it stopped).
   */
  function deliver(ws: WebSocket, st: SocketState, data: string): void {
    if (!n.MessageEvent) return;
    let origin = '';
    try {
      if (n.URL) origin = `${n.urlOrigin(new n.URL(`${wsUrl(ws)}`))}`;
    } catch {
      /* leave empty */
    }
    // Null-prototype init: the engine reads every dictionary member, and would otherwise
    // find getters the page may have put on Object.prototype.
    const init = { __proto__: null, data, origin } as MessageEventInit;
    const event = new n.MessageEvent('message', init);
    record(st, 'ws-receive', data, 'injected');
    const previous = injecting;
    injecting = event;
    try {
      // The app's listeners run inside; their exceptions are reported by the engine as
      // for any event and do not reach us.
      n.dispatchEvent(ws, event);
    } finally {
      injecting = previous;
    }
  }

  const find = (socketId: string): { ws: WebSocket; st: SocketState } | undefined => {
    const deref = live.get(socketId);
    if (!deref) return undefined;
    const ws = deref();
    const st = ws ? states.get(ws) : undefined;
    if (!ws || !st) {
      live.delete(socketId);
      return undefined;
    }
    return { ws, st };
  };

  return {
    inject(socketId: string, data: string): string | undefined {
      const found = find(socketId);
      if (!found || typeof data !== 'string' || !n.MessageEvent) return NO_SOCKET;
      if (wsReadyState(found.ws) !== OPEN) return NOT_OPEN;
      deliver(found.ws, found.st, data);
      return undefined;
    },
    send(socketId: string, data: string): string | undefined {
      const found = find(socketId);
      if (!found || typeof data !== 'string') return NO_SOCKET;
      if (wsReadyState(found.ws) !== OPEN) return NOT_OPEN;
      try {
        sendTapped(found.ws, found.st, data, false);
        return undefined;
      } catch {
        return 'the browser refused to send it';
      }
    },
    list(): string[] {
      const out: string[] = [];
      live.forEach((deref, id) => {
        if (deref()) defineData(out, out.length, id);
        else live.delete(id);
      });
      return out;
    },
  };
}
