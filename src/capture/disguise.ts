// Wrappers that pass for the natives they replace: through `Function.prototype.toString` of
// every same-origin realm of the page, and in the stacks of the errors they let through.
//
// Why a registry shared between realms: a wrapper is a Proxy of the native, and both V8
// and SpiderMonkey print any callable Proxy as `function () { [native code] }` (V8:
// builtins-function.cc, FunctionPrototypeToString, "all callable objects are valid
// receivers"; SpiderMonkey: BaseProxyHandler::fun_toString), not as its target. So the
// page's `Function.prototype.toString` of each realm is replaced (by the hook running in
// that realm at document_start, which both browsers do synchronously for a new
// about:blank/srcdoc iframe), and every realm's replacement must know every realm's
// wrappers: a page can print the top window's `fetch` with an iframe's `toString` and the
// other way round. Same-origin hooks therefore share one map (see linkRealms).

import {
  type AnyFn,
  type Callable,
  ObjectCreate,
  ProxyCtor,
  ReflectApply,
  ReflectConstruct,
  ReflectDefineProperty,
  ReflectGetOwnPropertyDescriptor,
  ReflectOwnKeys,
  SafeWeakMap,
  FunctionToString,
  defineData,
  ownValue,
  type WindowNatives,
} from './native.ts';
import { type ErrorMask, locationOf, recordsOwnStackText } from './stack-text.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- natives are typed loosely on purpose */

const ErrorCaptureStackTrace = (Error as { captureStackTrace?: (o: object, fn?: AnyFn) => void }).captureStackTrace;

/**
 * What the toString replacements print for a wrapper, and what the error getters of
 * stack-mask.ts answer for an error that left through a wrapper (SpiderMonkey only). Shared
 * between same-origin realms: a page can read any realm's error with any realm's getter.
 */
interface Registry {
  get(fn: object): string | undefined;
  set(fn: object, source: string): void;
  mask(e: object): ErrorMask | undefined;
  setMask(e: object, m: ErrorMask): void;
}
const localMap = new SafeWeakMap<object, string>();
const localMasks = new SafeWeakMap<object, ErrorMask>();
let registry: Registry = {
  __proto__: null,
  get: (fn) => localMap.get(fn),
  set: (fn, s) => void localMap.set(fn, s),
  mask: (e) => localMasks.get(e),
  setMask: (e, m) => void localMasks.set(e, m),
} as Registry;
// A Proxy forwards length/name to its target already; redefining them would write through.
const proxies = new SafeWeakMap<object, true>();
const patchedToString = new SafeWeakMap<object, true>();
// Errors thrown by page code that a wrapper called (a `toString` of an argument): their
// stacks are the page's own business and are not touched.
const pageErrors = new SafeWeakMap<object, true>();

// The name is fixed in the bundle. A page listening for it hears nothing: the link is
// dispatched at the parent window, whose hook registered its capture listener before any
// page script and stops the event there (the transparency e2e checks this).
//
// A page that has read the extension's code can dispatch it itself. A secret would close
// that, but a child realm's hook must link synchronously at its document_start, before it
// registers a wrapper, and the MAIN world offers none: everything one realm's hook can
// reach in another, the page's scripts can reach too, and the relays of two frames share
// nothing synchronously (Firefox gives each frame's content script its own sandbox). What
// the page cannot forge is timing: a frame's hook asks while its document is new, before
// any page script can hold that document. So an ancestor answers a request only when it
// names one of its own frames (or a window it opened) whose current document nothing has
// asked for or been patched for yet, and otherwise neither answers nor stops the event, as
// without the extension. Still open: a window whose document no hook ever runs in and
// realm-guard.ts never patched would let a page be answered once for it (realm-guard.ts
// patches every frame a page can reach before the page can hold it).
export const LINK_EVENT = 'appsync-devtools-realm-link-6f1c9e';

// Documents already linked or patched from this realm (see LINK_EVENT).
const linkedDocuments = new SafeWeakMap<object, true>();

/** An own property of a same-origin window (an accessor's value or a data value), or undefined. */
function windowOwn(w: unknown, key: string): unknown {
  if (typeof w !== 'object' || w === null) return undefined;
  try {
    const d = ReflectGetOwnPropertyDescriptor(w, key);
    if (!d) return undefined;
    return typeof d.get === 'function' ? ReflectApply(d.get, w, []) : d.value;
  } catch {
    return undefined;
  }
}

/** The realm of `w` was patched by this hook (realm-guard.ts): its document will not link. */
export function markRealmLinked(w: object): void {
  const doc = windowOwn(w, 'document');
  if (typeof doc === 'object' && doc !== null) linkedDocuments.set(doc, true);
}

function isNewRealmOf(win: typeof globalThis, other: unknown): boolean {
  if (typeof other !== 'object' || other === null || other === win) return false;
  const doc = windowOwn(other, 'document');
  if (typeof doc !== 'object' || doc === null || linkedDocuments.has(doc)) return false;
  let mine = windowOwn(other, 'opener') === win;
  if (!mine) {
    const length = windowOwn(win, 'length');
    const w = win as any;
    for (let i = 0; !mine && typeof length === 'number' && i < length; i++) mine = w[i] === other;
  }
  if (mine) linkedDocuments.set(doc, true);
  return mine;
}

/**
 * Share the wrapper registry with the hook of a same-origin parent (or opener) realm, and
 * offer it to child realms. Must run before any wrapper is registered. The answer arrives
 * synchronously: the ancestor's window listener was registered at its own document_start,
 * so it runs before any page listener and stops the event there.
 */
export function linkRealms(win: typeof globalThis, n: WindowNatives): void {
  const w = win as any;
  const detailOf = n.customDetail;
  n.addEventListener(
    win,
    LINK_EVENT,
    (e: Event) => {
      const holder = detailOf(e);
      if (typeof holder !== 'object' || holder === null || !isNewRealmOf(win, ownValue(holder, 'window'))) return;
      n.stopImmediatePropagation(e);
      defineData(holder, 'registry', registry);
    },
    true,
  );
  let parent: unknown;
  let opener: unknown;
  try {
    parent = w.parent; // install-time
    opener = w.opener; // install-time
  } catch {
    return;
  }
  for (const other of [parent !== win ? parent : undefined, opener] as const) { // install-time
    if (other === undefined || other === null || !n.CustomEvent) continue;
    const holder = ObjectCreate(null) as object;
    defineData(holder, 'window', win);
    try {
      // Cross-origin windows refuse dispatchEvent (SecurityError): nothing is shared with them.
      n.dispatchEvent(other as EventTarget, new n.CustomEvent(LINK_EVENT, { __proto__: null, detail: holder } as CustomEventInit));
    } catch {
      continue;
    }
    const theirs = ownValue(holder, 'registry') as Registry | undefined;
    if (typeof theirs === 'object' && theirs !== null && typeof ownValue(theirs, 'mask') === 'function') {
      registry = theirs;
      return;
    }
  }
}

/**
 * Replace `Function.prototype.toString` of a realm (given by its `Function.prototype`) with
 * one that prints every registered wrapper as its native. Idempotent across hooks: a
 * realm whose toString is already a registered replacement is left alone.
 */
export function installToString(FunctionProto: object): void {
  if (patchedToString.has(FunctionProto)) return;
  const original = ReflectGetOwnPropertyDescriptor(FunctionProto, 'toString');
  if (!original || typeof original.value !== 'function') return;
  if (registry.get(original.value as object) !== undefined) {
    patchedToString.set(FunctionProto, true);
    return;
  }
  const nativeToString = original.value as AnyFn;
  settleLazyKeys(nativeToString);
  // A Proxy of the native (see wrapNative): name, length, own keys and engine messages
  // stay the native's. Unknown receivers (including non-functions, which throw) go to the
  // native untouched, so results and error messages are the engine's own.
  const handler = {
    __proto__: null,
    apply(target: AnyFn, self: unknown, args: unknown[]): unknown {
      const s = typeof self === 'function' ? registry.get(self) : undefined;
      if (s !== undefined) return s;
      try {
        return ReflectApply(target, self, args);
      } catch (e) {
        throw hideOwnFrames(e, trap);
      }
    },
  } as ProxyHandler<AnyFn>;
  const trap = handler.apply!;
  const replacement = new ProxyCtor(nativeToString, handler);
  proxies.set(replacement, true);
  registry.set(replacement, FunctionToString(nativeToString));
  replaceValueKeepingAttributes(FunctionProto, 'toString', replacement);
  patchedToString.set(FunctionProto, true);
}

function replaceValueKeepingAttributes(obj: object, key: PropertyKey, value: unknown): void {
  const desc = ReflectGetOwnPropertyDescriptor(obj, key);
  if (!desc || !('value' in desc)) return;
  ReflectDefineProperty(obj, key, {
    __proto__: null,
    value,
    writable: desc.writable,
    enumerable: desc.enumerable,
    configurable: desc.configurable,
  } as PropertyDescriptor);
}

/**
 * SpiderMonkey creates a native function's `length` and `name` properties lazily, and
 * `Reflect.ownKeys` lists them in the order they were first materialised. Measured in
 * Firefox ESR 153 with test/fixtures/pages/probe-websocket.js: without the hook,
 * `Function.prototype.toString` lists ["length", "name"]; with it wrapped in a Proxy and
 * nothing else done, ["name", "length"]. Listing the keys once at install materialises them
 * in the engine's own order, which made the two runs equal. (Doing the same to `send`
 * made *it* differ, so only the toString target is settled.)
 */
function settleLazyKeys(fn: object): void {
  ReflectOwnKeys(fn);
}

function matchShape(wrapper: Callable, original: Callable): void {
  const keys = ['length', 'name'] as const;
  for (let i = 0; i < 2; i++) {
    const key = keys[i]!;
    const d = ReflectGetOwnPropertyDescriptor(original, key);
    if (d) ReflectDefineProperty(wrapper, key, { __proto__: null, ...d } as PropertyDescriptor);
  }
}

/**
 * Make `wrapper` pass for `original`: same `length` and `name` (same attributes), and
 * `Function.prototype.toString` returns the original's string. `win` names the realm whose
 * `Function.prototype.toString` is patched (the page's).
 */
export function disguise(win: typeof globalThis, wrapper: Callable, original: Callable): void {
  installToString(((win as any).Function as FunctionConstructor | undefined)?.prototype ?? Function.prototype);
  if (typeof wrapper !== typeof original) return;
  if (!proxies.has(wrapper)) matchShape(wrapper, original);
  // A wrapper of a wrapper (a frame's hook over what its parent's hook installed in the
  // frame's initial realm, which a same-origin load reuses) prints as the native below both.
  registry.set(wrapper, registry.get(original) ?? FunctionToString(original));
}

/** Whether `fn` is a wrapper of some linked realm (so installing over it again is moot). */
export function isDisguised(fn: unknown): boolean {
  return (typeof fn === 'function' || (typeof fn === 'object' && fn !== null)) && registry.get(fn as object) !== undefined;
}

/** What the page must see of an error instead of what the engine recorded (see hideOwnFrames). */
export function maskOf(e: unknown): ErrorMask | undefined {
  return (typeof e === 'object' && e !== null) || typeof e === 'function' ? registry.mask(e as object) : undefined;
}

/** A Proxy of a function that the toString patch treats as its target. */
export function disguisedProxy<T extends Callable>(win: typeof globalThis, target: T, handler: ProxyHandler<T>): T {
  const p = new ProxyCtor(target, handler);
  proxies.set(p, true);
  disguise(win, p, target);
  return p;
}

/**
 * Wrap a native constructor as a Proxy whose only trap is `construct`: everything else
 * (statics, `name`, `length`, `prototype`, calls without `new`) is the native's.
 * `Reflect.construct` with the page's `newTarget` keeps subclassing intact; the native's
 * errors leave without the hook's frames; `observe` sees each object made (its failures are
 * swallowed: the page gets its object whatever happens to the recording).
 */
export function wrapConstructor<T extends new (...args: any[]) => object>(
  win: typeof globalThis,
  native: T,
  observe: (made: InstanceType<T>, args: unknown[]) => void,
): T {
  const handler = {
    __proto__: null,
    construct(target: T, args: unknown[], newTarget: object): object {
      let made: InstanceType<T>;
      try {
        made = ReflectConstruct(target, args, newTarget as T) as InstanceType<T>;
      } catch (e) {
        throw hideOwnFrames(e, trap);
      }
      try {
        observe(made, args);
      } catch {
        /* see above */
      }
      return made;
    },
  } as ProxyHandler<T>;
  const trap = handler.construct!;
  return disguisedProxy(win, native, handler);
}

/**
 * Wrap a native function (method, getter or global function) as a Proxy whose only trap is
 * `apply`. Compared with a JS function standing in for it, the engine itself answers for
 * the wrapper everywhere we cannot patch: `length`, `name`, own keys, no `prototype`, no
 * [[Construct]] (so `new` fails with the engine's message), and engine-generated texts
 * such as a DataCloneError's ("function send() { [native code] } could not be cloned"),
 * which would otherwise show the wrapper's source. `impl` receives the receiver and the
 * argument list the engine built, and the trap (for hideOwnFrames on errors it does not
 * throw, such as a rejection). Errors it throws leave without the hook's frames.
 */
export function wrapNative<F extends AnyFn>(
  win: typeof globalThis,
  native: F,
  impl: (self: unknown, args: unknown[], trap: AnyFn) => unknown,
): F {
  const handler = {
    __proto__: null,
    apply(_target: F, self: unknown, args: unknown[]): unknown {
      try {
        return impl(self, args, trap);
      } catch (e) {
        throw hideOwnFrames(e, trap);
      }
    },
  } as ProxyHandler<F>;
  const trap = handler.apply!;
  return disguisedProxy(win, native, handler);
}

/** Mark an error thrown by page code the hook called, so hideOwnFrames leaves it alone. */
export function fromPage(e: unknown): unknown {
  if ((typeof e === 'object' && e !== null) || typeof e === 'function') pageErrors.set(e, true);
  return e;
}

/**
 * Remove the hook's frames from an error a native threw while called from `trap` (a Proxy
 * trap, the first of the hook's frames on the stack), and return it for rethrowing. The
 * error object itself is kept (same identity, prototype, message).
 *
 * `Error.captureStackTrace(err, fn)` replaces err's stack with the current one minus `fn`
 * and every frame above it. V8 (v8.dev/docs/stack-trace-api) keeps `stack` the same own
 * accessor that engine-made errors (DOMException included) already have, so nothing else
 * changes.
 *
 * SpiderMonkey records an error's stack (a SavedFrame chain) when the error is created,
 * from the JS frames then live, and has no way to rewrite it: its captureStackTrace
 * defines an own data property `stack` (measured in Firefox ESR 153), which engine-made
 * errors lack (their `stack` is the accessor on Error.prototype / DOMException.prototype),
 * and a DOMException's `filename`/`lineNumber`/`columnNumber` getters read the same
 * recorded chain, so they name the hook's line. Firefox shows MAIN-world content scripts
 * as "<anonymous code>" (to hide the extension URL from pages), not as moz-extension://,
 * but its frames are still there. Skipping them needs frames of a principal the page does
 * not subsume, which a MAIN-world script does not have. So on SpiderMonkey the error is left
 * untouched and the page's view of it is kept aside (ErrorMask: the text captureStackTrace
 * gives on a scratch object and the location of its first frame); stack-mask.ts wraps
 * those prototype getters to answer from it. A JS error's own `fileName`/`lineNumber`/
 * `columnNumber` data properties are rewritten in place.
 */
export function hideOwnFrames(e: unknown, trap: AnyFn): unknown {
  if (!ErrorCaptureStackTrace || typeof e !== 'object' || e === null || pageErrors.has(e)) return e;
  try {
    if (!recordsOwnStackText()) {
      ErrorCaptureStackTrace(e, trap);
      return e;
    }
    const scratch = ObjectCreate(null) as object;
    ErrorCaptureStackTrace(scratch, trap);
    const stack = ownValue(scratch, 'stack');
    if (typeof stack !== 'string') return e;
    const m = locationOf(stack);
    registry.setMask(e, m);
    if (ReflectGetOwnPropertyDescriptor(e, 'fileName')) {
      setOwn(e, 'fileName', m.fileName);
      setOwn(e, 'lineNumber', m.lineNumber);
      setOwn(e, 'columnNumber', m.columnNumber);
    }
  } catch {
    /* a frozen or exotic error keeps its stack */
  }
  return e;
}

function setOwn(o: object, key: string, value: unknown): void {
  const d = ReflectGetOwnPropertyDescriptor(o, key);
  if (d && 'value' in d) {
    ReflectDefineProperty(o, key, { __proto__: null, value, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable } as PropertyDescriptor);
  }
}
