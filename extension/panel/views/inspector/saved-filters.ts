// Saved filters: a name for a filter bar's text and options, kept in storage.local so that
// every panel (every tab, after a restart) can apply it again. Pure.
import type { FilterInput } from './filter-query.ts';

export const SAVED_FILTERS_KEY = 'savedFilters';
export const MAX_SAVED_FILTERS = 50;
const MAX_NAME = 80;
const MAX_TEXT = 2000;

export interface SavedFilter {
  readonly name: string;
  readonly text: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly invert: boolean;
}

export interface SavedFilters {
  readonly filters: readonly SavedFilter[];
}

export const NO_SAVED_FILTERS: SavedFilters = { filters: [] };

/** What storage holds, as a valid list: entries that are not saved filters are left out. */
export function parseSavedFilters(raw: unknown): SavedFilters {
  const list = (raw as { filters?: unknown } | null | undefined)?.filters;
  if (!Array.isArray(list)) return NO_SAVED_FILTERS;
  const filters: SavedFilter[] = [];
  for (const f of list.slice(0, MAX_SAVED_FILTERS)) {
    if (typeof f !== 'object' || f === null) continue;
    const { name, text, regex, caseSensitive, invert } = f as Record<string, unknown>;
    if (typeof name !== 'string' || typeof text !== 'string' || name.trim() === '' || name.length > MAX_NAME || text.length > MAX_TEXT) continue;
    filters.push({ name, text, regex: regex === true, caseSensitive: caseSensitive === true, invert: invert === true });
  }
  return { filters };
}

/** Why `name` cannot be saved now, or null. A name already used replaces that filter. */
export function saveProblem(saved: SavedFilters, name: string, filter: FilterInput): string | null {
  if (filter.text.trim() === '') return 'Type a filter first: there is nothing to save.';
  if (name.trim() === '') return 'Give the filter a name.';
  if (name.length > MAX_NAME) return `A name has at most ${MAX_NAME} characters.`;
  if (filter.text.length > MAX_TEXT) return `A saved filter has at most ${MAX_TEXT.toLocaleString()} characters.`;
  if (saved.filters.length >= MAX_SAVED_FILTERS && !saved.filters.some((f) => f.name === name.trim())) return `At most ${MAX_SAVED_FILTERS} saved filters; remove one first.`;
  return null;
}

/** The list with `filter` saved as `name` (replacing one of that name, else added last). */
export function withSaved(saved: SavedFilters, name: string, filter: FilterInput): SavedFilters {
  const entry: SavedFilter = { name: name.trim(), text: filter.text.trim(), regex: filter.regex, caseSensitive: filter.caseSensitive, invert: filter.invert };
  const at = saved.filters.findIndex((f) => f.name === entry.name);
  return { filters: at < 0 ? [...saved.filters, entry] : saved.filters.map((f, i) => (i === at ? entry : f)) };
}

/** Whether the filter bar shows exactly this saved filter. */
export function isShown(f: SavedFilter, filter: FilterInput): boolean {
  return f.text === filter.text.trim() && f.regex === filter.regex && f.caseSensitive === filter.caseSensitive && f.invert === filter.invert;
}

/** What applying a saved filter sets (the chips stay as they are). */
export function applied(f: SavedFilter): Pick<FilterInput, 'text' | 'regex' | 'caseSensitive' | 'invert'> {
  return { text: f.text, regex: f.regex, caseSensitive: f.caseSensitive, invert: f.invert };
}
