// SpiderMonkey only: the error getters of a realm answer for errors that left through a
// wrapper with what the page would have seen without the hook (hideOwnFrames in
// disguise.ts keeps that aside as an ErrorMask). The errors themselves are not touched, so
// their own keys stay the engine's; `stack` is read through Error.prototype's accessor and
// a DOMException's location through DOMException.prototype's getters, and those are
// replaced by disguised Proxies of the natives that answer from the mask and defer to the
// native for every other receiver. Setters stay native: a page that sets `stack` gets its
// own data property, which shadows the getter as it would the native one.
//
// A structured clone of such an error (structuredClone, postMessage, IndexedDB) is a new
// error without a mask: SpiderMonkey clones the recorded frames, not the getter's answer,
// and the page's own fileName/lineNumber/columnNumber (measured in Firefox ESR 153). The
// `stack` getters drop the hook's frames from the top of any error's stack text, which is
// where they sit on such a clone; below the page's first frame nothing is touched.
// Not covered: a clone received by a worker, whose realm has no hook.

import { type AnyFn, ReflectApply, ReflectDefineProperty, ReflectGetOwnPropertyDescriptor, SafeWeakMap } from './native.ts';
import { isDisguised, maskOf, wrapNative } from './disguise.ts';
import { type ErrorMask, ownFileName, recordsOwnStackText, withoutLeadingFramesIn } from './stack-text.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- natives are typed loosely on purpose */

const patched = new SafeWeakMap<object, true>();

const ERROR_KEYS: ReadonlyArray<readonly [string, keyof ErrorMask]> = [['stack', 'stack']];
const DOM_EXCEPTION_KEYS: ReadonlyArray<readonly [string, keyof ErrorMask]> = [
  ['stack', 'stack'],
  ['filename', 'fileName'],
  ['lineNumber', 'lineNumber'],
  ['columnNumber', 'columnNumber'],
];

/** Install the masking getters in realm `win` (idempotent; nothing on V8). */
export function maskErrorGetters(win: typeof globalThis): void {
  if (!recordsOwnStackText()) return;
  const w = win as any;
  maskGetters(win, protoOf(w.Error), ERROR_KEYS);
  maskGetters(win, protoOf(w.DOMException), DOM_EXCEPTION_KEYS);
}

function protoOf(C: unknown): object | undefined {
  if (typeof C !== 'function') return undefined;
  const p = ReflectGetOwnPropertyDescriptor(C, 'prototype')?.value as unknown;
  return typeof p === 'object' && p !== null ? p : undefined;
}

function maskGetters(win: typeof globalThis, proto: object | undefined, keys: ReadonlyArray<readonly [string, keyof ErrorMask]>): void {
  if (!proto || patched.has(proto)) return;
  patched.set(proto, true);
  for (let i = 0; i < keys.length; i++) {
    // No destructuring: patchRealm runs after page scripts, and array destructuring calls the
    // page-replaceable Array.prototype[Symbol.iterator].
    const key = keys[i]![0];
    const field = keys[i]![1];
    const d = ReflectGetOwnPropertyDescriptor(proto, key);
    if (!d || typeof d.get !== 'function' || isDisguised(d.get)) continue;
    const get = d.get as AnyFn;
    const hookFile = field === 'stack' ? ownFileName() : '';
    const masked = wrapNative(win, get, (self) => {
      const m = maskOf(self);
      if (m !== undefined) return m[field];
      const v = ReflectApply(get, self, []) as unknown;
      return hookFile !== '' && typeof v === 'string' ? withoutLeadingFramesIn(v, hookFile) : v;
    });
    ReflectDefineProperty(proto, key, {
      __proto__: null,
      get: masked,
      set: d.set,
      enumerable: d.enumerable,
      configurable: d.configurable,
    } as PropertyDescriptor);
  }
}
