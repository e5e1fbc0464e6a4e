// Refuses records whose sequence number the page could not explain.
//
// The socket tap numbers each socket's records 0, 1, 2, … and the recorder drops as a
// duplicate anything at or below a socket's high-water mark. A forged record with a huge
// seq would therefore hide every real record after it. The tap's numbers are out of the
// page's reach, so on a genuine link a socket's seq grows by one per record, except where
// the hook's bounded buffers dropped records, which it counts and reports with the next
// batch (`slack`). Resent batches repeat lower seqs, which pass.
//
//  - A known socket: a record more than `1 + slack` ahead of its highest seq is refused.
//  - A socket not seen on this link starts at the tap's start value: its first record must
//    be within FIRST_SEQ_WINDOW (+ slack) of FIRST_SEQ. The one genuine exception is a
//    resumed link (the background worker restarted, or the port was dropped): the hook
//    resends its unacknowledged batches, which may start mid-stream, and the session knows
//    where that socket's committed records end. So a batch with such a record is
//    `deferred`, with no state changed; the caller looks up the committed seqs and admits
//    it again with them (`known`), after which a socket with no committed seq and an
//    implausible first seq is refused. Refusals are counted by the caller (captureStatus).

import type { CaptureRecord } from '../capture/records.ts';

/** The seq the socket tap gives a socket's first record (src/capture/socket-tap.ts). */
export const FIRST_SEQ = 0;
/** How far past FIRST_SEQ a socket's first record on a link may be, for leniency. */
export const FIRST_SEQ_WINDOW = 16;

export type Admission =
  | { readonly deferred: false; readonly records: CaptureRecord[]; readonly refused: number }
  /** Needs the committed seqs of `sockets` (admit again with `known`); nothing was changed. */
  | { readonly deferred: true; readonly sockets: readonly string[] };

export interface SeqGuard {
  /** Records the hook reported dropped (FramesCaptured.dropped), widening what is plausible. */
  dropped(n: number): void;
  /**
   * Keeps the plausible records of a batch, in order. Without `known`, a batch holding a
   * socket not seen on this link whose first seq is past the window is deferred; with it,
   * `known(socketId)` is that socket's last committed seq in the session, if any.
   */
  admit(records: readonly CaptureRecord[], known?: (socketId: string) => number | undefined): Admission;
}

export function createSeqGuard(): SeqGuard {
  const high = new Map<string, number>();
  let slack = 0;
  return {
    dropped(n) {
      slack += n;
    },
    admit(records, known) {
      // Changes are collected and applied only when the batch is decided, so a deferred
      // batch leaves the guard as it was.
      const changed = new Map<string, number>();
      const kept: CaptureRecord[] = [];
      const unsure = new Set<string>();
      let refused = 0;
      for (const r of records) {
        const id = r.socketId as string;
        let top = changed.get(id) ?? high.get(id);
        if (top === undefined && known) top = known(id);
        if (top === undefined) {
          if (r.seq <= FIRST_SEQ + FIRST_SEQ_WINDOW + slack) {
            changed.set(id, r.seq);
            kept.push(r);
          } else if (known) refused++;
          else unsure.add(id);
          continue;
        }
        if (r.seq > top + 1 + slack) {
          refused++;
          continue;
        }
        if (r.seq > top) changed.set(id, r.seq);
        kept.push(r);
      }
      if (unsure.size > 0) return { deferred: true, sockets: [...unsure] };
      for (const [id, seq] of changed) high.set(id, seq);
      return { deferred: false, records: kept, refused };
    },
  };
}
