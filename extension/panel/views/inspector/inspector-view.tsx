// The inspector: one view over a frame source, for the session being recorded for the
// inspected tab and for any stored or imported session alike.
import { BlockRulesDialog, type RuleDraft } from './block-rules-dialog.tsx';
import type { BlockRulesStore } from './block-rules-store.ts';
import { activeMatches, allOff } from '../../../../src/capture/block-rules.ts';
import { ImportInput } from '../../components/import-input.tsx';
import { useComputed } from '@preact/signals';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { dataMemo } from '../../components/data-memo.ts';
import type { LiveStore } from '../../store/live-store.ts';
import type { ExportKind, SessionsStore } from '../../store/sessions-store.ts';
import { ExportDialog } from '../sessions/export-dialog.tsx';
import type { ComponentType } from 'preact';
import type { InspectorStore } from './inspector-store.ts';
import type { FrameSource } from './frame-source.ts';
import { saveExcerpt, type SessionRecord, type StoredFrame } from '../../../../src/sessions/index.ts';
import { Toolbar } from './toolbar.tsx';
import { FrameTable } from './frame-table.tsx';
import { DetailPane } from './detail-pane.tsx';
import { ConnectionsSidebar } from './connections-sidebar.tsx';
import { ChainSection } from './chain-section.tsx';
import { connectionLabel } from './filter-query.ts';
import { addToken, toggleSubscription } from './filter-tokens.ts';
import { SavedFiltersDialog, type SavedFiltersStore } from './saved-filters-dialog.tsx';
import { isShown } from './saved-filters.ts';
import { StatsPane } from './stats-pane.tsx';
import { UncapturedNotice } from './uncaptured-notice.tsx';
import './inspector.css';

// Rendered only when their data changed (see data-memo.ts), not on every render of the view.
const FrameTablePart = dataMemo(FrameTable);
const SidebarPart = dataMemo(ConnectionsSidebar);
const StatsPart = dataMemo(StatsPane);
const UncapturedPart = dataMemo(UncapturedNotice);

/** How often a recording session's sidebar re-judges keep-alive health. */
const HEALTH_TICK_MS = 2000;


interface Props {
  readonly store: InspectorStore;
  readonly sessions: SessionsStore;
  /** The background link, when the panel inspects a tab. */
  readonly live: LiveStore | null;
  /** The block rules (extension storage, so the entry injects the store). */
  readonly blockRules?: BlockRulesStore;
  readonly savedFilters?: SavedFiltersStore;
  /** The capture settings dialog (it needs extension storage, so the entry injects it). */
  readonly Settings?: ComponentType<{ onClose: () => void }>;
  /** "Replay this": frames of the shown session handed to the Replay view. */
  readonly onReplay?: (sessionId: string, positions: readonly number[]) => void;
}

function EmptyState({ live, hasTab, recording }: { live: boolean; hasTab: boolean; recording: boolean }) {
  if (live && !hasTab) {
    return (
      <div class="empty" data-testid="inspector-empty">
        <p>This panel is not attached to a tab.</p>
        <p>Open it from DevTools on the page you want to inspect, or pick a stored session above.</p>
      </div>
    );
  }
  if (live) {
    return (
      <div class="empty" data-testid="inspector-empty">
        <p>{recording ? 'Recording. No AppSync Events traffic yet.' : 'No AppSync Events traffic yet.'}</p>
        <p>
          Open a page that uses AppSync Events: its WebSocket frames to <code>…/event/realtime</code> and HTTP publishes to <code>…/event</code> appear here. Reload the
          page to capture from the start.
        </p>
      </div>
    );
  }
  return (
    <div class="empty" data-testid="inspector-empty">
      This session has no frames.
    </div>
  );
}

/** The positions of every frame a filtered source has matched so far, ascending. */
function matchedPositions(source: FrameSource): number[] {
  return Array.from({ length: source.count.value }, (_, row) => source.posAt(row)).filter((p) => p >= 0);
}

export function InspectorView({ store, sessions, live, Settings, onReplay, blockRules, savedFilters }: Props) {
  const [detailOpen, setDetailOpen] = useState(false);
  // The block rules dialog, with the rule it starts from ("Block like this…").
  const [blocking, setBlocking] = useState<{ draft?: RuleDraft } | null>(null);
  const [savedOpen, setSavedOpen] = useState(false);
  const [excerpt, setExcerpt] = useState<{ readonly saving: true } | { readonly saved: SessionRecord } | { readonly failed: string } | null>(null);
  const blockingOn = blockRules ? activeMatches(blockRules.rules.value).length : 0;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);
  const [statsOpen, setStatsOpen] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLDivElement>(null);

  // The background's messages say which session is being recorded and when it grew.
  useEffect(() => {
    if (!live) return;
    return live.state.subscribe((s) => {
      store.liveSession(s.sessionId);
      store.liveGrew();
    });
  }, [live, store]);
  // While recording, keep-alive health and ages move on without new frames.
  const recordingNow = store.session.value?.state === 'recording';
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!recordingNow) return;
    const id = setInterval(() => setTick((n) => n + 1), HEALTH_TICK_MS);
    return () => clearInterval(id);
  }, [recordingNow]);
  // The picker's list; read after the first rows, which matter more at startup.
  useEffect(() => {
    const id = setTimeout(() => void sessions.refresh(), 300);
    return () => clearTimeout(id);
  }, [sessions]);

  const session = store.session.value;
  const source = store.source.value;
  const target = store.target.value;
  // Through a computed: every `recordsCaptured` (up to ten a second while recording) makes a
  // new live state with the same status, and reading the state itself re-rendered the whole
  // view (toolbar, sidebar, table) for each of them.
  const status = useComputed(() => live?.state.value.status ?? null).value;
  const workerOn = status?.workerCapture === true;
  const workerProblem = live?.workerProblem.value ?? status?.workerCaptureProblem ?? null;
  // Offered on the tab being recorded only, and where the browser has the debugger.
  const workerCapture = useMemo(
    () => (live?.workerCaptureOffered && store.target.value.kind === 'live' ? { on: workerOn, problem: workerProblem, set: (on: boolean) => void live.setWorkerCapture(on) } : null),
    [live, workerOn, workerProblem, store.target.value.kind],
  );
  const selected = store.selected.value;
  const selectedPos = store.selectedPos.value;
  // Reading version re-renders the table once per page or batch of matches.
  const version = source?.version.value ?? 0;
  const count = source?.count.value ?? 0;
  const scan = source?.scan.value ?? null;
  const isLive = target.kind === 'live';
  const trafficVersion = store.trafficVersion.value;
  const traffic = store.traffic;
  const now = store.trafficNow();
  // Accessors the table compares by identity: the same functions while the model is the same.
  const channelOf = useMemo(() => (traffic ? (f: StoredFrame) => traffic.channelFor(f) : undefined), [traffic]);
  const markOf = useMemo(() => (traffic ? (pos: number) => traffic.markAt(pos) : undefined), [traffic]);

  const select = (pos: number): void => {
    void store.select(pos);
    setDetailOpen(true);
  };

  // A linked frame the filter hides is shown all the same, with a note saying so.
  const follow = (pos: number): void => select(pos);

  const importFiles = async (files: FileList | null): Promise<void> => {
    const file = files?.[0];
    if (!file) return;
    const imported = await sessions.importFile(file, file.name);
    if (imported) store.show({ kind: 'stored', id: imported.id });
  };

  const setFilterText = (text: string): void => store.setFilter({ text });
  const keepMatches = async (): Promise<void> => {
    if (!session || !source?.filtered) return;
    const positions = matchedPositions(source);
    const what = store.filter.value.text.trim();
    setExcerpt({ saving: true });
    try {
      const saved = await saveExcerpt(await sessions.db(), session, positions, { name: `${session.name} — ${what}`.slice(0, 120) });
      void sessions.refresh();
      setExcerpt({ saved });
    } catch (e) {
      setExcerpt({ failed: `The matching frames were not kept: ${e instanceof Error ? e.message : String(e)}. The session itself is unchanged.` });
    }
  };
  const showSubscription = (conn: number, id: string): void => {
    const c = traffic?.connection(conn);
    if (c) setFilterText(toggleSubscription('', `conn:${connectionLabel(c.connId, store.labels.value)}`, `id:${id}`));
  };

  const origin = store.origin.value;
  const selectedRow = selectedPos !== null && source ? source.rowOf(selectedPos) : -1;
  const hiddenSelection = selectedPos !== null && source?.filtered && selectedRow < 0;
  const message = sessions.error.value ?? sessions.notice.value;
  const importing = sessions.importing.value;

  return (
    <div class="view inspector" data-testid="inspector">
      <Toolbar
        live={live !== null}
        status={status}
        connected={live?.connected.value ?? false}
        target={target}
        sessions={sessions.sessions.value}
        filter={store.filter.value}
        problems={store.problems.value}
        scan={scan}
        shown={count}
        total={session?.frameCount ?? 0}
        filtered={source?.filtered ?? false}
        onClear={() => live?.clear()}
        onRecord={(on) => {
          const tabId = live?.state.value.status?.tabId;
          if (tabId !== undefined) live?.command({ type: 'setRecording', tabId, on });
        }}
        statsOpen={statsOpen}
        onStats={() => setStatsOpen((o) => !o)}
        onPreserveLog={(preserve) => live?.command({ type: 'setPreserveLog', preserve })}
        onPick={(t) => store.show(t)}
        onPickerFocus={() => void sessions.refresh()}
        onFilter={(f) => store.setFilter(f)}
        onCancelScan={() => source?.cancel()}
        onImport={() => fileInput.current?.click()}
        onExport={session ? () => setExportOpen(true) : null}
        onSettings={Settings ? () => setSettingsOpen(true) : null}
        onBlock={blockRules ? () => setBlocking({}) : null}
        blockingOn={blockingOn}
        onSavedFilters={savedFilters ? () => setSavedOpen(true) : null}
        onKeepMatches={session && source?.filtered && store.filter.value.text.trim() !== '' && !(excerpt && 'saving' in excerpt) ? () => void keepMatches() : null}
        savedShown={savedFilters?.value.value.filters.find((f) => isShown(f, store.filter.value))?.name ?? null}
      />
      {excerpt && (
        <div class={`notice${'failed' in excerpt ? ' error' : ''}`} role="status" data-testid="excerpt-notice">
          {'saving' in excerpt && 'Keeping the matching frames as a session…'}
          {'failed' in excerpt && excerpt.failed}
          {'saved' in excerpt && (
            <>
              Kept {excerpt.saved.frameCount.toLocaleString()} {excerpt.saved.frameCount === 1 ? 'frame' : 'frames'} as “{excerpt.saved.name}” (Sessions tab).{' '}
              <button type="button" onClick={() => (setExcerpt(null), store.show({ kind: 'stored', id: excerpt.saved.id }))}>
                Open it
              </button>
            </>
          )}{' '}
          {!('saving' in excerpt) && (
            <button type="button" onClick={() => setExcerpt(null)}>
              Dismiss
            </button>
          )}
        </div>
      )}
      {blockingOn > 0 && blockRules && (
        <div class="notice warn" role="status" data-testid="blocking-notice">
          Blocking is on: {blockingOn === 1 ? '1 rule keeps' : `${blockingOn} rules keep`} matching messages from the app or the server, in every tab.{' '}
          <button type="button" onClick={() => setBlocking({})}>
            Edit rules
          </button>{' '}
          <button type="button" onClick={() => void blockRules.save(allOff(blockRules.rules.value))}>
            Turn off
          </button>
        </div>
      )}
      <ImportInput inputRef={fileInput} onFiles={importFiles} />
      {importing && <div class="notice">Importing {importing.fileName}… {importing.frames.toLocaleString()} frames</div>}
      {message && (
        <div class={`notice ${sessions.error.value ? 'error' : ''}`} role="status">
          {message}
        </div>
      )}
      {store.error.value && (
        <div class="notice error" role="alert">
          {store.error.value}
        </div>
      )}
      {source?.pageError.value && (
        <div class="notice error" role="alert">
          {source.pageError.value}
        </div>
      )}
      <UncapturedPart model={traffic} version={trafficVersion} onSelect={select} workerCapture={workerCapture} />
      <div class="ibody">
        <SidebarPart model={traffic} version={trafficVersion} now={now} filterText={store.filter.value.text} onFilterText={setFilterText} labels={store.labels.value} frames={store.frames.value} />
        <div class="imain" ref={table}>
          {!session || !source || session.frameCount === 0 ? (
            <EmptyState live={isLive} hasTab={live !== null} recording={status?.recording ?? false} />
          ) : count === 0 ? (
            <div class="empty" data-testid="inspector-empty">
              {scan?.running && !scan.tail ? 'Filtering…' : 'No frame matches the filter. Change the text, the tokens or the type chips above.'}
            </div>
          ) : (
            <FrameTablePart
              count={count}
              frameAt={source.frameAt}
              posAt={source.posAt}
              version={version}
              selectedPos={selectedPos}
              selectedRow={selectedRow}
              timeMode={store.timeMode.value}
              origin={origin}
              onSelect={(_row, pos) => select(pos)}
              onOpen={() => setDetailOpen(true)}
              onClose={() => setDetailOpen(false)}
              onToggleTime={() => store.setTimeMode(store.timeMode.value === 'relative' ? 'absolute' : 'relative')}
              follow={isLive}
              channelOf={channelOf}
              labels={store.labels.value}
              markOf={markOf}
              trafficVersion={trafficVersion}
              key={session.id}
            />
          )}
          {detailOpen && selected && session && (
            <>
              {hiddenSelection && <div class="notice">This frame is hidden by the filter.</div>}
              <DetailPane
                frame={selected}
                connLabel={store.labels.value.get(selected.conn)}
                openedBy={store.frames.value.get(selected.conn)?.url}
                keepSecrets={session.keepSecrets}
                chain={traffic && <ChainSection model={traffic} pos={selected.pos} now={now} onFollow={follow} onShowSubscription={showSubscription} />}
                historyFindings={traffic?.findingsAt(selected.pos) ?? []}
                onFollow={follow}
                onFilterToken={(token) => setFilterText(addToken(store.filter.value.text, token))}
                {...(blockRules ? { onBlockLike: () => setBlocking({ draft: draftFor(selected) }) } : {})}
                {...(onReplay
                  ? {
                      onReplay: (scope: 'frame' | 'matches') => {
                        const positions = scope === 'frame' || !source?.filtered ? [selected.pos] : matchedPositions(source);
                        onReplay(session.id, positions);
                      },
                      ...(source?.filtered ? { matches: source.count.value } : {}),
                    }
                  : {})}
                onClose={() => {
                  setDetailOpen(false);
                  table.current?.querySelector<HTMLElement>('.fbody')?.focus();
                }}
              />
            </>
          )}
        </div>
        {statsOpen &&
          (traffic ? (
            <StatsPart model={traffic} version={trafficVersion} onClose={() => setStatsOpen(false)} />
          ) : (
            <aside class="stats-pane" data-testid="stats-pane" aria-label="Stats">
              <p class="empty" data-testid="stats-empty">
                {session ? 'Reading the session for its stats…' : 'No session is shown. Open a page that uses AppSync Events, or pick a stored session above.'}
              </p>
            </aside>
          ))}
      </div>
      {settingsOpen && Settings && <Settings onClose={() => setSettingsOpen(false)} />}
      {savedOpen && savedFilters && <SavedFiltersDialog store={savedFilters} filter={store.filter.value} onApply={(f) => store.setFilter(f)} onClose={() => setSavedOpen(false)} />}
      {blocking && blockRules && <BlockRulesDialog store={blockRules} {...(blocking.draft ? { draft: blocking.draft } : {})} onClose={() => setBlocking(null)} />}
      {exportOpen && session && (
        <ExportDialog
          session={session}
          onExport={(kind: ExportKind) => {
            setExportOpen(false);
            void sessions.exportAs(session, kind);
          }}
          onClose={() => setExportOpen(false)}
        />
      )}
    </div>
  );
}

/** A rule for messages like `f`: its direction and AppSync type, or its text when it has no type. */
function draftFor(f: StoredFrame): RuleDraft {
  const dir = f.dir === 'send' ? 'send' : 'receive';
  return f.type !== undefined ? { dir, type: f.type, contains: '' } : { dir, type: '', contains: (f.text ?? '').slice(0, 200) };
}
