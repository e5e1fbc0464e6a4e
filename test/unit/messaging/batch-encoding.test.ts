// The compact batch text: what the hook encodes, the background decodes to the same records,
// and no input a page can make crashes the decoder or passes a record the guard would refuse.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { encodeBatch } from '../../../src/capture/batch-encoding.ts';
import { isCaptureRecord, parseCaptureBatch } from '../../../src/messaging/guards.ts';
import { BATCH_FORMAT } from '../../../src/messaging/contracts.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const sock = (n: number) => `abc:${n}` as SocketId;
const recv = (seq: number, data: string, extra: object = {}): CaptureRecord => ({ socketId: sock(1), seq, t: 1764777600123.4567 + seq, kind: 'ws-receive', data, size: data.length, ...extra }) as CaptureRecord;

const sample: CaptureRecord[] = [
  { socketId: sock(1), seq: 0, t: 1.5, kind: 'ws-create', url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws', 'header-e30'], frameUrl: 'https://app/', appsync: true },
  { socketId: sock(1), seq: 1, t: 2, kind: 'ws-send', data: '{"type":"connection_init"}', size: 26 },
  recv(2, '{"type":"data","id":"s1","event":"{\\"a\\":\\"é 😀 \\u0000\\"}"}'),
  recv(3, ''),
  recv(4, 'x', { injected: true }),
  recv(5, 'y', { synthetic: true }),
  { socketId: sock(1), seq: 6, t: 3, kind: 'ws-receive', data: { binary: true, size: 3, preview: 'AAEC' }, size: 3 },
  recv(8, '{"type":"ka"}', { blocked: true }),
  { socketId: sock(1), seq: 9, t: 4.5, kind: 'ws-send', data: '{"type":"publish"}', size: 18, blocked: true },
  { socketId: sock(1), seq: 10, t: 4.6, kind: 'ws-send', data: '{"type":"publish","id":"r"}', size: 27, injected: true },
  { socketId: sock(1), seq: 7, t: 4, kind: 'ws-receive', data: { truncated: true, text: 'abc', length: 9 }, size: 9 },
  { socketId: sock(2), seq: 0, t: 5, kind: 'ws-close', code: 1000, reason: '1:2,3', wasClean: true },
];

describe('compact batch text', () => {
  test('round-trips every record kind, texts unchanged and t bit for bit', () => {
    const text = encodeBatch(sample);
    expect(text.startsWith(BATCH_FORMAT)).toBe(true);
    const parsed = parseCaptureBatch(text, 'abc');
    expect(parsed.rejected).toBe(0);
    expect(parsed.error).toBeUndefined();
    expect(parsed.records).toEqual(sample);
    expect(parsed.records.every(isCaptureRecord)).toBe(true);
  });

  test('escapes nothing: a frame text is in the batch exactly as it came', () => {
    const data = '{"type":"data","event":"{\\"q\\":1}"}';
    expect(encodeBatch([recv(0, data)])).toContain(data);
  });

  test('arbitrary texts and numbers round-trip', () => {
    // t + 0: -0 is no time, and JSON too makes it 0.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'binary' }), fc.nat(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((t) => t + 0), fc.boolean()), { maxLength: 20 }), (items) => {
        const records = items.map(([data, seq, t, sent]) => ({ socketId: sock(seq % 3), seq, t, kind: sent ? 'ws-send' : 'ws-receive', data, size: data.length }) as CaptureRecord);
        const parsed = parseCaptureBatch(encodeBatch(records), 'abc');
        expect(parsed.rejected).toBe(0);
        expect(parsed.records).toEqual(records);
      }),
    );
  });

  test("records of another page's sockets are refused", () => {
    const parsed = parseCaptureBatch(encodeBatch([recv(0, 'a'), { ...recv(1, 'b'), socketId: 'evil:1' as SocketId }]), 'abc');
    expect(parsed.records).toHaveLength(1);
    expect(parsed.rejected).toBe(1);
    expect(parsed.error).toBe('socket id of another page');
    // A prefix of the nonce is not the nonce.
    expect(parseCaptureBatch(encodeBatch([recv(0, 'a')]), 'ab').records).toHaveLength(0);
  });

  test('a broken tail keeps the complete entries before it and is counted once', () => {
    const good = encodeBatch([recv(0, 'hello'), recv(1, 'world')]);
    for (const bad of [good.slice(0, -1), good + 'r0', good + 'z', good.replace('5:hello', '6:hello'), good + 'r09:abc:1', good + 'r0999999999999:', good + 'r05:abc:10,1,1,99999:x', good + 'r75:abc:1', good + 's25:abc:12,1,1,1:x', good + 'r35:abc:12,1,1,1:x']) {
      const parsed = parseCaptureBatch(bad, 'abc');
      expect(parsed.rejected).toBe(1);
      expect(parsed.error).toBeDefined();
      expect(parsed.records.length).toBeLessThanOrEqual(2);
      expect(parsed.records.every(isCaptureRecord)).toBe(true);
    }
  });

  test('bad numbers and bad JSON entries are refused', () => {
    const base = `${BATCH_FORMAT}r05:abc:1`;
    for (const nums of ['-1,1,1,', '1.5,1,1,', 'x,1,1,', '1,Infinity,1,', '1,1,-2,', ',1,1,']) expect(parseCaptureBatch(`${base}${nums}1:a`, 'abc').records).toHaveLength(0);
    const json = JSON.stringify({ kind: 'ws-open', socketId: 'abc:1', seq: 0, t: 1, protocol: 5 });
    const parsed = parseCaptureBatch(`${BATCH_FORMAT}j${json.length}:${json}j3:{x}`, 'abc');
    expect(parsed).toMatchObject({ records: [], rejected: 2 });
  });

  test('no input crashes the decoder, and whatever it returns passes the record guard', () => {
    const alphabet = fc.constantFrom(...'rsj0123456789:,abc{}"'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), (chars) => {
        const parsed = parseCaptureBatch(BATCH_FORMAT + chars.join(''), 'abc');
        expect(parsed.records.every((r) => isCaptureRecord(r) && r.socketId.startsWith('abc:'))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('JSON batches are still read', () => {
    expect(parseCaptureBatch(JSON.stringify(sample), 'abc').records).toEqual(sample);
  });
});
