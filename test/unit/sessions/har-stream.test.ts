// The streamed HAR reader: the same events whatever the chunking, values handed out one at
// a time, and problems named as for a document parsed whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HarStream, type HarEvent } from '../../../src/sessions/har-stream.ts';
import { ImportError } from '../../../src/sessions/import-error.ts';
import { importSession } from '../../../src/sessions/import-session.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import { classify, freshDb, redact } from './helpers.ts';

const limits = { maxValueChars: 1e9, maxDocChars: Number.POSITIVE_INFINITY };

function eventsOf(pieces: readonly string[], l = limits): HarEvent[] {
  const p = new HarStream(l);
  return [...pieces.flatMap((s) => p.push(s)), ...p.end()];
}

function errorOf(pieces: readonly string[], l = limits): ImportError {
  try {
    eventsOf(pieces, l);
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('no error');
}

/** Cuts a string at the given fractions. */
function cut(s: string, at: readonly number[]): string[] {
  const points = [...new Set(at.map((f) => Math.floor(f * s.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const p of points) {
    out.push(s.slice(from, p));
    from = p;
  }
  out.push(s.slice(from));
  return out;
}

const doc = {
  other: { deep: [1, { x: '}]"' }] },
  log: {
    version: '1.2',
    creator: { name: 'c\\"}' },
    entries: [
      { startedDateTime: '2026-01-01T00:00:00Z', request: { url: 'wss://a/"[{' }, _webSocketMessages: [{ type: 'send', data: 'a\\"b' }, 5, 'x', null] },
      7,
      { _webSocketMessages: 'not a list', time: -1.5e3 },
    ],
    comment: 'after',
  },
  trailer: true,
};

describe('HarStream', () => {
  it('hands out log members, entry members and each message, and skips the rest', () => {
    const ev = eventsOf([JSON.stringify(doc, null, 2)]);
    expect(ev).toEqual([
      { kind: 'log', key: 'version', value: '1.2' },
      { kind: 'log', key: 'creator', value: { name: 'c\\"}' } },
      { kind: 'entries' },
      { kind: 'entry', entry: 0 },
      { kind: 'field', entry: 0, key: 'startedDateTime', value: '2026-01-01T00:00:00Z' },
      { kind: 'field', entry: 0, key: 'request', value: { url: 'wss://a/"[{' } },
      { kind: 'messages', entry: 0 },
      { kind: 'message', entry: 0, message: 0, value: { type: 'send', data: 'a\\"b' } },
      { kind: 'message', entry: 0, message: 1, value: 5 },
      { kind: 'message', entry: 0, message: 2, value: 'x' },
      { kind: 'message', entry: 0, message: 3, value: null },
      { kind: 'entry-end', entry: 0 },
      { kind: 'odd-entry', entry: 1, value: 7 },
      { kind: 'entry', entry: 2 },
      { kind: 'field', entry: 2, key: '_webSocketMessages', value: 'not a list' },
      { kind: 'field', entry: 2, key: 'time', value: -1.5e3 },
      { kind: 'entry-end', entry: 2 },
      { kind: 'log', key: 'comment', value: 'after' },
      { kind: 'end', log: true },
    ]);
  });

  it('gives the same events however the text is cut into chunks (property)', () => {
    const text = JSON.stringify(doc);
    const whole = eventsOf([text]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (at) => {
        expect(eventsOf(cut(text, at))).toEqual(whole);
      }),
    );
    // One character at a time: every escape and every scalar cut by a boundary.
    expect(eventsOf([...text])).toEqual(whole);
  });

  it('names problems: empty, cut short, not JSON, not a HAR, too large', () => {
    expect(errorOf(['   \n ']).code).toBe('empty');
    expect(errorOf(['{"log":{"entries":[{"a":1}']).code).toBe('truncated');
    expect(errorOf(['{"log":{"entries":[{"a":"x']).code).toBe('truncated');
    expect(errorOf(['{"log":{"version":"1.2"}}', ' x']).message).toMatch(/not JSON \(content after the end of the document at character 27\)/);
    expect(errorOf(['{"log":{"version":1.2.3}}']).code).toBe('not-json');
    expect(errorOf(['{"log" "x"}']).message).toMatch(/expected ":"/);
    expect(errorOf(['[1, 2]']).code).toBe('unknown-format');
    expect(errorOf(['{"log":{"entries":[{"a":"', 'y'.repeat(50), '"}]}}'], { maxValueChars: 20, maxDocChars: 1e9 }).code).toBe('too-large');
    expect(errorOf(['{"log":', '{}}'], { maxValueChars: 20, maxDocChars: 8 }).code).toBe('too-large');
    expect(eventsOf(['{"x":1}']).at(-1)).toEqual({ kind: 'end', log: false });
  });
});

describe('streamed HAR import', () => {
  const T0 = Date.parse('2026-01-01T00:00:01.000Z');
  const ws = (url: string, times: readonly number[]) => ({
    startedDateTime: new Date(T0).toISOString(),
    request: { method: 'GET', url, headers: [] },
    response: { status: 101, headers: [] },
    _webSocketMessages: times.map((t) => ({ type: 'receive', time: (T0 + t) / 1000, opcode: 1, data: `{"type":"ka","t":${t}}` })),
  });

  it('merges overlapping sockets in time order within the window, and warns past it', async () => {
    const har = JSON.stringify({ log: { version: '1.2', entries: [ws('wss://a/event/realtime', [10, 30, 50]), ws('wss://b/event/realtime', [20, 40])] } });
    const db = await freshDb();
    const exact = await importSession(db, har, { classify, redact });
    const page = await readFramePage(db, exact.session.id, { offset: 0, limit: 100 });
    expect(page.filter((f) => f.dir === 'receive').map((f) => f.t - T0)).toEqual([10, 20, 30, 40, 50]);
    expect(exact.warnings).toEqual([]);
    // A window of 2 records cannot hold socket a while socket b is read.
    const windowed = await importSession(db, har, { classify, redact, limits: { orderWindow: 2 } });
    expect(windowed.session.frameCount).toBe(exact.session.frameCount);
    expect(windowed.warnings.map((w) => w.code)).toEqual(['out-of-order']);
  });

  it('holds the messages of an entry that lists them before its request', async () => {
    const { _webSocketMessages, ...head } = ws('wss://a/event/realtime', [10, 20]);
    const har = JSON.stringify({ log: { entries: [{ _webSocketMessages, ...head }] } });
    const db = await freshDb();
    const r = await importSession(db, har, { classify, redact });
    expect(r.session.frameCount).toBe(4); // connecting, open, two messages
    expect(r.warnings.map((w) => w.code)).toEqual(['unknown-version']);
  });
});
