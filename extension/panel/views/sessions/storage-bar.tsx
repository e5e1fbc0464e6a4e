// How much of the storage budget the sessions use, what the browser itself reports, and a
// way to change the budget. Lowering it below what is stored removes sessions, so that
// needs a second, explicit click.
import { useState } from 'preact/hooks';
import type { StorageUse } from '../../store/sessions-store.ts';
import { formatBytes } from './format-session.ts';

const MIB = 1024 * 1024;

interface Props {
  readonly use: StorageUse;
  readonly onSetBudget: (bytes: number, evict: boolean) => Promise<void>;
}

function BudgetForm({ use, onSetBudget, onClose }: Props & { onClose: () => void }) {
  const [mb, setMb] = useState(String(Math.round(use.budgetBytes / MIB)));
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmEvict, setConfirmEvict] = useState(false);
  const bytes = Number(mb) * MIB;

  const save = async (evict: boolean): Promise<void> => {
    if (!Number.isFinite(bytes) || bytes < MIB) {
      setProblem('Enter a budget of at least 1 MiB.');
      return;
    }
    if (bytes < use.usedBytes && !evict) {
      setConfirmEvict(true);
      return;
    }
    await onSetBudget(bytes, evict);
    onClose();
  };

  return (
    <form
      class="budget-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <label>
        Budget (MiB){' '}
        <input
          type="number"
          min={1}
          step={1}
          value={mb}
          aria-invalid={problem !== null}
          onInput={(e) => {
            setMb(e.currentTarget.value);
            setProblem(null);
            setConfirmEvict(false);
          }}
        />
      </label>
      {confirmEvict ? (
        <>
          <span class="warn" role="alert">
            Sessions use {formatBytes(use.usedBytes)}: the oldest unpinned ones will be removed to fit.
          </span>
          <button type="button" class="danger" onClick={() => void save(true)}>
            Apply and remove
          </button>
        </>
      ) : (
        <button type="submit">Save</button>
      )}
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {problem && (
        <span class="error" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}

export function StorageBar({ use, onSetBudget }: Props) {
  const [editing, setEditing] = useState(false);
  const ratio = use.budgetBytes > 0 ? use.usedBytes / use.budgetBytes : 0;
  const percent = Math.min(100, Math.round(ratio * 100));
  const level = ratio >= 0.9 ? 'high' : ratio >= 0.7 ? 'mid' : 'low';
  return (
    <div class="storage" data-testid="storage">
      <span class="storage-label">Storage</span>
      <div
        class={`storage-bar ${level}`}
        role="meter"
        aria-label="Storage used by sessions"
        aria-valuemin={0}
        aria-valuemax={use.budgetBytes}
        aria-valuenow={Math.min(use.usedBytes, use.budgetBytes)}
        aria-valuetext={`${formatBytes(use.usedBytes)} of ${formatBytes(use.budgetBytes)}`}
      >
        <div class="storage-fill" style={{ width: use.usedBytes > 0 ? `max(2px, ${percent}%)` : '0' }} />
      </div>
      <span class="storage-text" data-testid="storage-text">
        {formatBytes(use.usedBytes)} of {formatBytes(use.budgetBytes)} budget
      </span>
      {use.estimate && (
        <span class="storage-estimate" title="What the browser reports for everything this extension stores">
          (browser: {formatBytes(use.estimate.usage)} used of {formatBytes(use.estimate.quota)})
        </span>
      )}
      {editing ? (
        <BudgetForm use={use} onSetBudget={onSetBudget} onClose={() => setEditing(false)} />
      ) : (
        <button type="button" onClick={() => setEditing(true)}>
          Change budget
        </button>
      )}
    </div>
  );
}
