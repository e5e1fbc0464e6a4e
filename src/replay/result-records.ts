// The replay's own session: what each send exchanged, as capture records, so the result is
// stored, redacted, listed, inspected, exported and compared like page traffic. The panel
// appends them through the sessions recorder (createRecorder) of a session created with
// source 'replay' and derivedFrom the original.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import { utf8Length } from '../protocol/base64.ts';
import type { ReplaySend, SendOutcome } from './types.ts';

interface VirtualSocket {
  readonly id: SocketId;
  seq: number;
  /** Subscriptions already announced on this socket (injection). */
  readonly subs: Set<string>;
}

/**
 * Builds records with socket ids `<prefix>:<n>`, one virtual socket per destination URL (or
 * page socket for injection), plus `<prefix>:http-<n>` for each HTTP publish.
 */
export class ResultRecords {
  private readonly sockets = new Map<string, VirtualSocket>();
  private nextSocket = 0;
  private nextHttp = 0;

  constructor(private readonly prefix: string) {}

  private socket(key: string, url: string, t: number, out: CaptureRecord[]): VirtualSocket {
    let s = this.sockets.get(key);
    if (s) return s;
    s = { id: `${this.prefix}:${this.nextSocket++}` as SocketId, seq: 0, subs: new Set() };
    this.sockets.set(key, s);
    out.push({ kind: 'ws-create', socketId: s.id, seq: s.seq++, t, url, protocols: ['aws-appsync-event-ws'], frameUrl: '', appsync: true });
    out.push({ kind: 'ws-open', socketId: s.id, seq: s.seq++, t, protocol: 'aws-appsync-event-ws', extensions: '' });
    return s;
  }

  /** Records for one attempt of a send; none when nothing reached the destination. */
  exchange(_send: ReplaySend, outcome: SendOutcome): CaptureRecord[] {
    const w = outcome.wire;
    if (!w) return [];
    const out: CaptureRecord[] = [];
    const t = w.startedAt;
    if (w.kind === 'http') {
      const body = w.sent[0] ?? '';
      const status = w.status ?? 0;
      out.push({
        kind: 'http',
        socketId: `${this.prefix}:http-${this.nextHttp++}` as SocketId,
        seq: 0,
        t,
        url: w.url ?? '',
        method: 'POST',
        frameUrl: '',
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: body,
        status,
        responseBody: w.received[0] ?? '',
        startedAt: t,
        duration: w.duration,
        ...(status === 0 ? { error: outcome.error ?? 'no response' } : {}),
        via: 'fetch',
      });
      return out;
    }
    if (w.kind === 'ws') {
      const url = w.url ?? 'replay';
      const s = this.socket(url, url, t, out);
      for (const text of w.sent) out.push({ kind: 'ws-send', socketId: s.id, seq: s.seq++, t, data: text, size: utf8Length(text) });
      for (const text of w.received) out.push({ kind: 'ws-receive', socketId: s.id, seq: s.seq++, t: t + w.duration, data: text, size: utf8Length(text) });
      return out;
    }
    for (const f of w.injected ?? []) {
      const s = this.socket(`inject ${f.socketId}`, f.socketUrl ?? `page socket ${f.socketId}`, t, out);
      if (!s.subs.has(f.subscriptionId)) {
        s.subs.add(f.subscriptionId);
        // The subscription the frames were made for, so the stored data frames resolve to
        // its channel like the page's own. It was the page's, not sent again.
        const sub = JSON.stringify({ type: 'subscribe', id: f.subscriptionId, channel: f.channel });
        out.push({ kind: 'ws-send', socketId: s.id, seq: s.seq++, t, data: sub, size: utf8Length(sub) });
      }
      out.push({ kind: 'ws-receive', socketId: s.id, seq: s.seq++, t, data: f.frame, size: utf8Length(f.frame), injected: true });
    }
    return out;
  }

  /** Closes every virtual socket (the end of the run). */
  finish(t: number): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (const s of this.sockets.values()) out.push({ kind: 'ws-close', socketId: s.id, seq: s.seq++, t, code: 1000, reason: 'replay ended', wasClean: true });
    return out;
  }
}
