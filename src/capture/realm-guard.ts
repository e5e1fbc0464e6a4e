// Realms that exist before any hook runs in them. A frame that will navigate (an iframe
// with `src` or `srcdoc`) starts with an initial about:blank document where neither
// Chromium nor Firefox runs content scripts, yet a page can reach it synchronously
// (`iframe.contentWindow.Function.prototype.toString` right after insertion) and print the
// top window's wrappers with its pristine toString. The frame element getters the page
// must go through are wrapped so that the realm they hand out has the shared toString
// replacement first (disguise.ts).
//
// `window[0]`, `frames[0]` and named access (`window.someName`) go through the WindowProxy,
// which cannot be intercepted, so a frame must be patched when it is created instead: the
// DOM methods that insert nodes are wrapped, and after each insertion that changed the
// frames of this window (new WindowProxies among `window[0..length)`) their realms are
// patched, before the inserting call returns to the page.
//
// Frames the document's own HTML parser inserts call no script API. While the document is
// parsing, a MutationObserver (registered before any page script, so notified before any
// page observer) patches them: the parser performs a microtask checkpoint before it runs a
// parser-inserted script (HTML, "An end tag whose tag name is script"), and the event loop
// does before every task, so mutation records are delivered before the next page script
// can run. At DOMContentLoaded the parser is done and the observer goes; every later
// insertion is a script API call (document.write included, wrapped below).
//
// Not covered: the realm of such a frame is only disguised, not tapped: a socket opened
// through `window[n].WebSocket` of a frame still in its initial about:blank document (or
// of one reached through contentWindow then) is not captured.

import { ReflectApply, ReflectDefineProperty, ReflectGetOwnPropertyDescriptor, SafeWeakMap, getterOf, methodOf, ownValue } from './native.ts';
import { installToString, markRealmLinked, wrapNative } from './disguise.ts';
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
      // A page may not later have this document's realm link answered (see LINK_EVENT).
      markRealmLinked(target);
      // Its error getters too: the page can read the top window's errors with them.
      maskErrorGetters(target as typeof globalThis);
    } catch {
      /* cross-origin */
    }
  };

  guardInsertions(win, patchRealm);

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

// Every DOM method through which a script can put a frame into a document synchronously.
const INSERTING_METHODS: ReadonlyArray<readonly [string, string]> = [
  ['Node', 'appendChild'],
  ['Node', 'insertBefore'],
  ['Node', 'replaceChild'],
  ['Element', 'append'],
  ['Element', 'prepend'],
  ['Element', 'before'],
  ['Element', 'after'],
  ['Element', 'replaceWith'],
  ['Element', 'replaceChildren'],
  ['Element', 'insertAdjacentElement'],
  ['Element', 'insertAdjacentHTML'],
  ['Element', 'setHTMLUnsafe'],
  ['CharacterData', 'before'],
  ['CharacterData', 'after'],
  ['CharacterData', 'replaceWith'],
  ['DocumentType', 'before'],
  ['DocumentType', 'after'],
  ['DocumentType', 'replaceWith'],
  ['Document', 'append'],
  ['Document', 'prepend'],
  ['Document', 'replaceChildren'],
  ['Document', 'write'],
  ['Document', 'writeln'],
  ['DocumentFragment', 'append'],
  ['DocumentFragment', 'prepend'],
  ['DocumentFragment', 'replaceChildren'],
  ['ShadowRoot', 'setHTMLUnsafe'],
  ['Range', 'insertNode'],
  ['Range', 'surroundContents'],
];
const INSERTING_SETTERS: ReadonlyArray<readonly [string, string]> = [
  ['Element', 'innerHTML'],
  ['Element', 'outerHTML'],
  ['ShadowRoot', 'innerHTML'],
];

function guardInsertions(win: typeof globalThis, patchRealm: (value: unknown) => void): void {
  const w = win as any;
  const lengthDesc = ReflectGetOwnPropertyDescriptor(win, 'length');
  const lengthGet = lengthDesc && typeof lengthDesc.get === 'function' ? lengthDesc.get : undefined;
  if (!lengthGet) return;
  // WindowProxies already handled: a frame keeps its WindowProxy across navigations, and
  // every document it loads later runs its own hook.
  const seen = new SafeWeakMap<object, true>();
  const afterInsertion = (): void => {
    let n: unknown;
    try {
      n = ReflectApply(lengthGet, win, []);
    } catch {
      return;
    }
    if (typeof n !== 'number') return;
    for (let i = 0; i < n; i++) {
      const child = w[i] as unknown;
      if (child === null || typeof child !== 'object' || seen.has(child)) continue;
      seen.set(child, true);
      patchRealm(child);
    }
  };
  const wrapIn = (target: object, key: string, kind: 'value' | 'set'): void => {
    const d = ReflectGetOwnPropertyDescriptor(target, key);
    const native = d && (kind === 'value' ? d.value : d.set);
    if (!d || typeof native !== 'function') return;
    const wrapped = wrapNative(win, native as (...a: any[]) => any, (self, args) => {
      const r = ReflectApply(native, self, args);
      afterInsertion();
      return r;
    });
    const next = { __proto__: null, enumerable: d.enumerable, configurable: d.configurable } as PropertyDescriptor;
    if (kind === 'value') {
      next.value = wrapped;
      next.writable = d.writable;
    } else {
      next.get = d.get;
      next.set = wrapped;
    }
    ReflectDefineProperty(target, key, next);
  };
  const wrapAll = (list: ReadonlyArray<readonly [string, string]>, kind: 'value' | 'set'): void => {
    for (let i = 0; i < list.length; i++) {
      const proto = (w[list[i]![0]] as { prototype?: object } | undefined)?.prototype;
      if (proto) wrapIn(proto, list[i]![1], kind);
    }
  };
  wrapAll(INSERTING_METHODS, 'value');
  wrapAll(INSERTING_SETTERS, 'set');
  // Frames already in the document when the hook runs (a realm the hook reached late).
  afterInsertion();
  observeParsing(win, afterInsertion);
}

function observeParsing(win: typeof globalThis, afterInsertion: () => void): void {
  const w = win as any;
  const doc = w.document as Document | undefined;
  const MO = w.MutationObserver as typeof MutationObserver | undefined;
  const docProto = (w.Document as typeof Document | undefined)?.prototype;
  const readyState = getterOf<string>(docProto, 'readyState');
  const observe = methodOf<MutationObserver['observe']>(MO?.prototype, 'observe');
  const disconnect = methodOf<MutationObserver['disconnect']>(MO?.prototype, 'disconnect');
  const add = methodOf<EventTarget['addEventListener']>((w.EventTarget as typeof EventTarget | undefined)?.prototype, 'addEventListener');
  if (!doc || !MO || !observe || !disconnect || !add || !methodOf((w.NodeList as typeof NodeList | undefined)?.prototype, 'item')) return;
  try {
    if (readyState(doc) !== 'loading') return;
    const addedNodes = getterOf<NodeList>((w.MutationRecord as typeof MutationRecord | undefined)?.prototype, 'addedNodes');
    const nodeName = getterOf<string>((w.Node as typeof Node | undefined)?.prototype, 'nodeName');
    const listLength = getterOf<number>((w.NodeList as typeof NodeList | undefined)?.prototype, 'length');
    const item = methodOf<NodeList['item']>((w.NodeList as typeof NodeList | undefined)?.prototype, 'item');
    const windowOf = frameWindowGetters(w);
    const observer = new MO((records: MutationRecord[]) => {
      // Gecko creates the window of a parser-inserted frame only when something asks for it
      // (measured in Firefox ESR 153: `window.length` still left out an iframe with src that
      // the parser had inserted after a srcdoc one, until its contentWindow was read), so
      // the new frame elements are asked first.
      for (let i = 0; i < records.length; i++) {
        const nodes = addedNodes(records[i]!);
        const n = listLength(nodes);
        for (let j = 0; j < n; j++) {
          const node = ReflectApply(item!, nodes, [j]) as Node;
          const get = windowOf[nodeName(node)];
          if (get) ReflectApply(get, node, []);
        }
      }
      afterInsertion();
    });
    ReflectApply(observe, observer, [doc, { __proto__: null, childList: true, subtree: true }]);
    const done = (): void => {
      ReflectApply(disconnect, observer, []);
      afterInsertion();
    };
    ReflectApply(add, doc, ['DOMContentLoaded', done, { __proto__: null, capture: true, once: true }]);
  } catch {
    /* an exotic document: script insertions are still guarded */
  }
}

/** The native contentWindow getters by the nodeName of their elements (HTML and XHTML). */
function frameWindowGetters(w: any): Record<string, (() => unknown) | undefined> {
  const out = { __proto__: null } as unknown as Record<string, (() => unknown) | undefined>;
  const names: ReadonlyArray<readonly [string, string, string]> = [
    ['HTMLIFrameElement', 'IFRAME', 'iframe'],
    ['HTMLFrameElement', 'FRAME', 'frame'],
    ['HTMLObjectElement', 'OBJECT', 'object'],
  ];
  for (let i = 0; i < names.length; i++) {
    const proto = (w[names[i]![0]] as { prototype?: object } | undefined)?.prototype;
    const get = proto ? ReflectGetOwnPropertyDescriptor(proto, 'contentWindow')?.get : undefined;
    if (typeof get === 'function') {
      out[names[i]![1]] = get as () => unknown;
      out[names[i]![2]] = get as () => unknown;
    }
  }
  return out;
}
