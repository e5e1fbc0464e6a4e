// The seq guard behind the content port: a socket a link has not seen must start at the
// tap's first seq, unless the session holds its committed seq (a resumed link after the
// background worker restarted). Forged jumps are refused and counted as rejected.
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { CaptureStatus } from '../../../src/messaging/contracts.ts';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createRouter } from '../../../extension/background/router.ts';
import { DEFAULT_SETTINGS } from '../../../src/recording/policy.ts';
import { createTabRecorder, type SessionMapping } from '../../../src/recording/tab-recorder.ts';
import { openSessionsDb, readFramePage, type SessionId } from '../../../src/sessions/index.ts';
import { batch, fakePort, PANEL_URL, setup, typeOf, until } from './harness.ts';

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

  test('a socket that ran on while recording was stopped continues after a worker restart and Record', async () => {
    // The real recorder over one database and one tab mapping, shared by two "workers".
    const factory = new IDBFactory();
    const kv = new Map<number, SessionId>();
    const mapping: SessionMapping = { get: async (t) => kv.get(t), set: async (t, id) => void kv.set(t, id), remove: async (t) => void kv.delete(t), mapped: async () => new Set(kv.values()) };
    const paused = new Map<number, boolean>();
    const worker = () => {
      const recorder = createTabRecorder({ openDb: () => openSessionsDb({ factory }), mapping, tabInfo: async () => ({ url: 'https://app/', title: 'App' }), browserName: 'Test' });
      const router = createRouter({
        recorder,
        panelUrl: PANEL_URL,
        settings: () => DEFAULT_SETTINGS,
        preserveLog: { get: async () => false, set: async () => {} },
        recordingPaused: { get: async (t) => paused.get(t) ?? false, set: async (t, on) => void paused.set(t, on) },
        setTimer: () => {},
      });
      const content = fakePort('appsync-capture', { tab: { id: 9 } as never, frameId: 0, url: 'https://app/' });
      router.onConnect(content.port);
      content.deliver({ type: 'contentConnected', version: 1, nonce: 'n', frameUrl: 'https://app/', topFrame: true, timeOrigin: 1 });
      const panel = fakePort('appsync-panel:9', { url: PANEL_URL });
      router.onConnect(panel.port);
      return { recorder, content, panel };
    };
    const acked = (sent: unknown[], id: number) => sent.some((m) => typeOf(m) === 'batchAcknowledged' && (m as { batchId: number }).batchId === id);
    const create: CaptureRecord = { kind: 'ws-create', socketId: 'n:1' as SocketId, seq: 0, t: 0, url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: [], frameUrl: 'https://app/', appsync: true };

    const a = worker();
    a.panel.deliver({ type: 'setRecording', tabId: 9, on: false });
    await until(() => paused.get(9) === true, 'stopped');
    // Far more keep-alives than the first-seq window while stopped.
    a.content.deliver(batch(1, [create, ...Array.from({ length: 40 }, (_, i) => recv('n:1', i + 1))]));
    await until(() => acked(a.content.sent, 1), 'batch 1 acknowledged');

    // The worker restarts; the hook's link resumes mid-stream; the user presses Record.
    const b = worker();
    await until(() => (b.panel.sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus | undefined)?.paused === true, 'the stop restored');
    b.content.deliver(batch(2, [recv('n:1', 41)]));
    await until(() => acked(b.content.sent, 2), 'batch 2 acknowledged');
    b.panel.deliver({ type: 'setRecording', tabId: 9, on: true });
    await until(() => paused.get(9) === false, 'recording');
    b.content.deliver(batch(3, [recv('n:1', 42), recv('n:1', 43)]));
    await until(() => acked(b.content.sent, 3), 'batch 3 acknowledged');
    const db = await openSessionsDb({ factory });
    const frames = await readFramePage(db, kv.get(9)!, { offset: 0, limit: 100 });
    expect(frames.map((f) => f.seq)).toEqual([0, 42, 43]);
    const [conn] = await db.getAll('connections');
    expect(conn).toMatchObject({ connId: 'n:1', lost: 0 });
    const status = b.panel.sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus;
    expect(status.rejected).toBe(0);
  });
});
