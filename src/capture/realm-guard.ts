// Realms that exist before any hook runs in them. A frame that will navigate (an iframe
// with `src` or `srcdoc`) starts with an initial about:blank document where neither
// Chromium nor Firefox runs content scripts, yet a page can reach it synchronously
// (`iframe.contentWindow.Function.prototype.toString` right after insertion) and print the
// top window's wrappers with its pristine toString. The frame element getters the page
// must go through are wrapped so that the realm they hand out has the shared toString
// replacement first (disguise.ts).
//
// Not covered: `window[0]` / `window.frames[0]` (indexed access on the WindowProxy cannot
// be intercepted) on a frame whose realm nobody has asked for through these getters yet.

import { ReflectApply, ReflectDefineProperty, ReflectGetOwnPropertyDescriptor, getterOf, ownValue } from './native.ts';
import { installToString, wrapNative } from './disguise.ts';
import { maskErrorGetters } from './stack-mask.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- natives are typed loosely on purpose */

export function guardFrameAccess(win: typeof globalThis): void {
  const w = win as any;
  const docProto = (w.Document as typeof Document | undefined)?.prototype;
  const defaultView = getterOf<Window | null>(docProto, 'defaultView');

  const patchRealm = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    try {
      // A Document (contentDocument) or a WindowProxy (contentWindow); a cross-origin one
      // throws on the descriptor read and is left alone (its page cannot be read either).
      let target: unknown = value;
      if (ownValue(value, 'Function') === undefined) target = defaultView(value as Document);
      if (target === null || typeof target !== 'object') return;
      const F = ownValue(target, 'Function') as { prototype?: object } | undefined;
      const proto = typeof F === 'function' ? ReflectGetOwnPropertyDescriptor(F, 'prototype')?.value : undefined;
      if (typeof proto === 'function') installToString(proto);
      // Its error getters too: the page can read the top window's errors with them.
      maskErrorGetters(target as typeof globalThis);
    } catch {
      /* cross-origin */
    }
  };

  const elements = ['HTMLIFrameElement', 'HTMLFrameElement', 'HTMLObjectElement'];
  const props = ['contentWindow', 'contentDocument'];
  for (let i = 0; i < elements.length; i++) {
    const proto = (w[elements[i]!] as { prototype?: object } | undefined)?.prototype;
    if (!proto) continue;
    for (let j = 0; j < props.length; j++) {
      const d = ReflectGetOwnPropertyDescriptor(proto, props[j]!);
      if (!d || typeof d.get !== 'function') continue;
      const get = d.get;
      const wrapped = wrapNative(win, get as (...a: any[]) => any, (self, args) => {
        const r = ReflectApply(get, self, args);
        patchRealm(r);
        return r;
      });
      ReflectDefineProperty(proto, props[j]!, {
        __proto__: null,
        get: wrapped,
        set: d.set,
        enumerable: d.enumerable,
        configurable: d.configurable,
      } as PropertyDescriptor);
    }
  }
}
