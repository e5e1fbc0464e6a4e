import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { tapSharedWorker } from '../../../src/capture/worker-tap.ts';
import { makeFakeWebSocket, makeWindow } from './fake-websocket.ts';

// Stands in for the browser's SharedWorker: validates like it (a URL that does not parse
// throws a SyntaxError), and remembers what it was given.
class FakeSharedWorker extends EventTarget {
  static made: FakeSharedWorker[] = [];
  readonly port = { start() {} };
  constructor(
    readonly scriptURL: unknown,
    readonly options?: unknown,
  ) {
    super();
    if (new.target === undefined) throw new TypeError("Failed to construct 'SharedWorker': Please use the 'new' operator");
    if (arguments.length === 0) throw new TypeError("Failed to construct 'SharedWorker': 1 argument required, but only 0 present.");
    if (typeof scriptURL === 'string' && scriptURL.startsWith('http://[')) throw new SyntaxError(`Failed to construct 'SharedWorker': The URL '${scriptURL}' is invalid.`);
    FakeSharedWorker.made.push(this);
  }
}

function setup(emit?: (r: CaptureRecord) => void) {
  FakeSharedWorker.made = [];
  const win = makeWindow(makeFakeWebSocket(), 'https://app.example/dir/page');
  Object.defineProperty(win, 'SharedWorker', { value: FakeSharedWorker, writable: true, enumerable: false, configurable: true });
  const records: CaptureRecord[] = [];
  let clock = 100;
  tapSharedWorker(win, (r) => (emit ? emit(r) : records.push(r)), { nonce: 'n1', now: () => clock++ });
  const SW = (win as unknown as { SharedWorker: typeof FakeSharedWorker }).SharedWorker;
  return { win, SW, records };
}

describe('SharedWorker tap', () => {
  it('records each worker the page starts, with its script URL resolved against the page', () => {
    const { SW, records } = setup();
    const a = new SW('worker.js', 'one');
    const b = new SW('https://cdn.example/w.js?token=1');
    expect(FakeSharedWorker.made).toEqual([a, b]);
    expect(a.options).toBe('one');
    expect(records).toEqual([
      { socketId: 'n1:worker', seq: 0, t: 100, kind: 'worker-start', url: 'https://app.example/dir/worker.js', frameUrl: 'https://app.example/dir/page' },
      { socketId: 'n1:worker', seq: 1, t: 101, kind: 'worker-start', url: 'https://cdn.example/w.js?token=1', frameUrl: 'https://app.example/dir/page' },
    ]);
  });

  it("does not convert a non-string argument a second time (the page's toString runs once)", () => {
    const { SW, records } = setup();
    let calls = 0;
    const arg = { toString: () => (calls++, 'w.js') };
    new SW(arg);
    expect(calls).toBe(0); // the fake does not convert; the tap must not either
    expect(records).toMatchObject([{ kind: 'worker-start', url: '' }]);
  });

  it("leaves the native's errors to the page, and records nothing for a worker not made", () => {
    const { SW, records } = setup();
    expect(() => new SW('http://[')).toThrow(SyntaxError);
    expect(() => (SW as unknown as () => void)()).toThrow(/new/);
    expect(records).toEqual([]);
  });

  it('looks like the native: prototype, constructor, subclassing, instanceof', () => {
    const { SW } = setup();
    expect(SW).not.toBe(FakeSharedWorker);
    expect(SW.prototype).toBe(FakeSharedWorker.prototype);
    expect(SW.prototype.constructor).toBe(SW);
    expect(SW.name).toBe('FakeSharedWorker');
    expect(Function.prototype.toString.call(SW)).toBe(Function.prototype.toString.call(FakeSharedWorker));
    class Mine extends SW {}
    const m = new Mine('x.js');
    expect(m).toBeInstanceOf(Mine);
    expect(m).toBeInstanceOf(SW);
    expect(Object.getPrototypeOf(m)).toBe(Mine.prototype);
  });

  it('gives the page its worker even when recording fails', () => {
    const { SW } = setup(() => {
      throw new Error('sink broke');
    });
    const w = new SW('w.js');
    expect(FakeSharedWorker.made).toEqual([w]);
  });

  it('does nothing where SharedWorker does not exist', () => {
    const win = makeWindow(makeFakeWebSocket());
    const records: CaptureRecord[] = [];
    tapSharedWorker(win, (r) => records.push(r), { nonce: 'n1', now: () => 0 });
    expect('SharedWorker' in win).toBe(false);
  });
});
