// The WebSocket, fetch and XMLHttpRequest taps of a realm no hook of its own runs in: the initial about:blank document
// of a frame that will navigate (realm-guard.ts finds it and disguises it). Neither Chromium
// nor Firefox runs content scripts there, yet a page can open a socket with
// `new window[0].WebSocket(url)` (or publish with `window[0].fetch`) the moment the frame
// exists; that is then the inserting window's traffic, and its hook records it.
//
// Why the tap stands aside later: a same-origin load reuses the initial document's Window
// (HTML, "create and initialize a Document object": the Window is kept when the initial
// about:blank is replaced by a same-origin document), so the frame's own hook, running at
// document_start of the new document, wraps this tap's WebSocket in its own. From then on
// the frame's hook records the frame's traffic, and these taps pass everything through:
// they are active only while the realm's document is the one they were installed for.
//
// Runs when the realm is patched, before the page can touch it: the realm's built-ins read
// here are pristine.

import { ReflectApply, ReflectGetOwnPropertyDescriptor, ownValue } from './native.ts';
import { isDisguised } from './disguise.ts';
import { tapWebSocket, type Emit, type SocketControl, type SocketTapOptions } from './socket-tap.ts';
import { tapHttpPublishes, type HttpTapOptions } from './http-tap.ts';

/** What both taps need; `nonce` is this realm's id prefix. */
export type RealmTapOptions = SocketTapOptions & Pick<HttpTapOptions, 'isPublish'>;

export interface RealmControl extends SocketControl {
  /**
   * True once the realm's document is no longer the initial one and none of its sockets is
   * open: nothing will be recorded or controlled through this tap again, so the hook can
   * forget it (a page that inserts frames all day must not grow the hook's state).
   */
  retired(): boolean;
}

/** Taps WebSocket, fetch and XMLHttpRequest of `realm`; its control, or undefined when the realm has its own hook. */
export function tapInitialRealm(realm: typeof globalThis, emit: Emit, opts: RealmTapOptions): RealmControl | undefined {
  const WS = ownValue(realm, 'WebSocket');
  // Already a wrapper: the realm has a hook of its own (or was tapped before).
  if (typeof WS !== 'function' || isDisguised(WS)) return undefined;
  const d = ReflectGetOwnPropertyDescriptor(realm, 'document');
  const documentOf = d?.get;
  if (typeof documentOf !== 'function') return undefined;
  const initial: unknown = ReflectApply(documentOf, realm, []);
  const active = (): boolean => {
    try {
      return ReflectApply(documentOf, realm, []) === initial;
    } catch {
      return false;
    }
  };
  tapHttpPublishes(realm, emit, {
    __proto__: null,
    nonce: opts.nonce,
    isPublish: opts.isPublish,
    maxTextLength: opts.maxTextLength,
    now: opts.now,
    active,
  } as HttpTapOptions);
  const sockets = tapWebSocket(realm, emit, {
    __proto__: null,
    nonce: opts.nonce,
    isAppSync: opts.isAppSync,
    captureAll: opts.captureAll,
    blocking: opts.blocking,
    maxTextLength: opts.maxTextLength,
    previewBytes: opts.previewBytes,
    now: opts.now,
    isTrusted: opts.isTrusted,
    active,
  } as SocketTapOptions);
  return {
    __proto__: null,
    inject: sockets.inject,
    send: sockets.send,
    list: sockets.list,
    retired: () => !active() && sockets.list().length === 0,
  } as RealmControl;
}
