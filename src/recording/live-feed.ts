// What the background streams to an open panel. Every record is stored first; the panel is
// sent a coalesced update at most every `intervalMs`, carrying at most `maxRecords` of the
// newest records plus a count of those it skipped (the session has them all). At high
// rates this keeps the panel, the port and the browser process from spending more per
// frame than the page itself does, which on a 2-core machine slows the inspected page.
//
// Two kinds of listener (`LiveRecordsWanted`): `all` gets the records themselves (a port
// that has said nothing, for compatibility), `answers` gets only the records that may be the
// service's answer to a publish (publish_success / publish_error / error), the one thing
// the panel still reads from the feed: its inspector reads the session from IndexedDB on
// each update. Serialising up to 5,000 records a second for nobody measured as a large
// share of the worker's and the browser process's CPU at saturation.

import type { CaptureRecord } from '../capture/records.ts';
import type { LiveRecordsWanted } from '../messaging/contracts.ts';

export interface LiveFeedOptions {
  readonly intervalMs: number;
  readonly maxRecords: number;
  /** The interval while no listener wants every record (default: `intervalMs`). */
  readonly answersIntervalMs?: number;
}

// Answers-only listeners are panels that re-read the session at most four times a second
// (the inspector's LIVE_REFRESH_MS) and re-render on every message: a faster signal only
// costs them renders.
export const LIVE_FEED: LiveFeedOptions = { intervalMs: 100, maxRecords: 500, answersIntervalMs: 250 };

/** The records of one update for one kind of listener, newest kept. */
export interface LiveSlice {
  readonly records: readonly CaptureRecord[];
  readonly skipped: number;
}

export interface LiveUpdate {
  readonly sessionId: string;
  /** Null while no listener wants every record (they were not kept). */
  readonly all: LiveSlice | null;
  readonly answers: LiveSlice;
}

export interface LiveFeed {
  /**
   * `answers`: which of `records` are publish answers, as the recorder classified them
   * when it stored them; without it each record is tested with `mayBeAnswer`.
   */
  push(sessionId: string, records: readonly CaptureRecord[], answers?: readonly CaptureRecord[]): void;
  /** Send what is pending within the interval (also used for status-only updates). */
  schedule(): void;
}

/**
 * Whether a stored record may be a publish answer. The same cheap test as the replay's
 * ack watch (src/replay/ack-watch.ts ackOf) makes before it parses: a superset, so no
 * answer is left out; the watch parses what it gets.
 */
export function mayBeAnswer(r: CaptureRecord): boolean {
  return r.kind === 'ws-receive' && typeof r.data === 'string' && (r.data.includes('publish_') || r.data.includes('"error"'));
}

/** Which records a listener gets; a port that never said gets `all`. */
export function sliceFor(update: LiveUpdate, wanted: LiveRecordsWanted['records'] | undefined): LiveSlice {
  return wanted === 'answers' || update.all === null ? update.answers : update.all;
}

class Pending {
  records: CaptureRecord[] = [];
  skipped = 0;
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  add(r: CaptureRecord): void {
    this.records.push(r);
  }
  skip(n: number): void {
    this.skipped += n;
  }
  /** Keeps the newest `max`. */
  trim(): void {
    const over = this.records.length - this.max;
    if (over > 0) {
      this.records = this.records.slice(over);
      this.skipped += over;
    }
  }
  take(): LiveSlice {
    const out = { records: this.records, skipped: this.skipped };
    this.records = [];
    this.skipped = 0;
    return out;
  }
}

export function createLiveFeed(
  send: (update: LiveUpdate) => void,
  setTimer: (fn: () => void, ms: number) => void,
  /** Whether some listener wants every record; asked on each push. */
  wantsAll: () => boolean = () => true,
  options: LiveFeedOptions = LIVE_FEED,
): LiveFeed {
  let sessionId: string | null = null;
  const all = new Pending(options.maxRecords);
  const answers = new Pending(options.maxRecords);
  // Whether `all` holds every record of the update under way (decided at its first push).
  let allKept = false;
  let fresh = true;
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    if (sessionId === null) return;
    const a = answers.take();
    const everything = all.take();
    // A listener that asked for every record after this update began gets the answers only
    // for it (with the rest counted as skipped), never a partial list that looks whole.
    send({ sessionId, all: allKept ? everything : null, answers: a });
    fresh = true;
  }

  return {
    push(id, records, known) {
      if (sessionId !== null && id !== sessionId) flush();
      sessionId = id;
      const keepAll = wantsAll();
      if (fresh) allKept = keepAll;
      else if (!keepAll) allKept = false;
      fresh = false;
      let kept = 0;
      if (allKept) for (const r of records) all.add(r);
      else all.skip(records.length);
      if (known !== undefined) {
        for (const r of known) answers.add(r);
        kept = known.length;
      } else {
        for (const r of records) {
          if (mayBeAnswer(r)) {
            answers.add(r);
            kept++;
          }
        }
      }
      answers.skip(records.length - kept);
      all.trim();
      answers.trim();
    },
    schedule() {
      if (scheduled) return;
      scheduled = true;
      setTimer(flush, wantsAll() ? options.intervalMs : (options.answersIntervalMs ?? options.intervalMs));
    },
  };
}
