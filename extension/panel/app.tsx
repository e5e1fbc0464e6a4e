// The panel shell: one tab per view. Views own their state; the shell only switches.
import type { ComponentType } from 'preact';
import { useState } from 'preact/hooks';
import type { LiveStore } from './store/live-store.ts';
import type { SessionsStore } from './store/sessions-store.ts';
import type { InspectorStore } from './views/inspector/inspector-store.ts';
import type { BlockRulesStore } from './views/inspector/block-rules-store.ts';
import type { SavedFiltersStore } from './views/inspector/saved-filters-dialog.tsx';
import { InspectorView } from './views/inspector/inspector-view.tsx';
import { SessionsView } from './views/sessions/sessions-view.tsx';
import { ReplayView } from './views/replay/replay-view.tsx';
import { createReplayStore, type ReplayStore } from './views/replay/replay-store.ts';
import { ConsoleView } from './views/console/console-view.tsx';
import type { ConsoleStore } from './views/console/console-store.ts';

type ViewName = 'inspector' | 'sessions' | 'replay' | 'console';

const VIEWS: ReadonlyArray<{ readonly name: ViewName; readonly label: string }> = [
  { name: 'inspector', label: 'Inspector' },
  { name: 'console', label: 'Console' },
  { name: 'replay', label: 'Replay' },
  { name: 'sessions', label: 'Sessions' },
];

interface Props {
  /** The background link; null when the panel inspects no tab (opened as a plain page). */
  readonly live: LiveStore | null;
  readonly sessions: SessionsStore;
  readonly inspector: InspectorStore;
  readonly Settings?: ComponentType<{ onClose: () => void }>;
  readonly blockRules?: BlockRulesStore;
  readonly savedFilters?: SavedFiltersStore;
  readonly replay?: ReplayStore;
  /** The pub/sub console; its tab is shown when there is one. */
  readonly consoleStore?: ConsoleStore;
}

// The stores live as long as the panel, not the view: switching tabs must not end an undo
// window, drop an import in progress or lose the inspector's filter and selection.
export function App({ live, sessions, inspector, Settings, blockRules, savedFilters, replay = createReplayStore(), consoleStore }: Props) {
  const [view, setView] = useState<ViewName>('inspector');
  return (
    <div class="app">
      <nav class="tabs" role="tablist" aria-label="Views">
        {VIEWS.filter((v) => v.name !== 'console' || consoleStore).map((v) => (
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
        {view === 'inspector' && (
          <InspectorView
            store={inspector}
            sessions={sessions}
            live={live}
            {...(Settings ? { Settings } : {})}
            {...(blockRules ? { blockRules } : {})}
            {...(savedFilters ? { savedFilters } : {})}
            onReplay={(sessionId, positions) => {
              replay.preset(sessionId, positions);
              setView('replay');
            }}
          />
        )}
        {view === 'sessions' && (
          <SessionsView
            store={sessions}
            onOpen={(id) => {
              inspector.show({ kind: 'stored', id });
              setView('inspector');
            }}
          />
        )}
        {view === 'replay' && <ReplayView store={replay} />}
        {view === 'console' && consoleStore && <ConsoleView store={consoleStore} />}
      </div>
    </div>
  );
}
