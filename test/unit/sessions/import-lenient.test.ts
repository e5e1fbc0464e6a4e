// Imports keep what they can: one import test per defect class of odd or hostile files.
// Each imports the usable part and names every skipped or changed item with its place.
import { describe, expect, it } from 'vitest';
import { exportHar } from '../../../src/sessions/export-har.ts';
import { exportSession } from '../../../src/sessions/export-session.ts';
import { ImportError } from '../../../src/sessions/import-error.ts';
import { importSession, type ImportOptions } from '../../../src/sessions/import-session.ts';
import { normaliseTime } from '../../../src/sessions/import-warnings.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { purgeStaleImports } from '../../../src/sessions/session-ops.ts';
import { richSession, textOf } from './export-import-helpers.ts';
import { classify, freshDb, redact } from './helpers.ts';

const opts: ImportOptions = { classify, redact };
const T0 = Date.parse('2026-01-01T00:00:01.000Z');

const harOf = (entries: unknown[], version: unknown = '1.2'): string => JSON.stringify({ log: { version, creator: { name: 'WebInspector', version: '537.36' }, entries } });
const wsEntry = (messages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  startedDateTime: new Date(T0).toISOString(),
  time: 5000,
  request: { method: 'GET', url: 'wss://h.test/event/realtime', headers: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws' }] },
  response: { status: 101, headers: [{ name: 'sec-websocket-protocol', value: 'aws-appsync-event-ws' }] },
  _resourceType: 'websocket',
  _webSocketMessages: messages,
  ...extra,
});
const ka = (time: unknown) => ({ type: 'receive', time, opcode: 1, data: '{"type":"ka"}' });

async function framesOf(db: SessionsDb, input: string) {
  const result = await importSession(db, input, opts);
  return { result, frames: await readFramePage(db, result.session.id, { offset: 0, limit: 1000 }) };
}

describe('HAR import keeps what it can', () => {
  it('keeps Chrome\'s "error" messages (opcode -1) as socket errors, with a warning', async () => {
    const db = await freshDb();
    const { result, frames } = await framesOf(db, harOf([wsEntry([ka(T0 / 1000 + 1), { type: 'error', time: T0 / 1000 + 2, opcode: -1, data: 'Invalid frame header' }, ka(T0 / 1000 + 3)])]));
    expect(frames.map((f) => f.dir)).toEqual(['connecting', 'open', 'receive', 'error', 'receive']);
    expect(result.warnings).toEqual([{ code: 'kept-as', place: { entry: 0, message: 1 }, message: 'an "error" message was kept as a socket error: Invalid frame header.' }]);
  });

  it('reads an entry whose headers are an object, and skips one unreadable entry among good ones', async () => {
    const db = await freshDb();
    const odd = wsEntry([ka(T0 / 1000 + 1)], { request: { method: 'GET', url: 'wss://h.test/event/realtime', headers: { 'Sec-WebSocket-Protocol': 'aws-appsync-event-ws' } } });
    const broken = wsEntry([ka(T0 / 1000 + 1)], { request: { url: 42 } });
    const { result, frames } = await framesOf(db, harOf([wsEntry([ka(T0 / 1000 + 1)]), odd, broken]));
    expect(new Set(frames.map((f) => f.conn))).toEqual(new Set(['har:0', 'har:1']));
    expect(result.warnings.map((w) => [w.code, w.place])).toEqual([
      ['kept-as', { entry: 1 }],
      ['skipped', { entry: 2 }],
    ]);
    expect(result.warnings[1]?.message).toMatch(/entry skipped: log\.entries\[2\]\.request\.url must be a string/);
  });

  it('skips unreadable messages with their entry and message index', async () => {
    const db = await freshDb();
    const { result, frames } = await framesOf(db, harOf([wsEntry([ka(T0 / 1000 + 1), { type: 'sideways', time: 1, opcode: 1, data: '' }, { type: 'send', time: 'now', opcode: 1, data: '' }, { type: 'send', time: T0 / 1000, opcode: 7, data: '' }, ka(T0 / 1000 + 2)])]));
    expect(frames.filter((f) => f.dir === 'receive')).toHaveLength(2);
    expect(result.warnings.map((w) => [w.code, w.place.entry, w.place.message])).toEqual([
      ['skipped', 0, 1],
      ['skipped', 0, 2],
      ['skipped', 0, 3],
    ]);
    expect(result.warnings[2]?.message).toMatch(/opcode must be 1 \(text\) or 2 \(binary\)/);
  });

  it('normalises times: seconds vs milliseconds by range; 1e308, negative and NaN-like values replaced', async () => {
    const db = await freshDb();
    const { result, frames } = await framesOf(db, harOf([wsEntry([ka(T0 / 1000 + 1), ka(T0 + 2000), ka(1e308), ka(-5)])]));
    const ts = frames.filter((f) => f.dir === 'receive').map((f) => f.t);
    expect(ts).toEqual([T0 + 1000, T0 + 2000, T0 + 2000, T0 + 2000]);
    expect(result.warnings.map((w) => [w.code, w.place.message])).toEqual([
      ['time', 1],
      ['time', 2],
      ['time', 3],
    ]);
    expect(result.warnings[0]?.message).toMatch(/read as milliseconds/);
    // The session's own exports re-import.
    const again = await importSession(db, await textOf(await exportHar(db, result.session.id, opts)), opts);
    expect(again.session.frameCount).toBe(result.session.frameCount);
    await importSession(db, await textOf(await exportSession(db, result.session.id, opts)), opts);
  });

  it('warns about an unknown HAR version and reads it as 1.2', async () => {
    const db = await freshDb();
    const { result } = await framesOf(db, harOf([wsEntry([ka(T0 / 1000 + 1)])], '3.0'));
    expect(result.warnings).toEqual([{ code: 'unknown-version', place: {}, message: expect.stringMatching(/HAR version "3\.0" is not one this importer knows/) }]);
    expect((await framesOf(db, harOf([wsEntry([])]))).result.warnings).toEqual([]);
  });

  it('names a HAR cut short anywhere as truncated', async () => {
    const db = await freshDb();
    const har = harOf([wsEntry([ka(T0 / 1000 + 1), ka(T0 / 1000 + 2)])]);
    for (const cut of [20, har.indexOf('"_webSocketMessages"') - 1, har.indexOf('"_webSocketMessages"') + 5, har.length - 2]) {
      const err = await importSession(db, har.slice(0, cut), opts).catch((e: unknown) => e);
      expect([cut, (err as ImportError).code]).toEqual([cut, 'truncated']);
    }
    expect(((await importSession(db, 'hello', opts).catch((e: unknown) => e)) as ImportError).code).toBe('not-json');
  });
});

describe('our format: named problems and times', () => {
  it('a pretty-printed export gets the same precise version error as the minified one', async () => {
    const db = await freshDb();
    const s = await richSession(db);
    const lines = (await textOf(await exportSession(db, s.id, { redact }))).trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    header.version = 2;
    const minified = [JSON.stringify(header), ...lines.slice(1)].join('\n');
    const pretty = [JSON.stringify(header, null, 2), ...lines.slice(1).map((l) => JSON.stringify(JSON.parse(l), null, 2))].join('\n');
    const a = (await importSession(db, minified, opts).catch((e: unknown) => e)) as ImportError;
    const b = (await importSession(db, pretty, opts).catch((e: unknown) => e)) as ImportError;
    expect(a.code).toBe('unsupported-version');
    expect([b.code, b.message]).toEqual([a.code, a.message]);
    // With a good version, the layout is named.
    const fine = [JSON.stringify(JSON.parse(lines[0]!), null, 2), ...lines.slice(1)].join('\n');
    const c = (await importSession(db, fine, opts).catch((e: unknown) => e)) as ImportError;
    expect([c.code, c.message]).toEqual(['unknown-format', expect.stringMatching(/pretty-printed/)]);
  });

  it('a file cut inside its header line is truncated, not "not JSON"', async () => {
    const db = await freshDb();
    const s = await richSession(db);
    const text = await textOf(await exportSession(db, s.id, { redact }));
    const err = (await importSession(db, text.slice(0, 60), opts).catch((e: unknown) => e)) as ImportError;
    expect(err.code).toBe('truncated');
  });

  it('a frame time beyond the Date range is replaced, with a warning, and the copy exports to HAR', async () => {
    const db = await freshDb();
    const s = await richSession(db, { frames: 2 });
    const lines = (await textOf(await exportSession(db, s.id, { redact }))).trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes('"dir":"receive"'));
    const frame = JSON.parse(lines[i]!) as { frame: { t: number } };
    frame.frame.t = 1e308;
    lines[i] = JSON.stringify(frame);
    const result = await importSession(db, lines.join('\n') + '\n', opts);
    expect(result.warnings.map((w) => [w.code, w.place.line])).toEqual([['time', i + 1]]);
    const har = JSON.parse(await textOf(await exportHar(db, result.session.id, opts))) as { log: { entries: unknown[] } };
    expect(har.log.entries.length).toBeGreaterThan(0);
  });
});

describe('normaliseTime', () => {
  it('decides the unit by range and replaces what is not a time', () => {
    expect(normaliseTime(1_767_225_601, 's', 0)).toEqual({ ms: 1_767_225_601_000 });
    expect(normaliseTime(1_767_225_601_000, 's', 0)).toMatchObject({ ms: 1_767_225_601_000, warning: expect.any(String) });
    expect(normaliseTime(1_767_225_601, 'ms', 0)).toMatchObject({ ms: 1_767_225_601_000, warning: expect.any(String) });
    for (const bad of [Number.NaN, -1, 1e308, Infinity]) expect(normaliseTime(bad, 's', 42)).toMatchObject({ ms: 42, warning: expect.any(String) });
  });
});

describe('purgeStaleImports', () => {
  it('removes an import a crash left staged, but not one still writing', async () => {
    const db = await freshDb();
    const keep = await richSession(db);
    const { StagedSession } = await import('../../../src/sessions/import-stage.ts');
    const crashed = await StagedSession.begin(db, { name: 'crashed' });
    const running = await StagedSession.begin(db, { name: 'running' });
    const now = Date.now();
    expect(await purgeStaleImports(db, { now })).toEqual([]);
    expect(await purgeStaleImports(db, { now: now + 3 * 60_000 })).toEqual(expect.arrayContaining([crashed.id, running.id]));
    expect(await db.get('sessions', keep.id)).toBeDefined();
    expect(await db.get('sessions', crashed.id)).toBeUndefined();
  });
});
