import { describe, expect, it } from 'vitest';
import type { CaptureRecord, HttpRequestSent, HttpResponseReceived } from '../../../src/capture/records.ts';
import { tapHttpPublishes, type HttpTapOptions } from '../../../src/capture/http-tap.ts';

const PUBLISH = 'https://abc.appsync-api.us-east-1.amazonaws.com/event';
const OTHER = 'https://api.example/items';

/** The server behind the fake natives: answers by URL. */
type Answer = { status: number; body: string } | 'network-error';

interface FetchCall {
  readonly self: unknown;
  readonly args: unknown[];
  returned: Promise<Response> | undefined;
}

/**
 * A stand-in for the native fetch that does what the standard says: builds a Request from
 * its arguments (rejecting with its own message when that fails) and answers it.
 */
function makeFetch(answer: (req: Request) => Answer, calls: FetchCall[]) {
  return {
    fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      // eslint-disable-next-line prefer-rest-params
      const call: FetchCall = { self: this, args: [...arguments], returned: undefined };
      calls.push(call);
      const p = answerRequest(input, init);
      call.returned = p;
      return p;
    },
  }.fetch;
  function answerRequest(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      let req: Request;
      try {
        req = new Request(input, init);
      } catch (e) {
        return Promise.reject(new TypeError(`Failed to execute 'fetch' on 'Window': ${(e as Error).message}`));
      }
      const a = answer(req);
      if (a === 'network-error') return Promise.reject(new TypeError('Failed to fetch'));
      return Promise.resolve(new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnauthorizedException', 'set-cookie': 'dropped' } }));
  }
}

/**
 * A stand-in for XMLHttpRequest with the state checks the tap relies on. A fresh class per
 * test, with the methods as own properties of its prototype, as in browsers.
 */
const makeXHR = () =>
class XMLHttpRequest extends EventTarget {
  #state = 0;
  #sendFlag = false;
  #status = 0;
  #text = '';
  #responseType = '';
  opened: unknown[] = [];
  headers: [string, string][] = [];
  sentBody: unknown = undefined;
  onload: ((e: Event) => void) | null = null;
  open(method: string, url: string | URL): void {
    // eslint-disable-next-line prefer-rest-params
    this.opened = [...arguments];
    if (!/^[A-Za-z]+$/.test(String(method))) throw new DOMException("'bad method' is not a valid HTTP method.", 'SyntaxError');
    void url;
    this.#state = 1;
    this.#sendFlag = false;
  }
  setRequestHeader(name: string, value: string): void {
    if (this.#state !== 1 || this.#sendFlag) throw new DOMException('The object’s state must be OPENED.', 'InvalidStateError');
    this.headers.push([name, value]);
  }
  send(body?: unknown): void {
    if (this.#state !== 1 || this.#sendFlag) throw new DOMException('The object’s state must be OPENED.', 'InvalidStateError');
    this.#sendFlag = true;
    this.sentBody = body;
  }
  get status(): number {
    return this.#status;
  }
  get readyState(): number {
    return this.#state;
  }
  getResponseHeader(name: string): string | null {
    return this.#state === 4 && name.toLowerCase() === 'x-amzn-requestid' ? 'req-1' : null;
  }
  get responseType(): string {
    return this.#responseType;
  }
  set responseType(v: string) {
    this.#responseType = v;
  }
  get responseText(): string {
    if (this.#responseType !== '' && this.#responseType !== 'text') throw new DOMException('bad type', 'InvalidStateError');
    return this.#text;
  }
  // Test controls: the server answers or the network fails.
  respond(status: number, text: string): void {
    this.#state = 4;
    this.#status = status;
    this.#text = text;
    const load = new Event('load');
    this.onload?.(load);
    this.dispatchEvent(load);
    this.dispatchEvent(new Event('loadend'));
  }
  fail(): void {
    this.#state = 4;
    this.dispatchEvent(new Event('error'));
    this.dispatchEvent(new Event('loadend'));
  }
};
type FakeXHR = InstanceType<ReturnType<typeof makeXHR>>;

function setup(answer: (req: Request) => Answer = () => ({ status: 200, body: '{"successful":[]}' })) {
  const calls: FetchCall[] = [];
  const nativeFetch = makeFetch(answer, calls);
  const XHR = makeXHR();
  const nativeXhr = { open: XHR.prototype.open, send: XHR.prototype.send, setRequestHeader: XHR.prototype.setRequestHeader };
  const win = {
    fetch: nativeFetch,
    Request,
    Response,
    Headers,
    XMLHttpRequest: XHR,
    EventTarget,
    Event,
    URL,
    Function,
    location: { href: 'https://app.example/dir/page.html' },
  } as unknown as typeof globalThis;
  const records: CaptureRecord[] = [];
  let clock = 100;
  const opts: HttpTapOptions = {
    nonce: 'p1',
    isPublish: (method, url) => method === 'POST' && new URL(url).pathname === '/event',
    maxTextLength: 32,
    now: () => (clock += 5),
  };
  tapHttpPublishes(win, (r) => records.push(r), opts);
  return { win, calls, records, nativeFetch, nativeXhr, XHR: win.XMLHttpRequest as unknown as new () => FakeXHR };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const requests = (rs: CaptureRecord[]) => rs.filter((r): r is HttpRequestSent => r.kind === 'http-request');
const responses = (rs: CaptureRecord[]) => rs.filter((r): r is HttpResponseReceived => r.kind === 'http-response');
/** Request and response of each publish merged, for assertions on what was recorded. */
const publishes = (rs: CaptureRecord[]) =>
  requests(rs).map((q) => {
    const { kind: _k, seq: _s, t: _t, socketId: _i, url: _u, ...res } = responses(rs).find((r) => r.request === q.seq) ?? ({} as HttpResponseReceived);
    return { ...q, ...res };
  });

describe('tapHttpPublishes: fetch', () => {
  it('looks like the native fetch', () => {
    const s = setup();
    expect(s.win.fetch).not.toBe(s.nativeFetch);
    expect(s.win.fetch.name).toBe('fetch');
    expect(s.win.fetch.length).toBe(s.nativeFetch.length);
    expect(Function.prototype.toString.call(s.win.fetch)).toBe(Function.prototype.toString.call(s.nativeFetch));
    expect('prototype' in s.win.fetch).toBe(false);
  });

  it('records a publish with a string body when it settles, without touching what the app reads', async () => {
    const s = setup();
    const body = JSON.stringify({ channel: '/default/a', events: ['"x"'] });
    const res = await s.win.fetch(PUBLISH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'da2-key', 'X-Other': 'dropped' },
      body,
    });
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ successful: [] });
    await settle();
    expect(s.records).toHaveLength(2);
    const [q, r] = s.records as [HttpRequestSent, HttpResponseReceived];
    // The request at its start, before anything the publish caused; the response after.
    expect(q).toEqual({
      socketId: 'p1:http',
      seq: 0,
      t: 105,
      kind: 'http-request',
      url: PUBLISH,
      method: 'POST',
      frameUrl: 'https://app.example/dir/page.html',
      requestHeaders: { 'content-type': 'application/json', 'x-api-key': 'da2-key' },
      requestBody: { truncated: true, text: body.slice(0, 32), length: body.length },
      via: 'fetch',
    });
    expect(r).toEqual({
      socketId: 'p1:http',
      seq: 1,
      t: r.t,
      kind: 'http-response',
      request: 0,
      url: PUBLISH,
      status: 200,
      responseHeaders: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnauthorizedException' },
      responseBody: '{"successful":[]}',
      duration: r.t - 105,
    });
    expect(r.duration).toBeGreaterThan(0);
  });

  it('reads a Request input’s body from a clone', async () => {
    const s = setup(() => ({ status: 201, body: 'ok' }));
    const input = new Request(PUBLISH, { method: 'POST', body: '{"a":1}', headers: { authorization: 'Bearer t' } });
    const res = await s.win.fetch(input);
    expect(await res.text()).toBe('ok');
    await settle();
    expect(publishes(s.records)[0]).toMatchObject({
      method: 'POST',
      url: PUBLISH,
      requestBody: '{"a":1}',
      requestHeaders: { authorization: 'Bearer t', 'content-type': 'text/plain;charset=UTF-8' },
      status: 201,
      responseBody: 'ok',
    });
    // The native got one Request, carrying the app's body.
    const sent = s.calls[0]!.args[0] as Request;
    expect(sent).toBeInstanceOf(Request);
    expect(s.calls[0]!.args).toHaveLength(1);
  });

  it('records other bodies by type name', async () => {
    const s = setup();
    await s.win.fetch(PUBLISH, { method: 'POST', body: new Blob(['x']) });
    await s.win.fetch(PUBLISH, { method: 'POST', body: new URLSearchParams('a=1') });
    await s.win.fetch(PUBLISH, { method: 'POST' });
    await settle();
    expect(requests(s.records).map((r) => r.requestBody)).toEqual(['[Blob]', '[URLSearchParams]', '']);
    expect(s.records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(responses(s.records).map((r) => r.request).sort()).toEqual(requests(s.records).map((r) => r.seq));
  });

  it('records a network error with status 0 and rejects the app with the native’s error', async () => {
    const s = setup(() => 'network-error');
    const p = s.win.fetch(PUBLISH, { method: 'POST', body: '{}' });
    await expect(p).rejects.toThrow(new TypeError('Failed to fetch'));
    await settle();
    expect(publishes(s.records)[0]).toMatchObject({
      kind: 'http-request',
      status: 0,
      error: 'TypeError: Failed to fetch',
      requestBody: '{}',
      responseBody: '',
    });
  });

  it('passes anything else through untouched: the native’s own promise, same this', async () => {
    const s = setup();
    const before = s.calls.length;
    const p = s.win.fetch.call(s.win, OTHER, { method: 'POST', body: 'x' });
    expect(s.calls[before]!.self).toBe(s.win);
    expect(p).toBe(s.calls[before]!.returned);
    const res = await p;
    expect(await res.text()).toBe('{"successful":[]}');
    await s.win.fetch(PUBLISH); // GET
    await settle();
    expect(s.records).toEqual([]);
    // One Request built from the app's arguments (by the standard, what fetch does first).
    const sent = s.calls[before]!.args as [Request];
    expect(sent).toHaveLength(1);
    expect([sent[0].method, sent[0].url]).toEqual(['POST', OTHER]);
  });

  it('lets the native reject invalid input with its own message', async () => {
    const s = setup();
    await expect(s.win.fetch('http://[bad')).rejects.toThrow(/^Failed to execute 'fetch' on 'Window'/);
    // Called with the app's original arguments.
    expect(s.calls[0]!.args).toEqual(['http://[bad']);
    await expect((s.win.fetch as () => Promise<Response>)()).rejects.toThrow();
    expect(s.records).toEqual([]);
  });

  it('survives a throwing predicate and a throwing sink', async () => {
    const win = {
      fetch: makeFetch(() => ({ status: 200, body: '' }), []),
      Request,
      Response,
      Headers,
      location: { href: 'https://app.example/' },
      Function,
    } as unknown as typeof globalThis;
    tapHttpPublishes(
      win,
      () => {
        throw new Error('sink');
      },
      { nonce: 'x', isPublish: () => true, maxTextLength: 10, now: () => 0 },
    );
    const res = await win.fetch(PUBLISH, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    await settle();
  });
});

describe('tapHttpPublishes: XMLHttpRequest', () => {
  it('keeps the natives’ names, lengths and strings', () => {
    const s = setup();
    for (const name of ['open', 'send', 'setRequestHeader'] as const) {
      const wrapped = s.XHR.prototype[name];
      const native = s.nativeXhr[name];
      expect(wrapped).not.toBe(native);
      expect(wrapped.name).toBe(native.name);
      expect(wrapped.length).toBe(native.length);
      expect(Function.prototype.toString.call(wrapped)).toBe(Function.prototype.toString.call(native));
    }
  });

  it('records a publish (relative URL, lower-case method) when it ends', () => {
    const s = setup();
    const xhr = new s.XHR();
    const seen: string[] = [];
    xhr.onload = () => seen.push(xhr.responseText);
    xhr.open('post', '/event');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('x-api-key', 'k1');
    xhr.setRequestHeader('X-API-Key', 'k2');
    xhr.setRequestHeader('X-Trace', 'dropped');
    xhr.send('{"channel":"/a"}');
    // Recorded at send, before the response.
    expect(s.records).toEqual([
      {
        socketId: 'p1:http',
        seq: 0,
        t: 105,
        kind: 'http-request',
        url: 'https://app.example/event',
        method: 'POST',
        frameUrl: 'https://app.example/dir/page.html',
        requestHeaders: { 'content-type': 'application/json', 'x-api-key': 'k1, k2' },
        requestBody: '{"channel":"/a"}',
        via: 'xhr',
      },
    ]);
    xhr.respond(200, '{"successful":[1]}');
    expect(seen).toEqual(['{"successful":[1]}']);
    expect(s.records).toHaveLength(2);
    const r = s.records[1] as HttpResponseReceived;
    expect(r).toEqual({
      socketId: 'p1:http',
      seq: 1,
      t: r.t,
      kind: 'http-response',
      request: 0,
      url: 'https://app.example/event',
      status: 200,
      responseHeaders: { 'x-amzn-requestid': 'req-1' },
      responseBody: '{"successful":[1]}',
      duration: r.t - 105,
    });
    // The native got the same arguments (as strings).
    expect(xhr.opened).toEqual(['post', '/event']);
    expect(xhr.headers).toHaveLength(4);
  });

  it('records network errors, skips non-text responses’ bodies and ignores other requests', () => {
    const s = setup();
    const a = new s.XHR();
    a.open('POST', PUBLISH);
    a.send(new Blob(['x']));
    a.fail();
    const b = new s.XHR();
    (b.open as (...a: unknown[]) => void)('POST', PUBLISH, true);
    b.responseType = 'json';
    b.send();
    b.respond(200, '{}');
    const c = new s.XHR();
    c.open('GET', OTHER);
    c.send();
    c.respond(200, 'x');
    expect(publishes(s.records).map((h) => [h.seq, h.status, h.error, h.requestBody, h.responseBody])).toEqual([
      [0, 0, 'error', '[Blob]', ''],
      [2, 200, undefined, '', ''],
    ]);
    expect(b.opened).toEqual(['POST', PUBLISH, true]);
  });

  it('records nothing for a send the native refused, and keeps its error', () => {
    const s = setup();
    const xhr = new s.XHR();
    expect(() => xhr.send('x')).toThrow('OPENED');
    xhr.open('POST', PUBLISH);
    xhr.send('1');
    expect(() => xhr.send('2')).toThrow('OPENED');
    expect(() => xhr.setRequestHeader('a', 'b')).toThrow('OPENED');
    expect(() => xhr.open('bad method', PUBLISH)).toThrow('not a valid HTTP method');
    xhr.respond(200, 'ok');
    expect(requests(s.records).map((r) => r.requestBody)).toEqual(['1']);
    expect(responses(s.records)).toHaveLength(1);
  });

  it('converts open() arguments once', () => {
    const s = setup();
    let calls = 0;
    const url = {
      toString() {
        calls++;
        return PUBLISH;
      },
    };
    const xhr = new s.XHR();
    xhr.open('POST', url as unknown as string);
    expect(calls).toBe(1);
    expect(xhr.opened).toEqual(['POST', PUBLISH]);
  });
});
