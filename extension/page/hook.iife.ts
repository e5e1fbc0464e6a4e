// Runs in the inspected page's MAIN world at document_start, in every frame, before any page
// script. It may touch only the page's globals it wraps (WebSocket, fetch, XMLHttpRequest)
// and one private MessagePort that the relay hands over. The logic is src/capture
// (hook-core.ts, the taps, the outbox); this file wires it to natives saved now, before the
// page can replace them. Everything here is on the page's main thread: no parsing, no
// per-frame messaging; records are batched by the outbox.

import { createHookCore } from '../../src/capture/hook-core.ts';
import { tapWebSocket } from '../../src/capture/socket-tap.ts';
import { tapHttpPublishes } from '../../src/capture/http-tap.ts';
import { isAppSyncEventsSocket, isHttpPublish } from '../../src/protocol/endpoints.ts';
import { HOOK_LIMITS } from '../../src/capture/limits.ts';
import { linkRealms } from '../../src/capture/disguise.ts';
import { guardFrameAccess } from '../../src/capture/realm-guard.ts';
import { maskErrorGetters } from '../../src/capture/stack-mask.ts';
import { MathRandom, NumberToString, StringSlice, clockOf, windowNatives } from '../../src/capture/native.ts';
import { HOOK_NONCE_ATTR } from '../../src/messaging/contracts.ts';

(() => {
  const win = window;
  const n = windowNatives(win);
  // Before any wrapper exists: wrappers register in the registry shared with same-origin
  // parent realms, so every realm's toString prints every realm's wrappers as natives.
  linkRealms(win, n);
  guardFrameAccess(win);
  maskErrorGetters(win);
  const now = clockOf(win);
  const doc = win.document;
  const CustomEventCtor = n.CustomEvent;

  const nonce = StringSlice(NumberToString(MathRandom(), 36), 2, 10) + NumberToString(Math.trunc(now() * 1000), 36); // install-time
  // For the relay only: it reads and removes this in the same task (see HOOK_NONCE_ATTR).
  doc.documentElement?.setAttribute(HOOK_NONCE_ATTR, nonce); // install-time

  const core = createHookCore(
    {
      post: (port, message) => n.portPost(port as MessagePort, message),
      listen: (port, onMessage) => {
        // addEventListener + start() through saved natives: the `onmessage` setter is a
        // page-replaceable accessor on MessagePort.prototype.
        n.addEventListener(port as MessagePort, 'message', (e: MessageEvent) => onMessage(n.messageData(e)));
        n.portStart(port as MessagePort);
      },
      dispatchFlush: (name, text) => {
        if (CustomEventCtor) n.dispatchEvent(doc, new CustomEventCtor(name, { __proto__: null, detail: text } as CustomEventInit));
      },
      setTimer: (fn, ms) => n.setTimeout(fn, ms),
      clearTimer: (h) => n.clearTimeout(h),
    },
    { nonce, outbox: HOOK_LIMITS.outbox },
  );

  const sockets = tapWebSocket(win, core.emit, {
    nonce,
    isAppSync: isAppSyncEventsSocket,
    captureAll: core.captureAll,
    maxTextLength: HOOK_LIMITS.maxTextLength,
    previewBytes: HOOK_LIMITS.previewBytes,
    now,
  });
  core.useSockets(sockets);
  tapHttpPublishes(win, core.emit, {
    nonce,
    isPublish: (method: string, url: string) => isHttpPublish(method, url),
    maxTextLength: HOOK_LIMITS.maxTextLength,
    now,
  });

  // Registered before any page script exists, so it runs first for every window message and
  // hides the relay's handshake from every later listener.
  function onHandshake(event: MessageEvent): void {
    if (!core.handshake(n.messageData(event), n.messagePorts(event), n.messageSource(event) === win)) return;
    n.stopImmediatePropagation(event);
    n.removeEventListener(win, 'message', onHandshake, true);
  }
  n.addEventListener(win, 'message', onHandshake, true);
  n.addEventListener(win, 'pagehide', () => core.pageHide(), true);
})();
