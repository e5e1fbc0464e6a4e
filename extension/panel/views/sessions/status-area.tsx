// Import progress, the outcome of the last action, and one "Undo" toast per deleted session.
import { describePlace } from '../../../../src/sessions/index.ts';
import type { SessionsStore } from '../../store/sessions-store.ts';
import { formatBytes } from './format-session.ts';

export function ImportProgress({ store }: { store: SessionsStore }) {
  const state = store.importing.value;
  if (!state) return null;
  const total = state.totalBytes;
  const label = `Importing “${state.fileName}”: ${formatBytes(state.bytesRead)}${total ? ` of ${formatBytes(total)}` : ''}, ${state.frames.toLocaleString()} frames`;
  return (
    <div class="import-progress" data-testid="import-progress">
      <span>{label}</span>
      <progress aria-label="Import progress" max={total || 1} value={total ? state.bytesRead : undefined} />
      <button type="button" onClick={() => store.cancelImport()}>
        Cancel
      </button>
    </div>
  );
}

export function Messages({ store }: { store: SessionsStore }) {
  const error = store.error.value;
  const notice = store.notice.value;
  if (!error && !notice) return null;
  return (
    <div class={`message ${error ? 'error-box' : 'notice-box'}`} role={error ? 'alert' : 'status'} data-testid={error ? 'sessions-error' : 'sessions-notice'}>
      <span>{error ?? notice}</span>
      <button type="button" class="icon" aria-label="Dismiss message" onClick={() => store.dismissMessages()}>
        ×
      </button>
    </div>
  );
}

/** What the last import skipped or changed, each with its place in the file. Text only: file data is never HTML. */
export function ImportWarningList({ store }: { store: SessionsStore }) {
  const report = store.importWarnings.value;
  if (!report) return null;
  const more = report.count - report.warnings.length;
  return (
    <details class="import-warnings" open data-testid="import-warnings">
      <summary>
        {report.count.toLocaleString()} {report.count === 1 ? 'item' : 'items'} of “{report.fileName}” skipped or changed on import
      </summary>
      <ul>
        {report.warnings.map((w, i) => {
          const place = describePlace(w.place);
          return (
            <li key={i} data-code={w.code}>
              {place ? <span class="place">{place}: </span> : null}
              {w.message}
            </li>
          );
        })}
      </ul>
      {more > 0 && <p class="hint">and {more.toLocaleString()} more of the same kinds.</p>}
    </details>
  );
}

export function UndoToasts({ store }: { store: SessionsStore }) {
  const pending = store.pendingDeletes.value;
  if (pending.length === 0) return null;
  return (
    <div class="toasts" role="status" aria-live="polite">
      {pending.map((p) => (
        <div class="toast" key={p.id} data-testid="undo-toast">
          <span class="toast-text">Deleted “{p.name}”.</span>
          <button type="button" onClick={() => void store.undo(p.id)} aria-label={`Undo delete of ${p.name}`}>
            Undo
          </button>
        </div>
      ))}
    </div>
  );
}
