// A worker's socket captured through Chromium's debugger (src/recording/debugger-traffic.ts):
// stored as a socket of its own opened by the worker, with a close whose code nobody
// reported, and kept as such by our export and in HAR.
import { describe, expect, it } from 'vitest';
import { classify, freshDb } from './helpers.ts';
import { redactRecord as redact } from '../../../src/capture/redact.ts';
import { textOf } from './export-import-helpers.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { createRecorder, createSession, exportHar, exportSession, importSession, readFramePage, type SessionsDb } from '../../../src/sessions/index.ts';
import { createTrafficModel, NOT_CAPTURED } from '../../../src/traffic/index.ts';

const WS = 'wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
const sock = 'dbgx:d0' as SocketId;

async function recorded(db: SessionsDb) {
  const s = await createSession(db, { name: 'd', pageUrl: 'https://app.test/', keepSecrets: false, startedAt: 1_000 });
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
  const records: CaptureRecord[] = [
    { socketId: sock, seq: 0, t: 1_005, kind: 'ws-create', url: WS, protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app.test/worker.js', appsync: true, via: 'debugger' },
    { socketId: sock, seq: 1, t: 1_006, kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
    { socketId: sock, seq: 2, t: 1_007, kind: 'ws-receive', data: '{"type":"ka"}', size: 13 },
    { socketId: sock, seq: 3, t: 1_008, kind: 'ws-close', code: 1005, reason: '', wasClean: true, unreported: true },
  ];
  await rec.append(records);
  return rec.finish(2_000);
}

describe("a worker's socket captured through the debugger", () => {
  it('is a captured socket of the worker, whose close has no code', async () => {
    const db = await freshDb();
    const s = await recorded(db);
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 10 });
    expect(frames.map((f) => f.dir)).toEqual(['connecting', 'open', 'receive', 'close']);
    expect(frames[0]?.extra).toEqual({ via: 'debugger' });
    expect(frames[3]?.extra).toEqual({ reason: 'close code not reported by the debugger' });
    const m = createTrafficModel();
    m.apply(frames);
    expect(m.findings().filter((f) => f.code === NOT_CAPTURED)).toEqual([]);
    const conn = m.connections()[0];
    expect(conn).toMatchObject({ state: 'closed' });
    expect(conn?.closeCode).toBeUndefined();
    // "Opened by" in the detail pane: the worker's script.
    const stored = await db.transaction('connections').store.getAll();
    expect(stored.map((c) => [c.url, c.frameUrl])).toEqual([[WS, 'https://app.test/worker.js']]);
  });

  it('survives our export and import, and is a HAR entry', async () => {
    const db = await freshDb();
    const s = await recorded(db);
    const { session: copy } = await importSession(db, await textOf(await exportSession(db, s.id, { redact })), { classify, redact });
    const before = await readFramePage(db, s.id, { offset: 0, limit: 10 });
    expect(await readFramePage(db, copy.id, { offset: 0, limit: 10 })).toEqual(before);
    const har = JSON.parse(await textOf(await exportHar(db, s.id, { redact, gzip: false }))) as { log: { entries: { request: { url: string }; _webSocketMessages?: unknown[] }[] } };
    expect(har.log.entries.map((e) => [e.request.url, e._webSocketMessages?.length])).toEqual([[WS, 1]]);
  });
});
