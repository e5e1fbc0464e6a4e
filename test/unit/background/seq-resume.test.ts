// The seq guard behind the content port: a socket a link has not seen must start at the
// tap's first seq, unless the session holds its committed seq (a resumed link after the
// background worker restarted). Forged jumps are refused and counted as rejected.
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { CaptureStatus } from '../../../src/messaging/contracts.ts';
import { batch, setup, typeOf, until } from './harness.ts';

const recv = (socket: string, seq: number): CaptureRecord => ({ kind: 'ws-receive', socketId: socket as SocketId, seq, t: seq, data: '{"type":"ka"}', size: 13 });
const storedSeqs = (stored: ReadonlyArray<{ records: readonly CaptureRecord[] }>, socket: string) =>
  stored.flatMap((b) => b.records).filter((r) => r.socketId === socket).map((r) => r.seq);

describe('seq guard on a content port', () => {
  test("a forged high first seq is refused and reported; the real socket's records are all stored", async () => {
    const s = setup({ committedSeqs: async () => new Map() });
    const c = s.content(1, 'n');
    const p = s.panel(1);
    c.deliver(batch(1, [recv('n:5', 1_000_000_000)]));
    c.deliver(batch(2, [recv('n:5', 0), recv('n:5', 1)]));
    await until(() => storedSeqs(s.stored, 'n:5').length === 2, 'the real records');
    await s.flush();
    expect(storedSeqs(s.stored, 'n:5')).toEqual([0, 1]);
    s.fireTimers();
    await s.flush();
    const status = p.sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus;
    expect(status.rejected).toBe(1);
    // Both batches are acknowledged: the forged one is not asked for again.
    expect(c.sent.filter((m) => typeOf(m) === 'batchAcknowledged')).toHaveLength(2);
  });

  test('a resumed link continues mid-stream from the committed seq, in order', async () => {
    const asked: string[][] = [];
    const s = setup({
      committedSeqs: async (_tab, ids) => {
        asked.push([...ids]);
        return new Map([['n:3', 499]]);
      },
    });
    const c = s.content(2, 'n');
    s.panel(2);
    c.deliver(batch(7, [recv('n:3', 500), recv('n:3', 501)]));
    c.deliver(batch(8, [recv('n:3', 502), recv('n:4', 0)]));
    await until(() => s.stored.flatMap((b) => b.records).length === 4, 'the resumed records');
    await s.flush();
    expect(storedSeqs(s.stored, 'n:3')).toEqual([500, 501, 502]);
    expect(storedSeqs(s.stored, 'n:4')).toEqual([0]);
    // The second batch waited behind the first (its own lookup may be asked too).
    expect(asked[0]).toEqual(['n:3']);
  });

  test('a resumed socket that jumps past its committed seq is refused', async () => {
    const s = setup({ committedSeqs: async () => new Map([['n:3', 10]]) });
    const c = s.content(3, 'n');
    s.panel(3);
    c.deliver(batch(1, [recv('n:3', 9_999)]));
    c.deliver(batch(2, [recv('n:3', 11)]));
    await until(() => s.stored.length >= 1, 'the plausible record');
    await s.flush();
    expect(storedSeqs(s.stored, 'n:3')).toEqual([11]);
  });
});
