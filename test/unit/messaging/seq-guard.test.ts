import { describe, expect, test } from 'vitest';
import { createSeqGuard } from '../../../src/messaging/seq-guard.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const r = (seq: number, socket = 'n:0'): CaptureRecord => ({ kind: 'ws-receive', socketId: socket as SocketId, seq, t: 0, data: 'x', size: 1 });
const seqs = (rs: readonly CaptureRecord[]) => rs.map((x) => x.seq);

describe('seq guard', () => {
  test('a forged huge seq on a known socket is refused, so later real records are kept', () => {
    const g = createSeqGuard();
    expect(seqs(g.admit([r(0), r(1), r(2)]).records)).toEqual([0, 1, 2]);
    const forged = g.admit([r(1_000_000_000)]);
    expect(forged).toEqual({ records: [], refused: 1 });
    expect(seqs(g.admit([r(3), r(4)]).records)).toEqual([3, 4]);
  });

  test('gaps the hook reported as dropped pass; resends of lower seqs pass', () => {
    const g = createSeqGuard();
    g.admit([r(0), r(1)]);
    expect(g.admit([r(5)]).refused).toBe(1);
    g.dropped(3);
    expect(seqs(g.admit([r(5), r(1), r(6)]).records)).toEqual([5, 1, 6]);
  });

  test('each socket has its own mark; a new socket starts where its first record is', () => {
    const g = createSeqGuard();
    g.admit([r(0, 'n:0')]);
    expect(seqs(g.admit([r(40, 'n:1'), r(41, 'n:1'), r(1, 'n:0')]).records)).toEqual([40, 41, 1]);
  });
});
