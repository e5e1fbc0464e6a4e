import { describe, expect, test } from 'vitest';
import { EMPTY_FILTER } from '../../../extension/panel/views/inspector/filter-query.ts';
import { MAX_SAVED_FILTERS, NO_SAVED_FILTERS, parseSavedFilters, saveProblem, withSaved } from '../../../extension/panel/views/inspector/saved-filters.ts';

describe('saved filters', () => {
  const f = (text: string) => ({ ...EMPTY_FILTER, text });
  test('a name already used replaces that filter in place; names and texts are trimmed', () => {
    let s = withSaved(NO_SAVED_FILTERS, ' a ', f(' type:data '));
    s = withSaved(s, 'b', f('x'));
    s = withSaved(s, 'a', { ...f('type:ka'), invert: true });
    expect(s.filters).toEqual([
      { name: 'a', text: 'type:ka', regex: false, caseSensitive: false, invert: true },
      { name: 'b', text: 'x', regex: false, caseSensitive: false, invert: false },
    ]);
  });

  test('problems in words, and the bound (replacing is still allowed at it)', () => {
    expect(saveProblem(NO_SAVED_FILTERS, 'n', f('  '))).toMatch(/nothing to save/);
    expect(saveProblem(NO_SAVED_FILTERS, ' ', f('x'))).toMatch(/name/);
    expect(saveProblem(NO_SAVED_FILTERS, 'n'.repeat(81), f('x'))).toMatch(/80 characters/);
    const full = { filters: Array.from({ length: MAX_SAVED_FILTERS }, (_, i) => ({ name: `f${i}`, text: 'x', regex: false, caseSensitive: false, invert: false })) };
    expect(saveProblem(full, 'new', f('x'))).toMatch(/At most 50/);
    expect(saveProblem(full, 'f3', f('y'))).toBeNull();
  });

  test('storage is read leniently', () => {
    for (const raw of [undefined, null, 7, 'x', { filters: 'no' }]) expect(parseSavedFilters(raw)).toEqual(NO_SAVED_FILTERS);
    expect(parseSavedFilters({ filters: [{ name: 'a', text: 't', regex: 'yes', caseSensitive: true }, { name: 'b' }, null] }).filters).toEqual([{ name: 'a', text: 't', regex: false, caseSensitive: true, invert: false }]);
  });
});
