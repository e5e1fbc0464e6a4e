// State of the Sessions view: the stored sessions, the storage budget, pending deletes
// (undo), imports and exports. A factory, not a singleton, so each test gets its own store
// on its own (fake) database. The panel writes only user actions (rename, pin, delete,
// import); live recordings are written by the background, which is why the list is polled.
import { batch, signal } from '@preact/signals';
import {
  deleteSession,
  enforceRetention,
  estimateStorage,
  getStorageBudget,
  ImportError,
  listSessions,
  openSessionsDb,
  purgeDeleted,
  purgeSession,
  purgeStaleImports,
  renameSession,
  setPinned,
  setStorageBudget,
  undoDelete,
  type ImportWarning,
  type SessionId,
  type SessionRecord,
  type SessionsDb,
  type StorageLike,
} from '../../../src/sessions/index.ts';
import { defaultJobs, inThreadJobs, type ExportKind, type SessionsJobs } from './sessions-jobs.ts';

export type { ExportKind } from './sessions-jobs.ts';

export const UNDO_MS = 8000;
export const POLL_MS = 2000;

export interface PendingDelete {
  readonly id: SessionId;
  readonly name: string;
}

export interface ImportState {
  readonly fileName: string;
  readonly bytesRead: number;
  readonly totalBytes?: number;
  readonly frames: number;
}

export interface ImportReport {
  readonly fileName: string;
  readonly warnings: readonly ImportWarning[];
  /** All of them, when more than the list holds. */
  readonly count: number;
}

export interface StorageUse {
  /** Sum of the sessions' own size estimates, deleted-but-undoable ones included. */
  readonly usedBytes: number;
  readonly budgetBytes: number;
  /** What the browser reports for the whole extension origin, when it does. */
  readonly estimate?: { readonly usage: number; readonly quota: number };
}

export interface SessionsStoreOptions {
  /** Where the browser's own usage estimate comes from (tests pass a fake or none). */
  readonly storage?: StorageLike;
  readonly undoMs?: number;
  /** Hands a finished export to the user; the default clicks an `<a download>`. */
  readonly download?: (blob: Blob, fileName: string) => void;
  /**
   * Where imports and exports run. Default: a module worker for the panel's own database,
   * in this thread for an injected one (tests).
   */
  readonly jobs?: SessionsJobs;
}

/** Saves a Blob through a temporary object URL, which works in extension pages of both browsers. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.click();
  // Revoking right away can cancel the download in Firefox; a minute is plenty to start it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from a session name: no path separators or characters filesystems refuse. */
export function exportFileName(name: string, kind: ExportKind): string {
  const base = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/\s+/g, ' ').trim().slice(0, 100) || 'session';
  if (kind === 'har') return `${base}.har`;
  return kind === 'session-gzip' ? `${base}.aesession.jsonl.gz` : `${base}.aesession.jsonl`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sameList(a: readonly SessionRecord[], b: readonly SessionRecord[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export function createSessionsStore(db?: SessionsDb | Promise<SessionsDb>, options: SessionsStoreOptions = {}) {
  let dbPromise: Promise<SessionsDb> | undefined = db ? Promise.resolve(db) : undefined;
  // Reopens after another context upgraded the schema and closed our connection.
  const getDb = (): Promise<SessionsDb> => (dbPromise ??= openSessionsDb({ onVersionChange: () => (dbPromise = undefined) }));
  const undoMs = options.undoMs ?? UNDO_MS;
  const download = options.download ?? downloadBlob;
  const jobs = options.jobs ?? (db ? inThreadJobs(getDb) : defaultJobs(getDb));

  const sessions = signal<readonly SessionRecord[]>([]);
  const loaded = signal(false);
  const storage = signal<StorageUse>({ usedBytes: 0, budgetBytes: 0 });
  const pendingDeletes = signal<readonly PendingDelete[]>([]);
  const importing = signal<ImportState | null>(null);
  /** The last problem of a user action, in words; cleared by the next action. */
  const error = signal<string | null>(null);
  /** The last success worth telling (an import, an eviction). */
  const notice = signal<string | null>(null);
  const exporting = signal<SessionId | null>(null);
  /** What the last import skipped or changed, with places in the file; cleared by the next import. */
  const importWarnings = signal<ImportReport | null>(null);

  const timers = new Map<SessionId, ReturnType<typeof setTimeout>>();
  let importAbort: AbortController | null = null;
  let disposed = false;
  let refreshing: Promise<void> | null = null;

  async function load(): Promise<void> {
    const d = await getDb();
    const [all, budgetBytes, estimate] = await Promise.all([
      listSessions(d, { pinnedFirst: true, includeDeleted: true }),
      getStorageBudget(d),
      estimateStorage(options.storage),
    ]);
    if (disposed) return;
    const visible = all.filter((s) => s.deletedAt === undefined);
    const usedBytes = all.reduce((n, s) => n + s.storedBytes, 0);
    batch(() => {
      if (!sameList(sessions.value, visible)) sessions.value = visible;
      const next: StorageUse = { usedBytes, budgetBytes, ...(estimate ? { estimate } : {}) };
      if (JSON.stringify(next) !== JSON.stringify(storage.value)) storage.value = next;
      loaded.value = true;
    });
  }

  /** Re-reads the list; concurrent calls share one read so polling never piles up. */
  function refresh(): Promise<void> {
    refreshing ??= load()
      .catch((e: unknown) => {
        error.value = `Could not read the stored sessions: ${errorText(e)}`;
      })
      .finally(() => (refreshing = null));
    return refreshing;
  }

  /** Runs a user action: clears the last message, reports failure in words, then refreshes. */
  async function act<T>(what: string, fn: (d: SessionsDb) => Promise<T>): Promise<T | undefined> {
    error.value = null;
    try {
      return await fn(await getDb());
    } catch (e) {
      error.value = `${what}: ${errorText(e)}`;
      return undefined;
    } finally {
      await refresh();
    }
  }

  async function purgeNow(id: SessionId): Promise<void> {
    const timer = timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(id);
    pendingDeletes.value = pendingDeletes.value.filter((p) => p.id !== id);
    await purgeSession(await getDb(), id).catch(() => undefined);
  }

  return {
    sessions,
    loaded,
    storage,
    pendingDeletes,
    importing,
    error,
    notice,
    exporting,
    importWarnings,
    refresh,
    /** The database, for the read-only frame table of an opened session. */
    db: getDb,

    /** Polls while the page is visible: the background adds and grows sessions meanwhile. */
    startPolling(intervalMs: number = POLL_MS): () => void {
      const tick = (): void => {
        if (typeof document === 'undefined' || document.visibilityState !== 'hidden') void refresh();
      };
      const id = setInterval(tick, intervalMs);
      document.addEventListener('visibilitychange', tick);
      return () => {
        clearInterval(id);
        document.removeEventListener('visibilitychange', tick);
      };
    },

    /**
     * Removes what an earlier panel deleted but could not purge before it closed, and the
     * staged part of an import a crash interrupted.
     */
    async cleanUp(): Promise<void> {
      const d = await getDb();
      await purgeDeleted(d, { olderThanMs: undoMs }).catch(() => undefined);
      await purgeStaleImports(d).catch(() => undefined);
      await refresh();
    },

    rename: (id: SessionId, name: string) => act('Could not rename the session', (d) => renameSession(d, id, name)),
    setPinned: (id: SessionId, pinned: boolean) => act('Could not pin the session', (d) => setPinned(d, id, pinned)),

    /** Soft delete with an undo window; the data is purged when the window ends. */
    async remove(session: SessionRecord): Promise<void> {
      await act('Could not delete the session', async (d) => {
        await deleteSession(d, session.id);
        // The toast appears in the same render as the row goes away.
        pendingDeletes.value = [...pendingDeletes.value.filter((p) => p.id !== session.id), { id: session.id, name: session.name }];
        timers.set(session.id, setTimeout(() => void purgeNow(session.id).then(refresh), undoMs));
      });
    },

    async undo(id: SessionId): Promise<void> {
      const timer = timers.get(id);
      if (timer !== undefined) clearTimeout(timer);
      timers.delete(id);
      pendingDeletes.value = pendingDeletes.value.filter((p) => p.id !== id);
      await act('Could not restore the session', (d) => undoDelete(d, id));
    },

    async exportAs(session: SessionRecord, kind: ExportKind): Promise<boolean> {
      exporting.value = session.id;
      try {
        const done = await act('Could not export the session', async () => {
          // Built in the worker from parts as the export streams: never one string here.
          download(await jobs.exportFile(session.id, kind), exportFileName(session.name, kind));
          return true;
        });
        return done === true;
      } finally {
        exporting.value = null;
      }
    },

    /** Imports our format (plain or gzip) or a HAR; on failure nothing stored changes. */
    async importFile(file: Blob, fileName: string): Promise<SessionRecord | undefined> {
      if (importing.value) {
        error.value = 'An import is already running; wait for it or cancel it first.';
        return undefined;
      }
      const abort = new AbortController();
      importAbort = abort;
      batch(() => {
        error.value = null;
        notice.value = null;
        importWarnings.value = null;
        importing.value = { fileName, bytesRead: 0, totalBytes: file.size, frames: 0 };
      });
      try {
        const { session, warnings, warningCount } = await jobs.importFile(file, {
          signal: abort.signal,
          onProgress: (p) => (importing.value = { fileName, ...p }),
        });
        const skipped = warningCount > 0 ? `, with ${warningCount.toLocaleString()} warning${warningCount === 1 ? '' : 's'} (below)` : '';
        batch(() => {
          notice.value = `Imported “${session.name}” (${session.frameCount.toLocaleString()} frames)${skipped}.`;
          importWarnings.value = warningCount > 0 ? { fileName, warnings, count: warningCount } : null;
        });
        return session;
      } catch (e) {
        if (e instanceof ImportError && e.code === 'aborted') notice.value = 'Import cancelled; nothing was stored.';
        else if (e instanceof ImportError) error.value = `Could not import “${fileName}” (${e.code}): ${e.message} Nothing was stored.`;
        else error.value = `Could not import “${fileName}”: ${errorText(e)}. Nothing was stored.`;
        return undefined;
      } finally {
        importAbort = null;
        importing.value = null;
        await refresh();
      }
    },

    cancelImport(): void {
      importAbort?.abort();
    },

    /**
     * Sets the budget and, when asked, evicts at once: deleted sessions first, then the
     * oldest unpinned ones. Sessions being recorded are protected.
     */
    async setBudget(bytes: number, evict: boolean): Promise<void> {
      await act('Could not change the storage budget', async (d) => {
        await setStorageBudget(d, bytes);
        if (!evict) return;
        const recording = sessions.value.filter((s) => s.state === 'recording').map((s) => s.id);
        const result = await enforceRetention(d, { budgetBytes: bytes, protect: recording });
        notice.value = result.message || null;
      });
    },

    dismissMessages(): void {
      batch(() => {
        error.value = null;
        notice.value = null;
        importWarnings.value = null;
      });
    },

    /** Stops timers; deletes whose undo can no longer be clicked are purged now. */
    dispose(): void {
      disposed = true;
      importAbort?.abort();
      jobs.dispose();
      for (const p of pendingDeletes.value) void purgeNow(p.id);
    },
  };
}

export type SessionsStore = ReturnType<typeof createSessionsStore>;
