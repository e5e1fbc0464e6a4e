// Bundled by the e2e tests and evaluated in an extension page (same origin as the
// background's IndexedDB), so tests read stored sessions through the store's public API
// rather than its record layout.
import { isPageOf } from './page-match.ts';
import { listSessions, openSessionsDb, scanFrames, type SessionId } from '../../../src/sessions/index.ts';

async function storedEvents(pageUrl: string): Promise<string[]> {
  const db = await openSessionsDb();
  try {
    const sessions = (await listSessions(db)).filter((s) => isPageOf(s.pageUrl, pageUrl)).sort((a, b) => a.startedAt - b.startedAt);
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

/** The `data` and `publish` frames stored for `pageUrl`: type, text and frame flags. */
async function storedMessageFlags(pageUrl: string): Promise<Array<{ type: string; text: string; flags: number }>> {
  const db = await openSessionsDb();
  try {
    const out: Array<{ type: string; text: string; flags: number }> = [];
    for (const s of (await listSessions(db)).filter((x) => isPageOf(x.pageUrl, pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, { types: ['data', 'publish'] }, { batchSize: 1000 })) {
        for (const f of batch.frames) out.push({ type: f.type ?? '', text: f.text ?? '', flags: f.flags });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** HTTP publish requests stored for `pageUrl`: how they were seen and their bodies. */
async function storedHttp(pageUrl: string): Promise<Array<{ via?: string; body?: string; status?: number }>> {
  const db = await openSessionsDb();
  try {
    const out: Array<{ via?: string; body?: string; status?: number }> = [];
    for (const s of (await listSessions(db)).filter((x) => isPageOf(x.pageUrl, pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, { directions: ['http-request'] }, { batchSize: 1000 })) {
        for (const f of batch.frames) out.push({ via: f.extra?.via, body: f.text, status: f.extra?.status });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/**
 * For numbered test events (an event text starting with `{"n":<index>`): how many distinct
 * indices below `total` are stored, how many twice, and the first one missing.
 */
async function countNumbered(pageUrl: string, total: number): Promise<{ distinct: number; duplicates: number; firstMissing: number }> {
  const db = await openSessionsDb();
  try {
    const seen = new Uint8Array(total);
    let distinct = 0;
    let duplicates = 0;
    for (const s of (await listSessions(db)).filter((x) => isPageOf(x.pageUrl, pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, { types: ['data'] }, { batchSize: 2000 })) {
        for (const f of batch.frames) {
          const at = f.text?.indexOf('{\\"n\\":') ?? -1;
          if (at < 0) continue;
          const i = Number.parseInt(f.text!.slice(at + 7, at + 19), 10);
          if (!(i >= 0 && i < total)) continue;
          if (seen[i]) duplicates++;
          else {
            seen[i] = 1;
            distinct++;
          }
        }
      }
    }
    return { distinct, duplicates, firstMissing: seen.indexOf(0) };
  } finally {
    db.close();
  }
}

async function sessions(): Promise<Array<{ id: string; pageUrl: string; frameCount: number; state: string }>> {
  const db = await openSessionsDb();
  try {
    return (await listSessions(db)).map((s) => ({ id: s.id, pageUrl: s.pageUrl, frameCount: s.frameCount, state: s.state }));
  } finally {
    db.close();
  }
}

(globalThis as unknown as { __idbReader: unknown }).__idbReader = { storedEvents, storedMessageFlags, storedHttp, countNumbered, sessions };
