// Growable typed arrays kept as plain objects ({a, n}) so the whole model state survives
// structuredClone (snapshot/restore, IndexedDB) without classes or prototypes.

export interface I32List {
  a: Int32Array;
  n: number;
}
export interface U8List {
  a: Uint8Array;
  n: number;
}

export function i32List(capacity = 16): I32List {
  return { a: new Int32Array(capacity), n: 0 };
}
export function u8List(capacity = 16): U8List {
  return { a: new Uint8Array(capacity), n: 0 };
}

function grown<T extends Int32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  let cap = Math.max(16, a.length);
  while (cap < need) cap *= 2;
  const b = make(cap);
  b.set(a);
  return b;
}

export function pushI32(l: I32List, v: number): void {
  if (l.n === l.a.length) l.a = grown(l.a, l.n + 1, (n) => new Int32Array(n));
  l.a[l.n++] = v;
}

/** Sets index i, growing (zero-filled) as needed; n becomes at least i + 1. */
export function setI32(l: I32List, i: number, v: number): void {
  if (i >= l.a.length) l.a = grown(l.a, i + 1, (n) => new Int32Array(n));
  l.a[i] = v;
  if (i >= l.n) l.n = i + 1;
}

export function setU8(l: U8List, i: number, v: number): void {
  if (i >= l.a.length) l.a = grown(l.a, i + 1, (n) => new Uint8Array(n));
  l.a[i] = v;
  if (i >= l.n) l.n = i + 1;
}

export function getI32(l: I32List, i: number, fallback = 0): number {
  return i >= 0 && i < l.n ? (l.a[i] ?? fallback) : fallback;
}
export function getU8(l: U8List, i: number): number {
  return i >= 0 && i < l.n ? (l.a[i] ?? 0) : 0;
}

/** A copy without the spare capacity, for snapshots. */
export function trimI32(l: I32List): I32List {
  return { a: l.a.slice(0, l.n), n: l.n };
}
export function trimU8(l: U8List): U8List {
  return { a: l.a.slice(0, l.n), n: l.n };
}

export function pushU8(l: U8List, v: number): void {
  if (l.n === l.a.length) l.a = grown(l.a, l.n + 1, (n) => new Uint8Array(n));
  l.a[l.n++] = v;
}
