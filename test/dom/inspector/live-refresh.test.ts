// The live session's re-read cadence: every LIVE_REFRESH_MS while it grows slowly, every
// BUSY_REFRESH_MS while it grows faster than BUSY_FRAMES_PER_S (rows that fast cannot be read
// as they pass; each re-read costs the panel a render), and back when the rate drops.
import { afterEach, expect, test } from 'vitest';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { createRecorder, createSession } from '../../../src/sessions/index.ts';
import { BUSY_FRAMES_PER_S, BUSY_REFRESH_MS, LIVE_REFRESH_MS, createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { freshDb, T0 } from './helpers.ts';

let store: InspectorStore | undefined;
afterEach(() => store?.dispose());

/** A live session of one `ka` frame, and `grow(n)` that records n more. */
async function liveSession() {
  const db = await freshDb();
  const session = await createSession(db, { name: 'live', startedAt: T0, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  let seq = 0;
  const grow = (n: number) =>
    writer.append(
      Array.from({ length: n }, (): CaptureRecord => {
        const data = JSON.stringify({ type: 'ka' });
        return { kind: 'ws-receive', socketId: 'p1:1' as SocketId, seq: seq++, t: T0 + seq, data, size: data.length };
      }),
    );
  await grow(1);
  return { db, session, grow };
}

test('re-reads less often while the session grows fast, and as often as before when it slows', async () => {
  const { db, session, grow } = await liveSession();

  let clock = 0;
  const timers: { ms: number; fn: () => void }[] = [];
  store = createInspectorStore(async () => db, { now: () => clock, setTimer: (fn, ms) => (timers.push({ fn, ms }), () => {}) });
  const s = store;
  s.liveSession(session.id);
  await expect.poll(() => s.session.value?.frameCount).toBe(1);

  /** Frames stored `ms` after the last re-read: the store is told, and its timer runs. */
  const step = async (frames: number, ms: number) => {
    await grow(frames);
    clock += ms;
    s.liveGrew();
    const timer = timers.at(-1)!;
    const expected = s.session.value!.frameCount + frames;
    timer.fn();
    await expect.poll(() => s.session.value?.frameCount).toBe(expected);
    return timer.ms;
  };
  expect(await step(10, 250)).toBe(LIVE_REFRESH_MS);
  // Twice the busy rate: the re-read after the one that sees it waits longer.
  const fast = Math.ceil((BUSY_FRAMES_PER_S / 4) * 2);
  expect(await step(fast, 250)).toBe(LIVE_REFRESH_MS);
  expect(await step(fast * 4, 1000)).toBe(BUSY_REFRESH_MS);
  // The rate drops: the one re-read that sees it is still the slow one, the next is not.
  expect(await step(10, 1000)).toBe(BUSY_REFRESH_MS);
  expect(await step(10, 250)).toBe(LIVE_REFRESH_MS);
});

test('while the panel is hidden it does not re-read; shown again, it catches up at once', async () => {
  const { db, session, grow } = await liveSession();
  const timers: { ms: number; fn: () => void }[] = [];
  store = createInspectorStore(async () => db, { setTimer: (fn, ms) => (timers.push({ fn, ms }), () => {}) });
  const s = store;
  s.liveSession(session.id);
  await expect.poll(() => s.session.value?.frameCount).toBe(1);

  s.setVisible(false);
  await grow(5);
  s.liveGrew();
  s.liveGrew();
  expect(timers).toEqual([]);
  expect(s.session.value?.frameCount).toBe(1);
  s.setVisible(true);
  await expect.poll(() => s.session.value?.frameCount).toBe(6);
  // Visible again: growth is re-read on the usual timer.
  await grow(1);
  s.liveGrew();
  expect(timers.map((t) => t.ms)).toEqual([LIVE_REFRESH_MS]);
});
