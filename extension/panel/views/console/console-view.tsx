// The Console: act as an AppSync Events client from the panel. Profile on top (one line once
// saved), then publish, connection and subscriptions, and templates with history side by side
// so that all of them are in view together on a laptop screen; narrower, they wrap.
import { useEffect } from 'preact/hooks';
import type { ConsoleStore } from './console-store.ts';
import { EMULATOR_API_KEY, EMULATOR_PORT } from './console-model.ts';
import { HistoryPane, TemplatesPane } from './history-templates.tsx';
import { ProfileEditor } from './profile-editor.tsx';
import { PublishPane } from './publish-pane.tsx';
import { SubscriptionsPane } from './subscriptions-pane.tsx';
import './console.css';

function EmptyState({ store }: { store: ConsoleStore }) {
  return (
    <div class="console-empty" data-testid="console-empty">
      <h2>No endpoint profile yet</h2>
      <p>
        A profile names an AppSync Events API (its HTTP or real-time domain) and how to authenticate. Fill the form below, or start from a button in its first row:
      </p>
      <ul>
        {store.profile.canUsePage && <li>“Use this page's endpoint” takes the endpoint and credentials of a connection the inspected page made.</li>}
        <li>
          “Local emulator”: run <code>npm run emulator</code> in this project; it listens on http://127.0.0.1:{EMULATOR_PORT} with the API key <code>{EMULATOR_API_KEY}</code>.
        </li>
      </ul>
    </div>
  );
}

export function ConsoleView({ store }: { store: ConsoleStore }) {
  useEffect(() => {
    if (!store.loaded.value) void store.load();
  }, [store]);
  const recorded = store.recordedAs.value;
  return (
    <div class="view console-view" data-testid="console-view">
      <div class="console-scroll">
        {store.loadProblem.value && <p class="error" role="alert">{store.loadProblem.value}</p>}
        {store.loaded.value && store.profile.profiles.value.length === 0 && <EmptyState store={store} />}
        <ProfileEditor store={store.profile} now={store.now()} />
        <div class="console-columns">
          <PublishPane store={store} />
          <SubscriptionsPane store={store} />
          <div class="console-stack">
            <TemplatesPane store={store} />
            <HistoryPane store={store} />
          </div>
        </div>
      </div>
      <footer class="console-footer" aria-live="polite">
        {store.recordingProblem.value ? (
          <span class="error">{store.recordingProblem.value}</span>
        ) : recorded ? (
          <span>
            Console traffic is recorded as session “{recorded.name}” (Sessions tab); its connections show as “console” in the inspector.
          </span>
        ) : (
          <span class="info">Console traffic is recorded as a session of its own once you connect or publish.</span>
        )}
        {store.storageProblem.value && <span class="error"> {store.storageProblem.value}</span>}
      </footer>
    </div>
  );
}
