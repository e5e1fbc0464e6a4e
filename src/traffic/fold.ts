// The fold: frames in position order → state. One pass, no re-scan; each frame costs a few
// map lookups, and only frames that are not `data`/`ka` (or are suspicious) are decoded.

import { FrameFlag, type StoredFrame } from '../sessions/types.ts';
import { addFinding, NOT_CAPTURED, WORKER_NOT_CAPTURED } from './findings.ts';
import { checkGap, connFor, withRelated } from './connections.ts';
import { endSub, isLive, pubState, setPubState } from './entities.ts';
import { foldHttp } from './fold-http.ts';
import { decodesMessage, foldWs, type FoldOut } from './fold-ws.ts';
import { setU8, getU8 } from './grow.ts';
import { bump, type ConnS, type State } from './state.ts';
import { countChannel, countSeries, countType } from './stats.ts';
import { Mark } from './types.ts';

const out: FoldOut = { error: false, event: false, channel: undefined, chIdx: -1 };

/**
 * Whether folding a frame can read its text: HTTP halves always, WebSocket messages when
 * foldWs decodes them, lifecycle frames never. A frame passed without its text when this
 * holds is folded as if it had none.
 */
export function readsText(s: Pick<State, 'lintData'>, dir: string, type: string | undefined, size: number): boolean {
  // Asked of frames that have a text, so never of a binary one.
  if (dir === 'send' || dir === 'receive') return decodesMessage(s.lintData, type, false, size);
  return dir === 'http-request' || dir === 'http-response';
}

export function applyFrames(s: State, frames: readonly StoredFrame[]): boolean {
  let changed = false;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (!f || typeof f.pos !== 'number' || !(f.pos >= 0)) continue;
    if (f.pos < s.nextPos) {
      s.duplicates++;
      continue;
    }
    if (f.pos > s.nextPos) s.missing += f.pos - s.nextPos;
    s.nextPos = f.pos + 1;
    changed = true;
    try {
      applyOne(s, f);
    } catch {
      // A frame shape nothing here expected must not stop the fold; it is counted.
      bump(s.overflow, 'faults');
    }
  }
  if (changed) s.version++;
  return changed;
}

function applyOne(s: State, f: StoredFrame): void {
  const t = typeof f.t === 'number' ? f.t : (s.lastAt ?? 0);
  if (s.t0 === undefined) s.t0 = t;
  if (s.firstAt === undefined || t < s.firstAt) s.firstAt = t;
  if (s.lastAt === undefined || t > s.lastAt) s.lastAt = t;
  const http = f.dir === 'http-request' || f.dir === 'http-response';
  const c = connFor(s, f.conn, http ? 'http' : 'websocket', f.pos, t);
  c.frames++;
  c.lastPos = f.pos;
  c.lastAt = t;
  bump(s.byDir, f.dir);
  const size = typeof f.size === 'number' ? f.size : 0;
  out.error = (f.flags & FrameFlag.failed) !== 0;
  out.event = false;
  out.channel = f.channel;
  out.chIdx = -1;
  switch (f.dir) {
    case 'connecting':
      c.state = 'connecting';
      c.createdAt = t;
      c.fromStart = true;
      if (f.extra?.via === 'network') notCaptured(s, f);
      else if (f.extra?.via === 'shared-worker') workerNotCaptured(s, f);
      break;
    case 'open':
      if (c.state !== 'closed') c.state = 'open';
      c.openedAt = t;
      c.fromStart = true;
      break;
    case 'error':
      out.error = true;
      break;
    case 'close':
      close(s, c, f, t);
      break;
    case 'send':
    case 'receive':
      countBytes(s, c, f.dir === 'send', size);
      countType(s, f.type ?? (f.binary ? '(binary)' : '(unclassified)'));
      foldWs(s, c, f, t, out);
      break;
    case 'http-request':
    case 'http-response':
      countBytes(s, c, f.dir === 'http-request', size);
      countType(s, f.type ?? f.dir);
      foldHttp(s, c, f, t, out);
      break;
  }
  if (out.error) {
    s.errors++;
    c.errors++;
    setU8(s.mark, f.pos, getU8(s.mark, f.pos) | Mark.errorFrame);
  }
  if (out.chIdx >= 0) s.channelCount[out.chIdx] = (s.channelCount[out.chIdx] ?? 0) + 1;
  else if (out.channel !== undefined) countChannel(s, out.channel);
  countSeries(s, t, out.event, out.error);
}

/** A message's bytes, on its connection and in the session's totals. */
function countBytes(s: State, c: ConnS, outgoing: boolean, size: number): void {
  if (outgoing) {
    c.sent++;
    c.bytesOut += size;
    s.bytesOut += size;
  } else {
    c.received++;
    c.bytesIn += size;
    s.bytesIn += size;
  }
}

function close(s: State, c: ConnS, f: StoredFrame, t: number): void {
  const wasOpen = c.state !== 'closed';
  c.state = 'closed';
  c.closedAt = t;
  c.closePos = f.pos;
  if (typeof f.extra?.code === 'number') c.closeCode = f.extra.code;
  if (typeof f.extra?.reason === 'string') c.closeReason = f.extra.reason;
  if (typeof f.extra?.wasClean === 'boolean') c.wasClean = f.extra.wasClean;
  if (!wasOpen) return;
  if (c.acked) checkGap(s, c, f.pos, t);
  const unanswered: number[] = [];
  for (const i of c.subs) {
    const sub = s.subs[i];
    if (!sub || !isLive(sub)) continue;
    if (sub.state === 'pending') unanswered.push(sub.subscribePos);
    endSub(c, sub, 'closed', f.pos);
  }
  if (unanswered.length > 0) {
    addFinding(s, {
      code: 'subscribe-unanswered',
      severity: 'warning',
      pos: f.pos,
      message: `the connection closed while ${unanswered.length} subscribe${unanswered.length > 1 ? 's were' : ' was'} still waiting for subscribe_success`,
      ...withRelated(unanswered),
    });
  }
  if (c.pending.size > 0) {
    const positions: number[] = [];
    for (const i of c.pending.values()) {
      if (pubState(s, i) === 'pending') setPubState(s, i, 'unanswered');
      positions.push(s.pubs.pos.a[i] ?? 0);
    }
    addFinding(s, {
      code: 'publish-unanswered',
      severity: 'warning',
      pos: f.pos,
      message: `the connection closed while ${positions.length} publish${positions.length > 1 ? 'es were' : ' was'} still waiting for a result`,
      ...withRelated(positions),
    });
    c.pending.clear();
  }
}

/** A socket only the browser's report of its handshake saw (a worker's): the session has none of its frames. */
function notCaptured(s: State, f: StoredFrame): void {
  const url = f.extra?.url ?? '';
  addFinding(s, { code: NOT_CAPTURED, severity: 'warning', pos: f.pos, message: `a WebSocket to ${url} opened by a worker (or another context) is not captured; its frames are not recorded` });
}

/**
 * A shared worker the page started. Whether it opens sockets is unknown; that none it opens
 * is recorded is not, and in Chromium nothing else shows them (see src/capture/worker-tap.ts).
 */
function workerNotCaptured(s: State, f: StoredFrame): void {
  const what = f.extra?.url ? `a shared worker (${f.extra.url})` : 'a shared worker';
  addFinding(s, { code: WORKER_NOT_CAPTURED, severity: 'warning', pos: f.pos, message: `the page started ${what}; WebSockets it opens are not captured` });
}
