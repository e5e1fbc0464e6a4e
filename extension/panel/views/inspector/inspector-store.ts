// State of the inspector: which session it shows (the one being recorded for the inspected
// tab, or any stored one), the table's rows over it, the filter, the selection and the
// session's connection records. Everything is read from IndexedDB; the live session
// is re-read when the background says records were stored (at most a few times a second).
// One traffic model per shown session (traffic-feed.ts) is fed from the same reads.
import { batch, computed, signal } from '@preact/signals';
import { getSession, listSessions, readFramePage, type ConnectionRecord, type SessionId, type SessionRecord, type SessionsDb, type StoredFrame } from '../../../../src/sessions/index.ts';
import { readFramesAt } from '../../../../src/sessions/frame-positions.ts';
import { createFrameSource, type FrameSource } from './frame-source.ts';
import { connectionLabels, EMPTY_FILTER, parseFilter, type FilterInput } from './filter-query.ts';
import type { TimeMode } from './row-format.ts';
import { createTrafficFeed, type TrafficFeed } from './traffic-feed.ts';
import { framesOf } from './sidebar-format.ts';
import type { TrafficModel } from '../../../../src/traffic/index.ts';

export type Target = { readonly kind: 'live' } | { readonly kind: 'stored'; readonly id: SessionId };

/** Re-reads of the live session at most this often. */
export const LIVE_REFRESH_MS = 250;
/**
 * While the session grows faster than BUSY_FRAMES_PER_S, re-reads at most this often: rows
 * that fast cannot be read as they pass, and each re-read (session record, the table's
 * window, the traffic model's new chunks, a render) costs the panel, and the browser process
 * that serves its reads, per re-read (capture-cpu at saturation, Chromium, 100k frames, 5
 * rounds against the fixed 250 ms: panel 18.1 → 10.8 µs/frame, all processes 107 → 85).
 */
export const BUSY_REFRESH_MS = 1_000;
export const BUSY_FRAMES_PER_S = 4_000;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface InspectorStoreOptions {
  readonly refreshMs?: number;
  readonly busyRefreshMs?: number;
  readonly now?: () => number;
  /** Runs `fn` after `ms`; returns what cancels it. */
  readonly setTimer?: (fn: () => void, ms: number) => () => void;
}

function setTimer(fn: () => void, ms: number): () => void {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}

export function createInspectorStore(getDb: () => Promise<SessionsDb>, options: InspectorStoreOptions = {}) {
  const refreshMs = options.refreshMs ?? LIVE_REFRESH_MS;
  const busyRefreshMs = options.busyRefreshMs ?? Math.max(refreshMs, BUSY_REFRESH_MS);
  const now = options.now ?? (() => performance.now());
  const later = options.setTimer ?? setTimer;
  /** When the live session was last seen to grow, and whether it grew fast since. */
  let grewAt = -1;
  let busy = false;
  const target = signal<Target>({ kind: 'live' });
  const session = signal<SessionRecord | null>(null);
  const source = signal<FrameSource | null>(null);
  const filter = signal<FilterInput>(EMPTY_FILTER);
  const problems = signal<readonly string[]>([]);
  const selectedPos = signal<number | null>(null);
  const selected = signal<StoredFrame | null>(null);
  const timeMode = signal<TimeMode>('relative');
  const connections = signal<readonly ConnectionRecord[]>([]);
  /** The connections' short names (`conn:` tokens, the table's Conn column, the sidebar). */
  const labels = computed(() => connectionLabels(connections.value));
  // Through its own computed, so the session record read on every growth, with the same
  // page URL, does not build the map again.
  const pageUrl = computed(() => session.value?.pageUrl ?? '');
  const frames = computed(() => framesOf(connections.value, pageUrl.value));
  const error = signal<string | null>(null);
  /** Time zero of relative times: the first frame (the page may have buffered frames from
   * before the session started), else the session's start. */
  const origin = signal(0);
  /** Bumped when the shown session grew: views that derive from the whole session re-read. */
  const grown = signal(0);
  /** Bumped when the traffic model changed (frames applied, connections learned, another session). */
  const trafficVersion = signal(0);
  let feed: TrafficFeed | null = null;
  let liveSessionId: SessionId | null = null;
  let cancelTimer: (() => void) | null = null;
  let reading = false;
  let again = false;
  let disposed = false;
  /**
   * Whether the panel is on screen (DevTools shows another tool, or another panel, while the
   * tab is still recorded: the background stores everything either way). Hidden, growth
   * is only noted; the session is re-read once when the panel is shown again.
   */
  let visible = true;
  let grewWhileHidden = false;

  function applyFilter(): void {
    const parsed = parseFilter(filter.value, labels.value);
    problems.value = parsed.problems;
    source.value?.setQuery(parsed.query);
  }

  async function readExtras(db: SessionsDb, id: SessionId): Promise<void> {
    const range = IDBKeyRange.bound([id, ''], [id, '\uffff']);
    // Per-channel/type counts are the traffic model's (stats, channel tree): reading the
    // session's counts record here as well, on every growth, cost a transaction each time.
    const conns = await db.getAll('connections', range);
    if (disposed || session.value?.id !== id) return;
    const learnedConnections = conns.length !== connections.value.length;
    feed?.setConnections(conns);
    connections.value = conns;
    // `conn:3` resolves through the connection ids: re-resolve once new ones are known.
    if (learnedConnections && /\bconn:/.test(filter.value.text)) applyFilter();
  }

  async function readOrigin(db: SessionsDb, s: SessionRecord): Promise<void> {
    const [first] = await readFramePage(db, s.id, { offset: 0, limit: 1 });
    if (session.value?.id === s.id) origin.value = Math.min(s.startedAt, first?.t ?? s.startedAt);
  }

  function closeFeed(): void {
    if (!feed) return;
    feed.dispose();
    feed = null;
    trafficVersion.value++;
  }

  async function open(id: SessionId | null): Promise<void> {
    source.value?.dispose();
    closeFeed();
    grewAt = -1;
    busy = false;
    batch(() => {
      source.value = null;
      session.value = null;
      selectedPos.value = null;
      selected.value = null;
      connections.value = [];
      error.value = null;
    });
    if (id === null) return;
    try {
      const db = await getDb();
      const s = await getSession(db, id);
      if (disposed) return;
      if (!s || s.deletedAt !== undefined) {
        if (target.value.kind === 'stored') error.value = 'This session is no longer stored.';
        return;
      }
      const src = createFrameSource(getDb, s.id, s.frameCount);
      closeFeed();
      const f = createTrafficFeed(
        getDb,
        s.id,
        s.source,
        () => {
          if (feed === f) trafficVersion.value++;
        },
        (message) => {
          if (feed === f) error.value = message;
        },
      );
      feed = f;
      trafficVersion.value++;
      void f.feedTo(s.frameCount);
      batch(() => {
        session.value = s;
        source.value = src;
        origin.value = s.startedAt;
      });
      applyFilter();
      await readExtras(db, s.id);
      await readOrigin(db, s);
    } catch (e) {
      error.value = `Could not open the session: ${errorText(e)}`;
    }
  }

  async function refreshNow(): Promise<void> {
    const s = session.value;
    if (!s) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const db = await getDb();
      const next = await getSession(db, s.id);
      if (disposed || !next || session.value?.id !== s.id) return;
      if (next.frameCount !== s.frameCount || next.state !== s.state || next.name !== s.name) {
        const t = now();
        busy = grewAt >= 0 && next.frameCount - s.frameCount > ((t - grewAt) / 1000) * BUSY_FRAMES_PER_S;
        grewAt = t;
        session.value = next;
        if (s.frameCount === 0) await readOrigin(db, next);
        source.value?.grew(next.frameCount);
        void feed?.feedTo(next.frameCount);
        grown.value++;
        await readExtras(db, s.id);
      }
    } catch (e) {
      error.value = `Could not read the session: ${errorText(e)}`;
    } finally {
      reading = false;
      if (again) {
        again = false;
        void refreshNow();
      }
    }
  }

  return {
    target,
    session,
    source,
    filter,
    problems,
    selectedPos,
    selected,
    timeMode,
    connections,
    labels,
    frames,
    error,
    grown,
    origin,
    trafficVersion,

    /** The traffic model of the shown session (null: none shown); read with trafficVersion. */
    get traffic(): TrafficModel | null {
      return feed?.model ?? null;
    },

    /** Settles when the traffic model has every frame asked for so far. */
    trafficIdle(): Promise<void> {
      return feed?.idle() ?? Promise.resolve();
    },

    /** The time keep-alive health and ages are judged at: now while recording, else the last frame's. */
    trafficNow(): number | undefined {
      // Whole seconds: the model caches its views per `now`.
      return session.value?.state === 'recording' ? Math.floor(Date.now() / 1000) * 1000 : undefined;
    },

    /** Shows the live session (following the tab) or a stored one. */
    show(next: Target): void {
      target.value = next;
      void open(next.kind === 'live' ? liveSessionId : next.id);
    },

    /** Shows the newest stored session (a panel opened without a tab to follow). */
    async showNewest(): Promise<void> {
      const [newest] = await listSessions(await getDb(), { pinnedFirst: false });
      if (newest && target.value.kind === 'live') this.show({ kind: 'stored', id: newest.id });
    },

    /** The background records into `id` now (null: nothing recorded yet, or just cleared). */
    liveSession(id: string | null): void {
      if (id === liveSessionId) return;
      liveSessionId = id as SessionId | null;
      if (target.value.kind === 'live') void open(liveSessionId);
    },

    /** New records were stored: re-read the live session soon (coalesced). */
    liveGrew(): void {
      if (target.value.kind !== 'live') return;
      if (!visible) {
        grewWhileHidden = true;
        return;
      }
      if (cancelTimer !== null) return;
      cancelTimer = later(
        () => {
          cancelTimer = null;
          void refreshNow();
        },
        busy ? busyRefreshMs : refreshMs,
      );
    },

    refresh: refreshNow,

    /** The panel was shown or hidden (DevTools' panel events); shown, it catches up at once. */
    setVisible(shown: boolean): void {
      visible = shown;
      if (shown && grewWhileHidden) {
        grewWhileHidden = false;
        void refreshNow();
      }
    },

    setFilter(next: Partial<FilterInput>): void {
      filter.value = { ...filter.value, ...next };
      applyFilter();
    },

    setTimeMode(mode: TimeMode): void {
      timeMode.value = mode;
    },

    /** Selects the frame at `pos` (also when the filter hides it) and reads it whole. */
    async select(pos: number | null): Promise<void> {
      selectedPos.value = pos;
      if (pos === null) {
        selected.value = null;
        return;
      }
      const s = session.value;
      if (!s) return;
      try {
        const [frame] = await readFramesAt(await getDb(), s.id, [pos]);
        if (selectedPos.value === pos) selected.value = frame ?? null;
      } catch (e) {
        error.value = `Could not read the frame: ${errorText(e)}`;
      }
    },

    dispose(): void {
      disposed = true;
      cancelTimer?.();
      source.value?.dispose();
      feed?.dispose();
    },
  };
}

export type InspectorStore = ReturnType<typeof createInspectorStore>;
