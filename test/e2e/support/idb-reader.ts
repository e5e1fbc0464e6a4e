// Bundled by the e2e tests and evaluated in an extension page (same origin as the
// background's IndexedDB), so tests read stored sessions through the store's public API
// rather than its record layout.
import { listSessions, openSessionsDb, scanFrames, type SessionId } from '../../../src/sessions/index.ts';

async function storedEvents(pageUrl: string): Promise<string[]> {
  const db = await openSessionsDb();
  try {
    const sessions = (await listSessions(db)).filter((s) => s.pageUrl.startsWith(pageUrl)).sort((a, b) => a.startedAt - b.startedAt);
    const events: string[] = [];
    for (const s of sessions) {
      for await (const batch of scanFrames(db, s.id as SessionId, { types: ['data'] }, { batchSize: 1000 })) {
        for (const f of batch.frames) if (f.text) events.push((JSON.parse(f.text) as { event: string }).event);
      }
    }
    return events;
  } finally {
    db.close();
  }
}

/** HTTP publish requests stored for `pageUrl`: how they were seen and their bodies. */
async function storedHttp(pageUrl: string): Promise<Array<{ via?: string; body?: string; status?: number }>> {
  const db = await openSessionsDb();
  try {
    const out: Array<{ via?: string; body?: string; status?: number }> = [];
    for (const s of (await listSessions(db)).filter((x) => x.pageUrl.startsWith(pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, { directions: ['http-request'] }, { batchSize: 1000 })) {
        for (const f of batch.frames) out.push({ via: f.extra?.via, body: f.text, status: f.extra?.status });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

(globalThis as unknown as { __idbReader: unknown }).__idbReader = { storedEvents, storedHttp };
