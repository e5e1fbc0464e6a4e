import { describe, expect, it } from 'vitest';
import { compileBlockRules, readBlockRules } from '../../../src/capture/block-match.ts';
import { activeMatches, describeRule, MAX_BLOCK_RULES, parseBlockRules, ruleProblem } from '../../../src/capture/block-rules.ts';
import { readCommand } from '../../../src/capture/hook-core.ts';

describe('block rules: what the hook matches', () => {
  it('matches by direction, compact JSON type and contained text, any rule being enough', () => {
    const m = compileBlockRules([
      { dir: 'receive', type: 'ka', contains: '', replace: '' },
      { dir: 'send', type: 'publish', contains: '/default/secret', replace: '' },
      { dir: 'any', type: '', contains: 'DROP-ME', replace: '' },
    ])!;
    expect(m(false, '{"type":"ka"}')).toBe(true);
    expect(m(true, '{"type":"ka"}')).toBe(false);
    expect(m(true, '{"type":"publish","id":"p","channel":"/default/secret","events":["1"]}')).toBe(true);
    expect(m(true, '{"type":"publish","id":"p","channel":"/default/open","events":["1"]}')).toBe(false);
    expect(m(false, '{"type":"data","id":"s","event":"DROP-ME"}')).toBe(true);
    expect(m(true, 'DROP-ME')).toBe(true);
    // An event whose own JSON has a type is a string inside the frame: its quotes are escaped.
    expect(m(false, '{"type":"data","id":"s","event":"{\\"type\\":\\"ka\\"}"}')).toBe(false);
    // Types match whole: ka is not kangaroo.
    expect(m(false, '{"type":"kangaroo"}')).toBe(false);
    expect(compileBlockRules([])).toBeNull();
    // A replacement is the verdict: the text to deliver or send instead.
    const r = compileBlockRules([{ dir: 'receive', type: 'data', contains: 'old', replace: '{"type":"data","event":"new"}' }])!;
    expect(r(false, '{"type":"data","event":"old"}')).toBe('{"type":"data","event":"new"}');
    expect(r(false, '{"type":"data","event":"other"}')).toBe(false);
  });

  it('reads only well-formed rule lists from a command', () => {
    expect(readBlockRules([{ dir: 'send', type: 'ka', contains: '', replace: '' }])).toEqual([{ dir: 'send', type: 'ka', contains: '', replace: '' }]);
    expect(readBlockRules([{ dir: 'send', type: 'ka', contains: '' }])).toBeUndefined();
    expect(readBlockRules([])).toEqual([]);
    expect(readBlockRules('nope')).toBeUndefined();
    expect(readBlockRules([{ dir: 'sideways', type: '', contains: '' }])).toBeUndefined();
    expect(readBlockRules([{ dir: 'send', type: 'a"b', contains: '', replace: '' }])).toBeUndefined();
    expect(readBlockRules([{ dir: 'send', type: '', contains: 'x'.repeat(5000), replace: '' }])).toBeUndefined();
    expect(readBlockRules(Array.from({ length: MAX_BLOCK_RULES + 1 }, () => ({ dir: 'any', type: '', contains: 'x', replace: '' })))).toBeUndefined();
    // Inherited properties are not read: a page cannot answer for a rule through a prototype.
    const inherited = Object.create({ dir: 'send', type: 'ka', contains: '', replace: '' }) as object;
    expect(readBlockRules([inherited])).toBeUndefined();
    expect(readCommand({ type: 'blockRulesChanged', rules: [{ dir: 'receive', type: 'data', contains: 'x', replace: '' }] })).toEqual({
      type: 'blockRulesChanged',
      rules: [{ dir: 'receive', type: 'data', contains: 'x', replace: '' }],
    });
    expect(readCommand({ type: 'blockRulesChanged', rules: {} })).toBeUndefined();
  });
});

describe('block rules: what is stored and edited', () => {
  it('parses stored rules leniently and hands on only the ones switched on', () => {
    const parsed = parseBlockRules({
      rules: [
        { dir: 'receive', type: ' ka ', contains: '', replace: '' },
        { dir: 'send', type: 'publish', contains: 'x', on: false },
        { dir: 'receive', type: 'data', contains: '', replace: 42 },
        { dir: 'up', type: '', contains: '' },
        'junk',
      ],
    });
    expect(parsed.rules).toEqual([
      { dir: 'receive', type: 'ka', contains: '', replace: '', on: true },
      { dir: 'send', type: 'publish', contains: 'x', replace: '', on: false },
      { dir: 'receive', type: 'data', contains: '', replace: '', on: true },
    ]);
    expect(activeMatches(parsed)).toEqual([
      { dir: 'receive', type: 'ka', contains: '', replace: '' },
      { dir: 'receive', type: 'data', contains: '', replace: '' },
    ]);
    expect(parseBlockRules(undefined).rules).toEqual([]);
    expect(parseBlockRules({ rules: 'x' }).rules).toEqual([]);
  });

  it('describes rules in words and says why one cannot be saved', () => {
    expect(describeRule({ dir: 'receive', type: 'ka', contains: '', replace: '' })).toBe('ka messages the server sends');
    expect(describeRule({ dir: 'any', type: '', contains: 'abc', replace: '' })).toBe('every message containing "abc"');
    expect(describeRule({ dir: 'receive', type: 'data', contains: '', replace: 'x'.repeat(100) })).toBe(`data messages the server sends, replaced with ${'x'.repeat(60)}…`);
    expect(ruleProblem({ type: 'k"a', contains: '' })).toMatch(/no quotes/);
    expect(ruleProblem({ type: 'ka', contains: '' })).toBeUndefined();
  });
});
