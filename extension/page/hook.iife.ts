// Runs in the inspected page's MAIN world at document_start, in every frame, before any page
// script. It may touch only the page's globals it wraps (WebSocket, fetch, XMLHttpRequest)
// and one private MessagePort that the relay hands over. Everything here is on the page's
// main thread: no parsing, no per-frame messaging; records are batched by the outbox.

import { createOutbox } from '../../src/capture/outbox.ts';
import type { CaptureRecord } from '../../src/capture/records.ts';
import { tapWebSocket } from '../../src/capture/socket-tap.ts';
import { tapHttpPublishes } from '../../src/capture/http-tap.ts';
import { isAppSyncEventsSocket, isHttpPublish } from '../../src/protocol/endpoints.ts';
import { HANDSHAKE_TAG, PROTOCOL_VERSION, type PageToContent } from '../../src/messaging/contracts.ts';
import { isContentToPage } from '../../src/messaging/guards.ts';
import { HOOK_LIMITS } from '../../src/capture/limits.ts';
import { uncurryThis } from '../../src/capture/native.ts';

(() => {
  // Saved before any page script can replace them.
  const win = window;
  const setTimer = win.setTimeout.bind(win);
  const clearTimer = win.clearTimeout.bind(win);
  const stringify = JSON.stringify;
  const perf = win.performance;
  const timeOrigin = perf.timeOrigin;
  const perfNow = perf.now.bind(perf);
  const addListener = win.addEventListener.bind(win);
  const removeListener = win.removeEventListener.bind(win);
  // Called through uncurryThis, not `.call`: a page that replaces Function.prototype.call
  // would otherwise receive the private port on the next batch.
  const portPost = uncurryThis(MessagePort.prototype.postMessage) as (port: MessagePort, message: unknown) => void;
  const doc = win.document;
  const dispatch = doc.dispatchEvent.bind(doc);
  const NativeCustomEvent = win.CustomEvent;

  const nonce = Math.random().toString(36).slice(2, 10) + perfNow().toString(36).replace('.', '');
  let port: MessagePort | null = null;
  /** Event name the relay listens on for batches sent while the page unloads. */
  let flushEvent: string | null = null;
  let unloading = false;
  let epoch = 0;
  let announced = false;
  let captureAll = false;

  function post(message: PageToContent): boolean {
    if (!port) return false;
    if (unloading && flushEvent !== null) {
      // Port messages are delivered in a later task, which an unloading document never
      // runs; a DOM event reaches the relay's listener synchronously.
      dispatch(new NativeCustomEvent(flushEvent, { detail: stringify(message) }));
      return true;
    }
    portPost(port, message);
    return true;
  }

  const outbox = createOutbox(
    {
      send: (batch) =>
        post({ type: 'framesCaptured', batchId: batch.batchId, epoch, dropped: batch.dropped, payload: stringify(batch.records) }),
      setTimer: (fn, ms) => setTimer(fn, ms),
      clearTimer: (h) => clearTimer(h as number),
    },
    HOOK_LIMITS.outbox,
  );

  // The relay connects to the background only once this page has something to capture, so
  // ordinary browsing never wakes the extension. The taps estimate each record's size.
  function emit(record: CaptureRecord, approxBytes: number): void {
    if (!announced) {
      announced = true;
      post({ type: 'hookReady', version: PROTOCOL_VERSION, nonce });
    }
    outbox.push(record, approxBytes);
  }

  const sockets = tapWebSocket(win, emit, {
    nonce,
    isAppSync: isAppSyncEventsSocket,
    captureAll: () => captureAll,
    maxTextLength: HOOK_LIMITS.maxTextLength,
    previewBytes: HOOK_LIMITS.previewBytes,
    now: () => timeOrigin + perfNow(),
  });
  tapHttpPublishes(win, emit, {
    nonce,
    isPublish: (method: string, url: string) => isHttpPublish(method, url),
    maxTextLength: HOOK_LIMITS.maxTextLength,
    now: () => timeOrigin + perfNow(),
  });

  function onCommand(event: MessageEvent): void {
    const msg: unknown = event.data;
    if (!isContentToPage(msg)) return;
    switch (msg.type) {
      case 'batchAcknowledged':
        outbox.ack(msg.batchId);
        break;
      case 'recordingChanged':
        captureAll = msg.captureAll;
        outbox.setRecording(msg.recording);
        break;
      case 'settingsChanged':
        captureAll = msg.captureAll;
        break;
      case 'resendUnacknowledged':
        epoch = msg.epoch;
        outbox.resend();
        break;
      case 'injectIncoming':
        sockets.inject(msg.socketId, msg.data);
        break;
      case 'sendOnSocket':
        sockets.send(msg.socketId, msg.data);
        break;
    }
  }

  // The relay posts exactly one handshake carrying the private port. This listener is
  // registered before any page script exists, so it runs first and hides the handshake;
  // a page that later posts a look-alike is ignored because the port is already taken.
  function onHandshake(event: MessageEvent): void {
    const data: unknown = event.data;
    if (event.source !== win || typeof data !== 'object' || data === null) return;
    if ((data as Record<string, unknown>)[HANDSHAKE_TAG] !== true) return;
    const received = event.ports[0];
    if (!received || port) return;
    event.stopImmediatePropagation();
    removeListener('message', onHandshake, true);
    port = received;
    const name = (data as Record<string, unknown>).flushEvent;
    if (typeof name === 'string') flushEvent = name;
    port.onmessage = onCommand;
    if (announced) post({ type: 'hookReady', version: PROTOCOL_VERSION, nonce });
  }
  addListener('message', onHandshake, true);

  // Records received just before a reload or navigation would otherwise die with the page:
  // send what is pending, and again what is unacknowledged (the background de-duplicates).
  addListener(
    'pagehide',
    () => {
      unloading = true;
      outbox.flush();
      outbox.resend();
      unloading = false;
    },
    true,
  );
})();
