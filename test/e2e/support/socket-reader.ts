// Bundled by the worker-socket e2e and evaluated in an extension page: the `connecting`
// frames stored for a page's sessions, with the mark of sockets the hook did not capture,
// read through src/sessions' public API.
import { isPageOf } from './page-match.ts';
import { listSessions, openSessionsDb, scanFrames, type SessionId } from '../../../src/sessions/index.ts';

export interface StoredSocket {
  readonly sock: string;
  readonly via?: string;
  readonly url?: string;
}

async function storedSockets(pageUrl: string): Promise<StoredSocket[]> {
  const db = await openSessionsDb();
  try {
    const out: StoredSocket[] = [];
    for (const s of (await listSessions(db)).filter((x) => isPageOf(x.pageUrl, pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, { directions: ['connecting'] }, { batchSize: 1000 })) {
        for (const f of batch.frames) out.push({ sock: f.sock, ...(f.extra?.via ? { via: f.extra.via } : {}), ...(f.extra?.url ? { url: f.extra.url } : {}) });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

/** Direction and message type of every stored frame of one socket, in order. */
async function socketFrames(pageUrl: string, sock: string): Promise<string[]> {
  const db = await openSessionsDb();
  try {
    const out: string[] = [];
    for (const s of (await listSessions(db)).filter((x) => isPageOf(x.pageUrl, pageUrl))) {
      for await (const batch of scanFrames(db, s.id as SessionId, {}, { batchSize: 1000 })) {
        for (const f of batch.frames) if (f.sock === sock) out.push(f.type ? `${f.dir} ${f.type}` : f.dir);
      }
    }
    return out;
  } finally {
    db.close();
  }
}

(globalThis as unknown as { __socketReader: unknown }).__socketReader = { storedSockets, socketFrames };
