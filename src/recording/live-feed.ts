// What the background streams to an open panel. Every record is stored first; the panel is
// sent a coalesced update at most every `intervalMs`, carrying at most `maxRecords` of the
// newest records plus a count of those it skipped (the session has them all). At high
// rates this keeps the panel, the port and the browser process from spending more per
// frame than the page itself does, which on a 2-core machine slows the inspected page.

import type { CaptureRecord } from '../capture/records.ts';

export interface LiveFeedOptions {
  readonly intervalMs: number;
  readonly maxRecords: number;
}

export const LIVE_FEED: LiveFeedOptions = { intervalMs: 100, maxRecords: 500 };

export interface LiveFeed {
  push(sessionId: string, records: readonly CaptureRecord[]): void;
  /** Send what is pending within the interval (also used for status-only updates). */
  schedule(): void;
}

export function createLiveFeed(
  send: (sessionId: string, records: readonly CaptureRecord[], skipped: number) => void,
  setTimer: (fn: () => void, ms: number) => void,
  options: LiveFeedOptions = LIVE_FEED,
): LiveFeed {
  let sessionId: string | null = null;
  let pending: CaptureRecord[] = [];
  let skipped = 0;
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    if (sessionId === null) return;
    const records = pending;
    const n = skipped;
    pending = [];
    skipped = 0;
    send(sessionId, records, n);
  }

  return {
    push(id, records) {
      if (sessionId !== null && id !== sessionId) flush();
      sessionId = id;
      for (const r of records) pending.push(r);
      const over = pending.length - options.maxRecords;
      if (over > 0) {
        pending = pending.slice(over);
        skipped += over;
      }
    },
    schedule() {
      if (scheduled) return;
      scheduled = true;
      setTimer(flush, options.intervalMs);
    },
  };
}
