import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredFrame } from '../../../src/sessions/types.ts';
import { createTrafficModel, restoreTrafficModel } from '../../../src/traffic/index.ts';
import { data, FrameSequence, sub, subOk } from '../../fixtures/traffic/builder.ts';

const ids = fc.constantFrom('a', 'b', '__proto__', 'toString', '', 'has space');
const types = fc.constantFrom('subscribe', 'subscribe_success', 'subscribe_error', 'unsubscribe', 'unsubscribe_success', 'data', 'ka', 'publish', 'publish_success', 'publish_error', 'error', 'connection_ack', 'connection_init', 'start_ack', 'weird');
const texts = fc.oneof(
  fc.record({ type: types, id: ids, channel: fc.constantFrom('/default/a', 'default/*', '\uFEFFx', '//'), events: fc.array(fc.jsonValue().map((v) => JSON.stringify(v)), { maxLength: 6 }), successful: fc.array(fc.record({ identifier: fc.string(), index: fc.integer({ min: -2, max: 6 }) }), { maxLength: 6 }), failed: fc.array(fc.anything(), { maxLength: 3 }), event: fc.oneof(fc.string(), fc.jsonValue()), connectionTimeoutMs: fc.oneof(fc.integer(), fc.double()) }, { requiredKeys: ['type'] }).map((o) => JSON.stringify(o)),
  fc.string(),
);
const dirs = fc.constantFrom<StoredFrame['dir']>('send', 'receive', 'connecting', 'open', 'close', 'error', 'http-request', 'http-response');
const frameArb = fc.record({ conn: fc.constantFrom('c1', 'c2', 'http h'), dir: dirs, text: fc.option(texts, { nil: undefined }), dt: fc.integer({ min: -5, max: 400_000 }), labels: fc.boolean() });

function toFrames(raw: { conn: string; dir: StoredFrame['dir']; text: string | undefined; dt: number; labels: boolean }[]): StoredFrame[] {
  let t = 1_700_000_000_000;
  return raw.map((r, pos) => {
    t += r.dt;
    let labels: Partial<StoredFrame> = {};
    if (r.labels && r.text) {
      try {
        const o = JSON.parse(r.text) as Record<string, unknown>;
        labels = { ...(typeof o['type'] === 'string' ? { type: o['type'] } : {}), ...(typeof o['id'] === 'string' ? { id: o['id'] } : {}) };
      } catch {
        // unlabelled
      }
    }
    return { pos, sock: r.conn, seq: pos, t, conn: r.conn, dir: r.dir, size: r.text?.length ?? 0, flags: 0, ...(r.text !== undefined ? { text: r.text } : {}), ...labels, ...(r.dir === 'http-response' ? { extra: { status: 200 } } : {}) };
  });
}

describe('properties', () => {
  it('random and hostile sequences never throw, findings stay sorted, batching does not matter', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (raw, step) => {
        const frames = toFrames(raw);
        const whole = createTrafficModel();
        whole.apply(frames);
        const parts = createTrafficModel();
        for (let i = 0; i < frames.length; i += step) parts.apply(frames.slice(i, i + step));
        expect(whole.stats().overflow).toEqual({});
        const f = whole.findings();
        for (let i = 1; i < f.length; i++) expect(f[i]!.pos).toBeGreaterThanOrEqual(f[i - 1]!.pos);
        expect(parts.findings()).toEqual(f);
        expect(parts.subscriptions()).toEqual(whole.subscriptions());
        expect(parts.publishes()).toEqual(whole.publishes());
        for (const fr of frames) {
          const c = whole.correlation(fr.pos);
          if (c) expect(c.links.length).toBeGreaterThan(0);
        }
        const restored = restoreTrafficModel(whole.snapshot());
        expect(restored.stats()).toEqual(whole.stats());
      }),
      { numRuns: 150 },
    );
  });

  it('leaving out the texts the model says it does not read changes nothing it shows', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 60 }), fc.boolean(), (raw, lintData) => {
        const frames = toFrames(raw);
        const full = createTrafficModel({ lintData });
        full.apply(frames);
        const lean = createTrafficModel({ lintData });
        lean.apply(frames.map(({ text, ...rest }) => (text !== undefined && lean.readsText(rest.dir, rest.type, rest.size) ? { ...rest, text } : rest)));
        expect(lean.snapshot()).toEqual(full.snapshot());
        expect(lean.findings()).toEqual(full.findings());
      }),
      { numRuns: 200 },
    );
    // Not vacuous: at saturation's mix, data and ka are read without texts; the rest with.
    const m = createTrafficModel();
    expect([m.readsText('receive', 'data', 500), m.readsText('receive', 'ka', 20), m.readsText('send', 'subscribe', 80), m.readsText('http-request', undefined, 80), m.readsText('receive', undefined, 80), m.readsText('close', undefined, 0)]).toEqual([false, false, true, true, true, false]);
    expect(createTrafficModel({ lintData: true }).readsText('receive', 'data', 500)).toBe(true);
    expect(m.readsText('receive', 'data', 300_000)).toBe(true);
  });

  it('memory per frame is bounded: ~10 bytes of typed arrays per data frame, no objects', () => {
    const seq = new FrameSequence().send('c', sub('s', '/default/a')).receive('c', subOk('s'));
    const one = data('s', { n: 1 });
    for (let i = 0; i < 100_000; i++) seq.receive('c', one);
    const m = createTrafficModel();
    m.apply(seq.frames);
    const state = m.snapshot().state as Record<string, unknown>;
    let typed = 0;
    const stack: unknown[] = [state];
    const seen = new Set<unknown>();
    let objects = 0;
    while (stack.length > 0) {
      const v = stack.pop();
      if (v === null || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      if (ArrayBuffer.isView(v)) {
        typed += v.byteLength;
        continue;
      }
      objects++;
      if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      else for (const x of Object.values(v)) stack.push(x);
    }
    expect(typed / seq.frames.length).toBeLessThanOrEqual(10.5);
    expect(objects).toBeLessThan(200);
  });
});
