// An excerpt: the frames of a session that a filter matched, stored as a session of their
// own (derivedFrom the original, tagged `excerpt`), so that they can be exported, shared or
// replayed without the rest. Written like an import (import-stage.ts): hidden until its last
// transaction, removed again if anything fails; the original is only read.

import { StagedSession } from './import-stage.ts';
import { readFramesAt } from './frame-positions.ts';
import { sessionRange, type SessionsDb } from './schema.ts';
import { normalizeTags } from './session-ops.ts';
import type { ConnectionRecord, SessionRecord, StoredFrame } from './types.ts';

/** Positions read per transaction. */
const READ_BATCH = 2048;

export const EXCERPT_TAG = 'excerpt';

export interface ExcerptOptions {
  readonly name: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Stores the frames at `positions` (ascending) of `original` as a new session. Connection
 * records are those of the connections the excerpt has frames of, with their message and
 * byte counts recounted over the excerpt.
 */
export async function saveExcerpt(db: SessionsDb, original: SessionRecord, positions: readonly number[], options: ExcerptOptions): Promise<SessionRecord> {
  const staged = await StagedSession.begin(db, {
    name: options.name,
    ...(original.pageUrl !== undefined ? { pageUrl: original.pageUrl } : {}),
    ...(original.pageTitle !== undefined ? { pageTitle: original.pageTitle } : {}),
    ...(original.browser !== undefined ? { browser: original.browser } : {}),
    startedAt: original.startedAt,
    source: original.source,
    derivedFrom: original.id,
    tags: normalizeTags([...(original.tags ?? []), EXCERPT_TAG]),
    keepSecrets: original.keepSecrets,
  });
  try {
    const counts = new Map<string, { sent: number; received: number; bytesSent: number; bytesReceived: number }>();
    const count = (f: StoredFrame): void => {
      let c = counts.get(f.conn);
      if (!c) counts.set(f.conn, (c = { sent: 0, received: 0, bytesSent: 0, bytesReceived: 0 }));
      if (f.dir === 'send' || f.dir === 'http-request') {
        c.sent++;
        c.bytesSent += f.size;
      } else if (f.dir === 'receive' || f.dir === 'http-response') {
        c.received++;
        c.bytesReceived += f.size;
      }
    };
    for (let at = 0; at < positions.length; at += READ_BATCH) {
      options.signal?.throwIfAborted();
      const frames = await readFramesAt(db, original.id, positions.slice(at, at + READ_BATCH));
      for (const f of frames) {
        count(f);
        const { pos: _pos, ...draft } = f;
        await staged.add(draft);
      }
      options.onProgress?.(Math.min(positions.length, at + READ_BATCH), positions.length);
    }
    options.signal?.throwIfAborted();
    const connections: ConnectionRecord[] = [];
    for (const c of await db.getAll('connections', sessionRange(original.id))) {
      const n = counts.get(c.connId);
      if (n) connections.push({ ...c, ...n });
    }
    return await staged.commit(connections);
  } catch (e) {
    await staged.discard();
    throw e;
  }
}
