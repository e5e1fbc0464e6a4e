// Runs in the inspected page's MAIN world at document_start, in every frame, before any page
// script. It may touch only the page's globals it wraps (WebSocket, fetch, XMLHttpRequest,
// SharedWorker) and one private MessagePort that the relay hands over
// (src/capture/meeting.ts). The logic is src/capture
// (hook-core.ts, the taps, the outbox); this file wires it to natives saved now, before the
// page can replace them. Everything here is on the page's main thread: no parsing, no
// per-frame messaging; records are batched by the outbox.

import { createHookCore } from '../../src/capture/hook-core.ts';
import { tapWebSocket, type SocketControl } from '../../src/capture/socket-tap.ts';
import { tapInitialRealm, type RealmControl, type RealmTapOptions } from '../../src/capture/realm-tap.ts';
import { tapHttpPublishes } from '../../src/capture/http-tap.ts';
import { tapSharedWorker } from '../../src/capture/worker-tap.ts';
import { isAppSyncSocket, isPublishRequest } from '../../src/capture/detect.ts';
import { HOOK_LIMITS } from '../../src/capture/limits.ts';
import { linkRealms } from '../../src/capture/disguise.ts';
import { guardFrameAccess } from '../../src/capture/realm-guard.ts';
import { maskErrorGetters } from '../../src/capture/stack-mask.ts';
import { MathRandom, NumberToString, SafeMap, StringSlice, clockOf, defineData, windowNatives } from '../../src/capture/native.ts';
import { HANDSHAKE_TAG } from '../../src/messaging/contracts.ts';
import { MEETING_ATTR, MEETING_FLUSH_ATTR, MEETING_HELLO, MEETING_NONCE_ATTR, MEETING_PORT } from '../../src/capture/meeting.ts';

(() => {
  const win = window;
  const n = windowNatives(win);
  // Before any wrapper exists: wrappers register in the registry shared with same-origin
  // parent realms, so every realm's toString prints every realm's wrappers as natives.
  linkRealms(win, n);
  // Set below, once the core exists; no page script runs in between.
  let onRealm: ((realm: typeof globalThis) => void) | undefined;
  guardFrameAccess(win, (realm) => onRealm?.(realm));
  maskErrorGetters(win);
  const now = clockOf(win);
  const doc = win.document;
  const CustomEventCtor = n.CustomEvent;

  const nonce = StringSlice(NumberToString(MathRandom(), 36), 2, 10) + NumberToString(Math.trunc(now() * 1000), 36); // install-time

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
    { nonce },
  );

  const tapOptions = (prefix: string) =>
    ({
      __proto__: null,
      nonce: prefix,
      isAppSync: isAppSyncSocket,
      // For the taps of frames' initial realms (this realm's HTTP tap is installed below).
      isPublish: isPublishRequest,
      captureAll: core.captureAll,
      blocking: core.blocking,
      maxTextLength: HOOK_LIMITS.maxTextLength,
      previewBytes: HOOK_LIMITS.previewBytes,
      now,
    }) as RealmTapOptions;
  const sockets = tapWebSocket(win, core.emit, tapOptions(nonce));
  // Sockets of frames' initial realms (realm-tap.ts), keyed by their id prefix
  // `<nonce>:r<n>:`, which no socket of this realm's tap (`<nonce>:<n>`) has. Retired
  // realms (navigated away, no socket open) are swept whenever a new one arrives, so the
  // map holds the frames still loading plus those with open sockets.
  const realmSockets = new SafeMap<string, RealmControl>();
  let realms = 0;
  onRealm = (realm) => {
    realmSockets.forEach((c, p) => {
      if (c.retired()) realmSockets.delete(p);
    });
    const prefix = `${nonce}:r${++realms}`;
    const control = tapInitialRealm(realm, core.emit, tapOptions(prefix));
    if (control) realmSockets.set(`${prefix}:`, control);
  };
  const controlOf = (socketId: string): SocketControl => {
    let found: SocketControl | undefined;
    realmSockets.forEach((c, p) => {
      if (found === undefined && typeof socketId === 'string' && StringSlice(socketId, 0, p.length) === p) found = c;
    });
    return found ?? sockets;
  };
  core.useSockets({
    inject: (id, data) => controlOf(id).inject(id, data),
    send: (id, data) => controlOf(id).send(id, data),
    list: () => {
      const all = sockets.list();
      realmSockets.forEach((c) => {
        const more = c.list();
        for (let i = 0; i < more.length; i++) defineData(all, all.length, more[i]);
      });
      return all;
    },
  });
  tapHttpPublishes(win, core.emit, {
    nonce,
    isPublish: isPublishRequest,
    maxTextLength: HOOK_LIMITS.maxTextLength,
    now,
  });
  tapSharedWorker(win, core.emit, { nonce, now });

  // The private port comes over a detached element only the relay and this script hold
  // (see meeting.ts for why not a window message). Everything below runs in the task that
  // runs both document_start scripts, before any page script.
  const root = doc.documentElement;
  let meeting: Element | null = root ? root.querySelector(`[${MEETING_ATTR}]`) : null; // install-time
  const relayFirst = meeting !== null;
  if (meeting === null && root) meeting = doc.createElement('meta'); // install-time
  if (meeting !== null && CustomEventCtor) {
    const el = meeting;
    n.addEventListener(el, MEETING_PORT, (event: Event) => {
      n.stopImmediatePropagation(event);
      const flushEvent = el.getAttribute(MEETING_FLUSH_ATTR); // install-time
      core.handshake({ __proto__: null, [HANDSHAKE_TAG]: true, flushEvent }, n.messagePorts(event as MessageEvent), true);
    });
    el.setAttribute(MEETING_NONCE_ATTR, nonce); // install-time
    if (relayFirst) {
      el.remove(); // install-time
      n.dispatchEvent(el, new CustomEventCtor(MEETING_HELLO));
    } else {
      el.setAttribute(MEETING_ATTR, ''); // install-time
      root!.appendChild(el); // install-time
    }
  }
  n.addEventListener(win, 'pagehide', () => core.pageHide(), true);
})();
