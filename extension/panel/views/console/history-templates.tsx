// Publish history (every publish, re-run with one click) and saved templates (channel and
// events with variables, expanded at send time).
import { HISTORY_LIMIT, outcomeSummary, variablesIn } from '../../../../src/pubsub/index.ts';
import { formatTime } from './console-model.ts';
import type { ConsoleStore } from './console-store.ts';

export function TemplatesPane({ store }: { store: ConsoleStore }) {
  const list = store.templates.value;
  return (
    <section class="console-card templates-pane" aria-label="Templates">
      <h3>Templates</h3>
      <div class="row">
        <input
          data-testid="template-name"
          aria-label="Template name"
          placeholder="Template name"
          value={store.templateName.value}
          onInput={(e) => (store.templateName.value = (e.currentTarget as HTMLInputElement).value)}
        />
        <button type="button" data-testid="template-save" onClick={() => store.saveTemplate()} title="Save the channel and the editor's events">
          Save current as template
        </button>
      </div>
      {list.length === 0 ? (
        <p class="info">No templates: write a channel and events, then save them here. Use {'"{{uuid}}"'}, {'{{now}}'}, {'"{{iso}}"'} or {'{{counter}}'} for values that change per send.</p>
      ) : (
        <ul class="plain-list">
          {list.map((t) => {
            const vars = variablesIn(t.channel + t.body);
            return (
              <li data-testid="template-item" class={store.activeTemplate.value === t.id ? 'selected' : ''}>
                <span class="entry" title={t.channel}>
                  <strong>{t.name}</strong> <span class="mono">{t.channel}</span>
                  {vars.length > 0 && <span class="info"> · {vars.map((v) => `{{${v}}}`).join(' ')}</span>}
                  {t.counter > 0 && <span class="info"> · used {t.counter}×</span>}
                </span>
                <button type="button" data-testid="template-use" onClick={() => store.useTemplate(t.id)}>
                  Use
                </button>
                <button type="button" onClick={() => store.deleteTemplate(t.id)} aria-label={`Delete template ${t.name}`}>
                  Delete
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function HistoryPane({ store }: { store: ConsoleStore }) {
  const list = store.history.value;
  return (
    <section class="console-card history-pane" aria-label="History">
      <div class="row">
        <h3>History</h3>
        <span class="info">
          {list.length} of at most {HISTORY_LIMIT} kept
        </span>
        <span class="spacer" />
        {list.length > 0 && (
          <button type="button" onClick={() => store.clearHistory()}>
            Clear
          </button>
        )}
      </div>
      {list.length === 0 ? (
        <p class="info">Every publish lands here, to run again with one click.</p>
      ) : (
        <ul class="plain-list">
          {list.map((h) => (
            <li data-testid="history-item" class={h.outcome && (!h.outcome.ok || h.outcome.events.some((e) => !e.ok)) ? 'failed' : ''}>
              <span class="entry" title={h.channel}>
                <span class="time">{formatTime(h.at)}</span> {h.transport === 'http' ? 'HTTP' : 'WS'} <span class="mono">{h.channel}</span> · {outcomeSummary(h.outcome)}
              </span>
              <button type="button" onClick={() => store.loadFromHistory(h.id)} title="Put this channel and these events in the editor">
                Edit
              </button>
              <button type="button" data-testid="history-rerun" onClick={() => void store.rerun(h.id)}>
                Re-run
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
