import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { tapWebSocket, type SocketControl, type SocketTapOptions } from '../../../src/capture/socket-tap.ts';
import { compileBlockRules, type BlockMatcher } from '../../../src/capture/block-match.ts';
import { makeFakeWebSocket, makeWindow, isWireEvent, type FakeWebSocketClass } from './fake-websocket.ts';

const APPSYNC_URL = 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
const OTHER_URL = 'wss://chat.example/socket';

interface Setup {
  readonly win: typeof globalThis;
  readonly Native: FakeWebSocketClass;
  readonly WS: typeof WebSocket;
  readonly records: CaptureRecord[];
  readonly sizes: number[];
  readonly control: SocketControl;
  readonly setCaptureAll: (v: boolean) => void;
}

function setup(overrides: Partial<SocketTapOptions> = {}): Setup {
  const Native = makeFakeWebSocket();
  const win = makeWindow(Native);
  const records: CaptureRecord[] = [];
  const sizes: number[] = [];
  let captureAll = false;
  let clock = 1000;
  const control = tapWebSocket(
    win,
    (r, approxBytes) => {
      records.push(r);
      sizes.push(approxBytes);
    },
    {
      nonce: 'n1',
      // Stand-in for the real detection: the subprotocol or the realtime path.
      isAppSync: (url, protocols) => protocols.includes('aws-appsync-event-ws') || url.includes('/event/realtime'),
      captureAll: () => captureAll,
      maxTextLength: 16,
      previewBytes: 4,
      now: () => clock++,
      isTrusted: isWireEvent,
      ...overrides,
    },
  );
  return {
    win,
    Native,
    WS: (win as unknown as { WebSocket: typeof WebSocket }).WebSocket,
    records,
    sizes,
    control,
    setCaptureAll: (v) => {
      captureAll = v;
    },
  };
}

const server = (s: Setup, i = 0) => {
  const srv = s.Native.servers[i];
  if (!srv) throw new Error(`no socket ${i}`);
  return srv;
};
const strip = (r: CaptureRecord) => {
  const { t: _t, ...rest } = r;
  return rest;
};

describe('tapWebSocket: transparency', () => {
  it('keeps the constructor surface: statics, length, name, own keys, descriptors', () => {
    const Native = makeFakeWebSocket();
    const win = makeWindow(Native);
    const protoBefore = Object.getOwnPropertyDescriptors(Native.prototype);
    const ctorBefore = Object.getOwnPropertyDescriptors(Native);
    const winDescBefore = Object.getOwnPropertyDescriptor(win, 'WebSocket');
    tapWebSocket(win, () => {}, {
      nonce: 'n',
      isAppSync: () => true,
      captureAll: () => false,
      maxTextLength: 100,
      previewBytes: 4,
      now: () => 0,
    });
    const WS = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    expect(WS).not.toBe(Native);
    expect(WS.name).toBe(Native.name);
    expect(WS.length).toBe(Native.length);
    expect(WS.prototype).toBe(Native.prototype);
    expect(Reflect.ownKeys(WS)).toEqual(Reflect.ownKeys(Native));
    expect(Object.getOwnPropertyDescriptors(WS)).toEqual(ctorBefore);
    for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const) {
      expect(Object.getOwnPropertyDescriptor(WS, name)).toEqual(Object.getOwnPropertyDescriptor(Native, name));
      expect(WS[name]).toBe(Native[name]);
    }
    const winDesc = Object.getOwnPropertyDescriptor(win, 'WebSocket')!;
    expect({ ...winDesc, value: null }).toEqual({ ...winDescBefore, value: null });

    // Prototype: same keys in the same order; everything but send/constructor untouched,
    // and those two keep their attributes.
    const protoAfter = Object.getOwnPropertyDescriptors(Native.prototype);
    expect(Reflect.ownKeys(protoAfter)).toEqual(Reflect.ownKeys(protoBefore));
    for (const key of Reflect.ownKeys(protoBefore)) {
      const before = protoBefore[key as string]!;
      const after = protoAfter[key as string]!;
      if (key === 'send' || key === 'constructor') {
        expect({ ...after, value: null }).toEqual({ ...before, value: null });
      } else {
        expect(after).toEqual(before);
      }
    }
    expect(Native.prototype.constructor).toBe(WS);
  });

  it('reports the natives’ own source strings, and its toString patch looks native too', () => {
    const nativeToStringText = Function.prototype.toString.call(Function.prototype.toString);
    const s = setup();
    // What the page would have seen before the hook (Function.prototype.toString may
    // already be patched by an earlier test of this file: it then returns the same thing).
    const originalCtorText = Function.prototype.toString.call(s.Native);
    expect(Function.prototype.toString.call(s.WS)).toBe(originalCtorText);
    expect(String(s.WS)).toBe(originalCtorText);
    const send = s.WS.prototype.send;
    expect(send.toString()).toMatch(/^send\(data\) \{/); // the fake's own source: the wrapper defers to it
    expect(Function.prototype.toString.toString()).toBe(nativeToStringText);
    expect(nativeToStringText).toMatch(/^function toString\(\) \{\s+\[native code\]\s+\}$/);
    expect(Function.prototype.toString.name).toBe('toString');
    expect(Function.prototype.toString.length).toBe(0);
    expect(Object.prototype.hasOwnProperty.call(Function.prototype.toString, 'prototype')).toBe(false);
    // A genuine native keeps its string.
    expect(Math.max.toString()).toBe('function max() { [native code] }');
    // Non-functions still throw the engine's own error.
    let message = '';
    try {
      Function.prototype.toString.call({});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Function\.prototype\.toString requires that 'this' be a Function/);
  });

  it('wraps send with the native’s name, length, no prototype and no construct', () => {
    const Native = makeFakeWebSocket();
    const originalSend = Native.prototype.send;
    const originalText = Function.prototype.toString.call(originalSend);
    const win = makeWindow(Native);
    tapWebSocket(win, () => {}, {
      nonce: 'x',
      isAppSync: () => true,
      captureAll: () => false,
      maxTextLength: 10,
      previewBytes: 1,
      now: () => 0,
    });
    const send = Native.prototype.send;
    expect(send).not.toBe(originalSend);
    expect(send.name).toBe('send');
    expect(send.length).toBe(originalSend.length);
    expect(Function.prototype.toString.call(send)).toBe(originalText);
    expect('prototype' in send).toBe(false);
    expect(() => new (send as unknown as new () => object)()).toThrow(TypeError);
    // Wrong receiver: the native's own error.
    expect(() => send.call({} as WebSocket, 'x')).toThrow('Illegal invocation');
  });

  it('constructs with (url), (url, protocol), (url, [protocols]) and keeps identity checks', () => {
    const s = setup();
    const a = new s.WS(APPSYNC_URL);
    const b = new s.WS(APPSYNC_URL, 'aws-appsync-event-ws');
    const c = new s.WS(new URL(OTHER_URL) as unknown as string, ['aws-appsync-event-ws', 'header-abc']);
    const untapped = Reflect.ownKeys(new (makeFakeWebSocket())(APPSYNC_URL));
    for (const ws of [a, b, c]) {
      expect(ws instanceof s.WS).toBe(true);
      expect(ws instanceof s.Native).toBe(true);
      expect(ws.constructor).toBe(s.WS);
      expect(Object.getPrototypeOf(ws)).toBe(s.WS.prototype);
      expect(Reflect.ownKeys(ws)).toEqual(untapped);
      expect(ws.readyState).toBe(s.WS.CONNECTING);
    }
    expect(s.Native.servers.map((x) => x.offered)).toEqual([
      [],
      ['aws-appsync-event-ws'],
      ['aws-appsync-event-ws', 'header-abc'],
    ]);
    const creates = s.records.filter((r) => r.kind === 'ws-create');
    expect(creates.map((r) => (r.kind === 'ws-create' ? [r.socketId, r.url, r.protocols, r.appsync] : null))).toEqual([
      ['n1:0', APPSYNC_URL, [], true],
      ['n1:1', APPSYNC_URL, ['aws-appsync-event-ws'], true],
      ['n1:2', OTHER_URL, ['aws-appsync-event-ws', 'header-abc'], true],
    ]);
    expect(creates[0]).toMatchObject({ frameUrl: 'https://app.example/page', seq: 0 });
  });

  it('throws the native errors: without new, bad URL, no argument', () => {
    const s = setup();
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as Error).constructor, (e as Error).message];
      }
      return undefined;
    };
    const call = (C: unknown, ...args: unknown[]) => (C as (...a: unknown[]) => unknown)(...args);
    const construct = (C: unknown, ...args: unknown[]) => new (C as new (...a: unknown[]) => unknown)(...args);
    expect(errorOf(() => call(s.WS, APPSYNC_URL))).toEqual(errorOf(() => call(s.Native, APPSYNC_URL)));
    expect(errorOf(() => call(s.WS, APPSYNC_URL))?.[0]).toBe(TypeError);
    expect(errorOf(() => construct(s.WS, 'http://x.example/'))).toEqual(
      errorOf(() => construct(s.Native, 'http://x.example/')),
    );
    expect(errorOf(() => construct(s.WS))).toEqual(errorOf(() => construct(s.Native)));
    expect(s.records).toEqual([]);
  });

  it('supports subclassing with new.target', () => {
    const s = setup();
    let seenTarget: unknown;
    class Sub extends s.WS {
      readonly tag = 'sub';
      constructor(url: string) {
        super(url, 'aws-appsync-event-ws');
        seenTarget = new.target;
      }
      hello(): string {
        return this.tag;
      }
    }
    const ws = new Sub(OTHER_URL);
    expect(seenTarget).toBe(Sub);
    expect(ws instanceof Sub).toBe(true);
    expect(ws instanceof s.WS).toBe(true);
    expect(Object.getPrototypeOf(ws)).toBe(Sub.prototype);
    expect(ws.hello()).toBe('sub');
    expect(Object.getPrototypeOf(Sub)).toBe(s.WS);
    // Reflect.construct with an unrelated newTarget, like the engine would allow.
    function Other() {}
    const other = Reflect.construct(s.WS, [APPSYNC_URL], Other);
    expect(Object.getPrototypeOf(other)).toBe(Other.prototype);
    // Still tapped.
    server(s, 0).open();
    ws.send('hi');
    expect(s.records.map((r) => [r.socketId, r.kind])).toEqual([
      ['n1:0', 'ws-create'],
      ['n1:1', 'ws-create'],
      ['n1:0', 'ws-open'],
      ['n1:0', 'ws-send'],
    ]);
  });

  it('keeps the app’s listener order with onmessage and addEventListener mixed, and sees frames first', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    const calls: string[] = [];
    ws.addEventListener('message', (e) => calls.push(`L1:${(e as MessageEvent).data}:${s.records.length}`));
    ws.onmessage = (e) => calls.push(`H1:${e.data}`);
    ws.addEventListener('message', () => calls.push('L2'));
    // Reassigning the handler keeps its position.
    ws.onmessage = (e) => calls.push(`H2:${e.data}`);
    ws.addEventListener('message', () => calls.push('L3'), { once: true });
    server(s).open();
    server(s).message('a');
    server(s).message('b');
    expect(calls).toEqual(['L1:a:3', 'H2:a', 'L2', 'L3', 'L1:b:4', 'H2:b', 'L2']);
    ws.onmessage = null;
    server(s).message('c');
    expect(calls.slice(7)).toEqual(['L1:c:5', 'L2']);
    expect(ws.onmessage).toBe(null);
  });

  it('leaves binaryType, protocol, extensions, url and readyState to the native', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL, ['aws-appsync-event-ws']);
    expect(ws.binaryType).toBe('blob');
    ws.binaryType = 'arraybuffer';
    expect(ws.binaryType).toBe('arraybuffer');
    ws.binaryType = 'nonsense' as BinaryType;
    expect(ws.binaryType).toBe('arraybuffer');
    server(s).open('aws-appsync-event-ws', 'permessage-deflate');
    expect([ws.protocol, ws.extensions, ws.url, ws.readyState, ws.bufferedAmount]).toEqual([
      'aws-appsync-event-ws',
      'permessage-deflate',
      APPSYNC_URL,
      1,
      0,
    ]);
  });
});

describe('tapWebSocket: records', () => {
  it('emits create, open, sends, receives, error and close in order with gapless seq', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL, ['aws-appsync-event-ws', 'header-x']);
    const ws2 = new s.WS(APPSYNC_URL);
    server(s).open('aws-appsync-event-ws', '');
    ws.send('{"type":"connection_init"}');
    server(s).message('{"type":"connection_ack"}');
    server(s, 1).error();
    server(s).error();
    server(s).close(1006, 'gone', false);
    server(s, 1).close(1000, '', true);
    expect(s.records.map(strip)).toEqual([
      {
        socketId: 'n1:0',
        seq: 0,
        kind: 'ws-create',
        url: APPSYNC_URL,
        protocols: ['aws-appsync-event-ws', 'header-x'],
        frameUrl: 'https://app.example/page',
        appsync: true,
      },
      {
        socketId: 'n1:1',
        seq: 0,
        kind: 'ws-create',
        url: APPSYNC_URL,
        protocols: [],
        frameUrl: 'https://app.example/page',
        appsync: true,
      },
      { socketId: 'n1:0', seq: 1, kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
      {
        socketId: 'n1:0',
        seq: 2,
        kind: 'ws-send',
        data: { truncated: true, text: '{"type":"connect', length: 26 },
        size: 26,
      },
      {
        socketId: 'n1:0',
        seq: 3,
        kind: 'ws-receive',
        data: { truncated: true, text: '{"type":"connect', length: 25 },
        size: 25,
      },
      { socketId: 'n1:1', seq: 1, kind: 'ws-error' },
      { socketId: 'n1:0', seq: 4, kind: 'ws-error' },
      { socketId: 'n1:0', seq: 5, kind: 'ws-close', code: 1006, reason: 'gone', wasClean: false },
      { socketId: 'n1:1', seq: 2, kind: 'ws-close', code: 1000, reason: '', wasClean: true },
    ]);
    expect(s.records.map((r) => r.t)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
    expect(ws2.readyState).toBe(3);
    // Size estimates are cheap and bounded by what is kept.
    expect(s.sizes[3]).toBe(96 + 16);
  });

  it('keeps short texts as they are and truncates long ones at maxTextLength', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    server(s).open();
    ws.send('x'.repeat(16));
    ws.send('y'.repeat(17));
    server(s).message('é'.repeat(3));
    expect(s.records.slice(2).map((r) => (r.kind === 'ws-send' || r.kind === 'ws-receive' ? [r.data, r.size] : r))).toEqual([
      ['x'.repeat(16), 16],
      [{ truncated: true, text: 'y'.repeat(16), length: 17 }, 17],
      ['ééé', 3],
    ]);
  });

  it('describes binary payloads: ArrayBuffer, typed array views with offsets, DataView, Blob', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    server(s).open();
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    server(s).message(bytes.buffer);
    ws.send(bytes.subarray(2, 5));
    ws.send(new DataView(bytes.buffer, 6, 2));
    ws.send(new Uint16Array([0xffff]));
    server(s).message(new Blob(['hello world']));
    ws.send(new ArrayBuffer(0));
    const data = s.records.slice(2).map((r) => (r.kind === 'ws-send' || r.kind === 'ws-receive' ? [r.kind, r.data, r.size] : r));
    expect(data).toEqual([
      ['ws-receive', { binary: true, size: 8, preview: 'AQIDBA==' }, 8],
      ['ws-send', { binary: true, size: 3, preview: 'AwQF' }, 3],
      ['ws-send', { binary: true, size: 2, preview: 'Bwg=' }, 2],
      ['ws-send', { binary: true, size: 2, preview: '//8=' }, 2],
      ['ws-receive', { binary: true, size: 11, preview: '' }, 11],
      ['ws-send', { binary: true, size: 0, preview: '' }, 0],
    ]);
    // The native got the very objects the app passed.
    expect(server(s).sent[0]).toBeInstanceOf(Uint8Array);
    expect(server(s).sent[1]).toBeInstanceOf(DataView);
  });

  it('records only sends the native accepted', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    let got: unknown;
    try {
      ws.send('early');
    } catch (e) {
      got = [(e as DOMException).name, (e as DOMException).message];
    }
    expect(got).toEqual(['InvalidStateError', "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state."]);
    s.records.length = 0;
    expect(() => (ws.send as () => void)()).toThrow('1 argument required');
    expect(s.records).toEqual([]);
  });

  it('converts other send arguments once, as the native would, and records the string', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    server(s).open();
    let calls = 0;
    const obj = {
      toString() {
        calls++;
        return 'from-object';
      },
      valueOf() {
        return 'never';
      },
    };
    ws.send(obj as unknown as string);
    ws.send(42 as unknown as string);
    expect(calls).toBe(1);
    expect(server(s).sent).toEqual(['from-object', '42']);
    expect(s.records.slice(2).map((r) => (r.kind === 'ws-send' ? r.data : null))).toEqual(['from-object', '42']);
    expect(() => ws.send(Symbol('s') as unknown as string)).toThrow(TypeError);
    expect(s.records).toHaveLength(4);
  });

  it('taps only AppSync sockets unless captureAll() is on at creation', () => {
    const s = setup();
    const plain = new s.WS(OTHER_URL);
    s.setCaptureAll(true);
    const all = new s.WS(OTHER_URL, 'chat');
    s.setCaptureAll(false);
    server(s, 0).open();
    server(s, 1).open('chat');
    plain.send('not recorded');
    all.send('recorded');
    server(s, 0).message('nope');
    server(s, 1).message('yes');
    expect(s.records.map(strip)).toEqual([
      {
        socketId: 'n1:0',
        seq: 0,
        kind: 'ws-create',
        url: OTHER_URL,
        protocols: ['chat'],
        frameUrl: 'https://app.example/page',
        appsync: false,
      },
      { socketId: 'n1:0', seq: 1, kind: 'ws-open', protocol: 'chat', extensions: '' },
      { socketId: 'n1:0', seq: 2, kind: 'ws-send', data: 'recorded', size: 8 },
      { socketId: 'n1:0', seq: 3, kind: 'ws-receive', data: 'yes', size: 3 },
    ]);
    expect(server(s, 0).sent).toEqual(['not recorded']);
    expect(s.control.list()).toEqual(['n1:0']);
  });

  it('never lets a failing sink or predicate reach the page', () => {
    const s = setup({
      isAppSync: () => {
        throw new Error('predicate');
      },
      captureAll: () => true,
    });
    void s;
    const Native = makeFakeWebSocket();
    const win = makeWindow(Native);
    tapWebSocket(
      win,
      () => {
        throw new Error('sink');
      },
      { nonce: 'z', isAppSync: () => true, captureAll: () => false, maxTextLength: 10, previewBytes: 2, now: () => 0 },
    );
    const WS = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    const ws = new WS(APPSYNC_URL);
    const seen: unknown[] = [];
    ws.onmessage = (e) => seen.push(e.data);
    Native.servers[0]!.open();
    expect(() => ws.send('x')).not.toThrow();
    Native.servers[0]!.message('y');
    Native.servers[0]!.close();
    expect(seen).toEqual(['y']);
    // The throwing predicate still taps because captureAll is on.
    const ws2 = new s.WS(OTHER_URL);
    expect(ws2).toBeInstanceOf(s.WS);
    expect(s.records[0]).toMatchObject({ kind: 'ws-create', appsync: false });
  });
});

describe('tapWebSocket: control', () => {
  it('injects a message that reaches onmessage and listeners, recorded once as injected', () => {
    const s = setup();
    const ws = new s.WS(APPSYNC_URL);
    const seen: string[] = [];
    ws.onmessage = (e) => seen.push(`h:${e.data}:${e.origin}:${e instanceof MessageEvent}`);
    ws.addEventListener('message', (e) => seen.push(`l:${(e as MessageEvent).data}`));
    expect(s.control.inject('n1:0', 'too early')).toBe('the socket is not open');
    server(s).open();
    expect(s.control.inject('n1:0', '{"type":"data"}')).toBeUndefined();
    expect(seen).toEqual([
      'h:{"type":"data"}:wss://abc.appsync-realtime-api.us-east-1.amazonaws.com:true',
      'l:{"type":"data"}',
    ]);
    expect(s.records.slice(2).map(strip)).toEqual([
      { socketId: 'n1:0', seq: 2, kind: 'ws-receive', data: '{"type":"data"}', size: 15, injected: true },
    ]);
    // A real frame afterwards is recorded normally.
    server(s).message('real');
    expect(s.records.at(-1)).toMatchObject({ seq: 3, kind: 'ws-receive', data: 'real' });
    expect(s.records.at(-1)).not.toHaveProperty('injected');
    expect(s.control.inject('n1:99', 'x')).toMatch(/no such socket/);
  });

  it('blocks what the rules match: the app sees no blocked message, the server gets no blocked send; both are recorded, marked', () => {
    let matcher: BlockMatcher | null = null;
    const s = setup({ maxTextLength: 1000, blocking: () => matcher });
    const ws = new s.WS(APPSYNC_URL);
    const seen: string[] = [];
    ws.onmessage = (e) => seen.push(`h:${e.data}`);
    ws.addEventListener('message', (e) => seen.push(`c:${(e as MessageEvent).data}`), { capture: true });
    matcher = compileBlockRules([
      { dir: 'any', type: 'ka', contains: '', replace: '' },
      { dir: 'send', type: 'publish', contains: '/default/secret', replace: '' },
    ]);
    // While the socket connects the native decides: the app's mistake still throws.
    expect(() => ws.send('{"type":"ka"}')).toThrow(/CONNECTING/);
    server(s).open();
    server(s).message('{"type":"ka"}');
    server(s).message('{"type":"data","id":"s","event":"1"}');
    ws.send('{"type":"publish","channel":"/default/secret","events":[]}');
    ws.send('{"type":"publish","channel":"/default/open","events":[]}');
    ws.send({ toString: () => '{"type":"ka"}' } as unknown as string);
    expect([...seen].sort()).toEqual(['c:{"type":"data","id":"s","event":"1"}', 'h:{"type":"data","id":"s","event":"1"}']);
    expect(server(s).sent).toEqual(['{"type":"publish","channel":"/default/open","events":[]}']);
    expect(s.records.slice(2).map((r) => [r.kind, 'blocked' in r])).toEqual([
      ['ws-receive', true],
      ['ws-receive', false],
      ['ws-send', true],
      ['ws-send', false],
      ['ws-send', true],
    ]);
    // Rules off: everything passes again.
    matcher = null;
    server(s).message('{"type":"ka"}');
    expect(seen.filter((x) => x.endsWith(':{"type":"ka"}'))).toHaveLength(2);
    // A page-dispatched event is never blocked (it is recorded as synthetic, as before).
    matcher = compileBlockRules([{ dir: 'any', type: '', contains: '', replace: '' }]);
    ws.dispatchEvent(new MessageEvent('message', { data: 'made up' }));
    expect(seen.filter((x) => x.endsWith(':made up'))).toHaveLength(2);
    expect(s.records.at(-1)).toMatchObject({ data: 'made up', synthetic: true });
  });

  it("replaces what a rule with a replacement matches: the app gets the rule's text, the server gets the rule's send; DevTools' own sends pass", () => {
    const s = setup({
      maxTextLength: 1000,
      blocking: () =>
        compileBlockRules([
          { dir: 'receive', type: 'data', contains: 'old', replace: '{"type":"data","id":"s","event":"new"}' },
          { dir: 'send', type: 'publish', contains: '', replace: '{"type":"publish","id":"swapped"}' },
        ]),
    });
    const ws = new s.WS(APPSYNC_URL);
    const seen: string[] = [];
    ws.onmessage = (e) => seen.push(e.data);
    ws.addEventListener('message', (e) => seen.push(`l:${(e as MessageEvent).data}`));
    server(s).open();
    server(s).message('{"type":"data","id":"s","event":"old"}');
    expect(seen).toEqual(['{"type":"data","id":"s","event":"new"}', 'l:{"type":"data","id":"s","event":"new"}']);
    ws.send('{"type":"publish","id":"mine"}');
    expect(server(s).sent).toEqual(['{"type":"publish","id":"swapped"}']);
    // A DevTools send (the panel's "send on socket", replay) is not the app's: no rule applies.
    expect(s.control.send('n1:0', '{"type":"publish","id":"devtools"}')).toBeUndefined();
    expect(server(s).sent.at(-1)).toBe('{"type":"publish","id":"devtools"}');
    expect(s.records.slice(2).map((r) => [r.kind, r.kind === 'ws-send' || r.kind === 'ws-receive' ? r.data : '', 'blocked' in r ? 'blocked' : 'injected' in r ? 'injected' : ''])).toEqual([
      ['ws-receive', '{"type":"data","id":"s","event":"old"}', 'blocked'],
      ['ws-receive', '{"type":"data","id":"s","event":"new"}', 'injected'],
      ['ws-send', '{"type":"publish","id":"mine"}', 'blocked'],
      ['ws-send', '{"type":"publish","id":"swapped"}', 'injected'],
      ['ws-send', '{"type":"publish","id":"devtools"}', ''],
    ]);
    expect(s.records.map((r) => r.seq)).toEqual(s.records.map((_, i) => i));
  });

  it('sends through the control as the app would, recorded as ws-send', () => {
    const s = setup();
    new s.WS(APPSYNC_URL);
    expect(s.control.send('n1:0', 'x')).toBe('the socket is not open'); // CONNECTING
    server(s).open();
    expect(s.control.send('n1:0', '{"type":"ka"}')).toBeUndefined();
    expect(server(s).sent).toEqual(['{"type":"ka"}']);
    expect(s.records.at(-1)).toMatchObject({ socketId: 'n1:0', seq: 2, kind: 'ws-send', data: '{"type":"ka"}' });
    expect(s.control.send('nope', 'x')).toMatch(/no such socket/);
  });

  it('lists live sockets and releases closed ones', () => {
    const s = setup();
    new s.WS(APPSYNC_URL);
    new s.WS(APPSYNC_URL);
    new s.WS(OTHER_URL);
    expect(s.control.list()).toEqual(['n1:0', 'n1:1']);
    server(s, 0).open();
    server(s, 0).close();
    expect(s.control.list()).toEqual(['n1:1']);
    expect(s.control.inject('n1:0', 'x')).toMatch(/no such socket/);
    expect(s.control.send('n1:0', 'x')).toMatch(/no such socket/);
  });
});

describe('tapWebSocket: a page that patches globals afterwards', () => {
  const restore: (() => void)[] = [];
  afterEach(() => {
    while (restore.length) restore.pop()!();
  });
  function patch<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
    const desc = Object.getOwnPropertyDescriptor(obj, key)!;
    Object.defineProperty(obj, key, { ...desc, value });
    restore.push(() => Object.defineProperty(obj, key, desc));
  }

  it('neither breaks nor is seen by the hook', () => {
    const s = setup();
    const spied: string[] = [];
    const errs: Error[] = [];
    const et = EventTarget.prototype;
    const add = et.addEventListener;
    const dispatch = et.dispatchEvent;
    patch(et, 'addEventListener', function (this: EventTarget, ...args: Parameters<typeof add>) {
      spied.push(`add:${args[0]}`);
      return add.apply(this, args);
    });
    patch(et, 'dispatchEvent', function (this: EventTarget, e: Event) {
      spied.push(`dispatch:${e.type}`);
      return dispatch.call(this, e);
    });
    const dataDesc = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')!;
    Object.defineProperty(MessageEvent.prototype, 'data', {
      ...dataDesc,
      get(this: MessageEvent) {
        spied.push('data');
        return dataDesc.get!.call(this);
      },
    });
    restore.push(() => Object.defineProperty(MessageEvent.prototype, 'data', dataDesc));
    patch(Reflect, 'apply', () => {
      spied.push('Reflect.apply');
      throw new Error('broken');
    });
    patch(Reflect, 'construct', () => {
      spied.push('Reflect.construct');
      throw new Error('broken');
    });
    patch(WeakMap.prototype, 'get', () => {
      spied.push('WeakMap.get');
      return undefined;
    });
    patch(Map.prototype, 'forEach', () => {
      spied.push('Map.forEach');
    });
    patch(Function.prototype, 'call', () => {
      spied.push('call');
    });
    patch(String.prototype, 'slice', () => 'spied');
    // Getters on Object.prototype would become Proxy traps or dictionary members if the
    // hook used ordinary objects for them.
    for (const key of ['get', 'set', 'has', 'apply', 'construct', 'origin', 'bubbles', 'value']) {
      Object.defineProperty(Object.prototype, key, {
        __proto__: null,
        configurable: true,
        get() {
          spied.push(`Object.prototype.${key}`);
          errs.push(new Error(key));
          return undefined;
        },
      } as PropertyDescriptor);
      restore.push(() => delete (Object.prototype as Record<string, unknown>)[key]);
    }

    let listed: string[] = [];
    let injected = false;
    try {
      const ws = new s.WS(APPSYNC_URL);
      server(s).open();
      ws.send('x'.repeat(20));
      server(s).message('in');
      listed = s.control.list();
      injected = s.control.inject('n1:0', 'inj') === undefined;
      void s.WS.CONNECTING;
    } finally {
      // Restore before asserting: the test runner itself needs these globals.
      while (restore.length) restore.pop()!();
    }
    expect(listed).toEqual(['n1:0']);
    expect(injected).toBe(true);
    expect(s.records.map((r) => r.kind)).toEqual(['ws-create', 'ws-open', 'ws-send', 'ws-receive', 'ws-receive']);
    expect(s.records[2]).toMatchObject({ data: { truncated: true, text: 'x'.repeat(16), length: 20 } });
    if (spied.length) process.stderr.write(errs.map((e) => e.stack).join('\n'));
    expect(spied).toEqual([]);
  });
});
