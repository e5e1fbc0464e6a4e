// The rows of the inspector's table over one stored session, whether it is being recorded
// or not. Unfiltered, row i is position i and rows are read a page at a time (only pages in
// view, a bounded cache). Filtered, a scan of the whole session streams the positions of
// the matching frames (one number per row) with progress and cancel, and pages of rows are
// read by position. A live session grows: `grew()` extends the rows, and a filter scan
// continues where it stopped, so nothing is held in memory beyond the rows in view.
import { signal } from '@preact/signals';
import { readFramePage, type SessionId, type SessionsDb, type StoredFrame } from '../../../../src/sessions/index.ts';
import { readFramesAt, scanPositions, selectsEverything, type PositionQuery } from '../../../../src/sessions/frame-positions.ts';

export const PAGE_SIZE = 200;
const MAX_PAGES = 24;

export interface ScanState {
  readonly running: boolean;
  readonly chunksScanned: number;
  readonly chunksTotal: number;
  readonly cancelled: boolean;
  readonly error: string | null;
  /**
   * The scan covers only frames a live session added since the last one: quick and not the
   * user's doing, so the toolbar shows no progress or Cancel for it (it flickered there on
   * every growth while a filter was set, which the default `ka` chip always is).
   */
  readonly tail: boolean;
}

const IDLE: ScanState = { running: false, chunksScanned: 0, chunksTotal: 0, cancelled: false, error: null, tail: false };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function createFrameSource(getDb: () => Promise<SessionsDb>, sessionId: SessionId, frameCount: number) {
  /** Bumped whenever rows or pages change: the table reads it to re-render once per batch. */
  const version = signal(0);
  const count = signal(0);
  const scan = signal<ScanState>(IDLE);
  const pageError = signal<string | null>(null);
  let total = frameCount;
  let query: PositionQuery | null = null;
  let positions: number[] = [];
  let scannedTo = 0;
  let generation = 0;
  let abort: AbortController | null = null;
  let pendingGrowth = false;
  let disposed = false;
  const pages = new Map<number, readonly StoredFrame[] | 'loading'>();
  /** Frames the scan handed over with its first batches (the first pages of rows). */
  let early = new Map<number, StoredFrame>();

  const filtered = (): boolean => query !== null;
  const bump = (): void => {
    count.value = filtered() ? positions.length : total;
    version.value++;
  };

  function loadPage(no: number): void {
    pages.set(no, 'loading');
    while (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value as number);
    const gen = generation;
    const start = no * PAGE_SIZE;
    const wanted = filtered() ? positions.slice(start, start + PAGE_SIZE) : null;
    void getDb()
      .then((db) => (wanted ? readFramesAt(db, sessionId, wanted) : readFramePage(db, sessionId, { offset: start, limit: PAGE_SIZE })))
      .then(
        (frames) => {
          if (disposed || gen !== generation) return;
          pages.set(no, frames);
          version.value++;
        },
        (e: unknown) => {
          pages.delete(no);
          pageError.value = `Could not read frames: ${errorText(e)}`;
        },
      );
  }

  /** Pages whose every frame came with the scan need no read. */
  function fillEarlyPages(): void {
    for (let no = 0; no * PAGE_SIZE < positions.length; no++) {
      if (pages.get(no) !== undefined && pages.get(no) !== 'loading') continue;
      const slice = positions.slice(no * PAGE_SIZE, (no + 1) * PAGE_SIZE);
      const frames = slice.map((p) => early.get(p));
      if (frames.some((f) => f === undefined)) return;
      pages.set(no, frames as StoredFrame[]);
    }
  }

  async function runScan(gen: number, controller: AbortController): Promise<void> {
    const q = query;
    if (!q) return;
    try {
      const db = await getDb();
      const firstFrames = positions.length < 2 * PAGE_SIZE ? 2 * PAGE_SIZE - positions.length : 0;
      for await (const batch of scanPositions(db, sessionId, q, { startPos: scannedTo, signal: controller.signal, firstFrames })) {
        if (gen !== generation) return;
        if (batch.positions.length === 0 && batch.scannedTo === scannedTo) continue;
        const before = positions.length;
        for (const p of batch.positions) positions.push(p);
        for (const f of batch.frames ?? []) early.set(f.pos, f);
        scannedTo = batch.scannedTo;
        // The page that held the last rows was read short: read it again (full pages stay).
        const short = Math.floor(before / PAGE_SIZE);
        if (batch.positions.length > 0 && before % PAGE_SIZE !== 0 && pages.get(short) !== 'loading') pages.delete(short);
        fillEarlyPages();
        scan.value = { running: true, chunksScanned: batch.chunksScanned, chunksTotal: batch.chunksTotal, cancelled: false, error: null, tail: scan.value.tail };
        bump();
      }
      if (gen !== generation || controller.signal.aborted) return;
      scan.value = { ...scan.value, running: false };
      abort = null;
      if (pendingGrowth) {
        pendingGrowth = false;
        startScan(true);
      }
    } catch (e) {
      if (gen !== generation || controller.signal.aborted) return;
      abort = null;
      scan.value = { ...scan.value, running: false, error: errorText(e) };
    }
  }

  function startScan(tail: boolean): void {
    const controller = new AbortController();
    abort = controller;
    scan.value = { ...scan.value, running: true, cancelled: false, error: null, tail };
    void runScan(generation, controller);
  }

  bump();

  return {
    version,
    count,
    scan,
    pageError,
    get filtered(): boolean {
      return filtered();
    },

    /** The frame in row `row`, or undefined while its page is being read. */
    frameAt(row: number): StoredFrame | undefined {
      const no = Math.floor(row / PAGE_SIZE);
      const page = pages.get(no);
      if (page === undefined) loadPage(no);
      return page === undefined || page === 'loading' ? undefined : page[row - no * PAGE_SIZE];
    },

    /** The position in row `row` (known before the frame is read). */
    posAt(row: number): number {
      return filtered() ? (positions[row] ?? -1) : row;
    },

    /** The row showing position `pos`, or -1 when the filter hides it. */
    rowOf(pos: number): number {
      if (!filtered()) return pos < total ? pos : -1;
      let lo = 0;
      let hi = positions.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = positions[mid] as number;
        if (v === pos) return mid;
        if (v < pos) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },

    /** Shows the frames `q` selects (null or an everything-query: every frame). */
    setQuery(q: PositionQuery | null): void {
      abort?.abort();
      abort = null;
      generation++;
      pages.clear();
      early = new Map();
      positions = [];
      scannedTo = 0;
      pendingGrowth = false;
      query = q && !selectsEverything(q) ? q : null;
      scan.value = IDLE;
      if (query) startScan(false);
      bump();
    },

    /** The session now has `frameCount` frames (a live tail). */
    grew(frameCount: number): void {
      if (frameCount <= total) return;
      const before = total;
      total = frameCount;
      if (!filtered()) {
        const from = Math.floor(before / PAGE_SIZE);
        for (const [no, page] of pages) if (no >= from && page !== 'loading') pages.delete(no);
        bump();
        return;
      }
      // A cancelled scan stays stopped until the filter changes.
      if (abort) pendingGrowth = true;
      else if (!scan.value.cancelled) startScan(true);
    },

    /** Stops a running scan; the matches found so far stay listed. */
    cancel(): void {
      if (!abort) return;
      abort.abort();
      abort = null;
      scan.value = { ...scan.value, running: false, cancelled: true };
    },

    dispose(): void {
      disposed = true;
      abort?.abort();
    },
  };
}

export type FrameSource = ReturnType<typeof createFrameSource>;
