// The tap a hook installs in a frame's initial realm: records that realm's sockets while
// its document is the initial one, stands aside once a load reuses the realm (the frame's
// own hook records from then on), and is never installed twice.
import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { tapInitialRealm, type RealmTapOptions } from '../../../src/capture/realm-tap.ts';
import { tapWebSocket } from '../../../src/capture/socket-tap.ts';
import { isWireEvent, makeFakeWebSocket, makeWindow } from './fake-websocket.ts';

const URL_ = 'wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';

function realm() {
  const Fake = makeFakeWebSocket();
  const win = makeWindow(Fake, 'about:blank');
  let doc = { initial: true };
  Object.defineProperty(win, 'document', { get: () => doc, enumerable: true, configurable: false });
  return { win, servers: Fake.servers, load: () => (doc = { initial: false }) };
}

const options = (nonce: string): RealmTapOptions => ({ nonce, isAppSync: () => true, isPublish: (m, u) => m === 'POST' && u.endsWith('/event'), captureAll: () => false, maxTextLength: 100, previewBytes: 4, now: () => 1 });

describe('initial-realm tap', () => {
  it("records the realm's sockets until its document is replaced, then leaves them to the frame's own tap", () => {
    const { win, load } = realm();
    const parent: CaptureRecord[] = [];
    const control = tapInitialRealm(win, (r) => parent.push(r), options('top:r1'));
    expect(control).toBeDefined();
    const WS = () => (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    new (WS())(URL_ + '?a');
    expect(parent.map((r) => [r.socketId, r.kind])).toEqual([['top:r1:0', 'ws-create']]);

    // The same-origin load: the document changes, the Window (and our wrapper) stays, and
    // the frame's hook wraps what it finds.
    load();
    const frame: CaptureRecord[] = [];
    tapWebSocket(win, (r) => frame.push(r), options('child'));
    new (WS())(URL_ + '?b');
    expect(parent).toHaveLength(1);
    expect(frame.map((r) => [r.socketId, r.kind, (r as { url?: string }).url])).toEqual([['child:0', 'ws-create', URL_ + '?b']]);
    expect(control!.list()).toEqual(['top:r1:0']);
  });

  it('retires once the document is replaced and no socket of the realm is open', () => {
    const { win, load, servers } = realm();
    const control = tapInitialRealm(win, () => {}, { ...options('top:r1'), isTrusted: isWireEvent })!;
    const WS = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    new WS(URL_);
    expect(control.retired()).toBe(false);
    load();
    // Still one open socket the panel may inject into.
    expect(control.retired()).toBe(false);
    servers[0]!.close();
    expect(control.list()).toEqual([]);
    expect(control.retired()).toBe(true);
  });

  it('is not installed over a wrapper (a realm with its own hook, or tapped already)', () => {
    const { win } = realm();
    expect(tapInitialRealm(win, () => {}, options('top:r1'))).toBeDefined();
    expect(tapInitialRealm(win, () => {}, options('top:r2'))).toBeUndefined();
    const other = realm();
    tapWebSocket(other.win, () => {}, options('own'));
    expect(tapInitialRealm(other.win, () => {}, options('top:r3'))).toBeUndefined();
  });

  it('a wrapper over a wrapper prints as the native below both', () => {
    const { win, load } = realm();
    const Native = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    const nativeSend = Native.prototype.send;
    tapInitialRealm(win, () => {}, options('top:r1'));
    load();
    tapWebSocket(win, () => {}, options('child'));
    const Outer = (win as unknown as { WebSocket: typeof WebSocket }).WebSocket;
    expect(Function.prototype.toString.call(Outer)).toBe(Function.prototype.toString.call(Native));
    expect(Outer.prototype.send).not.toBe(nativeSend);
    expect(Function.prototype.toString.call(Outer.prototype.send)).toBe(Function.prototype.toString.call(nativeSend));
  });
});
