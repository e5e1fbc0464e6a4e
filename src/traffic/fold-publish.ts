// Publish answers (WebSocket acks), the per-event result check shared with HTTP, and the
// per-connection publish rate.

import type { DecodedFrame } from '../protocol/decode.ts';
import { MAX_PUBLISHES_PER_SECOND_PER_CONNECTION } from '../protocol/limits.ts';
import type { StoredFrame } from '../sessions/types.ts';
import { withRelated } from './connections.ts';
import { answerPub, setPubDetail, setPubState } from './entities.ts';
import { addFinding } from './findings.ts';
import { at, unknownAck, type FoldOut } from './fold-ws.ts';
import type { ConnS, State } from './state.ts';

/** The secondary quota of 25 publishes a second per connection (reference 6): once per second over it. */
export function publishRate(s: State, c: ConnS, pos: number, t: number): void {
  const sec = Math.floor(t / 1000);
  if (sec !== c.pubSec) {
    c.pubSec = sec;
    c.pubInSec = 0;
  }
  if (++c.pubInSec === MAX_PUBLISHES_PER_SECOND_PER_CONNECTION + 1) {
    addFinding(s, at(pos, { code: 'publish-rate', severity: 'info', message: `more than ${MAX_PUBLISHES_PER_SECOND_PER_CONNECTION} publishes within one second on this connection; the service's quota (not adjustable) may throttle them` }));
  }
}

export function publishAnswer(s: State, c: ConnS, f: StoredFrame, t: number, type: 'publish_success' | 'publish_error' | 'error', id: string | undefined, d: DecodedFrame | undefined, out: FoldOut): void {
  const p = id === undefined ? undefined : c.pending.get(id);
  if (p === undefined || id === undefined) {
    unknownAck(s, c, f.pos, 'publish-ack-unknown-id', `${type} for ${id ?? '(no id)'}, which matches no unanswered publish on this connection`);
    return;
  }
  c.pending.delete(id);
  answerPub(s, p, f.pos, t, type);
  const ch = s.pubs.channel.a[p] ?? -1;
  if (ch >= 0) out.channel ??= s.channels[ch];
  if (type !== 'publish_success') {
    setPubState(s, p, 'error');
    out.error = true;
    setPubDetail(s, p, { id, ...(d?.errors ? { errors: [...d.errors] } : {}) }, true);
    return;
  }
  const successful = d?.successful ?? [];
  const failed = d?.failed ?? [];
  s.pubs.ok.a[p] = successful.length;
  s.pubs.failed.a[p] = failed.length;
  setPubState(s, p, failed.length === 0 ? 'success' : successful.length === 0 ? 'failed' : 'partial');
  if (failed.length > 0) out.error = true;
  setPubDetail(s, p, { id, results: { successful: [...successful], failed: [...failed] } }, failed.length > 0);
  if (d) checkResults(s, f.pos, s.pubs.events.a[p] ?? 0, successful, failed, s.pubs.pos.a[p]);
}

/** Every published event answered exactly once, by its position (reference 4). */
export function checkResults(s: State, pos: number, events: number, successful: readonly { index: number }[], failed: readonly { index?: number }[], publishPos: number | undefined): void {
  if (events === 0) return;
  const seen = new Uint8Array(events);
  const problems: string[] = [];
  for (const e of [...successful, ...failed]) {
    const i = e.index;
    if (i === undefined) continue;
    if (i >= events) problems.push(`index ${i} is beyond the ${events} published event${events > 1 ? 's' : ''}`);
    else if (seen[i]) problems.push(`event ${i} is answered twice`);
    else seen[i] = 1;
  }
  const missing: number[] = [];
  seen.forEach((v, i) => {
    if (!v) missing.push(i);
  });
  if (missing.length > 0 && successful.length + failed.length < events) problems.push(`event${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not answered`);
  if (problems.length === 0) return;
  addFinding(s, at(pos, { code: 'publish-results-mismatch', severity: 'warning', message: `publish result: ${problems.slice(0, 3).join('; ')}`, ...withRelated([publishPos]) }));
}
