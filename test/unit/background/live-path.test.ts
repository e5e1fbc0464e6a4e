// What a panel is sent is what the session holds: the recorder's redacted records without
// the duplicates a resend carries, so the live list can show a record neither twice nor
// with a secret the session does not keep.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { LiveRecords } from '../../../src/messaging/contracts.ts';
import { createTabRecorder, type SessionMapping } from '../../../src/recording/tab-recorder.ts';
import { openSessionsDb, type SessionId } from '../../../src/sessions/index.ts';
import { batch, rec, setup, typeOf, until } from './harness.ts';

const SECRET = 'da2-livesecretkey1234567890';
const live = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'recordsCaptured') as LiveRecords[];

describe('live feed', () => {
  test('forwards the records the recorder returns, not the batch that arrived', async () => {
    const s = setup({
      // A recorder that stored only the second record, redacted.
      async append(_tabId, records) {
        return { sessionId: 's', stored: 1, records: [{ ...records[1]!, data: '[redacted]' } as CaptureRecord] };
      },
    });
    const c = s.content(1, 'n');
    const p = s.panel(1);
    c.deliver(batch(1, [rec('n', 0), rec('n', 1)]));
    await until(() => s.timers.length > 0, 'the live update to be scheduled');
    s.fireTimers();
    expect(live(p.sent).flatMap((m) => m.records)).toEqual([{ ...rec('n', 1), data: '[redacted]' }]);
  });

  test('after a worker restart, records resent and already stored reach the live list once', async () => {
    const factory = new IDBFactory();
    const kv = new Map<number, SessionId>();
    const mapping: SessionMapping = {
      get: async (t) => kv.get(t),
      set: async (t, id) => void kv.set(t, id),
      remove: async (t) => void kv.delete(t),
      mapped: async () => new Set(kv.values()),
    };
    const worker = () => {
      const recorder = createTabRecorder({ openDb: () => openSessionsDb({ factory }), mapping, tabInfo: async () => ({ url: 'https://app/', title: 'App' }), browserName: 'Test' });
      return setup(recorder);
    };
    const socket = 'n:1' as SocketId;
    // Subscribes carry their own authorization, which the recorder redacts.
    const data = (seq: number): CaptureRecord => {
      const text = JSON.stringify({ type: 'subscribe', id: `s${seq}`, channel: '/default/a', authorization: { 'x-api-key': SECRET, host: 'h' } });
      return { kind: 'ws-send', socketId: socket, seq, t: seq, data: text, size: text.length };
    };
    // What the panel was sent: every live record, and the last status.
    const panelState: { rows: CaptureRecord[]; status?: { stored: number } } = { rows: [] };
    const applyAll = (sent: unknown[]) => {
      for (const m of sent.splice(0) as Array<{ type: string }>) {
        if (m.type === 'recordsCaptured') panelState.rows.push(...(m as LiveRecords).records);
        if (m.type === 'captureStatus') panelState.status = m as unknown as { stored: number };
      }
    };

    const first = worker();
    const c1 = first.content(4, 'n');
    const p1 = first.panel(4);
    c1.deliver(batch(1, [data(0), data(1), data(2)]));
    await until(() => c1.sent.some((m) => typeOf(m) === 'batchAcknowledged'), 'the first commit');
    first.fireTimers();
    applyAll(p1.sent);
    expect(panelState.rows.map((r) => r.seq)).toEqual([0, 1, 2]);

    // The worker stops before the page saw the acknowledgement: the page sends the batch
    // again, with what it captured meanwhile, to a new worker; the panel reconnects.
    const second = worker();
    const c2 = second.content(4, 'n');
    const p2 = second.panel(4);
    c2.deliver(batch(1, [data(0), data(1), data(2), data(3)]));
    await until(() => c2.sent.some((m) => typeOf(m) === 'batchAcknowledged'), 'the resend commit');
    second.fireTimers();
    applyAll(p2.sent);

    expect(panelState.rows.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(JSON.stringify(panelState.rows)).not.toContain(SECRET);
    expect(panelState.status?.stored).toBe(4);
  });

  test('a panel that asked for answers gets only them; a port that said nothing still gets every record', async () => {
    const s = setup();
    const c = s.content(1, 'n');
    const lean = s.panel(1);
    const plain = s.panel(1);
    lean.deliver({ type: 'setLiveRecords', records: 'answers' });
    const text = '{"type":"publish_success","id":"replay-1","successful":[],"failed":[]}';
    const answer: CaptureRecord = { kind: 'ws-receive', socketId: 'n:1' as SocketId, seq: 1, t: 1, data: text, size: text.length };
    c.deliver(batch(1, [rec('n', 0), answer, rec('n', 2)]));
    await until(() => s.timers.length > 0, 'the live update to be scheduled');
    s.fireTimers();
    const leanLive = live(lean.sent);
    expect(leanLive.flatMap((m) => m.records.map((r) => r.seq))).toEqual([1]);
    expect(leanLive.reduce((n, m) => n + m.skipped, 0)).toBe(2);
    expect(live(plain.sent).flatMap((m) => m.records.map((r) => r.seq))).toEqual([0, 1, 2]);
  });

  test('an answers panel without answers gets one status per update as the signal that the session grew', async () => {
    const s = setup();
    const c = s.content(1, 'n');
    const p = s.panel(1);
    p.deliver({ type: 'setLiveRecords', records: 'answers' });
    p.sent.splice(0);
    c.deliver(batch(1, [rec('n', 0), rec('n', 1)]));
    await until(() => s.timers.length > 0, 'the live update to be scheduled');
    s.fireTimers();
    expect(live(p.sent)).toEqual([]);
    expect(p.sent.filter((m) => typeOf(m) === 'captureStatus')).toEqual([expect.objectContaining({ type: 'captureStatus', sessionId: 's1', stored: 2 })]);
  });
});
