// Selection: the replayable messages of a stored session, streamed in position order from
// the sessions store (never the whole session in memory).

import { normalizeChannel } from '../protocol/channel.ts';
import { isRecord, parseJson } from '../protocol/json.ts';
import { scanFrames, FrameFlag, type Direction, type SessionId, type SessionsDb, type StoredFrame } from '../sessions/index.ts';
import type { ItemSource, ReplayItem, ReplayWhat } from './types.ts';

export interface SelectOptions {
  readonly what: ReplayWhat;
  /**
   * Only these channels (exact names or `/*` patterns). For received events this is the
   * subscription's channel as stored on the data frame.
   */
  readonly channels?: readonly string[];
  /** Only the frames at these positions (a selection made in the inspector). */
  readonly positions?: readonly number[];
  /**
   * The last position read. A session still being recorded grows while it is replayed (and
   * an injection into the same page records what it injects): without a bound the replay
   * would read its own output.
   */
  readonly endPos?: number;
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
}

function directionsFor(what: ReplayWhat): Direction[] {
  if (what === 'received') return ['receive'];
  if (what === 'published') return ['send', 'http-request'];
  return ['receive', 'send', 'http-request'];
}

function eventsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  // Lenient: a non-string entry (not valid on the wire) is replayed as its JSON text.
  return value.map((e) => (typeof e === 'string' ? e : JSON.stringify(e) ?? 'null'));
}

/**
 * The item a frame stands for under `what`, or undefined when it is not a replayable
 * message. Frames that should be one but cannot be decoded yield an item with a problem,
 * so a replay reports them instead of dropping them silently.
 */
export function itemOfFrame(frame: StoredFrame, what: ReplayWhat): ReplayItem | undefined {
  let source: ItemSource;
  if (frame.dir === 'receive' && frame.type === 'data' && what !== 'published') source = 'received';
  else if (frame.dir === 'send' && frame.type === 'publish' && what !== 'received') source = 'ws-publish';
  else if (frame.dir === 'http-request' && what !== 'received') source = 'http-publish';
  else return undefined;
  const base = { pos: frame.pos, t: frame.t, source, channel: frame.channel !== undefined ? normalizeChannel(frame.channel) : '' };
  if (frame.flags & FrameFlag.truncated) return { ...base, events: [], problem: 'the capture kept only the start of this frame' };
  if (frame.text === undefined) return { ...base, events: [], problem: 'the frame has no text' };
  const parsed = parseJson(frame.text);
  if (!parsed.ok || !isRecord(parsed.value)) return { ...base, events: [], problem: 'the frame is not a JSON object' };
  const v = parsed.value;
  if (source === 'received') {
    const event = v['event'];
    // The docs' array form of `event` (reference 3.3) is accepted too: one item per entry.
    const events = typeof event === 'string' ? [event] : eventsOf(event);
    if (!events) return { ...base, events: [], problem: 'the data frame has no event' };
    if (base.channel === '') return { ...base, events, problem: 'the subscription of this data frame is unknown' };
    return { ...base, events };
  }
  const events = eventsOf(v['events']);
  const channel = typeof v['channel'] === 'string' ? normalizeChannel(v['channel']) : base.channel;
  if (!events) return { ...base, channel, events: [], problem: 'the publish has no events array' };
  if (channel === '') return { ...base, events, problem: 'the publish names no channel' };
  return { ...base, channel, events };
}

/** Items of a session, in position order, read chunk window by chunk window. */
export async function* selectItems(db: SessionsDb, sessionId: SessionId, options: SelectOptions): AsyncGenerator<ReplayItem, void, undefined> {
  const wanted = options.positions ? new Set(options.positions) : undefined;
  let startPos: number | undefined;
  let endPos = options.endPos ?? Infinity;
  if (wanted) {
    if (wanted.size === 0) return;
    startPos = Infinity;
    let last = -Infinity;
    for (const p of wanted) {
      startPos = Math.min(startPos, p);
      last = Math.max(last, p);
    }
    endPos = Math.min(endPos, last);
  }
  const scan = scanFrames(
    db,
    sessionId,
    {
      directions: directionsFor(options.what),
      ...(options.channels && options.channels.length > 0 ? { channels: options.channels } : {}),
    },
    {
      ...(startPos !== undefined ? { startPos } : {}),
      batchSize: options.batchSize ?? 200,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  for await (const batch of scan) {
    for (const frame of batch.frames) {
      if (frame.pos > endPos) return;
      if (wanted && !wanted.has(frame.pos)) continue;
      const item = itemOfFrame(frame, options.what);
      if (item) yield item;
    }
  }
}

/**
 * How many items a selection will yield, from the session's counts (no scan): exact for
 * received events and WebSocket publishes, counting every HTTP request as a publish.
 */
export function estimateItems(
  counts: { readonly types: Readonly<Record<string, number>>; readonly directions: Readonly<Record<string, number>> },
  what: ReplayWhat,
): number {
  const received = counts.types['data'] ?? 0;
  const published = (counts.types['publish'] ?? 0) + (counts.directions['http-request'] ?? 0);
  // `publish` counts WebSocket publish frames only when they were sent; acks are
  // `publish_success`, so the type count is the page's publishes.
  if (what === 'received') return received;
  if (what === 'published') return published;
  return received + published;
}
