// The panel shell: one tab per view. Views own their state; the shell only switches.
import { useState } from 'preact/hooks';
import type { LiveStore } from './store/live-store.ts';
import type { SessionsStore } from './store/sessions-store.ts';
import { LiveView } from './views/live/live-view.tsx';
import { SessionsView } from './views/sessions/sessions-view.tsx';
import { ReplayView } from './views/replay/replay-view.tsx';
import { createReplayStore, type ReplayStore } from './views/replay/replay-store.ts';

type ViewName = 'live' | 'sessions' | 'replay';

const VIEWS: ReadonlyArray<{ readonly name: ViewName; readonly label: string }> = [
  { name: 'live', label: 'Live' },
  { name: 'sessions', label: 'Sessions' },
  { name: 'replay', label: 'Replay' },
];

// The stores live as long as the panel, not the view: switching tabs must not end an undo
// window or drop an import in progress.
export function App({ store, sessions, tabId, replay = createReplayStore() }: { store: LiveStore; sessions: SessionsStore; tabId: number | null; replay?: ReplayStore }) {
  const [view, setView] = useState<ViewName>('live');
  return (
    <div class="app">
      <nav class="tabs" role="tablist" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            type="button"
            role="tab"
            id={`tab-${v.name}`}
            aria-selected={view === v.name}
            aria-controls={`view-${v.name}`}
            class={view === v.name ? 'selected' : ''}
            onClick={() => setView(v.name)}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <div class="view-host" role="tabpanel" id={`view-${view}`} aria-labelledby={`tab-${view}`}>
        {view === 'live' ? <LiveView store={store} tabId={tabId} /> : view === 'replay' ? <ReplayView store={replay} /> : <SessionsView store={sessions} />}
      </div>
    </div>
  );
}
