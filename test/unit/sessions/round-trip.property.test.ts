// Export → import → export is byte-identical for generated sessions: our format (plain and
// gzip) and, for what HAR can hold, HAR; with and without kept secrets. Uses the real
// redactor and classifier, so a redaction that is not idempotent shows up as a diff.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { encodeAuthSubprotocol } from '../../../src/protocol/auth-header.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { exportHar } from '../../../src/sessions/export-har.ts';
import { exportSession } from '../../../src/sessions/export-session.ts';
import { importSession } from '../../../src/sessions/import-session.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import type { SessionsDb } from '../../../src/sessions/schema.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import type { SessionId } from '../../../src/sessions/types.ts';
import { bytesOf, textOf } from './export-import-helpers.ts';
import { freshDb } from './helpers.ts';

const opts = { classify: classifyFrame, redact: redactRecord };
// Secrets carry a marker no word of the export format has, so "not in the export" checks the
// secret and not, say, a generated key that happens to read `length`.
const secret = fc.tuple(fc.constantFrom('', 'da2-'), fc.stringMatching(/^[A-Za-z0-9+/]{6,40}$/)).map(([p, s]) => `${p}Qz7${s}`);
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
const channel = fc.constantFrom('/default/a', '/default/*', 'default/b/c', '/x');

/** One AppSync message (or free text), sometimes carrying an authorization object. */
const message = fc.oneof(
  fc.record({ type: fc.constant('subscribe'), id: fc.constantFrom('s1', 's2'), channel, authorization: fc.record({ 'x-api-key': secret, host: fc.constant('h.test') }) }),
  fc.record({ type: fc.constant('publish'), id: fc.constant('p1'), channel, events: fc.array(text.map((t) => JSON.stringify(t)), { maxLength: 3 }), authorization: fc.record({ Authorization: secret.map((s) => `Bearer ${s}`) }) }),
  fc.record({ type: fc.constant('data'), id: fc.constantFrom('s1', 's2'), event: text.map((t) => JSON.stringify({ t })) }),
  fc.constant({ type: 'ka' }),
).map((m) => JSON.stringify(m));

type Step =
  | { k: 'msg'; send: boolean; data: string; cut: boolean }
  | { k: 'bin'; size: number }
  | { k: 'http'; body: string; status: number; key: string; query: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ k: fc.constant('msg' as const), send: fc.boolean(), data: fc.oneof(message, text), cut: fc.boolean() }),
  fc.record({ k: fc.constant('bin' as const), size: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ k: fc.constant('http' as const), body: message, status: fc.constantFrom(200, 401, 0), key: secret, query: fc.boolean() }),
);

const scenario = fc.record({
  key: secret,
  userinfo: fc.boolean(),
  steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), step), { minLength: 1, maxLength: 25 }),
  gapMs: fc.integer({ min: 0, max: 2000 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function recordsOf(s: Scenario): CaptureRecord[] {
  let t = 1_700_000_000_000;
  const seqs = new Map<string, number>();
  const base = (socketId: string) => {
    const seq = seqs.get(socketId) ?? 0;
    seqs.set(socketId, seq + 1);
    t += 1 + (s.gapMs % 7);
    return { socketId: socketId as SocketId, seq, t };
  };
  const out: CaptureRecord[] = [];
  for (const sock of ['p:0', 'p:1']) {
    const url = `wss://${s.userinfo ? 'me:pw@' : ''}h.test/event/realtime${sock === 'p:1' ? `?x-api-key=${s.key}` : ''}`;
    out.push({ ...base(sock), kind: 'ws-create', url, protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: 'h.test', 'x-api-key': s.key })], frameUrl: 'https://app.test/', appsync: true });
    out.push({ ...base(sock), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' });
  }
  for (const [which, st] of s.steps) {
    const sock = `p:${which}`;
    if (st.k === 'msg') {
      const data = st.cut && st.data.length > 4 ? { truncated: true as const, text: st.data.slice(0, st.data.length >> 1), length: st.data.length } : st.data;
      out.push({ ...base(sock), kind: st.send ? 'ws-send' : 'ws-receive', data, size: new TextEncoder().encode(st.data).byteLength });
    } else if (st.k === 'bin') {
      out.push({ ...base(sock), kind: 'ws-receive', data: { binary: true, size: st.size, preview: 'AAECAw==' }, size: st.size });
    } else {
      const url = `https://h.test/event${st.query ? `?x-api-key=${st.key}` : ''}`;
      const requestHeaders = { 'content-type': 'application/json', 'x-api-key': st.key, 'x-amz-user-agent': 'aws-amplify/6' };
      const responseBody = st.status === 200 ? '{"failed":[],"successful":[]}' : st.status === 0 ? '' : '{"errors":[{"errorType":"UnauthorizedException"}]}';
      const responseHeaders: Record<string, string> = st.status === 401 ? { 'x-amzn-errortype': 'UnauthorizedException', 'x-amzn-requestid': 'r-1' } : {};
      const error = st.status === 0 ? { error: 'TypeError: Failed to fetch' } : {};
      if (st.key.length % 2 === 0) {
        // The page tap's form: request at its start, a data frame, then the response.
        const q = base('p:http');
        out.push({ ...q, kind: 'http-request', url, method: 'POST', frameUrl: 'https://app.test/', requestHeaders, requestBody: st.body, via: 'fetch' });
        out.push({ ...base('p:0'), kind: 'ws-receive', data: '{"type":"data","id":"s1","event":"1"}', size: 37 });
        const r = base('p:http');
        out.push({ ...r, kind: 'http-response', request: q.seq, url, status: st.status, responseHeaders, responseBody, duration: r.t - q.t, ...error });
      } else {
        // One record for both halves (DevTools' network log).
        const b = base('p:http');
        out.push({ ...b, kind: 'http', url, method: 'POST', frameUrl: '', requestHeaders, requestBody: st.body, status: st.status, responseBody, responseHeaders, startedAt: b.t - 1, duration: 1, ...error, via: 'network' });
      }
    }
  }
  for (const sock of ['p:0', 'p:1']) out.push({ ...base(sock), kind: 'ws-close', code: 1000, reason: '', wasClean: true });
  return out;
}

async function recorded(db: SessionsDb, records: CaptureRecord[], keepSecrets: boolean): Promise<SessionId> {
  const s = await createSession(db, { name: 'generated', pageUrl: 'https://app.test/', keepSecrets, startedAt: 1_700_000_000_000 });
  const rec = await createRecorder(db, { sessionId: s.id, ...opts, chunkLimits: { maxFrames: 8, maxBytes: 1 << 20 } });
  await rec.append(records);
  await rec.finish(1_700_000_100_000);
  return s.id;
}

const RUNS = { numRuns: 25 };

describe('export → import → export is identical', () => {
  for (const keepSecrets of [false, true]) {
    for (const gzip of [false, true]) {
      it(`our format${gzip ? ', gzip' : ''}${keepSecrets ? ', secrets kept' : ''}`, async () => {
        await fc.assert(
          fc.asyncProperty(scenario, async (s) => {
            const db = await freshDb();
            const id = await recorded(db, recordsOf(s), keepSecrets);
            const a = await bytesOf(await exportSession(db, id, { ...opts, gzip, now: 0 }));
            const copy = await importSession(db, new Blob([a]), opts);
            const b = await bytesOf(await exportSession(db, copy.session.id, { ...opts, gzip, now: 0 }));
            const again = await importSession(db, new Blob([b]), opts);
            const c = await bytesOf(await exportSession(db, again.session.id, { ...opts, gzip, now: 0 }));
            // The first import marks a live session as imported; everything else is equal.
            const plain = async (x: Uint8Array<ArrayBuffer>) => textOf(gzip ? new Blob([x]).stream().pipeThrough(new DecompressionStream('gzip')) : new Blob([x]).stream());
            expect(await plain(b)).toBe((await plain(a)).replace('"source":"live"', '"source":"imported"'));
            expect(Buffer.from(c).equals(Buffer.from(b))).toBe(true);
            if (!keepSecrets) expect(await plain(a)).not.toContain(s.key);
          }),
          RUNS,
        );
      });
    }
    it(`HAR, what it can hold${keepSecrets ? ', secrets kept' : ''}`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const db = await freshDb();
          const id = await recorded(db, recordsOf(s), keepSecrets);
          const a = await textOf(await exportHar(db, id, opts));
          const one = await importSession(db, a, { ...opts, keepSecrets });
          const b = await textOf(await exportHar(db, one.session.id, opts));
          const two = await importSession(db, b, { ...opts, keepSecrets });
          const c = await textOf(await exportHar(db, two.session.id, opts));
          expect(c).toBe(b);
          // Messages and publishes (what HAR holds) are those of the first export.
          type Har = { log: { entries: { request: unknown; response: { content?: unknown; status: number }; _webSocketMessages?: unknown[] }[] } };
          const held = (h: string) => (JSON.parse(h) as Har).log.entries.map((e) => [e._webSocketMessages ?? e.request, e._webSocketMessages ? null : e.response.content]);
          expect(held(b)).toEqual(held(a));
          if (!keepSecrets) expect(a).not.toContain(s.key);
        }),
        RUNS,
      );
    });
  }
});
