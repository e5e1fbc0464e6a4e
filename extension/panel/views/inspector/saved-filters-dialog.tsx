// Saved filters: save the filter bar as it is under a name, apply or remove one. Shared by
// every panel through storage.local.
import { useState } from 'preact/hooks';
import type { SyncedValue } from '../../store/synced-value.ts';
import type { FilterInput } from './filter-query.ts';
import { applied, isShown, saveProblem, withSaved, type SavedFilters } from './saved-filters.ts';

export type SavedFiltersStore = SyncedValue<SavedFilters>;

function options(f: { regex: boolean; caseSensitive: boolean; invert: boolean }): string {
  return [f.regex && 'regex', f.caseSensitive && 'match case', f.invert && 'inverted'].filter(Boolean).join(', ');
}

export function SavedFiltersDialog({ store, filter, onApply, onClose }: { store: SavedFiltersStore; filter: FilterInput; onApply: (f: Partial<FilterInput>) => void; onClose: () => void }) {
  const saved = store.value.value;
  const current = saved.filters.find((f) => isShown(f, filter));
  const [name, setName] = useState(current?.name ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const save = (e: Event) => {
    e.preventDefault();
    const why = saveProblem(saved, name, filter);
    if (why) return setProblem(why);
    setProblem(null);
    void store.save(withSaved(saved, name, filter));
  };
  return (
    <div class="dialog saved-filters-dialog" role="dialog" aria-label="Saved filters">
      <h2>Saved filters</h2>
      {filter.text.trim() === '' ? (
        <p class="muted" data-testid="saved-filters-hint">
          Type a filter in the bar to save it here.
        </p>
      ) : (
        <form class="saved-add" onSubmit={save}>
          <span class="muted">
            Save <code>{filter.text.trim()}</code>
            {options(filter) && ` (${options(filter)})`} as
          </span>
          <input aria-label="Filter name" placeholder="name, e.g. room 7 without ka" value={name} maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit">Save</button>
        </form>
      )}
      {saved.filters.length === 0 ? (
        <p class="empty-rules" data-testid="saved-filters-empty">
          No saved filters yet. Type a filter in the bar, for example <code>event.room.id:7 -type:ka</code>, then save it here to apply it again later, in any tab.
        </p>
      ) : (
        <ul class="saved-filters" aria-label="Saved">
          {saved.filters.map((f) => (
            <li key={f.name} class={current === f ? 'current' : ''}>
              <span class="saved-name">{f.name}</span>
              <code class="saved-text" title={f.text}>
                {f.text}
              </code>
              {options(f) && <span class="muted">{options(f)}</span>}
              <button
                type="button"
                aria-label={`Apply ${f.name}`}
                onClick={() => {
                  onApply(applied(f));
                  onClose();
                }}
              >
                Apply
              </button>
              <button type="button" aria-label={`Remove ${f.name}`} onClick={() => void store.save({ filters: saved.filters.filter((x) => x !== f) })}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {(problem ?? store.error.value) && (
        <p class="error" role="alert">
          {problem ?? store.error.value}
        </p>
      )}
      <div class="buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
