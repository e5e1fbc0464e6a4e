// The HTTP publish tap: records AppSync Events HTTP publishes (`POST …/event`) made with
// `fetch` or `XMLHttpRequest`: an `http-request` record when the request starts (its body
// known), so it comes before the `data` frames the publish causes, and an `http-response`
// record naming the request's seq when it settles.
//
// What the app observes is unchanged:
//   - fetch: `fetch(input, init)` is, by the Fetch standard, `new Request(input, init)`
//     followed by the fetch of that request, so the wrapper builds the Request itself
//     (arguments are converted exactly once, by the engine, in the engine's order) and
//     hands it to the native. If building throws, the native is called with the original
//     arguments, so the rejection carries the native's own message. Calls that are not
//     publishes get the native's promise itself.
//   - For publishes the app gets a promise settled from the native one. Attaching our
//     handlers straight to the native promise would mark it handled and swallow the
//     page's `unhandledrejection` for a failed publish it does not catch; the relay
//     promise keeps that event (at the cost of one microtask).
//   - The response is cloned in our first reaction, which runs before any reaction the
//     app can register, so the app's body stays unread and its reading is not delayed.
//   - XHR: open/setRequestHeader/send are wrapped; only requests decided to be publishes at
//     open() get state, everything else goes straight to the natives.
//   - Every wrapper is a Proxy of the native with an `apply` trap (see wrapNative), so
//     name, length, toString and the engine's own messages stay the native's.
// Detection is by method and URL only (`isPublish`), before any body is read.

import { KEPT_REQUEST_HEADERS, KEPT_RESPONSE_HEADERS } from '../protocol/http-headers.ts';
import type { CaptureRecord, HttpRequestSent, HttpResponseReceived, SocketId, TruncatedText } from './records.ts';
import {
  PromiseCtor,
  PromiseThen,
  ReflectApply,
  ReflectConstruct,
  ReflectGetOwnPropertyDescriptor,
  SafeWeakMap,
  StringSlice,
  StringToLowerCase,
  ObjectToString,
  ErrorToString,
  defineData,
  getterOf,
  methodOf,
  replaceValue,
  ownValue,
  uncurryThis,
  windowNatives,
} from './native.ts';
import { wrapNative, fromPage, hideOwnFrames } from './disguise.ts';
import { RECORD_OVERHEAD, type Emit } from './socket-tap.ts';

export interface HttpTapOptions {
  /** Prefix of record ids for this page load and frame (records use `${nonce}:http`). */
  readonly nonce: string;
  /** Whether a request is an AppSync Events publish, from its method and absolute URL. */
  readonly isPublish: (method: string, url: string) => boolean;
  /** Bodies longer than this (UTF-16 units) are kept as TruncatedText. */
  readonly maxTextLength: number;
  readonly now: () => number;
  /**
   * Read at each call: false makes the wrappers plain pass-throughs to the natives. A tap
   * installed from a parent realm (realm-tap.ts) stands aside once the frame's own hook,
   * which wraps it, has taken over.
   */
  readonly active?: () => boolean;
}

// Kept headers are looked up by index over the module's own arrays: no Set or array method
// the page could have replaced. Values are kept as sent; redaction happens in the background.
function keptHeader(list: readonly string[], lowerName: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === lowerName) return true;
  return false;
}

// Methods the XHR and Fetch standards normalise to upper case.
const NORMALISED: Record<string, string> = {
  __proto__: null as unknown as string,
  delete: 'DELETE',
  get: 'GET',
  head: 'HEAD',
  options: 'OPTIONS',
  post: 'POST',
  put: 'PUT',
};

interface XhrState {
  /** seq of this request's `http-request` record, once sent. */
  requestSeq: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  pending: boolean;
  startedAt: number;
  frameUrl: string;
  body: string | TruncatedText;
  failure: string | undefined;
  listening: boolean;
}

type AnyFunction = (...args: never[]) => unknown;
const FETCH_PREFIXES: readonly string[] = [
  "Failed to construct 'Request': ",
  "Failed to execute 'fetch' on 'Window': ",
  'Request constructor: ',
  'Window.fetch: ',
  "'atob' called on ",
  "'fetch' called on ",
];

/**
 * Install the fetch and XMLHttpRequest taps on `win`. Request bodies are kept when they are
 * strings; other bodies are recorded as their type name in brackets (`[Blob]`,
 * `[FormData]`…); a Request passed as input is read from a clone.
 */
export function tapHttpPublishes(win: typeof globalThis, emit: Emit, opts: HttpTapOptions): void {
  const n = windowNatives(win);
  const { isPublish, maxTextLength, now, active } = opts;
  const inactive = (): boolean => active !== undefined && active() !== true;
  const streamId = `${opts.nonce}:http` as SocketId;
  let seq = 0;

  const text = (s: string): string | TruncatedText =>
    s.length > maxTextLength ? { truncated: true, text: StringSlice(s, 0, maxTextLength), length: s.length } : s;
  const keptLength = (v: string | TruncatedText): number => (typeof v === 'string' ? v.length : v.text.length);

  const decide = (method: string, url: string): boolean => {
    try {
      return isPublish(method, url) === true;
    } catch {
      return false;
    }
  };

  const typeName = (v: object): string => {
    try {
      return `[${StringSlice(ObjectToString(v), 8, -1)}]`;
    } catch {
      return '[object]';
    }
  };

  const errorText = (reason: unknown): string => {
    if (typeof reason === 'object' && reason !== null) {
      try {
        return ErrorToString(reason);
      } catch {
        return 'error';
      }
    }
    return typeof reason === 'string' ? reason : 'error';
  };

  type RequestParts = Pick<HttpRequestSent, 'url' | 'method' | 'frameUrl' | 'requestHeaders' | 'requestBody' | 'via'> & { startedAt: number };

  const safeEmit = (r: CaptureRecord, size: number): void => {
    try {
      emit(r, size);
    } catch {
      /* the sink's failure must not reach the page */
    }
  };

  /** Emits the request record, stamped with the time the request started; returns its seq. */
  function started(base: RequestParts): number {
    const r: HttpRequestSent = {
      socketId: streamId,
      seq: seq++,
      t: base.startedAt,
      kind: 'http-request',
      url: base.url,
      method: base.method,
      frameUrl: base.frameUrl,
      requestHeaders: base.requestHeaders,
      requestBody: base.requestBody,
      via: base.via,
    };
    safeEmit(r, RECORD_OVERHEAD + base.url.length + keptLength(base.requestBody));
    return r.seq;
  }

  function finish(
    request: number,
    base: { url: string; startedAt: number },
    status: number,
    responseHeaders: Record<string, string>,
    responseBody: string | TruncatedText,
    error: string | undefined,
  ): void {
    const t = now();
    const r: HttpResponseReceived = {
      socketId: streamId,
      seq: seq++,
      t,
      kind: 'http-response',
      request,
      url: base.url,
      status,
      responseHeaders,
      responseBody,
      duration: t - base.startedAt,
    };
    if (status === 0 && error !== undefined) defineData(r, 'error', error);
    safeEmit(r, RECORD_OVERHEAD + base.url.length + keptLength(responseBody));
  }

  tapFetch();
  tapXhr();

  function tapFetch(): void {
    const w = win as { fetch?: typeof fetch; Request?: typeof Request; Response?: typeof Response; Headers?: typeof Headers };
    const nativeFetch = w.fetch;
    const RequestCtor = w.Request;
    if (typeof nativeFetch !== 'function' || typeof RequestCtor !== 'function') return;
    const reqProto = RequestCtor.prototype;
    const reqMethod = getterOf<string>(reqProto, 'method');
    const reqUrl = getterOf<string>(reqProto, 'url');
    const reqHeaders = getterOf<Headers>(reqProto, 'headers');
    const reqCloneFn = methodOf<() => Request>(reqProto, 'clone');
    const reqTextFn = methodOf<() => Promise<string>>(reqProto, 'text');
    const headersGetFn = methodOf<(name: string) => string | null>(w.Headers?.prototype, 'get');
    const resProto = w.Response?.prototype;
    const resCloneFn = methodOf<() => Response>(resProto, 'clone');
    const resTextFn = methodOf<() => Promise<string>>(resProto, 'text');
    const resStatus = getterOf<number>(resProto, 'status');
    const resHeaders = getterOf<Headers>(resProto, 'headers');
    if (!reqCloneFn || !reqTextFn || !headersGetFn || !resCloneFn || !resTextFn) return;
    const reqClone = uncurryThis(reqCloneFn as (this: Request) => Request);
    const reqText = uncurryThis(reqTextFn as (this: Request) => Promise<string>);
    const headersGet = uncurryThis(headersGetFn as (this: Headers, name: string) => string | null);
    const resClone = uncurryThis(resCloneFn as (this: Response) => Response);
    const resText = uncurryThis(resTextFn as (this: Response) => Promise<string>);

    const isRequest = (v: unknown): boolean => {
      if (typeof v !== 'object' || v === null) return false;
      try {
        reqUrl(v);
        return true;
      } catch {
        return false;
      }
    };

    // The same error says who refused it: "Failed to construct 'Request': …" (Blink) or
    // "Request constructor: …" (Gecko) where fetch says "Failed to execute 'fetch' on
    // 'Window': …" / "Window.fetch: …". Renamed before the stack is captured (whose first
    // line V8 builds from the message). Any other text: false, and the native rejects.
    const asFetchError = (e: unknown): boolean => {
      if (typeof e !== 'object' || e === null) return false;
      const message = ownValue(e, 'message');
      if (typeof message !== 'string') return false;
      if (message === 'Illegal invocation') {
        replaceValue(e, 'message', `${FETCH_PREFIXES[1]!}${message}`);
        return true;
      }
      for (let i = 0; i < FETCH_PREFIXES.length; i += 2) {
        const from = FETCH_PREFIXES[i]!;
        if (StringSlice(message, 0, from.length) === from) {
          replaceValue(e, 'message', FETCH_PREFIXES[i + 1]! + StringSlice(message, from.length));
          return true;
        }
      }
      return false;
    };
    const nativeAtob = (win as { atob?: AnyFunction }).atob;
    const PromiseRejectFn = PromiseCtor.reject;
    const PromiseReject = (e: unknown): Promise<never> => ReflectApply(PromiseRejectFn, PromiseCtor, [e]) as Promise<never>;
    const wrapper = wrapNative(win, nativeFetch, (self, args, trap): Promise<Response> => {
      if (inactive()) return ReflectApply(nativeFetch, self, args) as Promise<Response>;
      if (self !== undefined && self !== null && self !== win && nativeAtob) {
        // A receiver fetch refuses: the same brand check of another Window operation gives
        // the engine's error synchronously ("Illegal invocation" in Blink; Gecko names the
        // operation), which a native fetch would create out of reach inside its promise.
        try {
          ReflectApply(nativeAtob, self, ['']);
        } catch (e) {
          if (asFetchError(e)) return PromiseReject(hideOwnFrames(e, trap)) as Promise<Response>;
        }
        return ReflectApply(nativeFetch, self, args) as Promise<Response>;
      }
      const input = args[0] as RequestInfo | URL;
      const init = args[1] as RequestInit | undefined;
      let req: Request;
      try {
        // No argument: the Request constructor refuses it as fetch does.
        req = args.length === 0 ? (ReflectConstruct(RequestCtor, []) as Request) : new RequestCtor(input, init);
      } catch (e) {
        // fetch rejects with the error its own `new Request(input, init)` throws (Fetch
        // standard, fetch() step 2), so this is that error, created by the same engine
        // code, with the hook's frames cut as for a throw (a native fetch called from
        // here would create it with them, out of reach inside the promise).
        if (!asFetchError(e)) return ReflectApply(nativeFetch, self, args) as Promise<Response>;
        return PromiseReject(hideOwnFrames(e, trap)) as Promise<Response>;
      }
      let method = '';
      let url = '';
      try {
        method = reqMethod(req);
        url = reqUrl(req);
      } catch {
        /* not decidable: pass through */
      }
      if (!decide(method, url)) return ReflectApply(nativeFetch, self, [req]) as Promise<Response>;

      const startedAt = now();
      const requestHeaders: Record<string, string> = {};
      try {
        const h = reqHeaders(req);
        for (let i = 0; i < KEPT_REQUEST_HEADERS.length; i++) {
          const name = KEPT_REQUEST_HEADERS[i]!;
          const v = headersGet(h, name);
          if (v !== null) defineData(requestHeaders, name, v);
        }
      } catch {
        /* headers are a nicety */
      }
      // The body as the app gave it: an own data property of init is read without running
      // any getter; a Request input (or an init whose body is an accessor) is read from a
      // clone taken before the native consumes the request.
      let requestBody: string | TruncatedText | undefined = '';
      let bodyClone: Request | undefined;
      const own = typeof init === 'object' && init !== null ? ReflectGetOwnPropertyDescriptor(init, 'body') : undefined;
      if (own && 'value' in own && own.value !== undefined) {
        const v: unknown = own.value;
        requestBody = typeof v === 'string' ? text(v) : v === null ? '' : typeof v === 'object' ? typeName(v) : `${v as string}`;
      } else if (own || isRequest(input)) {
        requestBody = undefined;
        try {
          bodyClone = reqClone(req);
        } catch {
          requestBody = '';
        }
      }
      const base = {
        url,
        method,
        frameUrl: n.frameUrl(),
        requestHeaders,
        requestBody: '' as string | TruncatedText,
        startedAt,
        via: 'fetch' as const,
      };

      let waiting = 2; // response settled + request record emitted
      let requestSeq = -1;
      let status = 0;
      const responseHeaders: Record<string, string> = {};
      let responseBody: string | TruncatedText = '';
      let failure: string | undefined;
      const done = (): void => {
        if (--waiting !== 0) return;
        try {
          finish(requestSeq, base, status, responseHeaders, responseBody, failure);
        } catch {
          /* dropped: see below, nothing may throw in our promise reactions */
        }
      };
      // The request record is emitted as soon as its body is known: at once for the usual
      // string body, after reading the clone otherwise (still stamped with startedAt).
      const sent = (): void => {
        try {
          requestSeq = started(base);
        } catch {
          /* dropped */
        }
        done();
      };
      if (requestBody !== undefined) {
        base.requestBody = requestBody;
        sent();
      } else if (bodyClone) {
        PromiseThen(
          reqText(bodyClone),
          (s: string) => {
            base.requestBody = text(s);
            sent();
          },
          () => sent(),
        );
      } else sent();

      const p = ReflectApply(nativeFetch, self, [req]) as Promise<Response>;
      return new PromiseCtor<Response>((resolve, reject) => {
        PromiseThen(
          p,
          (response: Response) => {
            // First reaction on the native promise: clone before the app can read.
            let clone: Response | undefined;
            try {
              status = resStatus(response);
              clone = resClone(response);
            } catch {
              /* recorded without a body */
            }
            try {
              // Only what CORS lets the page read (safelisted or exposed); the network log
              // sees the rest for its own records.
              const h = resHeaders(response);
              for (let i = 0; i < KEPT_RESPONSE_HEADERS.length; i++) {
                const name = KEPT_RESPONSE_HEADERS[i]!;
                const v = headersGet(h, name);
                if (v !== null) defineData(responseHeaders, name, v);
              }
            } catch {
              /* headers are a nicety */
            }
            resolve(response);
            // Our handlers must not throw: the promise PromiseThen returns would reject
            // unhandled, and the page would get an `unhandledrejection` event.
            try {
              if (!clone) {
                done();
                return;
              }
              PromiseThen(
                resText(clone),
                (s: string) => {
                  responseBody = text(s);
                  done();
                },
                () => done(),
              );
            } catch {
              /* dropped */
            }
          },
          (reason: unknown) => {
            reject(reason);
            failure = errorText(reason);
            done();
          },
        );
      });
    });
    replaceValue(win, 'fetch', wrapper);
  }

  function tapXhr(): void {
    const XHR = (win as { XMLHttpRequest?: typeof XMLHttpRequest }).XMLHttpRequest;
    if (typeof XHR !== 'function') return;
    const proto = XHR.prototype;
    const nativeOpen = methodOf<XMLHttpRequest['open']>(proto, 'open');
    const nativeSend = methodOf<XMLHttpRequest['send']>(proto, 'send');
    const nativeSetHeader = methodOf<XMLHttpRequest['setRequestHeader']>(proto, 'setRequestHeader');
    if (!nativeOpen || !nativeSend || !nativeSetHeader) return;
    const setHeader = uncurryThis(nativeSetHeader);
    const xhrStatus = getterOf<number>(proto, 'status');
    const xhrResponseType = getterOf<string>(proto, 'responseType');
    const xhrResponseText = getterOf<string>(proto, 'responseText');
    const xhrReadyState = getterOf<number>(proto, 'readyState');
    const getResponseHeaderFn = methodOf<XMLHttpRequest['getResponseHeader']>(proto, 'getResponseHeader');
    const getResponseHeader = getResponseHeaderFn ? uncurryThis(getResponseHeaderFn) : undefined;
    const eventType = getterOf<string>((win as { Event?: typeof Event }).Event?.prototype, 'type');
    const states = new SafeWeakMap<XMLHttpRequest, XhrState>();

    const settle = (xhr: XMLHttpRequest, st: XhrState, aborted: string | undefined): void => {
      st.pending = false;
      let status = 0;
      let responseBody: string | TruncatedText = '';
      const responseHeaders: Record<string, string> = {};
      if (aborted === undefined) {
        try {
          status = xhrStatus(xhr);
          const rt = xhrResponseType(xhr);
          if (rt === '' || rt === 'text') responseBody = text(xhrResponseText(xhr));
        } catch {
          /* recorded without a body */
        }
        try {
          for (let i = 0; getResponseHeader && status !== 0 && i < KEPT_RESPONSE_HEADERS.length; i++) {
            const name = KEPT_RESPONSE_HEADERS[i]!;
            const v = getResponseHeader(xhr, name);
            if (v !== null) defineData(responseHeaders, name, v);
          }
        } catch {
          /* headers are a nicety */
        }
      }
      finish(st.requestSeq, st, status, responseHeaders, responseBody, aborted ?? st.failure ?? 'network error');
    };

    // Shared listeners (no closure per request); `this` is the request.
    function onFailure(this: XMLHttpRequest, e: Event): void {
      const st = states.get(this);
      if (st && st.pending) {
        try {
          st.failure = eventType(e);
        } catch {
          st.failure = 'error';
        }
      }
    }
    function onLoadEnd(this: XMLHttpRequest): void {
      const st = states.get(this);
      if (st && st.pending) settle(this, st, undefined);
    }

    const open = (xhr: XMLHttpRequest, args: unknown[]): unknown => {
      if (args.length < 2) return ReflectApply(nativeOpen, xhr, args);
      const method = args[0];
      const url = args[1];
      // Convert once, in the native's order, and hand the strings on: the page's
      // toString (a URL object's, say) runs exactly as often as without the hook.
      let m: string;
      let u: string;
      try {
        m = `${method as string}`;
        u = `${url as string}`;
      } catch (e) {
        // An object's own toString threw: the page's stack, left as it is.
        throw typeof method === 'object' || typeof url === 'object' ? fromPage(e) : e;
      }
      const converted: unknown[] = [m, u];
      for (let i = 2; i < args.length; i++) defineData(converted, i, args[i]);
      ReflectApply(nativeOpen, xhr, converted);
      const previous = states.get(xhr);
      // open() on an active request ends it without events: settle its record now.
      if (previous && previous.pending) settle(xhr, previous, 'abort');
      const normalised = NORMALISED[StringToLowerCase(m)] ?? m;
      let absolute = u;
      try {
        if (n.URL) absolute = n.urlHref(new n.URL(u, n.baseUrl()));
      } catch {
        /* keep as given */
      }
      if (!decide(normalised, absolute)) {
        if (previous) states.delete(xhr);
        return undefined;
      }
      states.set(xhr, {
        requestSeq: -1,
        method: normalised,
        url: absolute,
        headers: {},
        pending: false,
        startedAt: 0,
        frameUrl: '',
        body: '',
        failure: undefined,
        listening: previous?.listening ?? false,
      });
      return undefined;
    };
    const setRequestHeader = (xhr: XMLHttpRequest, args: unknown[]): unknown => {
      const st = args.length < 2 ? undefined : states.get(xhr);
      if (st === undefined) return ReflectApply(nativeSetHeader, xhr, args);
      const nm = `${args[0] as string}`;
      const v = `${args[1] as string}`;
      setHeader(xhr, nm, v);
      const key = StringToLowerCase(nm);
      if (keptHeader(KEPT_REQUEST_HEADERS, key)) {
        const existing = st.headers[key];
        defineData(st.headers, key, existing === undefined ? v : `${existing}, ${v}`);
      }
      return undefined;
    };
    const send = (xhr: XMLHttpRequest, args: unknown[]): unknown => {
      const st = states.get(xhr);
      if (st === undefined || st.pending) return ReflectApply(nativeSend, xhr, args);
      let opened = false;
      try {
        opened = xhrReadyState(xhr) === 1;
      } catch {
        /* unknown: treated as not sendable */
      }
      // Not OPENED: the native throws InvalidStateError and nothing is sent or recorded.
      if (!opened) return ReflectApply(nativeSend, xhr, args);
      const body = args[0];
      if (!st.listening) {
        // Before the native send: a synchronous request fires loadend inside it.
        n.addEventListener(xhr, 'error', onFailure);
        n.addEventListener(xhr, 'abort', onFailure);
        n.addEventListener(xhr, 'timeout', onFailure);
        n.addEventListener(xhr, 'loadend', onLoadEnd);
        st.listening = true;
      }
      st.startedAt = now();
      st.frameUrl = n.frameUrl();
      st.body =
        body === undefined || body === null
          ? ''
          : typeof body === 'string'
            ? text(body)
            : typeof body === 'object'
              ? typeName(body)
              : typeof body === 'symbol'
                ? ''
                : `${body as string}`;
      st.failure = undefined;
      st.pending = true;
      st.requestSeq = started({ url: st.url, method: st.method, frameUrl: st.frameUrl, requestHeaders: st.headers, requestBody: st.body, startedAt: st.startedAt, via: 'xhr' });
      try {
        ReflectApply(nativeSend, xhr, args);
      } catch (e) {
        // A synchronous request that failed throws instead of firing events.
        if (st.pending) settle(xhr, st, errorText(e));
        throw e;
      }
      return undefined;
    };
    const as = (native: AnyFunction, impl: (xhr: XMLHttpRequest, args: unknown[]) => unknown) => (self: unknown, args: unknown[]) =>
      inactive() ? ReflectApply(native, self, args) : impl(self as XMLHttpRequest, args);
    replaceValue(proto, 'open', wrapNative(win, nativeOpen, as(nativeOpen, open)));
    replaceValue(proto, 'setRequestHeader', wrapNative(win, nativeSetHeader, as(nativeSetHeader, setRequestHeader)));
    replaceValue(proto, 'send', wrapNative(win, nativeSend, as(nativeSend, send)));
  }
}
