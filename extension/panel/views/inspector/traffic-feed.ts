// Feeds one TrafficModel per shown session from IndexedDB, in position order: a stored
// session is read once, a page at a time with a yield between pages (so the panel never
// blocks for long while a large session opens), and a live one applies only the frames
// after the model's `nextPos` each time the session grows.
import { readFramePage, textsWhere, type ConnectionRecord, type SessionId, type SessionsDb } from '../../../../src/sessions/index.ts';
import { createTrafficModel, originOfSource, type TrafficModel } from '../../../../src/traffic/index.ts';

/**
 * Frames per read: one read and fold of this many stays well under 50 ms (the fold costs
 * about 1 µs a frame, the read about 3). At saturation the live session grows by ~3,000
 * frames between refreshes; a page of 2,000 split that into two reads, re-reading the chunk
 * at the page boundary, and into two renders of the whole view.
 */
export const FEED_PAGE = 4096;
/** Views are told about progress at most this often while a large session is read. */
const NOTIFY_MS = 200;
/**
 * After a read of at least BUSY_READ frames (a live session growing by more than ~4,000
 * frames/s at the 250 ms refresh), the next read waits until BUSY_GAP_MS after it ended:
 * at saturation every read re-renders the inspector, and the panel's CPU per frame was
 * mostly those renders. Growths in between are coalesced into the next read; at low rates
 * each growth is read at once, so a lone frame still shows without delay.
 */
const BUSY_READ = 1000;
const BUSY_GAP_MS = 400;
/** A read that found nothing new is tried again after this, unless a growth comes first. */
const STALL_RETRY_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const yieldToUi = (): Promise<void> => sleep(0);

export interface TrafficFeed {
  readonly model: TrafficModel;
  /** Reads and applies frames up to `frameCount` (coalesced: one read loop at a time). */
  feedTo(frameCount: number): Promise<void>;
  setConnections(records: readonly ConnectionRecord[]): void;
  /** Settles when every requested frame is applied (tests, benchmarks). */
  idle(): Promise<void>;
  dispose(): void;
}

export function createTrafficFeed(
  getDb: () => Promise<SessionsDb>,
  sessionId: SessionId,
  source: string | undefined,
  onChange: () => void,
  onError: (message: string) => void,
): TrafficFeed {
  const model = createTrafficModel({ origin: originOfSource(source) });
  let wanted = 0;
  let running: Promise<void> | null = null;
  let disposed = false;
  let lastNotify = 0;
  /** No read starts before this (Date.now() ms): set after a large read. */
  let busyUntil = 0;
  /**
   * The last read found no frame where the session record said there were some (it is
   * ahead of the chunks while a write is in flight): the next read comes with the next
   * `feedTo`, or after STALL_RETRY_MS (a live session's record and chunks are written in one
   * transaction, so this is not expected; if it happens, nothing is left unread). Re-reading
   * at once spun, one IndexedDB read after another, until the write landed.
   */
  let stalled = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /**
   * A chunk's texts are read only if the model would read one of them: at saturation
   * nearly every frame is a data or ka message, folded from its columns alone, and the
   * texts were ~90 % of what each refresh read (and of the panel's garbage).
   */
  const textsWanted = textsWhere((dir, type, size) => model.readsText(dir, type, size));
  /** What was last passed to the model per connection. */
  const known = new Map<string, string>();

  const notify = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastNotify < NOTIFY_MS) return;
    lastNotify = now;
    onChange();
  };

  async function loop(): Promise<void> {
    const wait = busyUntil - Date.now();
    if (wait > 0) await sleep(wait);
    if (disposed) return;
    const db = await getDb();
    const fromPos = model.nextPos;
    stalled = false;
    // Progress is shown only once a read has lasted a while (a large stored session): each
    // notification re-renders the inspector, and a live refresh of a few pages told after
    // its first page as well as after its last rendered everything twice at saturation.
    const startedAt = Date.now();
    let first = true;
    let applied = false;
    while (!disposed && model.nextPos < wanted) {
      if (!first) await yieldToUi();
      first = false;
      const from = model.nextPos;
      const frames = await readFramePage(db, sessionId, { offset: from, limit: Math.min(FEED_PAGE, wanted - from), texts: textsWanted });
      if (disposed) return;
      // A session shorter than its record says (a write still in flight): try again on the next refresh.
      if (frames.length === 0) {
        stalled = true;
        break;
      }
      model.apply(frames);
      applied = true;
      if (Date.now() - startedAt >= NOTIFY_MS) notify(false);
    }
    busyUntil = model.nextPos - fromPos >= BUSY_READ ? Date.now() + BUSY_GAP_MS : 0;
    // Nothing applied (a write still in flight), nothing to show: no render.
    if (!disposed && applied) notify(true);
  }

  function kick(): Promise<void> {
    if (running) return running;
    running = loop()
      .catch((e: unknown) => {
        if (!disposed) onError(`Could not read the session for its connections and correlations: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => {
        running = null;
        // Grown while the last page was being read.
        if (disposed || model.nextPos >= wanted) return;
        if (!stalled) void kick();
        else
          retry ??= setTimeout(() => {
            retry = undefined;
            void kick();
          }, STALL_RETRY_MS);
      });
    return running;
  }

  return {
    model,
    feedTo(frameCount) {
      if (frameCount > wanted) wanted = frameCount;
      clearTimeout(retry);
      retry = undefined;
      return kick();
    },
    setConnections(records) {
      // The live session's records are re-read on every growth; passing only the new or
      // changed ones spares re-decoding and re-redacting every auth header each time.
      const changed = [];
      for (const r of records) {
        const info = { connId: r.connId, kind: r.kind, url: r.url, appsync: r.appsync, protocolsOffered: r.protocolsOffered, ...(r.authMode !== undefined ? { authMode: r.authMode } : {}) };
        const key = JSON.stringify(info);
        if (known.get(r.connId) === key) continue;
        known.set(r.connId, key);
        changed.push(info);
      }
      if (changed.length === 0) return;
      const before = model.version;
      model.setConnections(changed);
      if (model.version !== before) notify(true);
    },
    async idle() {
      while (running) await running;
    },
    dispose() {
      disposed = true;
      clearTimeout(retry);
    },
  };
}
