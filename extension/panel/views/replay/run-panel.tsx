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
  if (!run) {
    return (
      <p class="hint replay-idle" data-testid="replay-idle">
        Pick a session, what to replay and a target above, then Start replay. Progress, Pause and Stop, and a summary (sent, acknowledged, failed and why) appear here; the
        result is stored as a session of its own that you can compare with the original.
      </p>
    );
  }
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
        <div title="Events handed to the target"><dt>Sent</dt><dd data-count="sent">{p.sent}</dd></div>
        {(run.target !== 'inject' || p.acknowledged > 0) && (
          <div title="The service answered publish_success (or HTTP 200) for them"><dt>Acknowledged</dt><dd data-count="acknowledged">{p.acknowledged}</dd></div>
        )}
        {(run.target === 'inject' || p.delivered > 0) && (
          <div title="The page's hook handed them to the app's listeners"><dt>Delivered to the page</dt><dd data-count="delivered">{p.delivered}</dd></div>
        )}
        <div title="Sent, but no answer came in time: they may or may not have arrived"><dt>Unconfirmed</dt><dd data-count="unconfirmed" class={p.unconfirmed ? 'warn' : ''}>{p.unconfirmed}</dd></div>
        <div title="Refused, or not sendable (the reasons are listed below)"><dt>Failed</dt><dd data-count="failed" class={p.failed ? 'error' : ''}>{p.failed}</dd></div>
        {p.retries > 0 && <div title="Sends repeated after the service throttled them"><dt>Retries after throttling</dt><dd data-count="retries">{p.retries}</dd></div>}
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
