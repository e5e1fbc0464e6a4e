import { beforeEach, describe, expect, it } from 'vitest';
import { classify, freshDb, redact, SECRET, HEADER_PROTOCOL } from './helpers.ts';
import { bytesOf, richSession, textOf } from './export-import-helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { listSessions } from '../../../src/sessions/session-ops.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import { exportSession } from '../../../src/sessions/export-session.ts';
import { importSession, type ImportOptions } from '../../../src/sessions/import-session.ts';
import { ImportError, type ImportErrorCode } from '../../../src/sessions/import-error.ts';
import type { ImportInput } from '../../../src/sessions/byte-streams.ts';
import type { SessionRecord } from '../../../src/sessions/types.ts';

const opts: ImportOptions = { classify, redact };
let db: SessionsDb;
let existing: SessionRecord;
let file: string[];

beforeEach(async () => {
  db = await freshDb();
  existing = await richSession(db, { frames: 300 });
  file = (await textOf(await exportSession(db, existing.id, { redact }))).trimEnd().split('\n');
});

const join = (lines: string[]): string => lines.join('\n') + '\n';
const edit = (lineIndex: number, change: (o: Record<string, unknown>) => void): string => {
  const copy = [...file];
  const o = JSON.parse(copy[lineIndex]!) as Record<string, unknown>;
  change(o);
  copy[lineIndex] = JSON.stringify(o);
  return join(copy);
};
const firstFrame = (): number => file.findIndex((l) => l.startsWith('{"frame"'));

/** Imports, expects the error, and checks that the database is exactly as before. */
async function rejects(input: ImportInput, code: ImportErrorCode, message: RegExp, extra: Partial<ImportOptions> = {}): Promise<void> {
  const counts = async (): Promise<number[]> => Promise.all((['sessions', 'chunks', 'summaries', 'connections', 'marks'] as const).map((s) => db.count(s)));
  const before = await counts();
  const err = await importSession(db, input, { ...opts, chunkLimits: { maxFrames: 4, maxBytes: 1 << 20 }, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportError);
  expect({ code: (err as ImportError).code, message: (err as ImportError).message }).toMatchObject({ code, message: expect.stringMatching(message) });
  expect(await counts()).toEqual(before);
  expect((await listSessions(db)).map((s) => s.id)).toEqual([existing.id]);
  expect(await readFramePage(db, existing.id, { offset: 0, limit: 5 })).toHaveLength(5);
}

describe('import errors (our format)', () => {
  it('empty, not JSON, unknown JSON, wrong format', async () => {
    await rejects('', 'empty', /empty/);
    await rejects('hello world', 'not-json', /not JSON/);
    await rejects('{"foo":1}', 'unknown-format', /neither .* nor a HAR/);
    await rejects(edit(0, (h) => (h.format = 'something-else')), 'unknown-format', /format must be "appsync-events-devtools-session"/);
  });

  it('future and impossible versions', async () => {
    await rejects(edit(0, (h) => (h.version = 2)), 'unsupported-version', /format version 2, written by a newer version/);
    await rejects(edit(0, (h) => (h.version = 0)), 'unsupported-version', /version 0 does not exist/);
    await rejects(edit(0, (h) => (h.version = '1')), 'invalid-field', /line 1: header.version must be a number/);
  });

  it('truncated files: mid-line, at a line boundary, and a cut gzip', async () => {
    const text = join(file);
    await rejects(text.slice(0, Math.floor(text.length / 2)), 'truncated', /cut short/);
    await rejects(join(file.slice(0, -20)), 'truncated', /without its end marker: it was cut short \(\d+ of \d+ frames\)/);
    const gz = await bytesOf(await exportSession(db, existing.id, { redact, gzip: true }));
    await rejects(gz.slice(0, Math.floor(gz.length / 2)), 'bad-gzip', /could not be decompressed/);
    await rejects(new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'bad-gzip', /not valid gzip/);
    await rejects(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'bad-encoding', /not UTF-8/);
  });

  it('missing and wrongly typed fields name the line and field', async () => {
    const f = firstFrame();
    await rejects(edit(f + 3, (o) => ((o.frame as Record<string, unknown>).t = 'soon')), 'invalid-field', new RegExp(`^line ${f + 4}: frame\\.t must be a number$`));
    await rejects(edit(f, (o) => delete (o.frame as Record<string, unknown>).dir), 'invalid-field', /frame\.dir is missing/);
    await rejects(edit(f, (o) => ((o.frame as Record<string, unknown>).dir = 'sideways')), 'invalid-field', /frame\.dir must be one of send, receive/);
    await rejects(edit(f, (o) => ((o.frame as Record<string, unknown>).conn = 'ghost')), 'invalid-field', /frame\.conn names connection "ghost", which the file does not declare/);
    await rejects(edit(f, (o) => ((o.frame as Record<string, unknown>).extra = { headers: { a: 1 } })), 'invalid-field', /frame\.extra\.headers\.a must be a string/);
    await rejects(edit(1, (o) => ((o.connection as Record<string, unknown>).protocolsOffered = 'x')), 'invalid-field', /line 2: connection\.protocolsOffered must be a list of strings/);
    await rejects(edit(0, (h) => ((h.session as Record<string, unknown>).pinned = 'yes')), 'invalid-field', /header\.session\.pinned must be true or false/);
    await rejects(edit(f, () => undefined).replace(file[f]!, '[1,2]'), 'invalid-field', /line \d+: the record must be an object/);
    await rejects(edit(f, (o) => ((o as Record<string, unknown>).other = (delete o.frame, 1))), 'invalid-field', /expected a "connection", "frame" or "end" record/);
  });

  it('structural problems: missing frame, connection after frames, bad JSON in the middle, content after the end', async () => {
    const f = firstFrame();
    await rejects(join([...file.slice(0, f + 5), ...file.slice(f + 6)]), 'invalid-field', /frame\.pos is \d+ but \d+ was expected/);
    await rejects(join([...file.slice(0, f + 1), file[1]!, ...file.slice(f + 1)]), 'invalid-field', /connections must come before frames/);
    await rejects(join([...file.slice(0, f + 2), '{"frame":', ...file.slice(f + 2)]), 'not-json', new RegExp(`line ${f + 3}: not valid JSON`));
    await rejects(join([...file, file[f]!]), 'invalid-field', /content after the end marker/);
    await rejects(edit(file.length - 1, (o) => (o.end = { frames: 3 })), 'truncated', /end marker says 3 frames/);
  });

  it('huge strings and lines', async () => {
    const huge = edit(firstFrame() + 2, (o) => ((o.frame as Record<string, unknown>).text = 'x'.repeat(5000)));
    await rejects(huge, 'too-large', new RegExp(`^line ${firstFrame() + 3}: frame\\.text is 5000 characters long; the limit is 1000$`), { limits: { maxStringChars: 1000 } });
    await rejects(join(file), 'too-large', /line 1: longer than the limit of 100 characters/, { limits: { maxLineChars: 100 } });
    await rejects('{"log":{"entries":[]}}   ', 'too-large', /larger than the limit/, { limits: { maxHarChars: 10 } });
  });

  it('a failure late in a long file removes everything it had written', async () => {
    // The bad frame is near the end: with 4 frames per chunk, several transactions of chunks
    // were committed before it is found.
    await rejects(edit(file.length - 3, (o) => ((o.frame as Record<string, unknown>).seq = -1)), 'invalid-field', /frame\.seq must be an integer ≥ 0/);
  });

  it('cancellation', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await rejects(join(file), 'aborted', /cancelled/, { signal: ctrl.signal });
    const late = new AbortController();
    let calls = 0;
    const big = await richSession(db, { frames: 2500 });
    const text = await textOf(await exportSession(db, big.id, { redact }));
    existing = big; // the list check below expects only sessions that existed before
    const before = (await listSessions(db)).length;
    const err = await importSession(db, text, { ...opts, signal: late.signal, onProgress: () => ++calls === 1 && late.abort() }).catch((e: unknown) => e);
    expect((err as ImportError).code).toBe('aborted');
    expect((await listSessions(db)).length).toBe(before);
  });
});

const harOf = (entries: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [{ startedDateTime: '2026-01-01T00:00:00.000Z', id: 'page_1', title: 'https://app.test/', pageTimings: {} }], entries, ...extra } }, null, 2);

const wsEntry = (url: string, protocols: string, messages: unknown[], selected = 'aws-appsync-event-ws'): Record<string, unknown> => ({
  startedDateTime: '2026-01-01T00:00:01.000Z',
  time: 5000,
  request: { method: 'GET', url, httpVersion: 'HTTP/1.1', headers: [{ name: 'Sec-WebSocket-Protocol', value: protocols }], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
  response: { status: 101, statusText: 'Switching Protocols', httpVersion: 'HTTP/1.1', headers: [{ name: 'sec-websocket-protocol', value: selected }], cookies: [], content: { size: 0, mimeType: 'x-unknown' }, redirectURL: '', headersSize: -1, bodySize: 0 },
  cache: {},
  timings: { send: 0, wait: 0, receive: 0 },
  _resourceType: 'websocket',
  _webSocketMessages: messages,
});

describe('HAR import', () => {
  it('imports Chrome-style sockets (AppSync by path or subprotocol, others generic) and publishes', async () => {
    const t0 = Date.parse('2026-01-01T00:00:01.000Z') / 1000;
    const har = harOf([
      wsEntry('wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', `aws-appsync-event-ws, ${HEADER_PROTOCOL}`, [
        { type: 'send', time: t0 + 0.1, opcode: 1, data: '{"type":"subscribe","id":"s1","channel":"/default/*"}' },
        { type: 'receive', time: t0 + 0.2, opcode: 1, data: `{"type":"data","id":"s1","event":"${SECRET}"}` },
        { type: 'receive', time: t0 + 0.25, opcode: 9, data: '' },
        { type: 'receive', time: t0 + 0.3, opcode: 2, data: 'AAECAwQF' },
      ]),
      wsEntry('wss://custom.domain/realtime', 'aws-appsync-event-ws', [{ type: 'receive', time: t0 + 0.4, opcode: 1, data: '{"type":"ka"}' }]),
      wsEntry('wss://chat.example/socket', 'chat', [{ type: 'receive', time: t0 + 0.5, opcode: 1, data: '{"type":"data","id":"s1"}' }], 'chat'),
      { ...wsEntry('https://www.example/', '', []), _resourceType: 'document', _webSocketMessages: undefined, request: { method: 'GET', url: 'https://www.example/', headers: [] } },
      {
        startedDateTime: '2026-01-01T00:00:02.000Z',
        time: 42,
        request: { method: 'POST', url: 'https://x.appsync-api.us-east-1.amazonaws.com/event', headers: [{ name: 'X-Api-Key', value: SECRET }, { name: 'Cookie', value: 'c' }], postData: { mimeType: 'application/json', text: '{"channel":"/default/a","events":["1"]}' } },
        response: { status: 200, content: { size: 10, mimeType: 'application/json', encoding: 'base64', text: Buffer.from('{"successful":[]}').toString('base64') } },
      },
    ]);
    const { session, format } = await importSession(db, har, opts);
    expect(format).toBe('har');
    expect(session).toMatchObject({ name: 'HAR: https://app.test/', pageUrl: 'https://app.test/', browser: 'WebInspector', keepSecrets: false });
    const frames = await readFramePage(db, session.id, { offset: 0, limit: 100 });
    const summary = frames.map((f) => [f.dir, f.type ?? null, f.channel ?? null]);
    expect(summary).toEqual([
      ['connecting', null, null], ['open', null, null],
      ['connecting', null, null], ['open', null, null],
      ['connecting', null, null], ['open', null, null],
      ['send', 'subscribe', '/default/*'],
      ['receive', 'data', '/default/*'],
      ['receive', null, null],
      ['receive', 'ka', null],
      ['receive', null, null], // generic socket: not classified
      ['http-request', 'publish', '/default/a'],
      ['http-response', null, '/default/a'],
    ]);
    expect(frames[8]).toMatchObject({ binary: { size: 6, preview: 'AAECAwQF' }, size: 6 });
    expect(frames[7]!.text).not.toContain(SECRET); // redacted by default
    expect(frames[11]!.extra?.headers).toEqual({ 'x-api-key': '[redacted]' });
    expect(frames[12]!.text).toBe('{"successful":[]}');
    const conns = await db.getAll('connections', IDBKeyRange.bound([session.id], [session.id, []]));
    expect(conns.map((c) => [c.url.split('/')[2], c.appsync, c.authMode ?? null]).sort()).toEqual([
      ['chat.example', false, null],
      ['custom.domain', true, null],
      ['x.appsync-api.us-east-1.amazonaws.com', true, 'API_KEY'],
      ['x.appsync-realtime-api.us-east-1.amazonaws.com', true, 'API_KEY'],
    ]);
    const kept = await importSession(db, har, { ...opts, keepSecrets: true, name: 'mine' });
    expect(kept.session).toMatchObject({ name: 'mine', keepSecrets: true });
    expect(JSON.stringify(await readFramePage(db, kept.session.id, { offset: 0, limit: 100 }))).toContain(SECRET);
  });

  it('rejects bad HAR files with a clear error and stores nothing', async () => {
    const msg = (m: unknown): Record<string, unknown> => wsEntry('wss://a/event/realtime', 'aws-appsync-event-ws', [m]);
    await rejects(harOf([]), 'no-sockets', /no WebSocket connections .* and no AppSync publishes/);
    await rejects(harOf([{ ...msg({}), _webSocketMessages: undefined, _resourceType: 'document', request: { method: 'GET', url: 'https://a/' } }]), 'no-sockets', /nothing to import/);
    await rejects(JSON.stringify({ log: { entries: {} } }), 'invalid-field', /^log\.entries must be a list$/);
    await rejects(JSON.stringify({ log: {} }), 'invalid-field', /log\.entries is missing/);
    // Nothing usable: every entry had to be skipped.
    await rejects(harOf([{ ...msg({ type: 'send', time: 1, opcode: 1, data: 'x' }), startedDateTime: 'yesterday' }]), 'invalid-field', /No entry of the HAR file could be read \(1 skipped; the first: entry skipped: log\.entries\[0\]\.startedDateTime must be an ISO 8601 date/);
    await rejects(harOf([{ ...msg({ type: 'send', time: 1, opcode: 1, data: 'x' }), request: { url: 5 } }]), 'invalid-field', /No entry .*log\.entries\[0\]\.request\.url must be a string/);
    await rejects(harOf([]).slice(0, 40), 'truncated', /cut short/);
    await rejects('[1,2,3]', 'unknown-format', /no "log" object/);
  });
});
