// The Sessions view: stored sessions (pinned first, newest first), their actions, import by
// file picker or drop, and the storage budget. Opening a session shows it in the inspector.
import { ImportInput } from '../../components/import-input.tsx';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SessionId, SessionRecord } from '../../../../src/sessions/index.ts';
import { createSessionsStore, POLL_MS, type ExportKind, type SessionsStore } from '../../store/sessions-store.ts';
import { ExportDialog } from './export-dialog.tsx';
import { SessionRow } from './session-row.tsx';
import { ImportProgress, ImportWarningList, Messages, UndoToasts } from './status-area.tsx';
import { StorageBar } from './storage-bar.tsx';
import './sessions.css';


interface Props {
  /** Given by tests or a shell that keeps the store across tab switches; else owned here. */
  readonly store?: SessionsStore;
  /** 0 turns polling off (tests drive refreshes themselves). */
  readonly pollMs?: number;
  /** Shows a session in the inspector. */
  readonly onOpen?: (id: SessionId) => void;
}

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

export function SessionsView({ store: given, pollMs = POLL_MS, onOpen }: Props) {
  const store = useMemo(() => given ?? createSessionsStore(), [given]);
  useEffect(() => {
    void store.cleanUp();
    const stop = pollMs > 0 ? store.startPolling(pollMs) : () => {};
    return () => {
      stop();
      if (!given) store.dispose();
    };
  }, [store, given, pollMs]);

  const [editingId, setEditingId] = useState<SessionId | null>(null);
  const [exportFor, setExportFor] = useState<SessionRecord | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  // The row whose name should get focus after the next render (back from frames, renamed).
  const focusRow = useRef<SessionId | null>(null);

  const sessions = store.sessions.value;

  // The keyboard continues where it left the list instead of falling back to the page.
  // A layout effect: a deferred one could run after the next click with stale state.
  useLayoutEffect(() => {
    const id = focusRow.current;
    if (editingId !== null || !id) return;
    focusRow.current = null;
    root.current?.querySelector<HTMLElement>(`tr[data-session-id="${CSS.escape(id)}"] .name`)?.focus();
  });

  const importFiles = async (files: FileList | readonly File[] | null | undefined): Promise<void> => {
    for (const file of Array.from(files ?? [])) {
      if (!(await store.importFile(file, file.name))) break;
    }
  };

  const doExport = (session: SessionRecord, kind: ExportKind): void => {
    setExportFor(null);
    void store.exportAs(session, kind);
  };

  return (
    <div
      class={`view sessions${dragging ? ' dragging' : ''}`}
      ref={root}
      data-testid="sessions-view"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        // Leaving for a child element is not leaving the view.
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void importFiles(e.dataTransfer?.files);
      }}
    >
      <div class="toolbar sessions-toolbar" role="toolbar" aria-label="Sessions">
        <button type="button" onClick={() => fileInput.current?.click()} disabled={store.importing.value !== null}>
          Import…
        </button>
        <ImportInput inputRef={fileInput} onFiles={importFiles} testId="import-input" />
        <span class="hint">or drop a session or HAR file here</span>
        <span class="spacer" />
        <StorageBar use={store.storage.value} onSetBudget={store.setBudget} />
      </div>
      <ImportProgress store={store} />
      <Messages store={store} />
      <ImportWarningList store={store} />
      {sessions.length === 0 ? (
        store.loaded.value && (
          <div class="empty" data-testid="sessions-empty">
            No sessions yet. Open the Inspector tab on a page that uses AppSync Events, or import a session or HAR file.
          </div>
        )
      ) : (
        <div class="sessions-scroll">
          <table class="sessions-table">
            <caption class="visually-hidden">Stored sessions, pinned first, newest first</caption>
            <thead>
              <tr>
                <th scope="col" class="pin-cell">
                  <span class="visually-hidden">Pinned</span>
                </th>
                <th scope="col">Name</th>
                <th scope="col">Started</th>
                <th scope="col">Page</th>
                <th scope="col" class="num" title="Frames, and bytes on the wire">Frames</th>
                <th scope="col" class="conns">Connections</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <SessionRow
                  key={s.id}
                  session={s}
                  editing={editingId === s.id}
                  busy={store.exporting.value === s.id}
                  onOpen={() => onOpen?.(s.id)}
                  onStartRename={() => setEditingId(s.id)}
                  onRename={(name, byKeyboard) => {
                    if (byKeyboard) focusRow.current = s.id;
                    setEditingId(null);
                    if (name !== null) void store.rename(s.id, name);
                  }}
                  onPin={(pinned) => void store.setPinned(s.id, pinned)}
                  onExport={() => setExportFor(s)}
                  onDelete={() => void store.remove(s)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {exportFor && <ExportDialog session={exportFor} onExport={(kind) => doExport(exportFor, kind)} onClose={() => setExportFor(null)} />}
      {dragging && (
        <div class="drop-overlay" aria-hidden="true">
          Drop a session file (.jsonl, .jsonl.gz) or a HAR file to import it
        </div>
      )}
      <UndoToasts store={store} />
    </div>
  );
}
