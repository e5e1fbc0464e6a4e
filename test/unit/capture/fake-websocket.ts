// A stand-in for the browser's WebSocket, installed as the "native" in a fake window.
// It follows the parts of the WHATWG WebSocket interface the tap relies on or must keep
// intact: constants on the constructor and prototype (same attributes as in browsers),
// accessors on the prototype, event handler attributes that take their place among the
// listeners when first set, InvalidStateError for send while CONNECTING. The "server" side
// is driven by the test through `FakeServer`, kept out of the socket's own properties.

// Saved uncurried, so tests that patch globals (as a hostile page would) do not break the
// fake itself.
const uncurry = Function.prototype.bind.bind(Function.prototype.call) as <T, A extends unknown[], R>(
  fn: (this: T, ...a: A) => R,
) => (self: T, ...a: A) => R;
const addListener = uncurry(EventTarget.prototype.addEventListener);
const nativeDispatch = uncurry(EventTarget.prototype.dispatchEvent);
/** Events the fake "network" delivered: the tests' stand-in for `isTrusted`. */
export const wireEvents = new WeakSet<Event>();
const wireHas = uncurry(WeakSet.prototype.has);
const wireAdd = uncurry(WeakSet.prototype.add);
const dispatch = (target: EventTarget, e: Event) => {
  wireAdd(wireEvents, e);
  return nativeDispatch(target, e);
};
/** `isTrusted` for the fake: true only for events the fake server dispatched. */
export const isWireEvent = (e: Event): boolean => wireHas(wireEvents, e);
const apply = Reflect.apply;

export class FakeCloseEvent extends Event {
  readonly #code: number;
  readonly #reason: string;
  readonly #wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.#code = init.code ?? 0;
    this.#reason = init.reason ?? '';
    this.#wasClean = init.wasClean ?? false;
  }
  get code(): number {
    return this.#code;
  }
  get reason(): string {
    return this.#reason;
  }
  get wasClean(): boolean {
    return this.#wasClean;
  }
}

export interface FakeServer {
  readonly offered: readonly string[];
  readonly sent: unknown[];
  open(protocol?: string, extensions?: string): void;
  message(data: unknown): void;
  error(): void;
  close(code?: number, reason?: string, wasClean?: boolean): void;
}

export interface FakeWebSocketClass {
  new (url: string | URL, protocols?: string | string[]): WebSocket;
  readonly prototype: WebSocket;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  /** The server side of each socket created, in creation order. */
  readonly servers: FakeServer[];
}

/** A fresh class per call, so tests do not share prototypes they modify. */
export function makeFakeWebSocket(): FakeWebSocketClass {
  const servers: FakeServer[] = [];

  class WebSocket extends EventTarget {
    #url: string;
    #readyState = 0;
    #protocol = '';
    #extensions = '';
    #binaryType: 'blob' | 'arraybuffer' = 'blob';
    #handlers = new Map<string, ((e: Event) => unknown) | null>();

    constructor(url: string | URL, protocols?: string | string[]) {
      super();
      if (arguments.length === 0) {
        throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      }
      const parsed = new URL(String(url));
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
        throw new SyntaxError(`Failed to construct 'WebSocket': The URL's scheme must be either 'ws' or 'wss'.`);
      }
      this.#url = parsed.href;
      const offered = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols];
      const sent: unknown[] = [];
      const self = this;
      servers.push({
        offered,
        sent,
        open(protocol = '', extensions = '') {
          self.#readyState = 1;
          self.#protocol = protocol;
          self.#extensions = extensions;
          dispatch(self, new Event('open'));
        },
        message(data) {
          dispatch(self, new MessageEvent('message', { data, origin: parsed.origin }));
        },
        error() {
          dispatch(self, new Event('error'));
        },
        close(code = 1000, reason = '', wasClean = true) {
          self.#readyState = 3;
          dispatch(self, new FakeCloseEvent('close', { code, reason, wasClean }));
        },
      });
      this.#sent = sent;
    }

    #sent: unknown[];

    get url(): string {
      return this.#url;
    }
    get readyState(): number {
      return this.#readyState;
    }
    get protocol(): string {
      return this.#protocol;
    }
    get extensions(): string {
      return this.#extensions;
    }
    get bufferedAmount(): number {
      return 0;
    }
    get binaryType(): string {
      return this.#binaryType;
    }
    set binaryType(v: string) {
      if (v === 'blob' || v === 'arraybuffer') this.#binaryType = v;
    }

    send(data: unknown): void {
      if (arguments.length === 0) {
        throw new TypeError("Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.");
      }
      if (!(#sent in this)) throw new TypeError('Illegal invocation');
      const sent = this.#sent;
      if (this.#readyState === 0) {
        throw new DOMException("Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.", 'InvalidStateError');
      }
      sent.push(typeof data === 'string' || typeof data === 'object' ? data : String(data));
    }

    close(): void {
      if (this.#readyState < 2) this.#readyState = 2;
    }

    // Event handler attributes: the first non-null assignment adds one listener that calls
    // whatever handler is current, so the handler keeps its place among the listeners.
    static {
      for (const type of ['open', 'message', 'error', 'close']) {
        Object.defineProperty(this.prototype, `on${type}`, {
          enumerable: true,
          configurable: true,
          get(this: WebSocket) {
            return this.#handlers.get(type) ?? null;
          },
          set(this: WebSocket, fn: unknown) {
            const had = this.#handlers.has(type);
            this.#handlers.set(type, typeof fn === 'function' ? (fn as (e: Event) => unknown) : null);
            if (!had) {
              addListener(this, type, (e: Event) => {
                const h = this.#handlers.get(type);
                if (h) apply(h, this, [e]);
              });
            }
          },
        });
      }
      // Browsers define the constants on both the interface object and its prototype as
      // { writable: false, enumerable: true, configurable: false }.
      for (const [name, value] of [
        ['CONNECTING', 0],
        ['OPEN', 1],
        ['CLOSING', 2],
        ['CLOSED', 3],
      ] as const) {
        for (const target of [this, this.prototype]) {
          Object.defineProperty(target, name, { value, writable: false, enumerable: true, configurable: false });
        }
      }
    }
  }
  Object.defineProperty(WebSocket, 'servers', { value: servers, enumerable: false });
  return WebSocket as unknown as FakeWebSocketClass;
}

/** A minimal window: what the taps read from `win`, with the test's fake WebSocket. */
export function makeWindow(WebSocket: FakeWebSocketClass, href = 'https://app.example/page'): typeof globalThis {
  const win: Record<string, unknown> = {
    EventTarget,
    Event,
    MessageEvent,
    CloseEvent: FakeCloseEvent,
    Blob,
    URL,
    Function,
    location: { href },
  };
  Object.defineProperty(win, 'WebSocket', { value: WebSocket, writable: true, enumerable: false, configurable: true });
  return win as unknown as typeof globalThis;
}
