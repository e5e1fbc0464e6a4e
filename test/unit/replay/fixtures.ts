// Helpers of the replay tests: a stored session written through the real recorder on a
// fake IndexedDB, item factories, and scripted targets.

import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import { createRecorder, createSession, type SessionRecord, type SessionsDb } from '../../../src/sessions/index.ts';
import type { ReplayItem, ReplaySend, ReplayTarget, SendOutcome } from '../../../src/replay/index.ts';
import { freshDb } from '../sessions/helpers.ts';

export { freshDb, SocketScript, SECRET } from '../sessions/helpers.ts';

export async function storedSession(records: readonly CaptureRecord[], db?: SessionsDb): Promise<{ db: SessionsDb; session: SessionRecord }> {
  const database = db ?? (await freshDb());
  const session = await createSession(database, { name: 'original', pageUrl: 'https://app.test/' });
  const rec = await createRecorder(database, {
    sessionId: session.id,
    classify: classifyFrame,
    redact: redactRecord,
    chunkLimits: { maxFrames: 16, maxBytes: 1 << 20 },
  });
  await rec.append(records);
  return { db: database, session: await rec.finish() };
}

export function item(pos: number, t: number, channel: string, events: readonly string[], source: ReplayItem['source'] = 'received'): ReplayItem {
  return { pos, t, source, channel, events };
}

export async function* iterate<T>(xs: Iterable<T>): AsyncGenerator<T> {
  for (const x of xs) yield x;
}

export async function collect<T>(xs: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of xs) out.push(x);
  return out;
}

/** A publish target that records every send with the clock time and answers as told. */
export function scriptedTarget(
  now: () => number,
  answer: (send: ReplaySend, attempt: number) => SendOutcome | Promise<SendOutcome> = () => ({ status: 'acknowledged' }),
  extra: Partial<ReplayTarget> = {},
): ReplayTarget & { readonly log: { at: number; send: ReplaySend }[] } {
  const log: { at: number; send: ReplaySend }[] = [];
  const attempts = new Map<number, number>();
  return {
    kind: 'endpoint',
    maxEventsPerSend: 5,
    maxSendsPerSecond: 25,
    channelProblem: () => undefined,
    ...extra,
    log,
    send(send) {
      log.push({ at: now(), send });
      const n = attempts.get(send.seq) ?? 0;
      attempts.set(send.seq, n + 1);
      return Promise.resolve(answer(send, n));
    },
  };
}
