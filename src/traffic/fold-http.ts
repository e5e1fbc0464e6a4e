// HTTP publishes: a request and its response, as two frames. Today's recorder writes both
// halves from one capture record (same sock and seq); a capture that records the request
// when it starts and the response as its own record is paired by `extra.requestSeq` when
// present, else with the oldest unanswered request of the same endpoint (FIFO).

import { decodeHttpPublish, decodeHttpPublishResponse } from '../protocol/decode-http.ts';
import { lintHttpPublish } from '../protocol/lint.ts';
import { FrameFlag, type StoredFrame } from '../sessions/types.ts';
import { setAuthHeaders } from './connections.ts';
import { answerPub, newPub, setPubDetail, setPubState } from './entities.ts';
import { addFinding } from './findings.ts';
import { checkResults } from './fold-publish.ts';
import type { FoldOut } from './fold-ws.ts';
import { bump, LIMITS, type ConnS, type State } from './state.ts';
import { channelIndex } from './stats.ts';

function text(f: StoredFrame): string | undefined {
  return f.text !== undefined && !(f.flags & FrameFlag.truncated) ? f.text : undefined;
}

export function foldHttp(s: State, c: ConnS, f: StoredFrame, t: number, out: FoldOut): void {
  if (f.dir === 'http-request') request(s, c, f, t, out);
  else response(s, c, f, t, out);
}

function request(s: State, c: ConnS, f: StoredFrame, t: number, out: FoldOut): void {
  const url = f.extra?.url;
  if (typeof url === 'string' && c.url === '') c.url = url;
  c.createdAt ??= t;
  const headers = f.extra?.headers;
  if (headers) setAuthHeaders(c, { ...headers }, c.authLabel);
  const body = text(f);
  const d = body !== undefined ? decodeHttpPublish(body) : undefined;
  if (d && c.appsync) {
    for (const lf of lintHttpPublish(d, headers ? { ...headers } : undefined)) addFinding(s, { ...lf, pos: f.pos });
  }
  const channel = f.channel ?? d?.channel;
  out.channel = channel;
  const p = newPub(s, c, f.pos, t, true, d?.events?.length ?? 0, channel === undefined ? -1 : channelIndex(s, channel));
  c.httpPending.push([p, f.seq]);
  if (c.httpPending.length > LIMITS.pendingPublishes) {
    const oldest = c.httpPending.shift();
    if (oldest) setPubState(s, oldest[0], 'unanswered');
    bump(s.overflow, 'pendingPublishes');
  }
}

function takeRequest(c: ConnS, f: StoredFrame): number | undefined {
  const q = c.httpPending;
  if (q.length === 0) return undefined;
  const extra = f.extra as { requestSeq?: unknown } | undefined;
  const want = typeof extra?.requestSeq === 'number' ? extra.requestSeq : f.seq;
  let k = q.findIndex(([, seq]) => seq === want);
  if (k < 0) k = 0;
  const [p] = q.splice(k, 1)[0]!;
  return p;
}

function response(s: State, c: ConnS, f: StoredFrame, t: number, out: FoldOut): void {
  const p = takeRequest(c, f);
  const status = typeof f.extra?.status === 'number' ? f.extra.status : 0;
  if (p === undefined) {
    addFinding(s, { code: 'http-response-without-request', severity: 'info', pos: f.pos, message: `HTTP ${status} response with no publish request before it on this endpoint` });
    out.error ||= status === 0 || status >= 400;
    return;
  }
  answerPub(s, p, f.pos, t, 'http-response');
  s.pubs.status.a[p] = status;
  const ch = s.pubs.channel.a[p] ?? -1;
  if (ch >= 0) out.channel ??= s.channels[ch];
  const body = text(f);
  const r = body !== undefined && status !== 0 ? decodeHttpPublishResponse(status, body) : undefined;
  const successful = r?.successful ?? [];
  const failed = r?.failed ?? [];
  s.pubs.ok.a[p] = successful.length;
  s.pubs.failed.a[p] = failed.length;
  const requestError = status === 0 || status >= 300 || (r?.errors?.length ?? 0) > 0;
  if (requestError) {
    setPubState(s, p, 'error');
    out.error = true;
    const errors = r?.errors ? [...r.errors] : [{ errorType: status === 0 ? 'NetworkError' : `HTTP ${status}`, ...(typeof f.extra?.error === 'string' ? { message: f.extra.error } : {}) }];
    setPubDetail(s, p, { errors }, true);
    return;
  }
  setPubState(s, p, failed.length === 0 ? 'success' : successful.length === 0 ? 'failed' : 'partial');
  if (failed.length > 0) out.error = true;
  setPubDetail(s, p, { results: { successful: [...successful], failed: [...failed] } }, failed.length > 0);
  if (r?.response) checkResults(s, f.pos, s.pubs.events.a[p] ?? 0, successful, failed, s.pubs.pos.a[p]);
}
