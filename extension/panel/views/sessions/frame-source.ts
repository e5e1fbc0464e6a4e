// Frames of one stored session for a windowed table: unfiltered rows are read page by page
// (only the pages in view, a bounded cache), filtered rows stream in from a cancellable
// scan. A `version` signal changes whenever rows arrive, so the table re-renders once per
// page or batch instead of once per frame.
import { signal } from '@preact/signals';
import { readFramePage, scanFrames, type ScanProgress, type SessionId, type SessionsDb, type StoredFrame } from '../../../../src/sessions/index.ts';

export const PAGE_SIZE = 200;
const MAX_PAGES = 40;

export interface FilterState {
  readonly text: string;
  readonly running: boolean;
  readonly progress: ScanProgress | null;
  readonly error: string | null;
  readonly cancelled: boolean;
}

export function createFrameSource(getDb: () => Promise<SessionsDb>, sessionId: SessionId) {
  const version = signal(0);
  const filter = signal<FilterState | null>(null);
  const pageError = signal<string | null>(null);
  const pages = new Map<number, readonly StoredFrame[] | 'loading'>();
  let matches: StoredFrame[] = [];
  let scan: AbortController | null = null;
  let disposed = false;

  function loadPage(no: number): void {
    pages.set(no, 'loading');
    // Bounded memory: forget the pages read longest ago (Map keeps insertion order).
    while (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value as number);
    void getDb()
      .then((db) => readFramePage(db, sessionId, { offset: no * PAGE_SIZE, limit: PAGE_SIZE }))
      .then(
        (frames) => {
          if (disposed) return;
          pages.set(no, frames);
          version.value++;
        },
        (e: unknown) => {
          pages.delete(no);
          pageError.value = `Could not read frames: ${e instanceof Error ? e.message : String(e)}`;
        },
      );
  }

  async function run(text: string, signal: AbortSignal): Promise<void> {
    try {
      const db = await getDb();
      for await (const batch of scanFrames(db, sessionId, { text }, { signal, batchSize: PAGE_SIZE })) {
        matches.push(...batch.frames);
        filter.value = { text, running: true, progress: batch.progress, error: null, cancelled: false };
        version.value++;
      }
      if (!signal.aborted) filter.value = { ...(filter.value ?? { text, progress: null, error: null }), running: false, cancelled: false };
    } catch (e) {
      if (signal.aborted) return;
      filter.value = { text, running: false, progress: filter.value?.progress ?? null, error: e instanceof Error ? e.message : String(e), cancelled: false };
    }
  }

  return {
    version,
    filter,
    pageError,

    /** Rows in the table: the session's frames, or the matches found so far. */
    count(frameCount: number): number {
      return filter.value ? matches.length : frameCount;
    },

    /** The frame in row `index`, or undefined while its page is being read. */
    frameAt(index: number): StoredFrame | undefined {
      if (filter.value) return matches[index];
      const no = Math.floor(index / PAGE_SIZE);
      const page = pages.get(no);
      if (page === undefined) loadPage(no);
      return page === undefined || page === 'loading' ? undefined : page[index - no * PAGE_SIZE];
    },

    /** Starts a text search (an empty text shows every frame again). */
    search(text: string): void {
      scan?.abort();
      scan = null;
      matches = [];
      const wanted = text.trim();
      if (wanted === '') {
        filter.value = null;
        version.value++;
        return;
      }
      const controller = new AbortController();
      scan = controller;
      filter.value = { text: wanted, running: true, progress: null, error: null, cancelled: false };
      version.value++;
      void run(wanted, controller.signal);
    },

    /** Stops the scan; the matches found so far stay listed. */
    cancel(): void {
      if (!scan || !filter.value?.running) return;
      scan.abort();
      filter.value = { ...filter.value, running: false, cancelled: true };
    },

    /** A live session grew past `previousCount`: its last page was read short, read it again. */
    grew(previousCount: number): void {
      const from = Math.floor(previousCount / PAGE_SIZE);
      for (const [no, page] of pages) if (no >= from && page !== 'loading') pages.delete(no);
      version.value++;
    },

    dispose(): void {
      disposed = true;
      scan?.abort();
    },
  };
}

export type FrameSource = ReturnType<typeof createFrameSource>;
