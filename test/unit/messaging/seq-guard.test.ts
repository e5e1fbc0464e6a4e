import { describe, expect, test } from 'vitest';
import { createSeqGuard, FIRST_SEQ_WINDOW, type Admission } from '../../../src/messaging/seq-guard.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const r = (seq: number, socket = 'n:0'): CaptureRecord => ({ kind: 'ws-receive', socketId: socket as SocketId, seq, t: 0, data: 'x', size: 1 });
function decided(a: Admission): { records: CaptureRecord[]; refused: number } {
  if (a.deferred) throw new Error(`deferred for ${a.sockets.join(', ')}`);
  return a;
}
const seqs = (a: Admission) => decided(a).records.map((x) => x.seq);

describe('seq guard', () => {
  test('a forged huge seq on a known socket is refused, so later real records are kept', () => {
    const g = createSeqGuard();
    expect(seqs(g.admit([r(0), r(1), r(2)]))).toEqual([0, 1, 2]);
    expect(decided(g.admit([r(1_000_000_000)]))).toEqual({ deferred: false, records: [], refused: 1 });
    expect(seqs(g.admit([r(3), r(4)]))).toEqual([3, 4]);
  });

  test('gaps the hook reported as dropped pass; resends of lower seqs pass', () => {
    const g = createSeqGuard();
    g.admit([r(0), r(1)]);
    expect(decided(g.admit([r(5)])).refused).toBe(1);
    g.dropped(3);
    expect(seqs(g.admit([r(5), r(1), r(6)]))).toEqual([5, 1, 6]);
  });

  test('a new socket starts at the tap start value (within the window)', () => {
    const g = createSeqGuard();
    g.admit([r(0, 'n:0')]);
    expect(seqs(g.admit([r(0, 'n:1'), r(1, 'n:1'), r(1, 'n:0')]))).toEqual([0, 1, 1]);
    expect(seqs(g.admit([r(FIRST_SEQ_WINDOW, 'n:2')]))).toEqual([FIRST_SEQ_WINDOW]);
  });

  test("a new socket's implausible first seq defers the batch and changes nothing", () => {
    const g = createSeqGuard();
    g.admit([r(0, 'n:0')]);
    const a = g.admit([r(1, 'n:0'), r(1_000_000_000, 'n:7')]);
    expect(a).toEqual({ deferred: true, sockets: ['n:7'] });
    // n:0's record in the deferred batch was not counted: seq 1 is still the next one.
    expect(seqs(g.admit([r(1, 'n:0'), r(2, 'n:0')]))).toEqual([1, 2]);
  });

  test('a forged first record for a socket the session does not know is refused and does not poison it', () => {
    const g = createSeqGuard();
    const none = () => undefined;
    expect(decided(g.admit([r(1_000_000_000, 'n:7')], none))).toEqual({ deferred: false, records: [], refused: 1 });
    // The real socket with that id comes later and starts at 0: it is captured whole.
    expect(seqs(g.admit([r(0, 'n:7'), r(1, 'n:7')]))).toEqual([0, 1]);
  });

  test('a resumed link continues from the committed seq the session holds', () => {
    const g = createSeqGuard();
    const committed = new Map([['n:3', 499]]);
    const known = (id: string) => committed.get(id);
    expect(g.admit([r(500, 'n:3')])).toEqual({ deferred: true, sockets: ['n:3'] });
    expect(seqs(g.admit([r(495, 'n:3'), r(500, 'n:3'), r(501, 'n:3')], known))).toEqual([495, 500, 501]);
    // From then on the link knows the socket: no lookup, and jumps are refused as usual.
    expect(seqs(g.admit([r(502, 'n:3')]))).toEqual([502]);
    expect(decided(g.admit([r(900, 'n:3')])).refused).toBe(1);
  });

  test('a resumed socket that jumps past its committed seq is refused', () => {
    const g = createSeqGuard();
    const a = decided(g.admit([r(10_000, 'n:3')], () => 499));
    expect(a).toEqual({ deferred: false, records: [], refused: 1 });
  });
});
