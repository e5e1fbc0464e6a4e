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
// Such a realm's WebSocket, fetch and XMLHttpRequest are also tapped, feeding this
// window's hook (realm-tap.ts), so a socket or publish opened through `window[n]` of a
// frame still in its initial about:blank document is captured.

import { ReflectApply, ReflectDefineProperty, ReflectGetOwnPropertyDescriptor, SafeWeakMap, StringToLowerCase, getterOf, methodOf, ownValue, uncurryThis } from './native.ts';
import { installToString, markRealmLinked, wrapNative } from './disguise.ts';
import { maskErrorGetters } from './stack-mask.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- natives are typed loosely on purpose */

/**
 * `onRealm` is told of each same-origin realm patched here (right after patching, before
 * the page can touch it), for the caller to tap (realm-tap.ts).
 */
export function guardFrameAccess(win: typeof globalThis, onRealm?: (realm: typeof globalThis) => void): void {
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
      if (onRealm) onRealm(target as typeof globalThis);
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

// Every DOM method through which a script can put a frame into a document synchronously,
// and what it inserts: the node argument at 0 or 1, every argument (nodes, or strings that
// become text), an HTML string at 0 or 1, or anything (`always` followed by the frame scan).
type Inserts = 'node0' | 'node1' | 'nodes' | 'html0' | 'html1' | 'always';
const INSERTING_METHODS: ReadonlyArray<readonly [string, string, Inserts]> = [
  ['Node', 'appendChild', 'node0'],
  ['Node', 'insertBefore', 'node0'],
  ['Node', 'replaceChild', 'node0'],
  ['Element', 'append', 'nodes'],
  ['Element', 'prepend', 'nodes'],
  ['Element', 'before', 'nodes'],
  ['Element', 'after', 'nodes'],
  ['Element', 'replaceWith', 'nodes'],
  ['Element', 'replaceChildren', 'nodes'],
  ['Element', 'insertAdjacentElement', 'node1'],
  ['Element', 'insertAdjacentHTML', 'html1'],
  ['Element', 'setHTMLUnsafe', 'always'],
  ['CharacterData', 'before', 'nodes'],
  ['CharacterData', 'after', 'nodes'],
  ['CharacterData', 'replaceWith', 'nodes'],
  ['DocumentType', 'before', 'nodes'],
  ['DocumentType', 'after', 'nodes'],
  ['DocumentType', 'replaceWith', 'nodes'],
  ['Document', 'append', 'nodes'],
  ['Document', 'prepend', 'nodes'],
  ['Document', 'replaceChildren', 'nodes'],
  ['Document', 'write', 'always'],
  ['Document', 'writeln', 'always'],
  ['DocumentFragment', 'append', 'nodes'],
  ['DocumentFragment', 'prepend', 'nodes'],
  ['DocumentFragment', 'replaceChildren', 'nodes'],
  ['ShadowRoot', 'setHTMLUnsafe', 'always'],
  ['Range', 'insertNode', 'node0'],
  ['Range', 'surroundContents', 'always'],
];
const INSERTING_SETTERS: ReadonlyArray<readonly [string, string, Inserts]> = [
  ['Element', 'innerHTML', 'html0'],
  ['Element', 'outerHTML', 'html0'],
  ['ShadowRoot', 'innerHTML', 'html0'],
];

const FRAME_SELECTOR = 'iframe,frame,object,embed';
const FRAME_TAGS = ['<iframe', '<frame', '<object', '<embed'];
const StringIndexOf = uncurryThis(String.prototype.indexOf);

/**
 * Whether an insertion may have connected a frame that `window[n]` reaches, decided from
 * what it inserts before it runs, so that the scan of every frame of the window (a
 * WindowProxy indexed read per frame) is skipped for the plain elements and text most
 * insertions carry. Frames in shadow trees need no look: `window[n]` only indexes frames
 * of the document tree (HTML, "document-tree child navigables"; the transparency probe
 * checks it in both engines), and contentWindow/contentDocument are guarded themselves.
 */
function insertionFilter(win: typeof globalThis): (kind: Inserts, args: unknown[]) => boolean {
  const w = win as any;
  const nodeProto = (w.Node as typeof Node | undefined)?.prototype;
  const nodeType = getterOf<number>(nodeProto, 'nodeType');
  const nodeName = getterOf<string>(nodeProto, 'nodeName');
  const elementFirst = getterOf<Element | null>((w.Element as typeof Element | undefined)?.prototype, 'firstElementChild');
  const fragmentFirst = getterOf<Element | null>((w.DocumentFragment as typeof DocumentFragment | undefined)?.prototype, 'firstElementChild');
  const elementQuery = methodOf<Element['querySelector']>((w.Element as typeof Element | undefined)?.prototype, 'querySelector');
  const fragmentQuery = methodOf<DocumentFragment['querySelector']>((w.DocumentFragment as typeof DocumentFragment | undefined)?.prototype, 'querySelector');
  if (!elementQuery || !fragmentQuery) return () => true;

  const frameFree = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null) return typeof node !== 'function'; // text
    const type = nodeType(node);
    if (type === 3 || type === 8) return true; // Text, Comment
    if (type === 1) {
      const name = nodeName(node);
      if (name === 'IFRAME' || name === 'FRAME' || name === 'OBJECT' || name === 'EMBED') return false;
      if (name === 'iframe' || name === 'frame' || name === 'object' || name === 'embed') return false;
      return elementFirst(node) === null || ReflectApply(elementQuery, node, [FRAME_SELECTOR]) === null;
    }
    if (type === 11) return fragmentFirst(node) === null || ReflectApply(fragmentQuery, node, [FRAME_SELECTOR]) === null;
    return false;
  };
  const markupFree = (html: unknown): boolean => {
    if (typeof html !== 'string') return false; // a TrustedHTML or an object: its text is the page's to compute, once
    const lower = StringToLowerCase(html);
    for (let i = 0; i < FRAME_TAGS.length; i++) if (StringIndexOf(lower, FRAME_TAGS[i]!) >= 0) return false;
    return true;
  };
  return (kind, args) => {
    try {
      switch (kind) {
        case 'node0':
          return !frameFree(args[0]);
        case 'node1':
          return !frameFree(args[1]);
        case 'nodes':
          for (let i = 0; i < args.length; i++) if (!frameFree(args[i])) return true;
          return false;
        case 'html0':
          return !markupFree(args[0]);
        case 'html1':
          return !markupFree(args[1]);
        default:
          return true;
      }
    } catch {
      return true; // not a node: the native decides what it is
    }
  };
}

function guardInsertions(win: typeof globalThis, patchRealm: (value: unknown) => void): void {
  const w = win as any;
  const lengthDesc = ReflectGetOwnPropertyDescriptor(win, 'length');
  const lengthGet = lengthDesc && typeof lengthDesc.get === 'function' ? lengthDesc.get : undefined;
  if (!lengthGet) return;
  // WindowProxies already handled: a frame keeps its WindowProxy across navigations, and
  // every document it loads later runs its own hook.
  const seen = new SafeWeakMap<object, true>();
  const frameCount = (): number => {
    try {
      const n = ReflectApply(lengthGet, win, []) as unknown;
      return typeof n === 'number' ? n : 0;
    } catch {
      return 0;
    }
  };
  const afterInsertion = (): void => {
    const n = frameCount();
    for (let i = 0; i < n; i++) {
      const child = w[i] as unknown;
      if (child === null || typeof child !== 'object' || seen.has(child)) continue;
      seen.set(child, true);
      patchRealm(child);
    }
  };
  const mayConnectFrame = insertionFilter(win);
  const wrapIn = (target: object, key: string, kind: 'value' | 'set', inserts: Inserts): void => {
    const d = ReflectGetOwnPropertyDescriptor(target, key);
    const native = d && (kind === 'value' ? d.value : d.set);
    if (!d || typeof native !== 'function') return;
    const wrapped = wrapNative(win, native as (...a: any[]) => any, (self, args) => {
      // With no frame yet, the scan after the call reads only the frames it made: cheaper
      // than looking at what it inserts.
      const may = frameCount() === 0 || mayConnectFrame(inserts, args);
      const r = ReflectApply(native, self, args);
      if (may) afterInsertion();
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
  const wrapAll = (list: ReadonlyArray<readonly [string, string, Inserts]>, kind: 'value' | 'set'): void => {
    for (let i = 0; i < list.length; i++) {
      const proto = (w[list[i]![0]] as { prototype?: object } | undefined)?.prototype;
      if (proto) wrapIn(proto, list[i]![1], kind, list[i]![2]);
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
