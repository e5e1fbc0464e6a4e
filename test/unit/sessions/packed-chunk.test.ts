import { describe, expect, it } from 'vitest';
import { compileFilter, type FrameFilter } from '../../../src/sessions/frame-filter.ts';
import { ChunkView, isPacked, packChunk, unpackChunk } from '../../../src/sessions/packed-chunk.ts';
import type { ChunkRecord, SessionId, StoredFrame } from '../../../src/sessions/types.ts';

const ALL = [
  'abc', 'def', '', undefined, 'xAbCdEfx', 'İstanbul', '\u212a-pop', 'K-pop', 'ΟΔΟΣ', 'odos', 'needle', 'NEEDLE', 'nee', 'dle',
  'a.b*c', 'a+b', '__proto__', 'emoji 😀 x', 'ǅ title', 'ß strasse', 'STRASSE', 'ki', 'KI',
  '{"type":"data","event":"{\\"room\\":7,\\"user\\":\\"Ann\\"}"}', '{"type":"data","event":"{\\"room\\":8}"}',
];

/** With and without the two characters that force the frame-by-frame path. */
const SETS = [ALL, ALL.filter((t) => t === undefined || !/[\u0130\u212a]/.test(t))];
let texts = ALL;

function frames(): StoredFrame[] {
  return texts.map((text, pos) => ({
    pos: 10 + pos,
    sock: pos % 3 ? 'p:1' : 'p:2',
    seq: pos * 2,
    t: 1000 + pos,
    conn: pos % 3 ? 'p:1' : 'p:2',
    dir: pos % 2 ? 'receive' : 'send',
    size: (text ?? '').length,
    flags: pos % 5 === 0 ? 4 : 0,
    ...(pos % 4 ? { type: pos % 4 === 1 ? 'data' : 'ka' } : {}),
    ...(pos % 3 ? { id: `s${pos % 3}` } : {}),
    ...(pos % 2 ? { channel: pos % 4 === 1 ? '/a/b' : '/a/c' } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(pos === 3 ? { binary: { size: 4, preview: 'AAAA' } } : {}),
    ...(pos === 5 ? { extra: { length: 999 } } : {}),
  }));
}

const chunk = (): ChunkRecord => ({ sessionId: 's' as SessionId, chunkNo: 3, firstPos: 10, frames: frames() });

describe('packed chunks', () => {
  it('round-trip every frame exactly, through a structured clone', () => {
    const packed = structuredClone(packChunk(chunk()));
    expect(isPacked(packed)).toBe(true);
    expect(unpackChunk(packed)).toEqual(chunk());
    const view = new ChunkView(packed);
    expect(view.frames(2, 4)).toEqual(frames().slice(2, 4));
    expect(view.text(3)).toBeUndefined();
    expect(view.text(2)).toBe('');
  });

  const filters: FrameFilter[] = [
    {},
    { text: 'needle' },
    { text: 'NEEDLE', caseSensitive: true },
    { text: 'cd' }, // straddles 'abc' + 'def' in the joined text: must not match
    { text: 'abcdef' },
    { text: 'i' }, // İ lowers to i + U+0307
    { text: 'k' }, // the Kelvin sign lowers to k
    { text: 'k-pop' },
    { text: 'οδος' }, // final sigma
    { text: 'ς' },
    { text: 'σ' },
    { text: 'ss' },
    { text: 'ß' },
    { text: '😀' },
    { text: 'a.b*c' },
    { text: 'a+b', caseSensitive: true },
    { text: 'ǆ' },
    { text: '__PROTO__' },
    { regex: /^[a-z]+$/ },
    { regex: 'E', text: 'e' },
    { channels: ['/a/*'], text: 'e' },
    { types: ['data'], directions: ['receive'] },
    { ids: ['s1'], connections: ['p:1'] },
    { fromTime: 1003, toTime: 1012, text: 'e' },
    { channels: ['/a/c'] },
    { marks: 4 },
    { marks: 4, text: 'e' },
    { fields: [{ path: ['room'], values: ['7'] }] },
    { fields: [{ path: ['room'], values: ['*'] }], types: ['data'] },
    { fields: [{ path: ['room'], values: ['7'] }, { path: ['user'], values: ['ann'] }], text: 'ann' },
  ];
  for (const filter of filters) {
    it(`matchChunk agrees with matches() for ${JSON.stringify(filter, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v))}`, () => {
      const compiled = compileFilter(filter);
      for (const set of SETS) {
        texts = set;
        const view = new ChunkView(structuredClone(packChunk(chunk())));
        const fast = [...compiled.matchChunk(view)].map((x) => x === 1);
        expect(fast).toEqual(frames().map((f) => compiled.matches(f)));
      }
      texts = ALL;
    });
  }

  it('selects frames by a field of their events and by mark', () => {
    const view = new ChunkView(structuredClone(packChunk(chunk())));
    const picked = (filter: FrameFilter) => {
      const hits = compileFilter(filter).matchChunk(view);
      return frames().filter((_f, i) => hits[i] === 1).map((f) => f.pos);
    };
    const room7 = 10 + ALL.findIndex((t) => t?.includes('room\\":7'));
    expect(picked({ fields: [{ path: ['room'], values: ['7'] }] })).toEqual([room7]);
    expect(picked({ fields: [{ path: ['room'], values: ['7', '8'] }] })).toEqual([room7, room7 + 1]);
    expect(picked({ fields: [{ path: ['user'], values: ['ann'] }] }).length).toBe(1);
    expect(picked({ fields: [{ path: ['user'], values: ['ann'] }], caseSensitive: true })).toEqual([]);
    expect(picked({ marks: 4 })).toEqual(frames().filter((f) => f.flags & 4).map((f) => f.pos));
  });
});
