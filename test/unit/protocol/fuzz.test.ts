import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelMatches,
  classifyFrame,
  createLintContext,
  decodeAuthSubprotocol,
  decodeFrame,
  decodeHttpPublish,
  decodeHttpPublishResponse,
  decodeJwt,
  detectAuthMode,
  encodeAuthSubprotocol,
  lintFrame,
  lintHttpPublish,
  normalizeChannel,
  parseChannel,
  redactAuthHeaders,
  redactFrameText,
  redactSubprotocol,
} from '../../../src/protocol/index.ts';
import { frames, http } from './reference-frames.ts';

const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
let before = '';
beforeAll(() => {
  before = protoKeys();
});
afterAll(() => {
  expect(protoKeys()).toBe(before);
});

const samples = [...Object.values(frames), ...Object.values(http)];
const ctx = createLintContext({ protocols: ['aws-appsync-event-ws'] });

/** Everything that takes untrusted text must be total and keep Object.prototype clean. */
function exercise(text: string): void {
  for (const direction of ['send', 'receive'] as const) {
    const d = decodeFrame(text, { direction });
    expect(typeof d.type).toBe('string');
    expect(typeof d.known).toBe('boolean');
    expect(Array.isArray(lintFrame(d, ctx))).toBe(true);
    if (d.message) expect(Object.getPrototypeOf(d.message)).toBe(Object.prototype);
  }
  classifyFrame(text);
  const h = decodeHttpPublish(text);
  expect(typeof h.ok).toBe('boolean');
  lintHttpPublish(h, { host: 'x' });
  expect(typeof decodeHttpPublishResponse(200, text).ok).toBe('boolean');
  expect(typeof redactFrameText(text)).toBe('string');
  decodeAuthSubprotocol(text);
  decodeAuthSubprotocol('header-' + text);
  redactSubprotocol('header-' + text);
  decodeJwt(text);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', '\u0000', '\ud800', '"__proto__":', 'null') }),
  fc.record({ kind: fc.constant('proto' as const), key: fc.constantFrom('__proto__', 'constructor', 'prototype') }),
);

interface Mutation {
  kind: string;
  at?: number;
  ch?: string;
  s?: string;
  key?: string;
}

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : (m.at ?? 0) % text.length;
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'flip':
      return text.slice(0, at) + (m.ch ?? '') + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + (m.s ?? '') + text.slice(at);
    default:
      return text.replace('{', `{"${m.key}":{"polluted":true,"prototype":{"polluted":true}},`);
  }
}

describe('totality', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), exercise), { numRuns: 300 });
  });

  it('random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => exercise(JSON.stringify(v) ?? 'null')), { numRuns: 300 });
  });

  it('random objects with AppSync-ish keys', () => {
    const key = fc.constantFrom('type', 'id', 'channel', 'events', 'event', 'errors', 'successful', 'failed', 'authorization', 'payload', '__proto__', 'connectionTimeoutMs');
    const type = fc.oneof(fc.constantFrom('subscribe', 'publish', 'data', 'publish_success', 'error', 'connection_ack', 'unsubscribe', 'subscribe_error'), fc.jsonValue());
    const obj = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })).chain((o) => type.map((t) => ({ ...o, type: t })));
    fc.assert(fc.property(obj, (o) => exercise(JSON.stringify(o))), { numRuns: 400 });
  });

  it('mutated reference frames', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, ms) => {
        exercise(ms.reduce<string>((t, m) => mutate(t, m), text));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes, buffers and typed arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('u8', 'buffer', 'i16', 'dv', 'f64'), (bytes, kind) => {
        const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + (bytes.byteLength & ~7));
        const input =
          kind === 'u8' ? bytes : kind === 'buffer' ? bytes.buffer : kind === 'i16' ? new Int16Array(buf) : kind === 'dv' ? new DataView(bytes.buffer) : new Float64Array(buf);
        const d = decodeFrame(input);
        expect(typeof d.type).toBe('string');
        lintFrame(d, ctx);
      }),
      { numRuns: 200 },
    );
  });

  it('deep nesting (10k levels)', () => {
    const depth = 10_000;
    const texts = [
      '['.repeat(depth) + ']'.repeat(depth),
      '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      '{"type":"publish","id":"p","channel":"/a","authorization":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + ',"events":["' + '['.repeat(depth) + ']'.repeat(depth) + '"]}',
      '{"type":"data","id":"d","event":"' + '{\\"a\\":'.repeat(depth) + '1' + '}'.repeat(depth) + '"}',
      '['.repeat(depth), // unterminated
    ];
    for (const t of texts) exercise(t);
  });

  it('5 MB strings', () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const texts = [
      big,
      `{"type":"publish","id":"p","channel":"/a/b","events":["\\"${big}\\""],"authorization":{"x-api-key":"da2-0123456789abcdefghijklmnop"}}`,
      `{"type":"data","id":"d","event":"\\"${big}\\""}`,
      `{"channel":"/a","events":["${big}"]}`,
    ];
    for (const t of texts) {
      const d = decodeFrame(t, { direction: 'send' });
      expect(typeof d.type).toBe('string');
      lintFrame(d, createLintContext());
      classifyFrame(t);
      expect(redactFrameText(t)).not.toContain('da2-0123456789abcdefghijklmnop');
      lintHttpPublish(decodeHttpPublish(t));
    }
    expect(decodeFrame(texts[1] as string).events?.[0]?.ok).toBe(true);
    expect(decodeFrame(texts[1] as string, { maxBytes: 1024 }).type).toBe('(oversized)');
  });

  it('hostile objects where objects are allowed', () => {
    const thrower = () => {
      throw new Error('boom');
    };
    const getterBomb = new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower, getPrototypeOf: thrower });
    const binaryBomb = { binary: true, get size() { return thrower(); }, get preview() { return thrower(); } };
    const headerBomb = Object.defineProperty({ 'x-api-key': 'k' }, 'authorization', { enumerable: true, get: thrower });
    for (const x of [getterBomb, binaryBomb, headerBomb]) {
      expect(typeof decodeFrame(x as never).type).toBe('string');
      expect(typeof decodeFrame('{"type":"ka"}', x as never).type).toBe('string');
      expect(typeof detectAuthMode(x as never)).toBe('string');
      expect(redactAuthHeaders(x as never)).toBeTypeOf('object');
      expect(lintFrame(x as never, createLintContext())).toBeInstanceOf(Array);
      expect(lintHttpPublish(x as never, x as never)).toBeInstanceOf(Array);
      expect(() => createLintContext({ protocols: x as never, upgradeHeaders: x as never })).not.toThrow();
    }
  });
});

describe('properties', () => {
  const segment = fc
    .tuple(
      fc.constantFrom(...'abcXYZ019'),
      fc.string({ unit: fc.constantFrom(...'abcdefXYZ0129-'), maxLength: 48 }),
      fc.constantFrom(...'aZ9'),
    )
    .map(([a, mid, z]) => (mid.length === 0 ? a : a + mid + z));
  const validChannel = fc
    .tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean())
    .map(([segs, lead, trail]) => ({ segs, text: (lead ? '/' : '') + segs.join('/') + (trail ? '/' : '') }));

  it('encode/decode auth subprotocol round-trips', () => {
    const header = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(header, (h) => {
        const p = encodeAuthSubprotocol(h);
        expect(p).toMatch(/^header-[A-Za-z0-9_-]*$/);
        expect(decodeAuthSubprotocol(p)).toEqual(JSON.parse(JSON.stringify(h)));
      }),
      { numRuns: 300 },
    );
  });

  it('normalizeChannel is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', 'a', '*', '-', ' ') }), (s) => {
        const n = normalizeChannel(s);
        expect(normalizeChannel(n)).toBe(n);
        // Input beginning with an invisible character (here: a space) is kept as it was sent.
        if (s.startsWith(' ')) {
          expect(n).toBe(s);
        } else {
          expect(n.startsWith('/')).toBe(true);
          expect(n.length === 1 || !n.endsWith('/')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parseChannel accepts every generated valid channel', () => {
    fc.assert(
      fc.property(validChannel, ({ segs, text }) => {
        const r = parseChannel(text);
        expect(r).toEqual({ ok: true, channel: '/' + segs.join('/'), namespace: segs[0], segments: segs, wildcard: false });
        expect(normalizeChannel(text)).toBe('/' + segs.join('/'));
        if (segs.length < 5) {
          const w = parseChannel(text.replace(/\/$/, '') + '/*', { allowWildcard: true });
          expect(w.ok && w.wildcard).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parseChannel rejects channels with one invalid change', () => {
    const breakIt = fc.oneof(
      fc.record({ how: fc.constant('char' as const), ch: fc.constantFrom('_', '.', ' ', '@', 'é', '*', '\u0000', '%', '+'), pos: fc.nat() }),
      fc.record({ how: fc.constant('edge' as const), start: fc.boolean() }),
      fc.constant({ how: 'long' as const }),
      fc.constant({ how: 'many' as const }),
      fc.constant({ how: 'empty' as const }),
    );
    fc.assert(
      fc.property(validChannel, breakIt, fc.nat(), ({ segs }, b, which) => {
        const s = [...segs];
        const i = which % s.length;
        const seg = s[i] as string;
        if (b.how === 'char') {
          const p = b.pos % (seg.length + 1);
          s[i] = seg.slice(0, p) + b.ch + seg.slice(p);
        } else if (b.how === 'edge') s[i] = b.start ? '-' + seg : seg + '-';
        else if (b.how === 'long') s[i] = seg + 'a'.repeat(51 - seg.length + 1);
        else if (b.how === 'many') while (s.length < 6) s.push('x');
        else s.splice(i, 0, ''); // '//' inside or at the start
        const text = '/' + s.join('/');
        expect(parseChannel(text).ok).toBe(false);
        if (!(b.how === 'char' && b.ch === '*')) expect(parseChannel(text, { allowWildcard: true }).ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('a trailing wildcard matches exactly the longer channels under its prefix', () => {
    fc.assert(
      fc.property(validChannel, fc.nat(), ({ segs }, k) => {
        const channel = '/' + segs.join('/');
        const n = 1 + (k % segs.length);
        const pattern = '/' + segs.slice(0, n).join('/') + '/*';
        expect(channelMatches(pattern, channel)).toBe(n < segs.length);
        expect(channelMatches(channel, channel + '/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('redaction removes any long secret from a frame', () => {
    const secret = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEF0123456789'), minLength: 24, maxLength: 80 });
    fc.assert(
      fc.property(secret, fc.constantFrom('x-api-key', 'Authorization', 'x-amz-security-token'), fc.nat(), (s, key, cut) => {
        const frame = JSON.stringify({ type: 'subscribe', id: 'a', channel: '/a', authorization: { [key]: s, host: 'h' } });
        expect(redactFrameText(frame)).not.toContain(s);
        // Truncated captures too, wherever they are cut (at least the secret's tail is gone).
        const truncated = frame.slice(0, cut % (frame.length + 1));
        expect(redactFrameText(truncated)).not.toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});
