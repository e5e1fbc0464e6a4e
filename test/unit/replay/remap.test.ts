import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRemap, parseRemapText, remapChannel } from '../../../src/replay/index.ts';
import { parseChannel } from '../../../src/protocol/channel.ts';

function rules(...pairs: [string, string][]) {
  const c = compileRemap(pairs.map(([from, to]) => ({ from, to })));
  if (!c.ok) throw new Error(c.problems.join('; '));
  return c.rules;
}

describe('channel remapping', () => {
  it('maps a prefix onto another prefix, keeping the rest of the path', () => {
    const r = rules(['/default/orders/*', '/staging/orders/*']);
    expect(remapChannel(r, '/default/orders/eu/1')).toBe('/staging/orders/eu/1');
    expect(remapChannel(r, 'default/orders/a/')).toBe('/staging/orders/a');
    expect(remapChannel(r, '/default/orders')).toBe('/default/orders');
    expect(remapChannel(r, '/default/other/a')).toBe('/default/other/a');
    // A received event's subscription pattern maps like a channel.
    expect(remapChannel(r, '/default/orders/*')).toBe('/staging/orders/*');
  });

  it('prefers exact rules, then the longest prefix', () => {
    const r = rules(['/a/*', '/x/*'], ['/a/b/*', '/y/*'], ['/a/b/c', '/z/exact']);
    expect(remapChannel(r, '/a/b/c')).toBe('/z/exact');
    expect(remapChannel(r, '/a/b/d')).toBe('/y/d');
    expect(remapChannel(r, '/a/q')).toBe('/x/q');
  });

  it('rejects invalid rules with reasons', () => {
    const c = compileRemap([
      { from: '/a/*', to: '/b' },
      { from: '/bad_ns/x', to: '/b/x' },
      { from: '/a', to: '' },
    ]);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.problems).toHaveLength(3);
      expect(c.problems[0]).toMatch(/both sides/);
      expect(c.problems[1]).toMatch(/"from".*"_"/);
      expect(c.problems[2]).toMatch(/"to".*empty/);
    }
  });

  it('parses one rule a line in the arrow forms', () => {
    expect(parseRemapText('/a/* → /b/*\n# note\n\n/c -> /d\n/e   /f')).toEqual([
      { from: '/a/*', to: '/b/*' },
      { from: '/c', to: '/d' },
      { from: '/e', to: '/f' },
    ]);
  });

  it('property: without a matching rule the channel is unchanged; a prefix rule keeps the suffix', () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 3 }), fc.array(seg, { minLength: 1, maxLength: 2 }), seg, (suffix, target, ns) => {
        const r = rules([`/${ns}/src/*`, `/${target.join('/')}/*`]);
        const ch = `/${ns}/src/${suffix.join('/')}`;
        const mapped = remapChannel(r, ch);
        expect(mapped).toBe(`/${target.join('/')}/${suffix.join('/')}`);
        expect(remapChannel(r, `/${ns}x/${suffix.join('/')}`)).toBe(`/${ns}x/${suffix.join('/')}`);
        // Mapped channels may exceed the segment limit: the planner reports those.
        if (target.length + suffix.length <= 5) expect(parseChannel(mapped).ok).toBe(true);
      }),
    );
  });
});
