import { describe, expect, it } from 'vitest';
import { compileBlockRules, readBlockRules } from '../../../src/capture/block-match.ts';
import { activeMatches, describeRule, MAX_BLOCK_RULES, parseBlockRules, ruleProblem } from '../../../src/capture/block-rules.ts';
import { readCommand } from '../../../src/capture/hook-core.ts';

describe('block rules: what the hook matches', () => {
  it('matches by direction, compact JSON type and contained text, any rule being enough', () => {
    const m = compileBlockRules([
      { dir: 'receive', type: 'ka', contains: '' },
      { dir: 'send', type: 'publish', contains: '/default/secret' },
      { dir: 'any', type: '', contains: 'DROP-ME' },
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
  });

  it('reads only well-formed rule lists from a command', () => {
    expect(readBlockRules([{ dir: 'send', type: 'ka', contains: '' }])).toEqual([{ dir: 'send', type: 'ka', contains: '' }]);
    expect(readBlockRules([])).toEqual([]);
    expect(readBlockRules('nope')).toBeUndefined();
    expect(readBlockRules([{ dir: 'sideways', type: '', contains: '' }])).toBeUndefined();
    expect(readBlockRules([{ dir: 'send', type: 'a"b', contains: '' }])).toBeUndefined();
    expect(readBlockRules([{ dir: 'send', type: '', contains: 'x'.repeat(5000) }])).toBeUndefined();
    expect(readBlockRules(Array.from({ length: MAX_BLOCK_RULES + 1 }, () => ({ dir: 'any', type: '', contains: 'x' })))).toBeUndefined();
    // Inherited properties are not read: a page cannot answer for a rule through a prototype.
    const inherited = Object.create({ dir: 'send', type: 'ka', contains: '' }) as object;
    expect(readBlockRules([inherited])).toBeUndefined();
    expect(readCommand({ type: 'blockRulesChanged', rules: [{ dir: 'receive', type: 'data', contains: 'x' }] })).toEqual({
      type: 'blockRulesChanged',
      rules: [{ dir: 'receive', type: 'data', contains: 'x' }],
    });
    expect(readCommand({ type: 'blockRulesChanged', rules: {} })).toBeUndefined();
  });
});

describe('block rules: what is stored and edited', () => {
  it('parses stored rules leniently and hands on only the ones switched on', () => {
    const parsed = parseBlockRules({
      rules: [
        { dir: 'receive', type: ' ka ', contains: '' },
        { dir: 'send', type: 'publish', contains: 'x', on: false },
        { dir: 'up', type: '', contains: '' },
        'junk',
      ],
    });
    expect(parsed.rules).toEqual([
      { dir: 'receive', type: 'ka', contains: '', on: true },
      { dir: 'send', type: 'publish', contains: 'x', on: false },
    ]);
    expect(activeMatches(parsed)).toEqual([{ dir: 'receive', type: 'ka', contains: '' }]);
    expect(parseBlockRules(undefined).rules).toEqual([]);
    expect(parseBlockRules({ rules: 'x' }).rules).toEqual([]);
  });

  it('describes rules in words and says why one cannot be saved', () => {
    expect(describeRule({ dir: 'receive', type: 'ka', contains: '' })).toBe('ka messages the server sends');
    expect(describeRule({ dir: 'any', type: '', contains: 'abc' })).toBe('every message containing "abc"');
    expect(ruleProblem({ type: 'k"a', contains: '' })).toMatch(/no quotes/);
    expect(ruleProblem({ type: 'ka', contains: '' })).toBeUndefined();
  });
});
