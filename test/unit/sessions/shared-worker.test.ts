// A shared worker the page started (`worker-start`): accepted at the relay, stored as a
// marked `connecting` frame on a connection of its own, flagged by the traffic model, kept
// by our export format and left out of HAR (it is not a socket).
import { describe, expect, it } from 'vitest';
import { classify, freshDb } from './helpers.ts';
import { redactRecord as redact } from '../../../src/capture/redact.ts';
import { textOf } from './export-import-helpers.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { isCaptureRecord } from '../../../src/messaging/guards.ts';
import { createRecorder, createSession, exportHar, exportSession, importSession, readFramePage, type SessionsDb } from '../../../src/sessions/index.ts';
import { createTrafficModel, WORKER_NOT_CAPTURED } from '../../../src/traffic/index.ts';

const WORKER: CaptureRecord = { socketId: 'p:worker' as SocketId, seq: 0, t: 1_010, kind: 'worker-start', url: 'https://app.test/w.js?api_key=da2-abcdefghijklmnopqrstuvwxyz', frameUrl: 'https://app.test/' };

async function recorded(db: SessionsDb) {
  const s = await createSession(db, { name: 'w', pageUrl: 'https://app.test/', keepSecrets: false, startedAt: 1_000 });
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
  await rec.append([
    { socketId: 'p:0' as SocketId, seq: 0, t: 1_005, kind: 'ws-create', url: 'wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: [], frameUrl: 'https://app.test/', appsync: true },
    WORKER,
    { ...WORKER, seq: 1, t: 1_020, url: '' } as CaptureRecord,
  ]);
  return rec.finish(2_000);
}

describe('a shared worker the page started', () => {
  it('is accepted at the relay only with its fields', () => {
    expect(isCaptureRecord(WORKER)).toBe(true);
    expect(isCaptureRecord({ ...WORKER, url: 7 })).toBe(false);
    expect(isCaptureRecord({ ...WORKER, frameUrl: undefined })).toBe(false);
    expect(isCaptureRecord({ ...WORKER, url: 'x'.repeat(1 << 20) })).toBe(false);
  });

  it('is stored as a marked connecting frame per worker, with secrets in its URL redacted', async () => {
    const db = await freshDb();
    const s = await recorded(db);
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 10 });
    expect(frames).toHaveLength(3);
    const workers = frames.filter((f) => f.extra?.via === 'shared-worker');
    expect(workers).toHaveLength(2);
    expect(new Set(workers.map((f) => f.conn)).size).toBe(2);
    expect(workers.every((f) => f.dir === 'connecting' && f.sock === 'p:worker')).toBe(true);
    expect(workers[0]?.extra?.url).toMatch(/^https:\/\/app\.test\/w\.js\?api_key=/);
    expect(workers[0]?.extra?.url).not.toContain('da2-abcdefghijklmnopqrstuvwxyz');

    const m = createTrafficModel();
    m.apply(frames);
    const found = m.findings().filter((f) => f.code === WORKER_NOT_CAPTURED);
    expect(found.map((f) => f.pos)).toEqual(workers.map((f) => f.pos));
    expect(found[0]?.message).toContain('shared worker (https://app.test/w.js?api_key=');
    expect(found[1]?.message).toBe('the page started a shared worker; WebSockets it opens are not captured');
    expect(found.every((f) => f.severity === 'warning')).toBe(true);
  });

  it('survives our export and import, and is no HAR entry', async () => {
    const db = await freshDb();
    const s = await recorded(db);
    const text = await textOf(await exportSession(db, s.id, { redact }));
    const { session: copy } = await importSession(db, text, { classify, redact });
    const before = await readFramePage(db, s.id, { offset: 0, limit: 10 });
    const after = await readFramePage(db, copy.id, { offset: 0, limit: 10 });
    expect(before).toHaveLength(3);
    expect(after).toEqual(before);

    const har = JSON.parse(await textOf(await exportHar(db, s.id, { redact, gzip: false }))) as { log: { entries: { request: { url: string } }[] } };
    expect(har.log.entries.map((e) => e.request.url)).toEqual(['wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime']);
  });
});
