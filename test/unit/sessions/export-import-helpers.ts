// Fixtures for export/import tests: a session with every kind of frame, stream helpers,
// and a HAR 1.2 structure check.

import type { CaptureRecord } from '../../../src/capture/records.ts';
import { classify, redact, SocketScript } from './helpers.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import type { SessionRecord } from '../../../src/sessions/types.ts';

export async function richSession(db: SessionsDb, init: { keepSecrets?: boolean; frames?: number } = {}): Promise<SessionRecord> {
  const s = await createSession(db, { name: 'rich', pageUrl: 'https://app.test/', pageTitle: 'App', browser: 'Chromium', tags: ['t1'], pinned: true, keepSecrets: init.keepSecrets ?? false });
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact, chunkLimits: { maxFrames: 16, maxBytes: 1 << 20 } });
  const a = new SocketScript('p:1');
  const g = new SocketScript('p:2');
  const h = new SocketScript('p:3');
  const recs: CaptureRecord[] = [a.create(), a.open(), a.send({ type: 'connection_init' }), a.receive({ type: 'connection_ack', connectionTimeoutMs: 300000 })];
  recs.push(a.send({ type: 'subscribe', id: 's1', channel: '/default/*', authorization: { 'x-api-key': 'da2-SECRETKEY' } }));
  for (let i = 0; i < (init.frames ?? 40); i++) recs.push(a.receive({ type: 'data', id: 's1', event: JSON.stringify({ i, text: 'ünïcødé ✓' }) }));
  recs.push(a.receive({ type: 'ka' }), a.binary(1000), a.truncated('{"type":"data","id":"s1","event":"xx', 90000));
  const gc = g.create();
  recs.push({ ...gc, url: 'wss://other.test/socket', protocols: [], appsync: false } as CaptureRecord, g.open(), g.send({ type: 'hello' }), g.receive('plain text'));
  recs.push(h.http('/default/x'), h.http('/default/y', 0), h.http('/default/z', 401));
  recs.push(a.error(), a.close(1006, false), g.close());
  await rec.append(recs.slice(0, 20));
  await rec.append(recs.slice(20));
  return rec.finish(a.t + 10);
}

export async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(await bytesOf(stream));
}

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): boolean => typeof v === 'string';
const isArr = Array.isArray;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The required parts of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/); returns problems. */
export function harProblems(har: unknown): string[] {
  const p: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) p.push(what);
  };
  if (!isObj(har) || !isObj(har.log)) return ['log missing'];
  const log = har.log;
  need(log.version === '1.2', 'log.version');
  need(isObj(log.creator) && isStr(log.creator.name) && isStr(log.creator.version), 'log.creator');
  if (log.browser !== undefined) need(isObj(log.browser) && isStr(log.browser.name) && isStr(log.browser.version), 'log.browser');
  if (log.pages !== undefined) {
    need(isArr(log.pages), 'log.pages');
    for (const [i, pg] of (isArr(log.pages) ? log.pages : []).entries()) {
      need(isObj(pg) && isStr(pg.startedDateTime) && isStr(pg.id) && isStr(pg.title) && isObj(pg.pageTimings), `pages[${i}]`);
    }
  }
  need(isArr(log.entries), 'log.entries');
  for (const [i, e] of (isArr(log.entries) ? log.entries : []).entries()) {
    const at = `entries[${i}]`;
    if (!isObj(e)) {
      p.push(at);
      continue;
    }
    need(isStr(e.startedDateTime) && !Number.isNaN(Date.parse(e.startedDateTime as string)), `${at}.startedDateTime`);
    need(isNum(e.time) && (e.time as number) >= 0, `${at}.time`);
    const rq = e.request;
    need(isObj(rq) && isStr(rq.method) && isStr(rq.url) && isStr(rq.httpVersion) && isArr(rq.cookies) && isArr(rq.headers) && isArr(rq.queryString) && isNum(rq.headersSize) && isNum(rq.bodySize), `${at}.request`);
    if (isObj(rq) && rq.postData !== undefined) need(isObj(rq.postData) && isStr(rq.postData.mimeType), `${at}.request.postData`);
    const rs = e.response;
    need(isObj(rs) && isNum(rs.status) && isStr(rs.statusText) && isStr(rs.httpVersion) && isArr(rs.cookies) && isArr(rs.headers) && isStr(rs.redirectURL) && isNum(rs.headersSize) && isNum(rs.bodySize), `${at}.response`);
    need(isObj(rs) && isObj(rs.content) && isNum(rs.content.size) && isStr(rs.content.mimeType), `${at}.response.content`);
    for (const hs of [isObj(rq) ? rq.headers : [], isObj(rs) ? rs.headers : []]) {
      for (const h of isArr(hs) ? hs : []) need(isObj(h) && isStr(h.name) && isStr(h.value), `${at} header`);
    }
    need(isObj(e.cache), `${at}.cache`);
    const t = e.timings;
    need(isObj(t) && [t.send, t.wait, t.receive].every((x) => isNum(x) && (x as number) >= 0), `${at}.timings`);
    if (e._resourceType === 'websocket') {
      need(isArr(e._webSocketMessages), `${at}._webSocketMessages`);
      for (const m of isArr(e._webSocketMessages) ? e._webSocketMessages : []) {
        need(isObj(m) && (m.type === 'send' || m.type === 'receive') && isNum(m.time) && (m.opcode === 1 || m.opcode === 2) && isStr(m.data), `${at} message`);
      }
    }
  }
  return p;
}
