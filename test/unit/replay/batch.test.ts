import { describe, expect, it } from 'vitest';
import { compileRemap, planSends, type PlanOptions } from '../../../src/replay/index.ts';
import { MAX_EVENT_BYTES } from '../../../src/protocol/limits.ts';
import { collect, item, iterate } from './fixtures.ts';

const target: PlanOptions['target'] = {
  maxEventsPerSend: 5,
  maxEventBytes: MAX_EVENT_BYTES,
  maxSendBytes: 1000_000,
  channelProblem: (c) => (c.endsWith('/*') ? 'pattern' : undefined),
};

describe('planSends', () => {
  it('without merging: one send per item, an oversized publish split at five events', async () => {
    const events = ['1', '2', '3', '4', '5', '6', '7'];
    const out = await collect(planSends(iterate([item(0, 0, '/d/a', ['x']), item(1, 5, '/d/a', events, 'ws-publish')]), { rules: [], target, merge: false }));
    expect(out.map((p) => (p.kind === 'send' ? p.events.length : p.reason))).toEqual([1, 5, 2]);
  });

  it('merging: consecutive events on one channel up to five per send, a channel change closes the batch', async () => {
    const items = [
      ...Array.from({ length: 7 }, (_, i) => item(i, i, '/d/a', [String(i)])),
      item(7, 7, '/d/b', ['b']),
      item(8, 8, '/d/a', ['a']),
    ];
    const out = await collect(planSends(iterate(items), { rules: [], target, merge: true }));
    expect(out.map((p) => (p.kind === 'send' ? [p.channel, p.events.join('')] : p.reason))).toEqual([
      ['/d/a', '01234'],
      ['/d/a', '56'],
      ['/d/b', 'b'],
      ['/d/a', 'a'],
    ]);
    const first = out[0]!;
    expect(first.kind === 'send' && first.refs.map((r) => r.pos)).toEqual([0, 1, 2, 3, 4]);
  });

  it('merging respects the span of original time', async () => {
    const out = await collect(planSends(iterate([item(0, 0, '/d/a', ['1']), item(1, 0, '/d/a', ['2']), item(2, 10, '/d/a', ['3'])]), { rules: [], target, merge: true, mergeSpanMs: 0 }));
    expect(out.map((p) => (p.kind === 'send' ? p.events.join('') : ''))).toEqual(['12', '3']);
  });

  it('remaps, and turns what cannot be sent into skips with reasons', async () => {
    const remap = compileRemap([{ from: '/d/*', to: '/s/t/*' }]);
    if (!remap.ok) throw new Error(remap.problems.join());
    const big = '"' + 'x'.repeat(MAX_EVENT_BYTES) + '"';
    const items = [
      item(0, 0, '/d/a', ['1', big, '2']),
      item(1, 1, '/d/*', ['p']),
      { ...item(2, 2, '/d/a', []), problem: 'the capture kept only the start of this frame' },
      item(3, 3, '/d/a/b/c/e', ['deep']),
      item(4, 4, '/d/a', [], 'ws-publish'),
    ];
    const out = await collect(planSends(iterate(items), { rules: remap.rules, target, merge: false }));
    expect(out.map((p) => (p.kind === 'send' ? `send ${p.channel} ${p.events.join(',')}` : `skip ${p.refs.length} ${p.reason}`))).toEqual([
      'send /s/t/a 1',
      `skip 1 event is ${MAX_EVENT_BYTES + 2} bytes; the limit is ${MAX_EVENT_BYTES} bytes (240 KB)`,
      'send /s/t/a 2',
      'skip 1 pattern',
      'skip 1 the capture kept only the start of this frame',
      'skip 1 channel /s/t/a/b/c/e: channel has 6 segments; the limit is 5 (namespace included)',
      'skip 1 the publish has no events',
    ]);
  });

  it('a send never exceeds the byte budget', async () => {
    const ev = '"' + 'y'.repeat(400) + '"';
    const out = await collect(planSends(iterate(Array.from({ length: 6 }, (_, i) => item(i, i, '/d/a', [ev]))), { rules: [], target: { ...target, maxSendBytes: 1000 }, merge: true }));
    expect(out.map((p) => (p.kind === 'send' ? p.events.length : -1))).toEqual([2, 2, 2]);
  });
});
