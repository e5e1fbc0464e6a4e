// One IndexedDB session per recording tab, written by the sessions store. The tab → session
// mapping is kept where a restarted background finds it (the extension keeps it in
// storage.session), so a worker stopped mid-stream continues the same session and the
// resent batches are de-duplicated against that session's stored high-water marks.
// Pure: the browser-specific parts (that storage, tab lookup) are injected.

import type { CaptureRecord } from '../capture/records.ts';
import { redactRecord } from '../capture/redact.ts';
import { classifyFrame } from '../protocol/decode.ts';
import type { SocketSighting } from './socket-sightings.ts';
import {
  createRecorder,
  createSession,
  getSession,
  listSessions,
  redactPageUrl,
  updateSession,
  type AppendResult,
  type Recorder as SessionWriter,
  type SessionId,
  type SessionsDb,
} from '../sessions/index.ts';
import { enforceRetention } from '../sessions/retention.ts';
import { sessionRange } from '../sessions/schema.ts';
import { StorageFullError } from '../sessions/quota.ts';

export interface StoredBatch {
  readonly sessionId: string;
  /** Records stored for the session so far. */
  readonly stored: number;
  /** The batch's records as stored (redacted unless the session keeps secrets, no duplicates). */
  readonly records: readonly CaptureRecord[];
  /**
   * Of `records`, the received frames the recorder classified as a publish answer
   * (publish_success, publish_error, error), in order: what a panel that reads the session
   * itself still wants live (see live-feed.ts).
   */
  readonly answers?: readonly CaptureRecord[];
  /** Something the user should know that is not a failure (old sessions evicted). */
  readonly notice?: string;
  /** Records of the batch that `keep` passed over (see the sessions recorder's append). */
  readonly passed?: number;
}

/** What the router needs of the recorder. */
export interface TabRecorder {
  /** Resolves once the records are durably stored; only then is the batch acknowledged. */
  append(tabId: number, records: readonly CaptureRecord[], keep?: (record: CaptureRecord) => boolean): Promise<StoredBatch>;
  /** Starts a new session for the tab (a page load without "Preserve log", or "Clear"). */
  rollSession(tabId: number, reason: 'navigation' | 'clear'): Promise<void>;
  /**
   * The last committed seq of each of `socketIds` in the tab's session (absent: none), for
   * the seq guard of a resumed link (src/messaging/seq-guard.ts).
   */
  committedSeqs?(tabId: number, socketIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * The WebSockets the tab's session holds (captured, or noticed from their handshake), by
   * URL and creation time: what a restarted background no longer remembers.
   */
  storedSockets?(tabId: number): Promise<readonly SocketSighting[]>;
}

export interface SessionMapping {
  get(tabId: number): Promise<SessionId | undefined>;
  set(tabId: number, sessionId: SessionId): Promise<void>;
  remove(tabId: number): Promise<void>;
  /** Every session some tab maps to. */
  mapped(): Promise<ReadonlySet<string>>;
}

export interface TabRecorderDeps {
  /** Opened once, on first use. */
  openDb(): Promise<SessionsDb>;
  /** Must be emptied when the browser exits (see finishOrphans). */
  readonly mapping: SessionMapping;
  tabInfo(tabId: number): Promise<{ readonly url: string; readonly title: string } | undefined>;
  readonly browserName: string;
  readonly now?: () => number;
}

interface TabRecording {
  readonly sessionId: SessionId;
  readonly writer: SessionWriter;
  stored: number;
  /** When it was last checked that the user has not deleted the session. */
  checkedAt: number;
}

/** How often, at most, the recorder looks whether its session was deleted (one read each). */
const DELETION_CHECK_MS = 1_000;

/** Frame types that answer a publish (what replay's ack watch waits for). */
const ANSWER_TYPES: ReadonlySet<string> = new Set(['publish_success', 'publish_error', 'error']);

/** Answer texts classified and not yet matched to a stored record; a bound against leaks. */
const MAX_ANSWER_TEXTS = 1_000;

/** Retention is checked again after this many bytes were recorded. */
const RETENTION_EVERY_BYTES = 32 * 1024 * 1024;

export function createTabRecorder(deps: TabRecorderDeps): TabRecorder & { db(): Promise<SessionsDb> } {
  const now = deps.now ?? Date.now;
  let dbPromise: Promise<SessionsDb> | null = null;
  const db = () =>
    (dbPromise ??= deps.openDb().then(async (database) => {
      await finishOrphans(database).catch(() => undefined);
      return database;
    }));
  const tabs = new Map<number, Promise<TabRecording>>();
  let bytesSinceRetention = 0;
  // Each frame is classified once, where it is stored; the live feed learns which records
  // are publish answers from that classification instead of searching every text again.
  // Texts are counted, not kept per batch, because the sessions recorder may classify
  // several queued batches before the first resolves; a text classified for a write that
  // then failed is classified again on the retry, and a stale count can only mark an equal
  // text, which is an answer too.
  const answerTexts = new Map<string, number>();
  const classify = (text: string) => {
    const c = classifyFrame(text);
    if (c.type !== undefined && ANSWER_TYPES.has(c.type)) {
      if (answerTexts.size >= MAX_ANSWER_TEXTS) answerTexts.clear();
      answerTexts.set(text, (answerTexts.get(text) ?? 0) + 1);
    }
    return c;
  };
  /** The stored records that were classified as answers; free while there are none. */
  function takeAnswers(records: readonly CaptureRecord[]): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    if (answerTexts.size === 0) return out;
    for (const r of records) {
      if (r.kind !== 'ws-receive' || typeof r.data !== 'string') continue;
      const n = answerTexts.get(r.data);
      if (n === undefined) continue;
      if (n > 1) answerTexts.set(r.data, n - 1);
      else answerTexts.delete(r.data);
      out.push(r);
      if (answerTexts.size === 0) break;
    }
    return out;
  }

  /** Evicts old sessions beyond the budget, never one being recorded; returns the notice text. */
  async function keepWithinBudget(): Promise<{ message: string; freed: number }> {
    bytesSinceRetention = 0;
    const active = await Promise.all([...tabs.values()].map((t) => t.then((r) => r.sessionId, () => null)));
    const notice = await enforceRetention(await db(), { protect: active.filter((id): id is SessionId => id !== null) });
    return { message: notice.message, freed: notice.freedBytes };
  }

  // The mapping is emptied when the browser exits, so a session still marked as recording
  // that no tab maps to was cut short by a browser restart or crash: close it.
  async function finishOrphans(database: SessionsDb): Promise<void> {
    const mapped = await deps.mapping.mapped();
    for (const s of await listSessions(database)) {
      if (s.state !== 'recording' || s.source !== 'live' || mapped.has(s.id)) continue;
      await updateSession(database, s.id, (cur) => ({ ...cur, state: 'complete', endedAt: cur.endedAt ?? cur.startedAt })).catch(() => undefined);
    }
  }

  async function open(tabId: number): Promise<TabRecording> {
    const database = await db();
    const saved = await deps.mapping.get(tabId);
    let session = saved ? await getSession(database, saved) : undefined;
    if (!session || session.state !== 'recording' || session.deletedAt !== undefined) {
      const tab = await deps.tabInfo(tabId).catch(() => undefined);
      const url = tab?.url ?? '';
      const startedAt = now();
      session = await createSession(database, {
        name: sessionName(url, startedAt),
        // A new session keeps no secrets, and a page's query may carry a key or a token.
        pageUrl: redactPageUrl(redactRecord, url),
        pageTitle: tab?.title ?? '',
        browser: deps.browserName,
        startedAt,
        source: 'live',
      });
      await deps.mapping.set(tabId, session.id);
    }
    const writer = await createRecorder(database, { sessionId: session.id, classify, redact: redactRecord });
    return { sessionId: session.id, writer, stored: session.frameCount, checkedAt: now() };
  }

  function recording(tabId: number): Promise<TabRecording> {
    let r = tabs.get(tabId);
    if (!r) {
      r = open(tabId);
      tabs.set(tabId, r);
      r.catch(() => tabs.delete(tabId));
    }
    return r;
  }

  async function roll(tabId: number): Promise<void> {
    const current = tabs.get(tabId);
    tabs.delete(tabId);
    await deps.mapping.remove(tabId);
    if (current) await (await current).writer.finish().catch(() => undefined);
    await keepWithinBudget().catch(() => undefined);
  }

  async function write(rec: TabRecording, records: readonly CaptureRecord[], keep?: (record: CaptureRecord) => boolean): Promise<{ result: AppendResult; notice?: string }> {
    // After "storage full" every new batch tries again; a failed write changes nothing.
    if (rec.writer.state.status === 'paused') rec.writer.resume();
    try {
      return { result: await rec.writer.append(records, keep) };
    } catch (error) {
      if (!(error instanceof StorageFullError)) throw error;
      const freed = await keepWithinBudget();
      if (freed.freed === 0) throw error;
      rec.writer.resume();
      return { result: await rec.writer.append(records, keep), notice: freed.message };
    }
  }

  return {
    db,
    async committedSeqs(tabId, socketIds) {
      // The marks store is written in the same transaction as the frames, so what it holds
      // is exactly what was committed.
      const rec = await recording(tabId);
      const database = await db();
      const out = new Map<string, number>();
      const tx = database.transaction('marks', 'readonly');
      await Promise.all(
        socketIds.map(async (id) => {
          const mark = await tx.store.get([rec.sessionId, id]);
          if (mark) out.set(id, mark.seq);
        }),
      );
      return out;
    },
    async storedSockets(tabId) {
      const rec = await recording(tabId);
      const conns = await (await db()).getAll('connections', sessionRange(rec.sessionId));
      return conns.flatMap((c) => (c.kind === 'websocket' && c.createdAt !== undefined ? [{ url: c.url, startedAt: c.createdAt }] : []));
    },
    async append(tabId, records, keep) {
      let rec = await recording(tabId);
      // The user deleted the session being recorded: keep recording, into a new one. Checked
      // at most once a second rather than with an extra read per batch.
      if (now() - rec.checkedAt > DELETION_CHECK_MS) {
        rec.checkedAt = now();
        const current = await getSession(await db(), rec.sessionId);
        if (!current || current.deletedAt !== undefined) {
          await roll(tabId);
          rec = await recording(tabId);
        }
      }
      const written = await write(rec, records, keep);
      let notice = written.notice;
      rec.stored += written.result.stored;
      for (const r of written.result.records) bytesSinceRetention += r.kind === 'ws-send' || r.kind === 'ws-receive' ? r.size : 256;
      if (bytesSinceRetention > RETENTION_EVERY_BYTES) {
        const kept = await keepWithinBudget();
        if (kept.message) notice = kept.message;
      }
      const answers = takeAnswers(written.result.records);
      return { sessionId: rec.sessionId, stored: rec.stored, records: written.result.records, answers, passed: written.result.passed, ...(notice ? { notice } : {}) };
    },
    rollSession: (tabId) => roll(tabId),
  };
}

/** `app.example.com · Dec 3, 09:21:31`: short enough to read in a list. */
function sessionName(url: string, startedAt: number): string {
  const when = new Date(startedAt).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${hostOf(url) || 'Capture'} · ${when}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
