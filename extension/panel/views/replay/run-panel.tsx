// Progress, controls and summary of a replay run. Every number says what it counts; a run
// that ended early says why and how far it got.
import type { ReplayStore } from './replay-store.ts';

function percent(done: number, total: number | undefined): number | undefined {
  return total && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : undefined;
}

const STATE_LABEL: Record<string, string> = {
  running: 'Replaying…',
  paused: 'Paused',
  stopping: 'Stopping after the send in flight…',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
  saving: 'Saving the result session…',
};

export function RunPanel({ store, onCompare }: { store: ReplayStore; onCompare: () => void }) {
  const run = store.run.value;
  if (!run) return null;
  const p = run.progress;
  const s = run.summary;
  // Messages dealt with, not read: the runner reads one ahead of its send.
  const pct = percent(p.handled, p.total);
  const live = p.state === 'running' || p.state === 'paused' || p.state === 'stopping';
  // The run has ended but its result session is still being written.
  const state = s ? s.state : live ? p.state : 'saving';
  return (
    <section class="replay-run" aria-label="Replay progress" data-testid="replay-run" data-state={state}>
      <div class="replay-run-head">
        <strong data-testid="replay-state">{STATE_LABEL[state] ?? state}</strong>
        <progress aria-label="Replay progress" max={p.total || 1} value={p.total ? Math.min(p.handled, p.total) : undefined} />
        <span class="hint" data-testid="replay-done">
          {p.handled.toLocaleString()}
          {p.total !== undefined ? ` of ${p.total.toLocaleString()}` : ''} messages{pct !== undefined ? ` (${pct}%)` : ''}
        </span>
        {p.state === 'running' && (
          <button type="button" data-testid="replay-pause" onClick={() => store.pause()}>
            Pause
          </button>
        )}
        {p.state === 'paused' && (
          <button type="button" data-testid="replay-resume" onClick={() => store.resume()}>
            Resume
          </button>
        )}
        {(p.state === 'running' || p.state === 'paused') && (
          <button type="button" class="danger" data-testid="replay-stop" onClick={() => store.stop()}>
            Stop
          </button>
        )}
        {s && (
          <button type="button" class="icon" aria-label="Dismiss the summary" onClick={() => store.dismiss()}>
            ×
          </button>
        )}
      </div>
      <dl class="replay-counts" data-testid="replay-counts">
        <div><dt>Sent</dt><dd data-count="sent">{p.sent}</dd></div>
        <div><dt>Acknowledged</dt><dd data-count="acknowledged">{p.acknowledged}</dd></div>
        <div><dt>Delivered to the page</dt><dd data-count="delivered">{p.delivered}</dd></div>
        <div><dt>Unconfirmed</dt><dd data-count="unconfirmed" class={p.unconfirmed ? 'warn' : ''}>{p.unconfirmed}</dd></div>
        <div><dt>Failed</dt><dd data-count="failed" class={p.failed ? 'error' : ''}>{p.failed}</dd></div>
        {p.retries > 0 && <div><dt>Retries after throttling</dt><dd data-count="retries">{p.retries}</dd></div>}
      </dl>
      {s && (
        <div class="replay-summary" data-testid="replay-summary">
          {s.endReason && <p class={s.state === 'failed' ? 'error' : 'warn'}>{s.endReason}</p>}
          {Object.keys(s.reasons).length > 0 && (
            <ul class="replay-reasons" aria-label="Why events failed">
              {Object.entries(s.reasons).map(([why, n]) => (
                <li>
                  <b>{n}</b> {why}
                </li>
              ))}
            </ul>
          )}
          {run.writeError && <p class="error">The result session could not be stored completely: {run.writeError}</p>}
          {run.resultSessionId && (
            <p>
              Result session: <span data-testid="replay-result-name" data-session-id={run.resultSessionId}>{run.resultName}</span> (in Sessions, source “replay”).{' '}
              <button type="button" onClick={onCompare}>
                Compare with the original
              </button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
