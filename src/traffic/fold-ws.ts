// WebSocket messages: subscriptions by (connection, id), publishes by id, keep-alive, and
// the history-dependent lint rules. Frame-local rules come from src/protocol (lintFrameLocal).

import { detectAuthMode } from '../protocol/auth.ts';
import { decodeFrame, type DecodedFrame } from '../protocol/decode.ts';
import { isRecord, parseJson } from '../protocol/json.ts';
import { MAX_EVENT_BYTES, MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../protocol/limits.ts';
import { lintFrameLocal } from '../protocol/lint.ts';
import type { AppSyncError } from '../protocol/messages.ts';
import { FrameFlag, NOT_FROM_NETWORK, type StoredFrame } from '../sessions/types.ts';
import { keepAliveSignal, withRelated } from './connections.ts';
import { countEvent, endSub, findSub, isLive, lastSub, newPub, newSub, setPubDetail, setPubState, trackPending } from './entities.ts';
import { addFinding, SUBSCRIBED_BEFORE_CAPTURE, SYNTHETIC_MESSAGE } from './findings.ts';
import { publishAnswer, publishRate } from './fold-publish.ts';
import { setI32 } from './grow.ts';
import type { ConnS, State, SubS } from './state.ts';
import { channelIndex } from './stats.ts';
import type { Finding } from './types.ts';

export interface FoldOut {
  error: boolean;
  event: boolean;
  channel: string | undefined;
  /** The channel's interned index when known (saves hashing the frame's channel). */
  chIdx: number;
}

const ERROR_TYPES = new Set(['connection_error', 'subscribe_error', 'broadcast_error', 'unsubscribe_error', 'publish_error', 'error']);

function decodeFor(f: StoredFrame): DecodedFrame | undefined {
  const direction = f.dir === 'send' ? 'send' : 'receive';
  if (f.binary) return decodeFrame({ binary: true, size: f.binary.size }, { direction });
  // A truncated text would only ever decode as invalid JSON: not the frame's fault.
  if (f.text === undefined || f.flags & FrameFlag.truncated) return undefined;
  return decodeFrame(f.text, { direction });
}

export function at(pos: number, f: Omit<Finding, 'pos'>): Finding {
  return { ...f, pos };
}

export function errorText(errors: readonly AppSyncError[] | undefined): string | undefined {
  const e = errors?.[0];
  if (!e) return undefined;
  return e.message ? `${e.errorType}: ${e.message}` : e.errorType;
}

/**
 * The hot path: data and ka are not decoded unless something about them is unusual. The
 * live feed reads a chunk's texts only when this holds for one of its messages
 * (readsText in fold.ts), so this is the one place that decides.
 */
export function decodesMessage(lintData: boolean, type: string | undefined, binary: boolean, size: number): boolean {
  return type === undefined || binary || (type !== 'data' && type !== 'ka') || (type === 'data' && (lintData || size > MAX_EVENT_BYTES));
}

export function foldWs(s: State, c: ConnS, f: StoredFrame, t: number, out: FoldOut): void {
  const send = f.dir === 'send';
  if (c.state === 'closed') {
    addFinding(s, at(f.pos, { code: 'frame-after-close', severity: 'warning', message: `${f.type ?? 'a frame'} was ${send ? 'sent' : 'received'} after the connection closed`, ...withRelated([c.closePos]) }));
  } else if (c.state === 'connecting') c.state = 'open';
  if (!c.appsync) return;
  let type = f.type;
  let d: DecodedFrame | undefined;
  if (decodesMessage(s.lintData, type, f.binary !== undefined, f.size)) {
    d = decodeFor(f);
    if (d) {
      for (const lf of lintFrameLocal(d, c.connectionAuth)) addFinding(s, at(f.pos, lf));
      if (type === undefined && d.known) type = d.type;
    }
  }
  if (type === undefined) return;
  if (ERROR_TYPES.has(type)) out.error = true;
  const id = f.id ?? d?.id;
  // A message a block rule kept from the server asks it nothing: no subscription or
  // publish waits for an answer. One kept from the app was still the server's (folded).
  if (send) {
    if (!(f.flags & FrameFlag.blocked)) foldClient(s, c, f, t, type, id, d, out);
  } else foldServer(s, c, f, t, type, id, d, out);
}

function foldClient(s: State, c: ConnS, f: StoredFrame, t: number, type: string, id: string | undefined, d: DecodedFrame | undefined, out: FoldOut): void {
  switch (type) {
    case 'connection_init':
      if (c.initSeen) addFinding(s, at(f.pos, { code: 'duplicate-connection-init', severity: 'warning', message: 'connection_init sent more than once' }));
      c.initSeen = true;
      return;
    case 'subscribe': {
      if (id === undefined) return;
      const channel = f.channel ?? d?.channel;
      const live = findSub(s, c, id, isLive);
      const closing = findSub(s, c, id, isClosing);
      if (live && !live.unsubscribing) {
        addFinding(s, at(f.pos, { code: 'duplicate-subscription-id', severity: 'error', message: `subscription id ${id} is already in use on this connection; the service rejects duplicates`, ...withRelated([live.subscribePos]) }));
      } else if (closing) {
        addFinding(s, at(f.pos, { code: 'duplicate-subscription-id', severity: 'warning', message: `subscription id ${id} is reused before its unsubscribe was acknowledged`, ...withRelated([closing.unsubscribePos]) }));
      }
      const auth = frameObject(d)?.['authorization'];
      const mode = isRecord(auth) ? detectAuthMode(auth) : undefined;
      newSub(s, c, id, f.pos, t, channel, mode === 'NONE' ? undefined : mode);
      if (c.liveSubs === MAX_SUBSCRIPTIONS_PER_CONNECTION + 1) {
        addFinding(s, at(f.pos, { code: 'too-many-subscriptions', severity: 'warning', message: `${c.liveSubs} subscriptions on one connection; the default quota is ${MAX_SUBSCRIPTIONS_PER_CONNECTION}` }));
      }
      return;
    }
    case 'unsubscribe': {
      const sub = findSub(s, c, id, isOpenNotClosing);
      if (!sub) {
        addFinding(s, at(f.pos, { code: 'unsubscribe-unknown-id', severity: c.fromStart ? 'warning' : 'info', message: `unsubscribe for ${id ?? '(no id)'}, which is not an open subscription on this connection` }));
        return;
      }
      if (sub.state === 'pending') {
        // Reference 3.2: an unsubscribe before subscribe_success is silently ignored.
        addFinding(s, at(f.pos, { code: 'unsubscribe-before-ack', severity: 'warning', message: `unsubscribe for ${sub.id} before its subscribe_success; the service may ignore it and keep the subscription`, ...withRelated([sub.subscribePos]) }));
      }
      sub.unsubscribing = true;
      sub.unsubscribePos = f.pos;
      setI32(s.chain, f.pos, sub.index + 1);
      out.channel ??= sub.channel;
      return;
    }
    case 'publish': {
      publishRate(s, c, f.pos, t);
      const channel = f.channel ?? d?.channel;
      const p = newPub(s, c, f.pos, t, false, d?.events?.length ?? 0, channel === undefined ? -1 : channelIndex(s, channel));
      if (id === undefined) return;
      const prev = c.pending.get(id);
      if (prev !== undefined) {
        addFinding(s, at(f.pos, { code: 'duplicate-publish-id', severity: 'warning', message: `publish id ${id} is reused while an earlier publish with it is unanswered; its result cannot be told apart`, ...withRelated([s.pubs.pos.a[prev]]) }));
        setPubState(s, prev, 'unanswered');
      }
      trackPending(s, c, id, p);
      setPubDetail(s, p, { id }, false);
      return;
    }
  }
}

function frameObject(d: DecodedFrame | undefined): Record<string, unknown> | undefined {
  if (d?.message) return d.message;
  if (d?.raw === undefined) return undefined;
  const p = parseJson(d.raw);
  return p.ok && isRecord(p.value) ? p.value : undefined;
}

export function unknownAck(s: State, c: ConnS, pos: number, code: string, message: string): void {
  // Without the start of the connection the request may simply not have been captured.
  addFinding(s, at(pos, { code, severity: c.fromStart ? 'warning' : 'info', message: c.fromStart ? message : `${message} (the capture may have started after it)` }));
}

// Module-level predicates: no closure per frame on the hot path.
const isActive = (x: SubS) => x.state === 'active';
const isPending = (x: SubS) => x.state === 'pending';
const isUnacked = (x: SubS) => x.state === 'pending' && x.ackPos === undefined;
const isAnswered = (x: SubS) => x.ackPos !== undefined;
const isClosing = (x: SubS) => x.unsubscribing;
const isOpenNotClosing = (x: SubS) => isLive(x) && !x.unsubscribing;

/**
 * An event for a new id on a connection whose start was not captured (recording began
 * mid-stream, a partial HAR): its subscribe was simply before the capture. It is taken as
 * active from this event, said once, and its later events count on it, instead of one
 * "unknown subscription" finding per event (a flood of the same words on every data row).
 */
function subscribedBeforeCapture(s: State, c: ConnS, pos: number, t: number, id: string, channel: string | undefined, out: FoldOut): boolean {
  const sub = newSub(s, c, id, pos, t, channel, undefined);
  if (!sub) return false; // past the model's capacity: reported as an unknown id

  sub.state = 'active';
  sub.inferred = true;
  addFinding(s, at(pos, { code: SUBSCRIBED_BEFORE_CAPTURE, severity: 'info', message: `events for ${id}: subscribed before the capture began (its subscribe and its ack were not captured)` }));
  countEvent(sub, pos, t);
  linkSub(s, pos, sub, out);
  return true;
}

function linkSub(s: State, pos: number, sub: SubS, out: FoldOut): void {
  setI32(s.chain, pos, sub.index + 1);
  if (out.channel === undefined || out.channel === sub.channel) {
    out.channel = sub.channel;
    out.chIdx = sub.chIdx;
  }
}

function foldServer(s: State, c: ConnS, f: StoredFrame, t: number, type: string, id: string | undefined, d: DecodedFrame | undefined, out: FoldOut): void {
  // A message the server did not send (DevTools' inject, a page script's dispatchEvent)
  // says nothing about the connection: no keep-alive, ack or error is taken from it. An
  // event is still counted on its subscription, since the app did receive it.
  const fromServer = (f.flags & NOT_FROM_NETWORK) === 0;
  if (!fromServer) {
    if (f.flags & FrameFlag.synthetic) addFinding(s, at(f.pos, { code: SYNTHETIC_MESSAGE, severity: 'warning', message: `${type} was dispatched on the socket by a page script, not received from the server` }));
    if (type !== 'data') return;
  }
  switch (type) {
    case 'ka':
      keepAliveSignal(s, c, f.pos, t);
      return;
    case 'data': {
      if (fromServer) keepAliveSignal(s, c, f.pos, t);
      out.event = true;
      const sub = findSub(s, c, id, isActive) ?? findSub(s, c, id, isPending);
      if (sub) {
        if (sub.state === 'pending') addFinding(s, at(f.pos, { code: 'data-before-ack', severity: 'info', message: `event for ${sub.id} before its subscribe_success`, ...withRelated([sub.subscribePos]) }));
        countEvent(sub, f.pos, t);
        linkSub(s, f.pos, sub, out);
        return;
      }
      const ended = lastSub(s, c, id);
      if (ended) {
        addFinding(s, at(f.pos, { code: 'data-after-unsubscribe', severity: 'warning', message: `event for ${ended.id}, whose subscription had already ended (${ended.state})`, ...withRelated([ended.endPos]) }));
        linkSub(s, f.pos, ended, out);
      } else if (c.fromStart || id === undefined || !subscribedBeforeCapture(s, c, f.pos, t, id, f.channel, out)) unknownAck(s, c, f.pos, 'data-unknown-subscription', `event for ${id ?? '(no id)'}, which is not a subscription of this connection`);
      return;
    }
    case 'connection_ack': {
      if (c.acked) addFinding(s, at(f.pos, { code: 'duplicate-connection-ack', severity: 'info', message: 'connection_ack arrived more than once' }));
      c.acked = true;
      const ms = d?.message?.['connectionTimeoutMs'];
      if (typeof ms === 'number' && d?.problem === undefined) c.timeoutMs = ms;
      keepAliveSignal(s, c, f.pos, t);
      return;
    }
    case 'connection_error':
      c.connectionErrors = d?.errors ? [...d.errors] : [];
      return;
    case 'subscribe_success':
    case 'subscribe_error': {
      const sub = findSub(s, c, id, isUnacked);
      if (!sub) {
        const answered = findSub(s, c, id, isAnswered);
        if (answered) addFinding(s, at(f.pos, { code: 'duplicate-ack', severity: 'warning', message: `${type} for ${id}, which was already answered`, ...withRelated([answered.ackPos]) }));
        else unknownAck(s, c, f.pos, 'ack-without-request', `${type} for ${id ?? '(no id)'}, which no subscribe on this connection asked for`);
        return;
      }
      sub.ackPos = f.pos;
      linkSub(s, f.pos, sub, out);
      if (type === 'subscribe_success') sub.state = 'active';
      else {
        const e = errorText(d?.errors);
        if (e !== undefined) sub.error = e;
        endSub(c, sub, 'failed', f.pos);
      }
      return;
    }
    case 'unsubscribe_success':
    case 'unsubscribe_error': {
      const sub = findSub(s, c, id, isClosing);
      if (!sub) {
        unknownAck(s, c, f.pos, 'ack-without-request', `${type} for ${id ?? '(no id)'}, which no unsubscribe on this connection asked for`);
        return;
      }
      sub.unsubAckPos = f.pos;
      linkSub(s, f.pos, sub, out);
      if (type === 'unsubscribe_success') endSub(c, sub, 'unsubscribed', f.pos);
      else {
        sub.unsubscribing = false;
        sub.error = errorText(d?.errors) ?? 'unsubscribe_error';
      }
      return;
    }
    case 'broadcast_error': {
      const sub = findSub(s, c, id, isLive) ?? lastSub(s, c, id);
      if (sub) {
        sub.broadcastErrors++;
        linkSub(s, f.pos, sub, out);
      } else unknownAck(s, c, f.pos, 'data-unknown-subscription', `broadcast_error for ${id ?? '(no id)'}, which is not a subscription of this connection`);
      return;
    }
    case 'publish_success':
    case 'publish_error':
      publishAnswer(s, c, f, t, type, id, d, out);
      return;
    case 'error': {
      if (id === undefined) return;
      const sub = findSub(s, c, id, isPending);
      if (sub) {
        sub.ackPos = f.pos;
        sub.error = errorText(d?.errors) ?? 'error';
        linkSub(s, f.pos, sub, out);
        endSub(c, sub, 'failed', f.pos);
        return;
      }
      if (c.pending.has(id)) publishAnswer(s, c, f, t, type, id, d, out);
      return;
    }
  }
}

