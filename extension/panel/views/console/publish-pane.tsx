// Publish: channel, the JSON editor, the checks before sending (with an override to send
// anyway and see the service's own error), and each result beside the request, newest
// first: per-event verdicts, or the service's errors with the HTTP status, body and a hint.
import { hintFor } from '../../../../src/pubsub/index.ts';
import { formatTime, resultState } from './console-model.ts';
import type { ConsoleStore, PublishResult } from './console-store.ts';
import { JsonEditor } from './json-editor.tsx';

function ResultView({ r }: { r: PublishResult }) {
  const o = r.outcome;
  const state = resultState(o);
  const anyFailed = o.ok && o.events.some((e) => !e.ok);
  return (
    <li class={`publish-result ${state}`} data-testid="publish-result" data-state={state}>
      <div class="result-head">
        <strong>{state}</strong> · {r.transport === 'http' ? 'HTTP' : 'WebSocket'} · {r.channel} · {formatTime(r.at)} · {Math.round(o.durationMs)} ms
        {o.status !== undefined ? ` · HTTP ${o.status}` : ''}
      </div>
      {o.ok ? (
        // Code and message columns only when an event failed: with all events through, the
        // identifiers get the width and stay on one line each.
        <table class={anyFailed ? 'event-results' : 'event-results all-ok'}>
          <thead>
            <tr>
              <th>index</th>
              <th>result</th>
              <th>identifier</th>
              {anyFailed && <th>code</th>}
              {anyFailed && <th>message</th>}
            </tr>
          </thead>
          <tbody>
            {o.events.map((e) => {
              const hint = e.ok ? undefined : hintFor({ ...(e.errorType ? { errorType: e.errorType } : {}), ...(e.message ? { message: e.message } : {}) }, { mode: r.mode, operation: 'publish' });
              return (
                <tr data-testid="event-result" data-ok={String(e.ok)} class={e.ok ? '' : 'error'}>
                  <td>{e.index}</td>
                  <td>{e.ok ? 'successful' : 'failed'}</td>
                  <td class="mono identifier" title={e.identifier ?? ''}>
                    {e.identifier ?? ''}
                  </td>
                  {anyFailed && <td>{[e.code, e.errorType].filter(Boolean).join(' ')}</td>}
                  {anyFailed && (
                    <td>
                      {e.message ?? ''}
                      {hint && <div class="hint">{hint}</div>}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <div class="publish-error error" data-testid="publish-error">
          {o.status !== undefined && <div>HTTP {o.status === 0 ? '— (no response)' : o.status}</div>}
          <ul>
            {o.errors.map((e) => (
              <li>
                {[e.errorType, e.errorCode, e.message].filter((x) => x !== undefined && x !== '').join(' · ')}
              </li>
            ))}
          </ul>
          {o.body && <pre class="body">{o.body}</pre>}
          {(() => {
            const hint = hintFor(o.errors[0], { mode: r.mode, operation: 'publish', ...(o.status !== undefined ? { status: o.status } : {}) });
            return hint ? <div class="hint">{hint}</div> : null;
          })()}
        </div>
      )}
      <details>
        <summary>Request</summary>
        <pre>{r.body}</pre>
      </details>
    </li>
  );
}

/** The checks of the text as it would be sent; the only part that renders again on each key. */
function Checks({ store }: { store: ConsoleStore }) {
  const problems = store.problems();
  if (problems.length === 0) return null;
  return (
    <ul class={`problems ${store.attempted.value && !store.override.value ? 'error' : 'warn'}`} data-testid="publish-problems">
      {problems.map((p) => (
        <li>{p.message}</li>
      ))}
    </ul>
  );
}

export function PublishPane({ store }: { store: ConsoleStore }) {
  const busy = store.sending.value > 0;
  const active = store.templates.value.find((t) => t.id === store.activeTemplate.value);
  return (
    <section class="console-card publish-pane" aria-label="Publish">
      <h3>Publish</h3>
      <label>
        Channel
        <input data-testid="publish-channel" value={store.channel.value} placeholder="/default/test" onInput={(e) => (store.channel.value = (e.currentTarget as HTMLInputElement).value)} />
      </label>
      <div class="editor-label">
        Events: one JSON value, or an array of up to five. Variables {'{{uuid}} {{now}} {{iso}} {{counter}}'} are replaced when sent.
        {active && <span class="info"> Template "{active.name}" (next counter {active.counter + 1}).</span>}
      </div>
      <JsonEditor text={store.text} onChange={store.setText} label="Events JSON" testId="publish-editor" />
      <Checks store={store} />
      <div class="row">
        <label class="check" title="Send even when the checks fail, to see how the service answers">
          <input type="checkbox" data-testid="publish-override" checked={store.override.value} onChange={(e) => (store.override.value = (e.currentTarget as HTMLInputElement).checked)} />
          Send anyway (test the service's own errors)
        </label>
        <span class="spacer" />
        <button type="button" class="primary" data-testid="publish-http" onClick={() => void store.publish('http')}>
          Publish (HTTP)
        </button>
        <button type="button" class="primary" data-testid="publish-ws" onClick={() => void store.publish('ws')}>
          Publish (WebSocket)
        </button>
      </div>
      {busy && <p class="info">Sending…</p>}
      {store.results.value.length === 0 ? (
        <p class="info">Results appear here, newest first: each event's identifier, or the service's error.</p>
      ) : (
        <ol class="results">
          {store.results.value.map((r) => (
            <ResultView r={r} key={r.id} />
          ))}
        </ol>
      )}
    </section>
  );
}
