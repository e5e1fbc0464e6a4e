// Bundled by the replay e2e test and evaluated in an extension page (the IndexedDB's origin):
// a result session as stored, read through the sessions store's public API.
import { getSession, listSessions, openSessionsDb, scanFrames, type SessionId } from '../../../src/sessions/index.ts';

export interface StoredResult {
  readonly id: string;
  readonly source: string;
  readonly state: string;
  readonly derivedFrom?: string;
  readonly tags: readonly string[];
  readonly pageUrl: string;
  /** Events of the publishes the session holds (HTTP requests and WebSocket publish frames). */
  readonly publishedEvents: number;
  /** The stored frames mention `secret` (the test's API key). */
  readonly secretsSeen: boolean;
}

async function session(arg: string): Promise<StoredResult | null> {
  const [id, secret] = arg.split('\n') as [string, string | undefined];
  const db = await openSessionsDb();
  try {
    const s = await getSession(db, id as SessionId);
    if (!s) return null;
    let publishedEvents = 0;
    let secretsSeen = false;
    for await (const batch of scanFrames(db, s.id, {}, { batchSize: 500 })) {
      for (const f of batch.frames) {
        if (secret && JSON.stringify(f).includes(secret)) secretsSeen = true;
        if (f.dir !== 'http-request' && f.dir !== 'send') continue;
        if (f.dir === 'send' && f.type !== 'publish') continue;
        const events = (JSON.parse(f.text ?? '{}') as { events?: unknown[] }).events;
        publishedEvents += Array.isArray(events) ? events.length : 0;
      }
    }
    return { id: s.id, source: s.source, state: s.state, ...(s.derivedFrom ? { derivedFrom: s.derivedFrom } : {}), tags: s.tags, pageUrl: s.pageUrl, publishedEvents, secretsSeen };
  } finally {
    db.close();
  }
}

/** Sessions whose page URL contains `part`, oldest first. */
async function find(part: string): Promise<Array<{ id: string; frameCount: number; source: string; state: string }>> {
  const db = await openSessionsDb();
  try {
    return (await listSessions(db))
      .filter((s) => s.pageUrl.includes(part))
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((s) => ({ id: s.id, frameCount: s.frameCount, source: s.source, state: s.state }));
  } finally {
    db.close();
  }
}

/** Position, direction and connection of each frame of a session. */
async function frames(id: string): Promise<string[]> {
  const db = await openSessionsDb();
  try {
    const out: string[] = [];
    const s = await getSession(db, id as SessionId);
    out.push(`frameCount ${s?.frameCount}`);
    for await (const batch of scanFrames(db, id as SessionId, {}, { batchSize: 500 })) for (const f of batch.frames) out.push(`${f.pos} ${f.dir} ${f.conn}`);
    return out;
  } finally {
    db.close();
  }
}

(globalThis as unknown as { __replayReader: unknown }).__replayReader = { session, find, frames };
