// Natives the page-world hook relies on, saved before any page script runs.
//
// The hook bundle evaluates at document_start in the page's MAIN world, so this module's
// top level runs before the page can touch anything. Everything the hook calls later goes
// through what is saved here: a page that afterwards replaces `Reflect.apply`,
// `WeakMap.prototype.get`, `MessageEvent.prototype.data`, `EventTarget.prototype
// .addEventListener` or `Function.prototype.call` can neither break the hook nor watch it
// work. Two rules follow:
//   - never look a method up on a page-reachable prototype at call time (use the saved,
//     "uncurried" form: `fn(self, ...args)`);
//   - never create objects whose prototype chain the page can extend with getters or
//     setters when the engine reads properties from them (Proxy handlers, event init
//     dictionaries, property descriptors): give those a null prototype.

/* eslint-disable @typescript-eslint/no-explicit-any -- natives are typed loosely on purpose */

export type AnyFn = (...args: any[]) => any;
/** Anything callable or constructible. */
export type Callable = AnyFn | (abstract new (...args: any[]) => any);

const FunctionPrototype = Function.prototype;
const nativeCall = FunctionPrototype.call;
const nativeBind = FunctionPrototype.bind;

/**
 * `uncurryThis(Proto.method)(self, ...args)` behaves like `self.method(...args)` as it was
 * when this module loaded. The bound `call` captures both `call` and the target, so later
 * changes to `Function.prototype.call`/`bind` do not reach it.
 */
export function uncurryThis<T, A extends unknown[], R>(
  fn: (this: T, ...args: A) => R,
): (self: T, ...args: A) => R {
  // Through the saved Reflect.apply, not `nativeBind.call`: that looks `call` up on
  // Function.prototype when it runs, and this runs after page scripts too (a frame's
  // initial realm is tapped when the page inserts the frame).
  return ReflectApply(nativeBind, nativeCall, [fn]) as unknown as (self: T, ...args: A) => R;
}

export const ReflectApply = Reflect.apply;
export const ReflectConstruct = Reflect.construct;
export const ReflectDefineProperty = Reflect.defineProperty;
export const ReflectGetOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
export const ReflectOwnKeys = Reflect.ownKeys;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ArrayIsArray = Array.isArray;
export const NumberIsSafeInteger = Number.isSafeInteger;
export const ObjectCreate = Object.create;
export const ObjectSetPrototypeOf = Object.setPrototypeOf;
export const JSONStringify = JSON.stringify;
export const MathRandom = Math.random;
export const NumberToString = uncurryThis(Number.prototype.toString) as (n: number, radix?: number) => string;
export const ArrayBufferIsView = ArrayBuffer.isView;
export const ProxyCtor = Proxy;
export const PromiseCtor = Promise;
export const PromiseThen = uncurryThis(Promise.prototype.then) as <T>(
  p: PromiseLike<T>,
  onFulfilled: (value: T) => unknown,
  onRejected?: (reason: unknown) => unknown,
) => Promise<unknown>;
export const FunctionToString = uncurryThis(FunctionPrototype.toString) as (fn: unknown) => string;
export const StringSlice = uncurryThis(String.prototype.slice);
export const StringIndexOf = uncurryThis(String.prototype.indexOf) as (s: string, search: string, from?: number) => number;
export const StringToLowerCase = uncurryThis(String.prototype.toLowerCase);
export const StringToUpperCase = uncurryThis(String.prototype.toUpperCase);
export const ObjectToString = uncurryThis(Object.prototype.toString) as (o: unknown) => string;
export const ErrorToString = uncurryThis(Error.prototype.toString) as (e: unknown) => string;
export const Uint8ArrayCtor = Uint8Array;
export const ArrayBufferByteLength = uncurryThis(
  ReflectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get as (this: ArrayBuffer) => number,
);
export const TypedArrayByteLength = uncurryThis(
  ReflectGetOwnPropertyDescriptor(ObjectGetPrototypeOf(Uint8Array.prototype) as object, 'byteLength')!
    .get as (this: ArrayBufferView) => number,
);
const DataViewByteLength = uncurryThis(
  ReflectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength')!.get as (this: DataView) => number,
);
const DataViewBuffer = uncurryThis(
  ReflectGetOwnPropertyDescriptor(DataView.prototype, 'buffer')!.get as (this: DataView) => ArrayBufferLike,
);
const DataViewByteOffset = uncurryThis(
  ReflectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset')!.get as (this: DataView) => number,
);
const TypedArrayProto = ObjectGetPrototypeOf(Uint8Array.prototype) as object;
const TypedArrayBuffer = uncurryThis(
  ReflectGetOwnPropertyDescriptor(TypedArrayProto, 'buffer')!.get as (this: ArrayBufferView) => ArrayBufferLike,
);
const TypedArrayByteOffset = uncurryThis(
  ReflectGetOwnPropertyDescriptor(TypedArrayProto, 'byteOffset')!.get as (this: ArrayBufferView) => number,
);
const TypedArrayToStringTag = uncurryThis(
  ReflectGetOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag)!.get as (this: unknown) => string | undefined,
);

/**
 * A WeakMap whose methods the page cannot replace: they live on a prototype that is never
 * exposed, and point straight at the saved natives (no per-call indirection in hot paths).
 */
const WeakMapProto = WeakMap.prototype;
const MapProto = Map.prototype;
// Explicit constructors: the implicit derived one spreads its arguments, which runs the
// page-replaceable Array.prototype[Symbol.iterator].
export class SafeWeakMap<K extends object, V> extends WeakMap<K, V> {
  constructor() {
    super();
  }
}
export class SafeMap<K, V> extends Map<K, V> {
  constructor() {
    super();
  }
}
for (const [Safe, proto, names] of [
  [SafeWeakMap, WeakMapProto, ['get', 'set', 'has', 'delete']],
  [SafeMap, MapProto, ['get', 'set', 'has', 'delete', 'forEach']],
] as const) {
  for (const name of names) {
    ReflectDefineProperty(Safe.prototype, name, {
      __proto__: null,
      value: (proto as any)[name],
      writable: false,
      enumerable: false,
      configurable: false,
    } as PropertyDescriptor);
  }
}

const WeakRefCtor: (new <T extends object>(v: T) => { deref(): T | undefined }) | undefined =
  typeof WeakRef === 'function' ? WeakRef : undefined;
const WeakRefDeref = WeakRefCtor ? uncurryThis(WeakRefCtor.prototype.deref) : undefined;

/** A reference that does not keep `v` alive where the engine supports WeakRef. */
export function weakRef<T extends object>(v: T): () => T | undefined {
  if (WeakRefCtor && WeakRefDeref) {
    const ref = new WeakRefCtor(v);
    return () => WeakRefDeref(ref) as T | undefined;
  }
  return () => v;
}

/**
 * The prototype of every object the hook builds for the background (records, their
 * payloads, batches). Its own prototype is null and the page never gets a reference, so
 * `JSON.stringify` finds no `toJSON` the page put on Object.prototype or Array.prototype
 * (which would let it rewrite records before they are stored), and writes to missing keys
 * run no setter the page defined there.
 */
export const SAFE_PROTO: object = ObjectCreate(null);

/** An empty array with SAFE_PROTO as its prototype: index writes and JSON reach no page code. */
export function safeArray<T>(): T[] {
  const a: T[] = [];
  ObjectSetPrototypeOf(a, SAFE_PROTO);
  return a;
}

/**
 * Moves an object tree the hook built (a record, its headers and bodies) onto SAFE_PROTO.
 * Only own data properties are followed, so no page getter runs.
 */
export function adoptTree(o: object): void {
  ObjectSetPrototypeOf(o, SAFE_PROTO);
  const keys = ReflectOwnKeys(o);
  for (let i = 0, n = keys.length; i < n; i++) {
    const v = ownValue(o, keys[i]!);
    if (typeof v === 'object' && v !== null) adoptTree(v);
  }
}

/** The value of an own data property of `o`; never runs a getter on a prototype. */
export function ownValue(o: object, key: PropertyKey): unknown {
  const d = ReflectGetOwnPropertyDescriptor(o, key);
  return d === undefined ? undefined : d.value;
}

/** Define an own data property without running setters the page may put on prototypes. */
export function defineData(target: object, key: PropertyKey, value: unknown): void {
  ReflectDefineProperty(target, key, {
    __proto__: null,
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  } as PropertyDescriptor);
}

/** Replace `obj[key]`'s value, keeping its attributes (writable/enumerable/configurable). */
export function replaceValue(obj: object, key: PropertyKey, value: unknown): boolean {
  const desc = ReflectGetOwnPropertyDescriptor(obj, key);
  if (!desc || !('value' in desc)) return false;
  return ReflectDefineProperty(obj, key, {
    __proto__: null,
    value,
    writable: desc.writable,
    enumerable: desc.enumerable,
    configurable: desc.configurable,
  } as PropertyDescriptor);
}

/** The getter of `proto[name]`, uncurried; falls back to a plain read when there is none. */
export function getterOf<T = unknown>(proto: object | undefined, name: string): (self: any) => T {
  let p: object | null | undefined = proto;
  while (p) {
    const d = ReflectGetOwnPropertyDescriptor(p, name);
    if (d) {
      if (d.get) return uncurryThis(d.get as (this: unknown) => T);
      break;
    }
    p = ObjectGetPrototypeOf(p) as object | null;
  }
  return (self: any) => self[name] as T;
}

/** The method `proto[name]` (searched up the chain), or undefined. */
export function methodOf<F extends AnyFn>(proto: object | undefined, name: string): F | undefined {
  let p: object | null | undefined = proto;
  while (p) {
    const d = ReflectGetOwnPropertyDescriptor(p, name);
    if (d) return typeof d.value === 'function' ? (d.value as F) : undefined;
    p = ObjectGetPrototypeOf(p) as object | null;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Binary payloads.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of `bytes`: a small local encoder, so no page-replaceable `btoa` is involved. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[v >> 18]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | (i + 1 < n ? bytes[i + 1]! << 8 : 0);
    out += B64[v >> 18]! + B64[(v >> 12) & 63]! + (i + 1 < n ? B64[(v >> 6) & 63]! : '=') + '=';
  }
  return out;
}

/**
 * The bytes behind an ArrayBuffer or a view (typed array, DataView), checked by the
 * engine's own brand checks rather than `instanceof` (which the page can redefine through
 * Symbol.hasInstance, and which fails across frames). `undefined` for anything else.
 */
export function bufferBytes(data: unknown): { buffer: ArrayBufferLike; offset: number; size: number } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  if (ArrayBufferIsView(data)) {
    if (TypedArrayToStringTag(data) !== undefined) {
      return { buffer: TypedArrayBuffer(data), offset: TypedArrayByteOffset(data), size: TypedArrayByteLength(data) };
    }
    const dv = data as DataView;
    return { buffer: DataViewBuffer(dv), offset: DataViewByteOffset(dv), size: DataViewByteLength(dv) };
  }
  try {
    const size = ArrayBufferByteLength(data as ArrayBuffer);
    return { buffer: data as ArrayBuffer, offset: 0, size };
  } catch {
    return undefined;
  }
}

/** Base64 of the first `max` bytes of a buffer region. */
export function previewOf(region: { buffer: ArrayBufferLike; offset: number; size: number }, max: number): string {
  const len = region.size < max ? region.size : max;
  if (len <= 0) return '';
  return base64(new Uint8ArrayCtor(region.buffer, region.offset, len));
}

// ---------------------------------------------------------------------------------------
// Window-level APIs, saved per window (each frame has its own).

export interface WindowNatives {
  readonly addEventListener: (target: EventTarget, type: string, listener: (e: any) => void, capture?: boolean) => void;
  readonly removeEventListener: (target: EventTarget, type: string, listener: (e: any) => void, capture?: boolean) => void;
  readonly stopImmediatePropagation: (e: Event) => void;
  readonly messageSource: (e: MessageEvent) => unknown;
  readonly messagePorts: (e: MessageEvent) => readonly MessagePort[];
  readonly portPost: (port: MessagePort, message: unknown) => void;
  readonly portStart: (port: MessagePort) => void;
  readonly CustomEvent: typeof CustomEvent | undefined;
  readonly customDetail: (e: Event) => unknown;
  readonly setTimeout: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
  readonly dispatchEvent: (target: EventTarget, event: Event) => boolean;
  readonly MessageEvent: typeof MessageEvent | undefined;
  readonly messageData: (e: MessageEvent) => unknown;
  readonly closeCode: (e: CloseEvent) => number;
  readonly closeReason: (e: CloseEvent) => string;
  readonly closeWasClean: (e: CloseEvent) => boolean;
  readonly blobSize: ((b: unknown) => number) | undefined;
  readonly URL: typeof URL | undefined;
  readonly urlOrigin: (u: URL) => string;
  readonly urlHref: (u: URL) => string;
  /** The frame's URL at call time (`location.href`). */
  readonly frameUrl: () => string;
  /** The document's base URL, for resolving relative request URLs. */
  readonly baseUrl: () => string;
}

export function windowNatives(win: typeof globalThis): WindowNatives {
  const w = win as any;
  const etProto = (w.EventTarget as typeof EventTarget | undefined)?.prototype;
  const add = methodOf<EventTarget['addEventListener']>(etProto, 'addEventListener');
  const remove = methodOf<EventTarget['removeEventListener']>(etProto, 'removeEventListener');
  const stopImmediate = methodOf<Event['stopImmediatePropagation']>((w.Event as typeof Event | undefined)?.prototype, 'stopImmediatePropagation');
  const MP = w.MessagePort as typeof MessagePort | undefined;
  const portPost = methodOf<MessagePort['postMessage']>(MP?.prototype, 'postMessage');
  const portStart = methodOf<MessagePort['start']>(MP?.prototype, 'start');
  const setT = w.setTimeout as typeof setTimeout;
  const clearT = w.clearTimeout as typeof clearTimeout;
  const dispatch = methodOf<EventTarget['dispatchEvent']>(etProto, 'dispatchEvent');
  const ME = w.MessageEvent as typeof MessageEvent | undefined;
  const CE = w.CloseEvent as typeof CloseEvent | undefined;
  const BlobCtor = w.Blob as typeof Blob | undefined;
  const blobSizeDesc = BlobCtor ? ReflectGetOwnPropertyDescriptor(BlobCtor.prototype, 'size') : undefined;
  const URLCtor = (w.URL as typeof URL | undefined) ?? (typeof URL === 'function' ? URL : undefined);
  const location = w.location as Location | undefined;
  const hrefOfLocation = location ? getterOf<string>(location, 'href') : undefined;
  const document = w.document as Document | undefined;
  const baseURIOf = document ? getterOf<string>(document, 'baseURI') : undefined;
  const frameUrl = (): string => {
    try {
      // A template, not `String(…)`: the global `String` is the page's to replace.
      return location && hrefOfLocation ? `${hrefOfLocation(location)}` : '';
    } catch {
      return '';
    }
  };
  return {
    addEventListener: add
      ? uncurryThis(add as (this: EventTarget, t: string, l: (e: any) => void) => void)
      : (t, type, l) => t.addEventListener(type, l),
    removeEventListener: remove
      ? uncurryThis(remove as (this: EventTarget, t: string, l: (e: any) => void, c?: boolean) => void)
      : (t, type, l, c) => t.removeEventListener(type, l, c),
    stopImmediatePropagation: stopImmediate ? uncurryThis(stopImmediate) : (e) => e.stopImmediatePropagation(),
    messageSource: getterOf(ME?.prototype, 'source'),
    messagePorts: getterOf<readonly MessagePort[]>(ME?.prototype, 'ports'),
    portPost: portPost ? uncurryThis(portPost as (this: MessagePort, m: unknown) => void) : (p, m) => p.postMessage(m),
    portStart: portStart ? uncurryThis(portStart) : (p) => p.start(),
    CustomEvent: w.CustomEvent as typeof CustomEvent | undefined,
    customDetail: getterOf((w.CustomEvent as typeof CustomEvent | undefined)?.prototype, 'detail'),
    // Called with the window as receiver, as the page's own calls are.
    setTimeout: (fn, ms) => ReflectApply(setT, w, [fn, ms]),
    clearTimeout: (h) => ReflectApply(clearT, w, [h]),
    dispatchEvent: dispatch ? uncurryThis(dispatch) : (t, e) => t.dispatchEvent(e),
    MessageEvent: ME,
    messageData: getterOf(ME?.prototype, 'data'),
    closeCode: getterOf<number>(CE?.prototype, 'code'),
    closeReason: getterOf<string>(CE?.prototype, 'reason'),
    closeWasClean: getterOf<boolean>(CE?.prototype, 'wasClean'),
    blobSize: blobSizeDesc?.get ? uncurryThis(blobSizeDesc.get as (this: unknown) => number) : undefined,
    URL: URLCtor,
    urlOrigin: getterOf<string>(URLCtor?.prototype, 'origin'),
    urlHref: getterOf<string>(URLCtor?.prototype, 'href'),
    frameUrl,
    baseUrl: () => {
      try {
        return document && baseURIOf ? `${baseURIOf(document)}` : frameUrl();
      } catch {
        return frameUrl();
      }
    },
  };
}
/**
 * A clock for record timestamps: `performance.timeOrigin + performance.now()` through the
 * saved native, so a page replacing `performance.now` cannot skew or observe it.
 */
export function clockOf(win: typeof globalThis): () => number {
  const perf = (win as any).performance as Performance | undefined;
  const nowFn = perf ? methodOf<() => number>(perf, 'now') : undefined;
  if (!perf || !nowFn) return Date.now;
  const origin = getterOf<number>(perf, 'timeOrigin')(perf);
  const now = uncurryThis(nowFn as (this: Performance) => number);
  return () => origin + now(perf);
}
