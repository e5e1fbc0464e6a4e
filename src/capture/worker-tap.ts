// The SharedWorker tap: records that the page started a shared worker, so the session can
// say that the worker's WebSockets are missing from it.
//
// Why: no content script runs in a worker, so a socket a worker opens never passes through
// the hook. A dedicated worker's handshake reaches the extension's webRequest listener with
// the tab's id, and Firefox reports a shared worker's too (src/recording/socket-sightings.ts
// turns those into notices). Chromium reports no handshake of a shared worker's socket: its
// webRequest sees a WebSocket only through the frame that opens it
// (ContentBrowserClient::WillInterceptWebSocket declines without a frame), and a shared
// worker has none. The page's `new SharedWorker()` is then the only trace the extension can
// see, so it is recorded in every browser: one `worker-start` record per construction.
//
// Same disguise as the WebSocket tap: `SharedWorker` becomes a Proxy of the native with only
// a `construct` trap (statics, `name`, `length`, `prototype`, calls without `new` and every
// error message stay the engine's), errors leave without the hook's frames, and the
// prototype's `constructor` points at the Proxy.
//
// The URL is read without running page code a second time: a string argument is resolved
// against the document's base URL with the saved URL constructor (what the engine did); any
// other argument (a URL object, a TrustedScriptURL, an object with `toString`) is not
// converted again, and the record keeps an empty URL.

import type { CaptureRecord, SocketId } from './records.ts';
import { SAFE_PROTO, replaceValue, windowNatives } from './native.ts';
import { wrapConstructor } from './disguise.ts';
import { RECORD_OVERHEAD, type Emit } from './socket-tap.ts';

export interface WorkerTapOptions {
  /** Prefix of record ids for this page load and frame (records use `${nonce}:worker`). */
  readonly nonce: string;
  readonly now: () => number;
}

export function tapSharedWorker(win: typeof globalThis, emit: Emit, opts: WorkerTapOptions): void {
  const Native = (win as { SharedWorker?: typeof SharedWorker }).SharedWorker;
  if (typeof Native !== 'function') return;
  const n = windowNatives(win);
  const { now } = opts;
  // One stream for every worker the page starts: seqs stay contiguous from 0, as the
  // relay's sequence guard requires of every stream.
  const streamId = `${opts.nonce}:worker` as SocketId;
  let seq = 0;

  const resolved = (arg: unknown): string => {
    if (typeof arg !== 'string' || !n.URL) return '';
    try {
      return `${n.urlHref(new n.URL(arg, n.baseUrl()))}`;
    } catch {
      return '';
    }
  };

  const Wrapped = wrapConstructor(win, Native, (_worker, args) => {
    const url = resolved(args[0]);
    const r = { __proto__: SAFE_PROTO, socketId: streamId, seq: seq++, t: now(), kind: 'worker-start', url, frameUrl: n.frameUrl() };
    emit(r as unknown as CaptureRecord, RECORD_OVERHEAD + url.length * 2);
  });
  replaceValue(Native.prototype, 'constructor', Wrapped);
  replaceValue(win, 'SharedWorker', Wrapped);
}
