// Refuses records whose sequence number jumps further than the page could explain.
//
// The socket tap numbers each socket's records 0, 1, 2, … and the recorder drops as a
// duplicate anything at or below a socket's high-water mark. A forged record with a huge
// seq would therefore hide every real record after it. The tap's numbers are out of the
// page's reach, so on a genuine link a socket's seq grows by one per record, except where
// the hook's bounded buffers dropped records, which it counts and reports with the next
// batch. A record more than `1 + dropped so far` ahead of its socket's highest seq is
// refused (and counted as rejected by the caller). Resent batches repeat lower seqs, which
// pass. The first record of a socket on a link sets its base: after a worker restart a
// link starts with the hook's resent batches, in order, so the base is a real record.

import type { CaptureRecord } from '../capture/records.ts';

export interface SeqGuard {
  /** Records the hook reported dropped (FramesCaptured.dropped), widening what is plausible. */
  dropped(n: number): void;
  /** Keeps the plausible records of a batch, in order; `refused` counts the others. */
  admit(records: readonly CaptureRecord[]): { records: CaptureRecord[]; refused: number };
}

export function createSeqGuard(): SeqGuard {
  const high = new Map<string, number>();
  let slack = 0;
  return {
    dropped(n) {
      slack += n;
    },
    admit(records) {
      const kept: CaptureRecord[] = [];
      let refused = 0;
      for (const r of records) {
        const top = high.get(r.socketId);
        if (top !== undefined && r.seq > top + 1 + slack) {
          refused++;
          continue;
        }
        if (top === undefined || r.seq > top) high.set(r.socketId, r.seq);
        kept.push(r);
      }
      return { records: kept, refused };
    },
  };
}
