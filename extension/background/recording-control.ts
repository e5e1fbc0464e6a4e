// Record/Stop for one tab, in the background: what of a batch is stored while the user has
// stopped recording (the sessions recorder passes over the rest, taking their seqs as
// handled), and the spans of time recording was stopped, which the panel shows.
//
// Stopped, the frames (messages and HTTP publishes) are not stored, but a socket's
// lifecycle facts are: without its `ws-create` a socket opened while stopped would have no
// URL, auth mode or open time once recording resumes, and its later frames would land on a
// connection nobody knows. They are a handful per socket, carry no message, and are what a
// user would expect the connection list to show anyway.

import type { CaptureRecord } from '../../src/capture/records.ts';
import { MAX_STOPPED_SPANS, type StoppedSpan } from '../../src/messaging/contracts.ts';

/**
 * Capture kinds kept while stopped: they describe a connection, not traffic on it. A
 * shared worker's start is kept too: it says which sockets the session cannot hold.
 */
const LIFECYCLE_KINDS: ReadonlySet<CaptureRecord['kind']> = new Set(['ws-create', 'ws-open', 'ws-error', 'ws-close', 'worker-start']);

export function isLifecycle(record: CaptureRecord): boolean {
  return LIFECYCLE_KINDS.has(record.kind);
}

/** The stop/resume history of the tab's current session. */
export function createStopLog(now: () => number) {
  let spans: StoppedSpan[] = [];

  const open = (): StoppedSpan | undefined => {
    const last = spans.at(-1);
    return last && last.to === null ? last : undefined;
  };

  return {
    stop(): void {
      if (open()) return;
      spans.push({ from: now(), to: null, discarded: 0 });
      // Older spans are merged into the first, so the counts still add up.
      if (spans.length > MAX_STOPPED_SPANS) {
        const [a, b, ...rest] = spans;
        spans = [{ from: a!.from, to: b!.to, discarded: a!.discarded + b!.discarded }, ...rest];
      }
    },
    resume(): void {
      const span = open();
      if (span) spans[spans.length - 1] = { ...span, to: now() };
    },
    /** Counts records not stored; a stop restored after a worker restart opens its span here. */
    discard(n: number): void {
      if (n <= 0) return;
      if (!open()) this.stop();
      const span = open()!;
      spans[spans.length - 1] = { ...span, discarded: span.discarded + n };
    },
    /** A new session starts with no history; a stop in progress continues in it. */
    reset(stillStopped: boolean): void {
      spans = [];
      if (stillStopped) this.stop();
    },
    spans(): readonly StoppedSpan[] {
      return spans;
    },
  };
}

export type StopLog = ReturnType<typeof createStopLog>;
