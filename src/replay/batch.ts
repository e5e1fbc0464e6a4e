// Planning: items → sends. Remaps channels, checks them against the target, splits or
// merges events into sends within the target's batch and size limits, and turns what
// cannot be sent into skips with a reason (never dropped silently).

import { utf8Length } from '../protocol/base64.ts';
import { remapChannel, remappedProblem, type CompiledRule } from './remap.ts';
import type { ReplayItem, ReplayTarget, SentEventRef } from './types.ts';

export interface PlannedSend {
  readonly kind: 'send';
  readonly channel: string;
  readonly events: readonly string[];
  readonly refs: readonly SentEventRef[];
  /** Original time of the first event: what the schedule times the send by. */
  readonly t: number;
  readonly lastPos: number;
}

export interface PlannedSkip {
  readonly kind: 'skip';
  readonly refs: readonly SentEventRef[];
  readonly reason: string;
  readonly t: number;
  readonly lastPos: number;
}

export type Planned = PlannedSend | PlannedSkip;

export interface PlanOptions {
  readonly rules: readonly CompiledRule[];
  readonly target: Pick<ReplayTarget, 'maxEventsPerSend' | 'maxEventBytes' | 'maxSendBytes' | 'channelProblem'>;
  /** Merge consecutive items on one channel into one send (up to the batch limit). */
  readonly merge: boolean;
  /**
   * Only items whose original times are at most this far apart are merged, so merging
   * never moves an event much earlier than its schedule (Infinity for rate-driven timing).
   */
  readonly mergeSpanMs?: number;
  /** Wildcard channels are valid for injection (they name the page's subscription). */
  readonly allowWildcard?: boolean;
}

interface Open {
  channel: string;
  events: string[];
  refs: SentEventRef[];
  bytes: number;
  t: number;
  lastPos: number;
}

export async function* planSends(items: AsyncIterable<ReplayItem>, options: PlanOptions): AsyncGenerator<Planned, void, undefined> {
  const max = Math.max(1, options.target.maxEventsPerSend);
  const maxEventBytes = options.target.maxEventBytes ?? Infinity;
  const maxSendBytes = options.target.maxSendBytes ?? Infinity;
  const span = options.mergeSpanMs ?? Infinity;
  let open: Open | undefined;
  const flush = function* (): Generator<Planned> {
    if (open && open.events.length > 0) {
      yield { kind: 'send', channel: open.channel, events: open.events, refs: open.refs, t: open.t, lastPos: open.lastPos };
    }
    open = undefined;
  };

  for await (const item of items) {
    const ref: SentEventRef = { pos: item.pos, t: item.t };
    if (item.problem !== undefined) {
      yield* flush();
      yield { kind: 'skip', refs: item.events.length > 0 ? item.events.map(() => ref) : [ref], reason: item.problem, t: item.t, lastPos: item.pos };
      continue;
    }
    if (item.events.length === 0) {
      yield* flush();
      yield { kind: 'skip', refs: [ref], reason: 'the publish has no events', t: item.t, lastPos: item.pos };
      continue;
    }
    const channel = remapChannel(options.rules, item.channel);
    const problem = options.target.channelProblem(channel) ?? remappedProblem(channel, options.allowWildcard ?? false);
    if (problem !== undefined) {
      yield* flush();
      yield { kind: 'skip', refs: item.events.map(() => ref), reason: problem, t: item.t, lastPos: item.pos };
      continue;
    }
    // An item is never merged into an earlier one unless merging is on; its own events stay
    // together up to the limit (a recorded publish of three events stays one send).
    if (open && (!options.merge || open.channel !== channel || item.t - open.t > span)) yield* flush();
    for (const event of item.events) {
      const bytes = utf8Length(event);
      if (bytes > maxEventBytes) {
        yield* flush();
        yield {
          kind: 'skip',
          refs: [ref],
          reason: `event is ${bytes} bytes; the limit is ${maxEventBytes} bytes (240 KB)`,
          t: item.t,
          lastPos: item.pos,
        };
        continue;
      }
      if (open && (open.events.length >= max || open.bytes + bytes > maxSendBytes)) yield* flush();
      open ??= { channel, events: [], refs: [], bytes: 0, t: item.t, lastPos: item.pos };
      open.events.push(event);
      open.refs.push(ref);
      open.bytes += bytes;
      open.lastPos = item.pos;
    }
    if (!options.merge) yield* flush();
  }
  yield* flush();
}
