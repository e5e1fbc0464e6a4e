// The filter scan's kinds: the user's (a filter set, over the whole session) shows progress
// and Cancel; the scan of frames a live session added since (a tail) does not, so the toolbar
// does not flicker on every growth while a filter is set (the default `ka` chip always is).
import { expect, test } from 'vitest';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { createRecorder, createSession } from '../../../src/sessions/index.ts';
import { createFrameSource, type ScanState } from '../../../extension/panel/views/inspector/frame-source.ts';
import { parseFilter, EMPTY_FILTER } from '../../../extension/panel/views/inspector/filter-query.ts';
import { freshDb, T0 } from './helpers.ts';

test("a filter's scan is shown as the user's; a live tail's scan is not", async () => {
  const db = await freshDb();
  const session = await createSession(db, { name: 'live', startedAt: T0, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  let seq = 0;
  const grow = (n: number) =>
    writer.append(
      Array.from({ length: n }, (_, i): CaptureRecord => {
        const data = JSON.stringify(i % 2 ? { type: 'ka' } : { type: 'data', id: 's', event: '{}' });
        return { kind: 'ws-receive', socketId: 'p1:1' as SocketId, seq: seq++, t: T0 + seq, data, size: data.length };
      }),
    );
  await grow(10);
  const source = createFrameSource(async () => db, session.id, 10);
  const seen: ScanState[] = [];
  const stop = source.scan.subscribe((s) => seen.push(s));
  source.setQuery(parseFilter(EMPTY_FILTER).query);
  await expect.poll(() => source.count.value).toBe(5);
  await expect.poll(() => source.scan.value.running).toBe(false);
  expect(seen.filter((s) => s.running).every((s) => !s.tail)).toBe(true);
  expect(seen.some((s) => s.running)).toBe(true);

  seen.length = 0;
  await grow(10);
  source.grew(20);
  await expect.poll(() => source.count.value).toBe(10);
  await expect.poll(() => source.scan.value.running).toBe(false);
  expect(seen.some((s) => s.running)).toBe(true);
  expect(seen.filter((s) => s.running).every((s) => s.tail)).toBe(true);
  stop();
  source.dispose();
});
