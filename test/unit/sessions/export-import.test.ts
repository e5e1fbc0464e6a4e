import { describe, expect, it } from 'vitest';
import { classify, freshDb, redact, SECRET, SocketScript } from './helpers.ts';
import { bytesOf, harProblems, richSession, textOf } from './export-import-helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { getSession, setKeepSecrets } from '../../../src/sessions/session-ops.ts';
import { readFramePage, sessionCounts } from '../../../src/sessions/queries.ts';
import { EXPORT_FORMAT, exportNeedsWarning, exportSession } from '../../../src/sessions/export-session.ts';
import { exportHar } from '../../../src/sessions/export-har.ts';
import { importSession, type ImportProgress } from '../../../src/sessions/import-session.ts';
import { FrameFlag, NOT_FROM_NETWORK, type SessionId, type StoredFrame } from '../../../src/sessions/types.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { createSession, updateSession } from '../../../src/sessions/session-ops.ts';
import { redactRecord } from '../../../src/capture/redact.ts';

const opts = { classify, redact };

async function connectionsOf(db: SessionsDb, id: SessionId): Promise<unknown[]> {
  const all = await db.getAll('connections', IDBKeyRange.bound([id], [id, []]));
  return all.map(({ sessionId: _s, ...rest }) => rest);
}

describe('export in our format', () => {
  it('writes a versioned JSON Lines file: header, connections, frames, end', async () => {
    const db = await freshDb();
    const s = await richSession(db);
    const lines = (await textOf(await exportSession(db, s.id, { redact, now: 0 }))).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: '1970-01-01T00:00:00.000Z', redacted: true, session: { name: 'rich', tags: ['t1'], pinned: true }, counts: { connections: 3, frames: s.frameCount } });
    expect(lines.slice(1, 4).every((l) => 'connection' in l)).toBe(true);
    expect(lines.filter((l) => 'frame' in l)).toHaveLength(s.frameCount);
    expect(lines.at(-1)).toEqual({ end: { frames: s.frameCount } });
  });

  for (const gzip of [false, true]) {
    it(`round-trips losslessly${gzip ? ' through gzip' : ''}`, async () => {
      const db = await freshDb();
      const s = await richSession(db);
      const bytes = await bytesOf(await exportSession(db, s.id, { redact, gzip }));
      expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
      const progress: ImportProgress[] = [];
      const { session: copy, format } = await importSession(db, new Blob([bytes]), { ...opts, onProgress: (p) => progress.push(p) });
      expect(format).toBe('session');
      expect(copy.id).not.toBe(s.id);
      // Chunk layout (chunkCount, storedBytes) is storage, not content: the importer packs its own.
      const pick = (x: typeof s): unknown => ({ ...x, id: undefined, source: undefined, state: undefined, chunkCount: undefined, storedBytes: undefined });
      expect(pick(copy)).toEqual(pick(s));
      expect(copy).toMatchObject({ source: 'imported', state: 'complete' });
      expect(await getSession(db, copy.id)).toEqual(copy);
      expect(await readFramePage(db, copy.id, { offset: 0, limit: 1000 })).toEqual(await readFramePage(db, s.id, { offset: 0, limit: 1000 }));
      expect(await connectionsOf(db, copy.id)).toEqual(await connectionsOf(db, s.id));
      expect(await sessionCounts(db, copy.id)).toEqual(await sessionCounts(db, s.id));
      expect(progress.at(-1)).toMatchObject({ frames: s.frameCount, bytesRead: bytes.byteLength, totalBytes: bytes.byteLength });
    });
  }

  it('redacts unless the session keeps its secrets, and says when to warn', async () => {
    const db = await freshDb();
    const s = await richSession(db, { keepSecrets: true });
    expect(exportNeedsWarning(s)).toBe(true);
    const raw = await textOf(await exportSession(db, s.id, { redact }));
    expect(raw).toContain(SECRET);
    expect(raw).toContain('header-eyJ');
    const rawHar = await textOf(await exportHar(db, s.id, { redact }));
    expect(rawHar).toContain(SECRET);
    const imported = await importSession(db, raw, opts);
    expect(imported.session.keepSecrets).toBe(true);

    const hidden = await setKeepSecrets(db, s.id, false);
    expect(exportNeedsWarning(hidden)).toBe(false);
    for (const out of [await exportSession(db, s.id, { redact }), await exportHar(db, s.id, { redact })]) {
      const text = await textOf(out);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('header-eyJ');
      expect(text).toContain('[redacted]');
    }
  });
});

describe("the session's page URL", () => {
  const KEY = 'da2-pagequerykey0123456789abcdef';
  const page = `https://app.test/chat?room=1&api_key=${KEY}`;

  it('leaves no key of its query in an export unless the session keeps secrets', async () => {
    const db = await freshDb();
    // As sessions recorded before page URLs were redacted at creation hold it.
    const s = await createSession(db, { name: 'old', pageUrl: page, pageTitle: 'Chat', browser: 'Chromium' });
    for (const out of [await exportSession(db, s.id, { redact: redactRecord }), await exportHar(db, s.id, { redact: redactRecord })]) {
      const text = await textOf(out);
      expect(text).not.toContain(KEY);
      expect(text).toContain('https://app.test/chat?room=1&api_key=');
    }
    await setKeepSecrets(db, s.id, true);
    expect(await textOf(await exportSession(db, s.id, { redact: redactRecord }))).toContain(KEY);
  });

  it('is stored redacted when a HAR that kept it is imported without its secrets', async () => {
    const db = await freshDb();
    const s = await richSession(db, { keepSecrets: true });
    await updateSession(db, s.id, (cur) => ({ ...cur, pageUrl: page }));
    const har = await bytesOf(await exportHar(db, s.id, { redact: redactRecord }));
    expect(new TextDecoder().decode(har)).toContain(KEY);
    const { session } = await importSession(db, har, { classify, redact: redactRecord });
    expect(JSON.stringify(session)).not.toContain(KEY);
    expect(session.pageUrl).toMatch(/^https:\/\/app\.test\/chat\?room=1&api_key=/);
    const kept = await importSession(db, har, { classify, redact: redactRecord, keepSecrets: true });
    expect(kept.session.pageUrl).toBe(page);
  });
});

describe('HAR export', () => {
  it('follows HAR 1.2 with Chrome-style WebSocket entries and HTTP publishes as plain entries', async () => {
    const db = await freshDb();
    const s = await richSession(db);
    const har = JSON.parse(await textOf(await exportHar(db, s.id, { redact, gzip: false }))) as { log: { entries: Record<string, unknown>[]; comment: string } };
    expect(harProblems(har)).toEqual([]);
    const sockets = har.log.entries.filter((e) => e._resourceType === 'websocket');
    expect(sockets).toHaveLength(2);
    const appsync = sockets[0] as { request: { url: string; headers: { name: string; value: string }[] }; response: { status: number }; _webSocketMessages: { type: string; time: number; opcode: number; data: string }[] };
    expect(appsync.request.url).toMatch(/\/event\/realtime$/);
    expect(appsync.request.headers).toContainEqual({ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws, header-REDACTED' });
    expect(appsync.response.status).toBe(101);
    const msgs = appsync._webSocketMessages;
    expect(msgs).toHaveLength(2 + 1 + 40 + 3);
    expect(msgs[0]).toMatchObject({ type: 'send', opcode: 1, data: '{"type":"connection_init"}' });
    expect(msgs[0]!.time).toBeCloseTo(1_700_000_000_003 / 1000, 6);
    expect(msgs.find((m) => m.opcode === 2)).toMatchObject({ type: 'receive', data: 'AAEC' });
    const posts = har.log.entries.filter((e) => e._resourceType === undefined) as { request: { method: string; postData: { text: string } }; response: { status: number; content: { text: string } }; _error?: string }[];
    expect(posts.map((p) => p.response.status)).toEqual([200, 0, 401]);
    expect(posts[0]!.request.postData.text).toContain('/default/x');
    expect(posts[0]!.response.content.text).toContain('successful');
    expect(posts[1]!._error).toBe('network down');
    expect(har.log.comment).toBe('rich');
  });

  it('round-trips through HAR, keeping what HAR can hold', async () => {
    const db = await freshDb();
    const s = await richSession(db);
    const bytes = await bytesOf(await exportHar(db, s.id, { redact, gzip: true }));
    const { session: copy, format } = await importSession(db, bytes, opts);
    expect(format).toBe('har');
    expect(copy).toMatchObject({ name: 'rich', pageUrl: 'https://app.test/', browser: 'Chromium', source: 'imported' });
    const messages = (frames: StoredFrame[]): unknown[] =>
      frames
        .filter((f) => ['send', 'receive', 'http-request', 'http-response'].includes(f.dir))
        .map((f) => ({ dir: f.dir, type: f.type, id: f.id, channel: f.channel, text: f.text, t: Math.round(f.t), status: f.extra?.status, conn: f.conn.startsWith('http ') ? f.conn : 'ws' }));
    const before = await readFramePage(db, s.id, { offset: 0, limit: 1000 });
    const after = await readFramePage(db, copy.id, { offset: 0, limit: 1000 });
    const sortByT = (xs: unknown[]): unknown[] =>
      [...xs].sort((a, b) => (a as { t: number }).t - (b as { t: number }).t || JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sortByT(messages(after))).toEqual(sortByT(messages(before)));
    const conns = await db.getAll('connections', IDBKeyRange.bound([copy.id], [copy.id, []]));
    const ws = conns.filter((c) => c.kind === 'websocket').sort((a, b) => a.url.localeCompare(b.url));
    expect(ws.map((c) => [c.url, c.appsync, c.protocol])).toEqual([
      ['wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', true, 'aws-appsync-event-ws'],
      ['wss://other.test/socket', false, 'aws-appsync-event-ws'],
    ]);
    expect(conns.find((c) => c.kind === 'http')?.authMode).toBe('API_KEY');
  });
});

describe('marked messages', () => {
  it('keep their mark (injected by DevTools, dispatched by a page script, blocked by a rule) when stored, in our format and through HAR', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'marks', pageUrl: 'https://app.test/', pageTitle: 'App', browser: 'Chromium', tags: [], pinned: false, keepSecrets: false });
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const a = new SocketScript('p:1');
    const event = (from: string) => ({ type: 'data', id: 's1', event: JSON.stringify({ from }) });
    await rec.append([
      a.create(),
      a.open(),
      a.send({ type: 'subscribe', id: 's1', channel: '/default/*' }),
      a.receive(event('server')),
      { ...a.receive(event('devtools')), injected: true } as CaptureRecord,
      { ...a.receive(event('page')), synthetic: true } as CaptureRecord,
      { ...a.receive(event('kept-from-app')), blocked: true } as CaptureRecord,
      { ...a.send({ type: 'publish', id: 'p1', channel: '/default/x', events: ['1'] }), blocked: true } as CaptureRecord,
      { ...a.send({ type: 'publish', id: 'p2', channel: '/default/x', events: ['2'] }), injected: true } as CaptureRecord,
    ]);
    const done = await rec.finish(a.t + 1);
    const marks = async (id: SessionId): Promise<Array<[string, number]>> =>
      (await readFramePage(db, id, { offset: 0, limit: 100 }))
        .filter((f) => f.type === 'data' || f.type === 'publish')
        .map((f) => [f.type === 'publish' ? 'publish' : (JSON.parse(JSON.parse(f.text!).event).from as string), f.flags & (NOT_FROM_NETWORK | FrameFlag.blocked)]);
    const expected = [['server', 0], ['devtools', FrameFlag.injected], ['page', FrameFlag.synthetic], ['kept-from-app', FrameFlag.blocked], ['publish', FrameFlag.blocked], ['publish', FrameFlag.injected]];
    expect(await marks(done.id)).toEqual(expected);
    const ours = await importSession(db, await bytesOf(await exportSession(db, done.id, { redact })), opts);
    expect(await marks(ours.session.id)).toEqual(expected);
    const harText = await textOf(await exportHar(db, done.id, { redact, gzip: false }));
    expect(harText).toContain('"_origin":"injected"');
    const har = await importSession(db, new TextEncoder().encode(harText), opts);
    expect(await marks(har.session.id)).toEqual(expected);
  });
});
