import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReport, canonicalEvent, compareEvents, compareItems, compileRemap, hash53, rowAt, SideBuilder, type CompareOptions } from '../../../src/replay/index.ts';
import { item, iterate } from './fixtures.ts';

/** One event per item: [channel, payload] pairs. */
function side(events: readonly (readonly [string, string])[], options: CompareOptions = {}) {
  const b = new SideBuilder(options);
  events.forEach(([c, e], i) => b.add(item(i, i, c, [e])));
  return b.build();
}

function rows(left: readonly (readonly [string, string])[], right: readonly (readonly [string, string])[], options: CompareOptions = {}, budget?: number) {
  const r = compareEvents(side(left, options), side(right, options), budget);
  return { r, rows: Array.from({ length: r.rows.length }, (_, i) => rowAt(r, i)) };
}

describe('canonical payloads', () => {
  it('ignores key order and whitespace, and the chosen fields', () => {
    expect(canonicalEvent('{"b":1, "a":{"y":2,"x":1}}')).toBe(canonicalEvent('{"a":{"x":1,"y":2},"b":1}'));
    const ignore = { names: new Set(['ts']), paths: [['meta', 'sentAt']] };
    expect(canonicalEvent('{"v":1,"ts":5,"meta":{"sentAt":1,"k":2},"list":[{"ts":9}]}', ignore)).toBe('{"list":[{}],"meta":{"k":2},"v":1}');
    expect(canonicalEvent('not json')).not.toBe(canonicalEvent('"not json"'));
    expect(hash53('a')).not.toBe(hash53('b'));
    expect(Number.isSafeInteger(hash53('anything'))).toBe(true);
  });
});

describe('compare', () => {
  it('matched, missing, extra and reordered, with side-by-side rows', () => {
    const A: [string, string][] = [['/c', '1'], ['/c', '2'], ['/c', '3'], ['/c', '4']];
    const B: [string, string][] = [['/c', '1'], ['/c', '4'], ['/c', '3'], ['/c', '5']];
    const { r, rows: rs } = rows(A, B);
    expect(r.counts).toEqual({ left: 4, right: 4, matched: 2, reordered: 1, missing: 1, extra: 1 });
    expect(r.identical).toBe(false);
    expect(rs).toEqual([
      { status: 'matched', left: 0, right: 0 },
      { status: 'missing', left: 1 },
      { status: 'reordered', left: 2, right: 2 },
      { status: 'matched', left: 3, right: 1 },
      { status: 'extra', right: 3 },
    ]);
  });

  it('channel counts unless ignored; ignored fields make timestamps irrelevant', () => {
    expect(rows([['/a', '1']], [['/b', '1']]).r.counts.matched).toBe(0);
    expect(rows([['/a', '1']], [['/b', '1']], { ignoreChannel: true }).r.counts.matched).toBe(1);
    const A: [string, string][] = [['/a', '{"v":1,"at":100}']];
    const B: [string, string][] = [['/a', '{"at":999,"v":1}']];
    expect(rows(A, B).r.counts.matched).toBe(0);
    expect(rows(A, B, { ignoreFields: ['at'] }).r.identical).toBe(true);
  });

  it('compares a remapped replay against its original through the left rules', async () => {
    const remap = compileRemap([{ from: '/default/*', to: '/staging/*' }]);
    if (!remap.ok) throw new Error();
    const r = await compareItems(iterate([item(0, 0, '/default/x', ['1', '2'])]), iterate([item(5, 0, '/staging/x', ['1']), item(6, 0, '/staging/x', ['2'])]), { leftRules: remap.rules });
    expect(r.identical).toBe(true);
    expect(Array.from(r.left.index)).toEqual([0, 1]);
    expect(Array.from(r.right.pos)).toEqual([5, 6]);
  });

  it('builds a JSON report with the differences described and a limit', async () => {
    const { r } = rows([['/c', '1'], ['/c', '2']], [['/c', '3'], ['/c', '1']]);
    const report = await buildReport(
      r,
      { left: { sessionId: 'L', name: 'capture', what: 'received' }, right: { sessionId: 'R', name: 'replay', what: 'published' } },
      { ignoreFields: ['ts'] },
      async (s, pos) => ({ channel: '/c', event: `${s}@${pos}` }),
      1,
      new Date(0),
    );
    expect(report).toMatchObject({ format: 'appsync-events-devtools-compare', version: 1, createdAt: '1970-01-01T00:00:00.000Z', identical: false, omitted: 1 });
    expect(report.counts).toEqual({ left: 2, right: 2, matched: 1, reordered: 0, missing: 1, extra: 1 });
    expect(report.differences).toEqual([{ status: 'extra', right: { pos: 0, index: 0, channel: '/c', event: 'right@0' } }]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

const events = fc.array(fc.tuple(fc.constantFrom('/a', '/b'), fc.integer({ min: 0, max: 6 }).map(String)), { maxLength: 40 });

describe('compare properties', () => {
  it('in-order matches are a longest common subsequence', () => {
    const lcs = (A: readonly (readonly [string, string])[], B: readonly (readonly [string, string])[]) => {
      const d = Array.from({ length: A.length + 1 }, () => new Array<number>(B.length + 1).fill(0));
      for (let i = 1; i <= A.length; i++)
        for (let j = 1; j <= B.length; j++)
          d[i]![j] = A[i - 1]!.join() === B[j - 1]!.join() ? d[i - 1]![j - 1]! + 1 : Math.max(d[i - 1]![j]!, d[i]![j - 1]!);
      return d[A.length]![B.length]!;
    };
    fc.assert(fc.property(events, events, (A, B) => {
      expect(rows(A, B).r.counts.matched).toBe(lcs(A, B));
    }));
  });

  it('every event is accounted for exactly once on each side (exact and budget-limited matching)', () => {
    fc.assert(
      fc.property(events, events, fc.constantFrom(undefined, 0), (A, B, budget) => {
        const { r, rows: rs } = rows(A, B, {}, budget);
        const c = r.counts;
        expect(c.matched + c.reordered + c.missing).toBe(A.length);
        expect(c.matched + c.reordered + c.extra).toBe(B.length);
        const lefts = rs.filter((x) => x.left !== undefined).map((x) => x.left);
        const rights = rs.filter((x) => x.right !== undefined).map((x) => x.right);
        expect(lefts).toEqual(A.map((_, i) => i));
        expect([...rights].sort((x, y) => x! - y!)).toEqual(B.map((_, i) => i));
        // Matched pairs really are the same event.
        for (const x of rs) if (x.left !== undefined && x.right !== undefined) expect(A[x.left]).toEqual(B[x.right]);
        // In-order matches appear in increasing order on both sides.
        const anchors = rs.filter((x) => x.status === 'matched');
        for (let i = 1; i < anchors.length; i++) expect(anchors[i]!.right!).toBeGreaterThan(anchors[i - 1]!.right!);
      }),
    );
  });

  it('a sequence equals itself; a permutation has nothing missing or extra; deletions are missing', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 40 }), (A, seeds) => {
        expect(rows(A, A).r.identical).toBe(true);
        const perm = [...A];
        seeds.forEach((s, i) => {
          if (perm.length < 2) return;
          const a = i % perm.length;
          const b = s % perm.length;
          [perm[a], perm[b]] = [perm[b]!, perm[a]!];
        });
        const p = rows(A, perm).r.counts;
        expect(p.missing + p.extra).toBe(0);
        const kept = A.filter((_, i) => (seeds[i] ?? 1) % 3 !== 0);
        const d = rows(A, kept).r.counts;
        expect(d).toMatchObject({ missing: A.length - kept.length, extra: 0, reordered: 0 });
      }),
    );
  });

  it('is symmetric: what is missing one way is extra the other', () => {
    fc.assert(
      fc.property(events, events, (A, B) => {
        const ab = rows(A, B).r.counts;
        const ba = rows(B, A).r.counts;
        expect(ab.missing).toBe(ba.extra);
        expect(ab.extra).toBe(ba.missing);
        expect(ab.matched + ab.reordered).toBe(ba.matched + ba.reordered);
      }),
    );
  });

  it('stays fast and flat for large inputs', () => {
    const n = 200_000;
    const b = new SideBuilder({});
    const c = new SideBuilder({});
    for (let i = 0; i < n; i++) {
      const ev = `{"i":${i}}`;
      b.add(item(i, i, '/d/x', [ev]));
      c.add(item(i, i, '/d/x', [i % 1000 === 0 ? '{"other":1}' : ev]));
    }
    const started = Date.now();
    const r = compareEvents(b.build(), c.build());
    expect(r.counts).toMatchObject({ missing: 200, extra: 200, reordered: 0, matched: n - 200 });
    expect(Date.now() - started).toBeLessThan(20_000);
    // The test's own bound is the assertion above; vitest's 5 s default is not a measure of it on a busy machine.
  }, 30_000);
});
