import { describe, expect, test, vi } from 'vitest';

type DisguiseModule = typeof import('../../../src/capture/disguise.ts');
type NativeModule = typeof import('../../../src/capture/native.ts');

/** A fresh copy of the modules, as each frame's hook bundle has its own. */
async function freshHook(): Promise<{ d: DisguiseModule; native: NativeModule }> {
  vi.resetModules();
  const native = await import('../../../src/capture/native.ts');
  const d = await import('../../../src/capture/disguise.ts');
  return { d, native };
}

/** A window-like event target with its own Function.prototype.toString to patch. */
function fakeWindow(parent?: object): EventTarget & Record<string, unknown> {
  class FakeWindow extends EventTarget {}
  const w = new FakeWindow() as EventTarget & Record<string, unknown>;
  Object.assign(w, {
    EventTarget,
    Event,
    CustomEvent,
    Function: { prototype: { toString: Function.prototype.toString } },
  });
  w.parent = parent ?? w;
  w.opener = null;
  w.document = {};
  if (parent) {
    // Listed among the parent's frames, as window[n] lists a frame's WindowProxy.
    const frames = parent as Record<string, unknown>;
    const index = typeof frames.length === 'number' ? frames.length : 0;
    frames[index] = w;
    Object.defineProperty(frames, 'length', { value: index + 1, configurable: true });
  }
  return w;
}

describe('disguise: wrappers print as their natives in every linked realm', () => {
  test("a child realm's toString prints the parent's wrappers and the other way round", async () => {
    const top = fakeWindow();
    const a = await freshHook();
    a.d.linkRealms(top as unknown as typeof globalThis, a.native.windowNatives(top as unknown as typeof globalThis));
    const wrappedParse = a.d.wrapNative(top as unknown as typeof globalThis, JSON.parse, (_s, args) => JSON.parse(args[0] as string));

    const child = fakeWindow(top);
    const b = await freshHook();
    b.d.linkRealms(child as unknown as typeof globalThis, b.native.windowNatives(child as unknown as typeof globalThis));
    const wrappedStringify = b.d.wrapNative(child as unknown as typeof globalThis, JSON.stringify, (_s, args) => JSON.stringify(args[0]));

    const topToString = (top.Function as { prototype: { toString: () => string } }).prototype.toString;
    const childToString = (child.Function as { prototype: { toString: () => string } }).prototype.toString;
    const nativeParse = Function.prototype.toString.call(JSON.parse);
    const nativeStringify = Function.prototype.toString.call(JSON.stringify);
    expect(childToString.call(wrappedParse)).toBe(nativeParse);
    expect(topToString.call(wrappedStringify)).toBe(nativeStringify);
    // Each replacement prints as the native toString through the other.
    expect(childToString.call(topToString)).toBe(Function.prototype.toString.call(Function.prototype.toString));
    // Without the link the child would not know the parent's wrapper.
    const lone = fakeWindow();
    const c = await freshHook();
    c.d.linkRealms(lone as unknown as typeof globalThis, c.native.windowNatives(lone as unknown as typeof globalThis));
    c.d.installToString((lone.Function as { prototype: object }).prototype);
    const loneToString = (lone.Function as { prototype: { toString: () => string } }).prototype.toString;
    expect(loneToString.call(wrappedParse)).not.toBe(nativeParse);
  });
});

describe('linkRealms: only a new frame of this window is answered', () => {
  test('a holder naming no frame, or a frame whose document already linked, gets nothing and is not stopped', async () => {
    const top = fakeWindow();
    const a = await freshHook();
    a.d.linkRealms(top as unknown as typeof globalThis, a.native.windowNatives(top as unknown as typeof globalThis));
    const ask = (holder: Record<string, unknown>) => {
      let heard = 0;
      const listener = () => heard++;
      top.addEventListener(a.d.LINK_EVENT, listener, true);
      top.dispatchEvent(new CustomEvent(a.d.LINK_EVENT, { detail: holder }));
      top.removeEventListener(a.d.LINK_EVENT, listener, true);
      return { heard, answered: 'registry' in holder };
    };
    expect(ask(Object.create(null))).toEqual({ heard: 1, answered: false });
    expect(ask({ window: top })).toEqual({ heard: 1, answered: false });
    const stranger = fakeWindow();
    expect(ask({ window: stranger })).toEqual({ heard: 1, answered: false });
    const child = fakeWindow(top);
    expect(ask({ window: child })).toEqual({ heard: 0, answered: true });
    // The same document again (a page replaying the request): as without the extension.
    expect(ask({ window: child })).toEqual({ heard: 1, answered: false });
    // A new document in the same frame (a navigation) links again.
    child.document = {};
    expect(ask({ window: child })).toEqual({ heard: 0, answered: true });
    // A realm the hook patched itself (realm-guard) never links afterwards.
    const patched = fakeWindow(top);
    a.d.markRealmLinked(patched);
    expect(ask({ window: patched })).toEqual({ heard: 1, answered: false });
  });
});

describe("hideOwnFrames: a native's error leaves without the hook's frames", () => {
  test('the error thrown through a wrapper keeps identity and message, and only the caller frames', async () => {
    const { d } = await freshHook();
    const win = fakeWindow() as unknown as typeof globalThis;
    let thrown: unknown;
    function hookInternalHelper(text: string): unknown {
      return JSON.parse(text);
    }
    const wrapped = d.wrapNative(win, JSON.parse, (_s, args) => hookInternalHelper(args[0] as string));
    function pageCaller(): void {
      try {
        wrapped('{');
      } catch (e) {
        thrown = e;
      }
    }
    pageCaller();
    expect(thrown).toBeInstanceOf(SyntaxError);
    const stack = (thrown as Error).stack!;
    expect(stack).not.toContain('hookInternalHelper');
    expect(stack).toContain('pageCaller');
    expect(stack.split('\n')[1]).toContain('pageCaller');
  });

  test("errors marked as the page's own are left as they are", async () => {
    const { d } = await freshHook();
    const e = new Error('from a page toString');
    const before = e.stack;
    function trap(): void {}
    expect(d.hideOwnFrames(d.fromPage(e), trap)).toBe(e);
    expect(e.stack).toBe(before);
  });
});
