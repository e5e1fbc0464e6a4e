// A runtime port that rebuilds itself: the relay's and the panel's link to the background.
// A stopped service worker (Chrome) or a suspended event page (Firefox) drops every port;
// both ends then reconnect with a capped backoff, reset as soon as the background answers.
// The browser API is injected (`connect`), so this runs under node with fake ports.

/** The part of runtime.Port used here (webextension-polyfill's Runtime.Port fits). */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(fn: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(fn: () => void): void };
}

export interface ReconnectingPortOptions<Out> {
  /** Opens a new port; throwing means the extension is gone (reloaded or removed) for good. */
  readonly connect: () => PortLike;
  /** Called on every (re)connection, before anything else is sent on the new port. */
  readonly onOpen?: (send: (message: Out) => void) => void;
  readonly onMessage: (message: unknown) => void;
  /** Connected, or not (a retry is pending, or the extension is gone). */
  readonly onState?: (connected: boolean) => void;
  readonly setTimer: (fn: () => void, ms: number) => void;
  readonly minRetryMs?: number;
  readonly maxRetryMs?: number;
}

export interface ReconnectingPort<Out> {
  /** Opens the port if it is not open yet (the relay connects only once it has something to say). */
  start(): void;
  /** Sends on the current port; false when there is none (the message is not queued). */
  send(message: Out): boolean;
  connected(): boolean;
  /** The extension context is gone: connect() threw, nothing will ever connect again. */
  dead(): boolean;
  /** Disconnects and stops reconnecting. */
  close(): void;
}

export function createReconnectingPort<Out>(opts: ReconnectingPortOptions<Out>): ReconnectingPort<Out> {
  const min = opts.minRetryMs ?? 100;
  const max = opts.maxRetryMs ?? 2000;
  let port: PortLike | null = null;
  let retryMs = min;
  let started = false;
  let closed = false;
  let gone = false;
  let retryPending = false;

  const send = (message: Out): boolean => {
    if (port === null) return false;
    try {
      port.postMessage(message);
      return true;
    } catch {
      // Posting on a port whose other end just went away throws in Chrome; the
      // disconnect listener schedules the reconnection.
      return false;
    }
  };

  function open(): void {
    retryPending = false;
    if (closed || gone) return;
    let p: PortLike;
    try {
      p = opts.connect();
    } catch {
      gone = true;
      opts.onState?.(false);
      return;
    }
    port = p;
    p.onMessage.addListener((message) => {
      if (port !== p) return;
      retryMs = min;
      opts.onMessage(message);
    });
    p.onDisconnect.addListener(() => {
      if (port !== p) return;
      port = null;
      opts.onState?.(false);
      if (closed || retryPending) return;
      retryPending = true;
      opts.setTimer(open, retryMs);
      retryMs = Math.min(retryMs * 2, max);
    });
    opts.onState?.(true);
    opts.onOpen?.(send);
  }

  return {
    start() {
      if (started) return;
      started = true;
      open();
    },
    send,
    connected: () => port !== null,
    dead: () => gone,
    close() {
      closed = true;
      const p = port;
      port = null;
      p?.disconnect();
    },
  };
}
